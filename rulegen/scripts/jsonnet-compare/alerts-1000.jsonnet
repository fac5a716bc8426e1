local alert(i) = {
  alert: 'GeneratedAlert%d' % i,
  expr: 'sum by (job) (rate(dwcp_amst_stream_errors_total{error_type="e%d"}[1m])) > %d' % [i, i],
  'for': '5m', severity: 'warning', component: 'dwcp',
  summary: 'alert %d' % i, description: 'rate {{ $value }}',
  tests: [{ series: [{ series: 'dwcp_amst_stream_errors_total{job="dwcp-exporter",error_type="e%d"}' % i, values: '0+60x10' }], at: '10m', expect: [] }],
};
{
  version: 1,
  scrape_jobs: [{ name: 'dwcp-exporter', exposes: ['dwcp-exporter'], criticality: 'critical', targets: ['127.0.0.1:9470'] }],
  alerts: [{ group: 'gen-%d' % g, rules: [alert(i) for i in std.range(g * 100, std.min(g * 100 + 99, 999))] } for g in std.range(0, 9)],
}
