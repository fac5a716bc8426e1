//! The typed monitoring spec: what `configs/monitoring.yaml` means.

use std::collections::BTreeMap;

use crate::decode::{Dur, Sp};
use crate::diag::Pos;
use crate::sla::Sla;

/// The whole spec after loading and decoding.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// Global Prometheus settings.
    pub global: Global,
    /// Scrape interval of each criticality class.
    pub criticality: BTreeMap<String, Dur>,
    /// External metric catalogs (files relative to the spec).
    pub catalogs: Vec<Sp<String>>,
    /// Alertmanager targets Prometheus sends alerts to.
    pub alertmanagers: Vec<Sp<String>>,
    /// Scrape jobs.
    pub jobs: Vec<Job>,
    /// Optional federation job.
    pub federation: Option<Federation>,
    /// Optional remote write endpoints.
    pub remote_write: Vec<RemoteWrite>,
    /// Recording rule groups.
    pub recording: Vec<Group<Record>>,
    /// Alerting rule groups.
    pub alerts: Vec<Group<Alert>>,
    /// Alertmanager routing.
    pub routing: Option<Routing>,
    /// SLA exporter probes.
    pub sla: Option<Sla>,
    /// PromQL expressions found under `dashboards:` (validated, not emitted).
    pub dashboard_exprs: Vec<Sp<String>>,
}

/// `global:`.
#[derive(Debug, Clone)]
pub struct Global {
    /// Default scrape interval.
    pub scrape_interval: Dur,
    /// Default scrape timeout.
    pub scrape_timeout: Option<Dur>,
    /// Rule evaluation interval.
    pub evaluation_interval: Dur,
    /// Labels added to every series and alert leaving this Prometheus.
    pub external_labels: BTreeMap<String, Sp<String>>,
}

impl Default for Global {
    fn default() -> Self {
        Global {
            scrape_interval: Dur(15_000),
            scrape_timeout: None,
            evaluation_interval: Dur(15_000),
            external_labels: BTreeMap::new(),
        }
    }
}

/// One scrape job.
#[derive(Debug, Clone)]
pub struct Job {
    /// `job` label value.
    pub name: Sp<String>,
    /// Metric catalogs the targets expose (program names or external catalog names).
    pub exposes: Vec<Sp<String>>,
    /// Criticality class (`critical`, `high`, `normal`).
    pub criticality: Option<Sp<String>>,
    /// Explicit interval, overriding the criticality class.
    pub interval: Option<Sp<Dur>>,
    /// Scrape timeout.
    pub timeout: Option<Sp<Dur>>,
    /// Path of the metrics endpoint.
    pub metrics_path: Option<String>,
    /// `http` or `https`.
    pub scheme: Option<String>,
    /// `host:port` targets.
    pub targets: Vec<Sp<String>>,
    /// Static labels on every target.
    pub labels: BTreeMap<String, Sp<String>>,
    /// Where the job was declared.
    pub pos: Pos,
}

/// A federation job scraping `/federate` of other Prometheus servers.
#[derive(Debug, Clone)]
pub struct Federation {
    /// Job name.
    pub name: String,
    /// Prometheus servers to federate from.
    pub targets: Vec<Sp<String>>,
    /// `match[]` selectors.
    pub matches: Vec<Sp<String>>,
    /// Scrape interval.
    pub interval: Option<Dur>,
}

/// A remote write endpoint.
#[derive(Debug, Clone)]
pub struct RemoteWrite {
    /// Name shown in Prometheus metrics.
    pub name: Option<String>,
    /// Endpoint URL.
    pub url: Sp<String>,
    /// Bearer token file (never the token itself).
    pub bearer_token_file: Option<String>,
    /// Only series whose name matches this regex are sent.
    pub keep_metrics: Option<String>,
}

/// A rule group.
#[derive(Debug, Clone)]
pub struct Group<R> {
    /// Group name (also the output file name).
    pub name: Sp<String>,
    /// Evaluation interval override.
    pub interval: Option<Dur>,
    /// The rules.
    pub rules: Vec<R>,
}

/// A PromQL expression as written in the spec.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The PromQL text (compiled from a threshold when `threshold` was used).
    pub text: String,
    /// Where the text came from: the node of the PromQL string in the spec.
    pub origin: Sp<String>,
    /// Byte offset of `origin` inside `text` (0 unless compiled from a threshold).
    pub offset: usize,
}

/// A recording rule.
#[derive(Debug, Clone)]
pub struct Record {
    /// Output series name.
    pub record: Sp<String>,
    /// Expression.
    pub expr: Expr,
    /// Static labels.
    pub labels: BTreeMap<String, Sp<String>>,
}

/// Alert severities.
pub const SEVERITIES: &[&str] = &["critical", "warning", "info"];

/// An alerting rule.
#[derive(Debug, Clone)]
pub struct Alert {
    /// Alert name (CamelCase).
    pub name: Sp<String>,
    /// Expression.
    pub expr: Expr,
    /// Whether the expression came from a structured threshold.
    pub from_threshold: bool,
    /// Pending duration.
    pub for_: Option<Sp<Dur>>,
    /// `critical`, `warning` or `info`.
    pub severity: Sp<String>,
    /// Component label.
    pub component: Sp<String>,
    /// Owning team label.
    pub team: Option<Sp<String>>,
    /// One-line summary (template).
    pub summary: Option<Sp<String>>,
    /// Longer description (template).
    pub description: Option<Sp<String>>,
    /// Runbook URL.
    pub runbook: Option<Sp<String>>,
    /// Extra labels.
    pub labels: BTreeMap<String, Sp<String>>,
    /// Unit test cases.
    pub tests: Vec<TestCase>,
    /// Where the alert was declared.
    pub pos: Pos,
}

