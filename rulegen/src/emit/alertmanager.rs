//! `alertmanager/alertmanager.yml`: receivers, the routing tree and
//! inhibition rules. Secrets are only ever referenced through `*_file` fields.

use std::collections::BTreeMap;

use crate::decode::Sp;
use crate::emit::yaml::Y;
use crate::model::{Integration, Receiver, Route, Routing};

/// Quotes a matcher value the way Alertmanager parses it.
fn matcher(name: &str, op: &str, value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("{name}{op}\"{escaped}\"")
}

fn matchers(eq: &BTreeMap<String, Sp<String>>, re: &BTreeMap<String, Sp<String>>) -> Vec<String> {
    let mut out: Vec<String> = eq.iter().map(|(k, v)| matcher(k, "=", &v.val)).collect();
    out.extend(re.iter().map(|(k, v)| matcher(k, "=~", &v.val)));
    out
}

fn route(r: &Route, root: bool) -> Y {
    let mut m = Y::map();
    if let Some(rc) = &r.receiver {
        m.put("receiver", Y::s(&rc.val));
    }
    let ms = matchers(&r.matchers, &r.matchers_re);
    if !ms.is_empty() {
        m.put("matchers", Y::strs(ms));
    }
    if !r.group_by.is_empty() {
        m.put(
            "group_by",
            Y::strs(r.group_by.iter().map(|g| g.val.clone())),
        );
    }
    if let Some(d) = r.group_wait {
        m.put("group_wait", Y::s(d.to_string()));
    }
    if let Some(d) = r.group_interval {
        m.put("group_interval", Y::s(d.to_string()));
    }
    if let Some(d) = r.repeat_interval {
        m.put("repeat_interval", Y::s(d.to_string()));
    }
    if r.continue_ && !root {
        m.put("continue", Y::Bool(true));
    }
    if !r.routes.is_empty() {
        m.put(
            "routes",
            Y::Seq(r.routes.iter().map(|c| route(c, false)).collect()),
        );
    }
    m
}

fn receiver(r: &Receiver) -> Y {
    let mut m = Y::map().with("name", Y::s(&r.name.val));
    let sr = Y::Bool(r.send_resolved);
    let mut email = Vec::new();
    let mut slack = Vec::new();
    let mut pd = Vec::new();
    let mut hooks = Vec::new();
    for i in &r.integrations {
        match i {
            Integration::Email { to } => email.push(
                Y::map()
                    .with("to", Y::s(to))
                    .with("send_resolved", sr.clone()),
            ),
            Integration::Slack {
                channel,
                api_url_file,
            } => slack.push(
                Y::map()
                    .with("api_url_file", Y::s(api_url_file))
                    .with("channel", Y::s(channel))
                    .with("send_resolved", sr.clone())
                    .with(
                        "title",
                        Y::s("[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}"),
                    )
                    .with(
                        "text",
                        Y::s("{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}"),
                    ),
            ),
            Integration::PagerDuty { routing_key_file } => pd.push(
                Y::map()
                    .with("routing_key_file", Y::s(routing_key_file))
                    .with("send_resolved", sr.clone()),
            ),
            Integration::Webhook {
                url,
                credentials_file,
            }
            | Integration::Sms {
                url,
                credentials_file,
            } => {
                let mut h = Y::map()
                    .with("url", Y::s(&url.val))
                    .with("send_resolved", sr.clone());
                if let Some(f) = credentials_file {
                    h.put(
                        "http_config",
                        Y::map().with("authorization", Y::map().with("credentials_file", Y::s(f))),
                    );
                }
                hooks.push(h);
            }
        }
    }
    for (k, v) in [
        ("email_configs", email),
        ("slack_configs", slack),
        ("pagerduty_configs", pd),
        ("webhook_configs", hooks),
    ] {
        if !v.is_empty() {
            m.put(k, Y::Seq(v));
        }
    }
    m
}

/// The Alertmanager configuration document.
pub fn config(r: &Routing) -> Y {
    let mut global = Y::map();
    if let Some(t) = r.resolve_timeout {
        global.put("resolve_timeout", Y::s(t.to_string()));
    }
    if let Some(s) = &r.smtp {
        global.put("smtp_smarthost", Y::s(&s.smarthost));
        global.put("smtp_from", Y::s(&s.from));
        if let Some(u) = &s.auth_username {
            global.put("smtp_auth_username", Y::s(u));
        }
        if let Some(f) = &s.auth_password_file {
            global.put("smtp_auth_password_file", Y::s(f));
        }
        global.put("smtp_require_tls", Y::Bool(s.require_tls));
    }
    let mut doc = Y::map()
        .with("global", global)
        .with("route", route(&r.route, true));
    if !r.inhibit.is_empty() {
        doc.put(
            "inhibit_rules",
            Y::Seq(
                r.inhibit
                    .iter()
                    .map(|i| {
                        let mut m = Y::map()
                            .with(
                                "source_matchers",
                                Y::strs(matchers(&i.source, &BTreeMap::new())),
                            )
                            .with(
                                "target_matchers",
                                Y::strs(matchers(&i.target, &BTreeMap::new())),
                            );
                        if !i.equal.is_empty() {
                            m.put("equal", Y::strs(i.equal.iter().map(|e| e.val.clone())));
                        }
                        m
                    })
                    .collect(),
            ),
        );
    }
    doc.put(
        "receivers",
        Y::Seq(r.receivers.iter().map(receiver).collect()),
    );
    doc
}

/// Every receiver an alert with `labels` reaches, in routing order (what
/// `amtool config routes test` prints).
pub fn receivers_for(r: &Routing, labels: &BTreeMap<String, String>) -> Vec<String> {
    fn matches(route: &Route, labels: &BTreeMap<String, String>) -> bool {
        route
            .matchers
            .iter()
            .all(|(k, v)| labels.get(k).map(String::as_str).unwrap_or("") == v.val)
            && route.matchers_re.iter().all(|(k, v)| {
                let have = labels.get(k).map(String::as_str).unwrap_or("");
                // Alertmanager anchors regex matchers at both ends
                regex::Regex::new(&format!("^(?:{})$", v.val)).is_ok_and(|re| re.is_match(have))
            })
    }
    fn walk(
        route: &Route,
        labels: &BTreeMap<String, String>,
        parent: &str,
        out: &mut Vec<String>,
    ) -> bool {
        if !matches(route, labels) {
            return false;
        }
        let me = route
            .receiver
            .as_ref()
            .map(|r| r.val.as_str())
            .unwrap_or(parent);
        let mut any = false;
        for c in &route.routes {
            if walk(c, labels, me, out) {
                any = true;
                if !c.continue_ {
                    break;
                }
            }
        }
        if !any {
            out.push(me.to_string());
        }
        true
    }
    let mut out = Vec::new();
    walk(&r.route, labels, "", &mut out);
    out
}
