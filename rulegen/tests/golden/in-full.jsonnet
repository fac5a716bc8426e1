// The same spec as in-full.yaml, produced by Jsonnet: the YAML is the
// reference, this file proves `.jsonnet` evaluates to the same typed spec.
local job(name, exposes, targets) = { name: name, exposes: exposes, targets: targets };
local base = std.parseYaml(importstr 'in-full.yaml');
base {
  scrape_jobs: [
    job('dwcp-exporter', ['dwcp-exporter', 'process'], ['127.0.0.1:9470', '127.0.0.1:19470'])
    + { criticality: 'critical', labels: { site: 'lab' } },
    base.scrape_jobs[1],
  ],
}