impl Alert {
    /// Every static label the rule attaches (severity, component, team, extras).
    pub fn all_labels(&self) -> BTreeMap<String, String> {
        let mut m: BTreeMap<String, String> = self
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.val.clone()))
            .collect();
        m.insert("severity".into(), self.severity.val.clone());
        m.insert("component".into(), self.component.val.clone());
        if let Some(t) = &self.team {
            m.insert("team".into(), t.val.clone());
        }
        m
    }

    /// Annotation templates (summary, description, runbook_url).
    pub fn annotations(&self) -> BTreeMap<String, Sp<String>> {
        let mut m = BTreeMap::new();
        if let Some(s) = &self.summary {
            m.insert("summary".to_string(), s.clone());
        }
        if let Some(s) = &self.description {
            m.insert("description".to_string(), s.clone());
        }
        if let Some(s) = &self.runbook {
            m.insert("runbook_url".to_string(), s.clone());
        }
        m
    }
}

/// One input series of a unit test.
#[derive(Debug, Clone)]
pub struct InputSeries {
    /// Series in PromQL selector notation.
    pub series: Sp<String>,
    /// Values in promtool's expanding notation (`0+1x10`).
    pub values: Sp<String>,
}

/// One expected alert.
#[derive(Debug, Clone)]
pub struct ExpectedAlert {
    /// Labels from the expression result (the rule's own labels are added).
    pub labels: BTreeMap<String, Sp<String>>,
    /// Value used to render `$value` in annotations.
    pub value: Option<f64>,
    /// Severity of the sibling alert (same name) this entry expects; default: this alert.
    pub severity: Option<Sp<String>>,
    /// Explicit annotations, replacing the rendered ones.
    pub annotations: Option<BTreeMap<String, Sp<String>>>,
    /// Where it was written.
    pub pos: Pos,
}

/// A unit test case of an alert.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Sample interval of the input series.
    pub interval: Dur,
    /// Input series.
    pub series: Vec<InputSeries>,
    /// Evaluation time.
    pub at: Sp<Dur>,
    /// Alerts expected to fire at `at` (empty: none).
    pub expect: Vec<ExpectedAlert>,
    /// Where the case was written.
    pub pos: Pos,
}

/// Receiver integrations (Alertmanager kinds; SMS goes through a webhook gateway).
#[derive(Debug, Clone)]
pub enum Integration {
    /// `email_configs`.
    Email {
        /// Recipient.
        to: String,
    },
    /// `slack_configs`.
    Slack {
        /// Channel, e.g. `#alerts`.
        channel: String,
        /// File holding the webhook URL.
        api_url_file: String,
    },
    /// `pagerduty_configs`.
    PagerDuty {
        /// File holding the Events API v2 routing key.
        routing_key_file: String,
    },
    /// `webhook_configs`.
    Webhook {
        /// URL without credentials.
        url: Sp<String>,
        /// File with a bearer token.
        credentials_file: Option<String>,
    },
    /// An SMS gateway reached through `webhook_configs`.
    Sms {
        /// Gateway URL without credentials.
        url: Sp<String>,
        /// File with a bearer token.
        credentials_file: Option<String>,
    },
}

/// A named receiver.
#[derive(Debug, Clone)]
pub struct Receiver {
    /// Name routes refer to.
    pub name: Sp<String>,
    /// Its integrations, in spec order.
    pub integrations: Vec<Integration>,
    /// Whether resolved notifications are sent.
    pub send_resolved: bool,
}

/// A routing tree node.
#[derive(Debug, Clone, Default)]
pub struct Route {
    /// Receiver name.
    pub receiver: Option<Sp<String>>,
    /// Equality matchers.
    pub matchers: BTreeMap<String, Sp<String>>,
    /// Regex matchers.
    pub matchers_re: BTreeMap<String, Sp<String>>,
    /// Labels to group by.
    pub group_by: Vec<Sp<String>>,
    /// `group_wait`.
    pub group_wait: Option<Dur>,
    /// `group_interval`.
    pub group_interval: Option<Dur>,
    /// `repeat_interval`.
    pub repeat_interval: Option<Dur>,
    /// Keep matching siblings after this route.
    pub continue_: bool,
    /// Child routes.
    pub routes: Vec<Route>,
    /// Where the route was written.
    pub pos: Pos,
}

/// An inhibition rule.
#[derive(Debug, Clone)]
pub struct Inhibit {
    /// Matchers of the alert that inhibits.
    pub source: BTreeMap<String, Sp<String>>,
    /// Matchers of the alerts that are silenced.
    pub target: BTreeMap<String, Sp<String>>,
    /// Labels that must be equal on both.
    pub equal: Vec<Sp<String>>,
}

/// SMTP settings for email receivers.
#[derive(Debug, Clone)]
pub struct Smtp {
    /// `host:port`.
    pub smarthost: String,
    /// Sender address.
    pub from: String,
    /// Auth user, if any.
    pub auth_username: Option<String>,
    /// File with the password.
    pub auth_password_file: Option<String>,
    /// Whether STARTTLS is required.
    pub require_tls: bool,
}

/// `routing:`.
#[derive(Debug, Clone)]
pub struct Routing {
    /// `resolve_timeout`.
    pub resolve_timeout: Option<Dur>,
    /// SMTP settings.
    pub smtp: Option<Smtp>,
    /// Receivers.
    pub receivers: Vec<Receiver>,
    /// Root route.
    pub route: Route,
    /// Inhibition rules.
    pub inhibit: Vec<Inhibit>,
}
