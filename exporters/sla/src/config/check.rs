//! The validation stage: turns the raw, positioned config into the checked
//! model, collecting every problem with its line and column.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::Method;
use regex::Regex;
use serde_saphyr::{Location, Spanned};

use super::raw::{RawConfig, RawHttp, RawModule, RawTarget};
use super::{
    duration, parse_host_port, parse_url, Address, Config, HealthModule, HttpModule, Module,
    Prober, Problem, Target, TcpModule, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, MIN_INTERVAL,
};

/// Most regexes' compiled size, so a config cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub(super) struct Checker<'a> {
    pub(super) problems: Vec<Problem>,
    base: &'a Path,
}

impl<'a> Checker<'a> {
    pub(super) fn new(base: &'a Path) -> Self {
        Checker {
            problems: Vec::new(),
            base,
        }
    }

    fn err(&mut self, at: &Location, message: impl Into<String>, help: Option<&str>) {
        self.problems.push(Problem {
            line: at.line(),
            column: at.column(),
            message: message.into(),
            help: help.map(str::to_string),
        });
    }

    fn duration(&mut self, s: &Spanned<String>) -> Option<Duration> {
        match duration::parse(&s.value) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(&s.referenced, e, None);
                None
            }
        }
    }

    fn regex(&mut self, s: &Spanned<String>) -> Option<Regex> {
        match regex::RegexBuilder::new(&s.value)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
        {
            Ok(r) => Some(r),
            Err(e) => {
                let text = e.to_string();
                let why = text.lines().last().unwrap_or_default();
                let why = why.strip_prefix("error: ").unwrap_or(why);
                self.err(
                    &s.referenced,
                    format!("invalid regex {:?}: {why}", s.value),
                    None,
                );
                None
            }
        }
    }

    pub(super) fn config(&mut self, raw: RawConfig) -> Config {
        let (mut interval, mut timeout) = (DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
        if let Some(d) = &raw.defaults {
            if let Some(s) = &d.interval {
                if let Some(v) = self.duration(s) {
                    interval = self.min_interval(s, v);
                }
            }
            if let Some(s) = &d.timeout {
                if let Some(v) = self.duration(s) {
                    timeout = self.nonzero_timeout(s, v);
                }
            }
        }
        let mut modules = BTreeMap::new();
        for (name, m) in &raw.modules {
            if let Some(prober) = self.module(name, m) {
                modules.insert(
                    name.clone(),
                    Arc::new(Module {
                        name: name.clone(),
                        prober,
                    }),
                );
            }
        }
        let mut names = HashSet::new();
        let mut targets = Vec::new();
        for t in &raw.targets {
            if !names.insert(t.value.name.value.clone()) {
                self.err(
                    &t.value.name.referenced,
                    format!("duplicate target name {:?}", t.value.name.value),
                    Some("target names must be unique: they become the `target` label"),
                );
                continue;
            }
            if let Some(t) = self.target(&t.value, &raw, &modules, interval, timeout) {
                targets.push(Arc::new(t));
            }
        }
        Config {
            modules,
            targets,
            default_timeout: timeout,
        }
    }

    fn min_interval(&mut self, s: &Spanned<String>, v: Duration) -> Duration {
        if v < MIN_INTERVAL {
            self.err(
                &s.referenced,
                format!("interval {} is below the minimum of 1s", s.value),
                None,
            );
            return MIN_INTERVAL;
        }
        v
    }

    fn nonzero_timeout(&mut self, s: &Spanned<String>, v: Duration) -> Duration {
        if v.is_zero() {
            self.err(&s.referenced, "timeout must be more than 0", None);
            return DEFAULT_TIMEOUT;
        }
        v
    }

    fn module(&mut self, name: &str, m: &Spanned<RawModule>) -> Option<Prober> {
        let raw = &m.value;
        let http = |c: &mut Self| c.http(raw.http.as_ref().unwrap_or(&RawHttp::default()));
        match raw.prober.value.as_str() {
            "http" => Some(Prober::Http(http(self)?)),
            "health" => {
                let checks = raw
                    .health
                    .as_ref()
                    .map(|h| h.checks.iter().map(|c| c.value.clone()).collect())
                    .unwrap_or_default();
                Some(Prober::Health(http(self)?, HealthModule { checks }))
            }
            "tcp" => {
                let tcp = raw.tcp.as_ref();
                let expect = match tcp.and_then(|t| t.expect.as_ref()) {
                    Some(e) => Some(self.regex(e)?),
                    None => None,
                };
                Some(Prober::Tcp(TcpModule {
                    send: tcp
                        .and_then(|t| t.send.clone())
                        .map(|s| Bytes::from(s.into_bytes())),
                    expect,
                }))
            }
            other => {
                self.err(
                    &raw.prober.referenced,
                    format!("module {name:?}: unknown prober {other:?}"),
                    Some("use one of: http, tcp, health"),
                );
                None
            }
        }
    }

    fn http(&mut self, h: &RawHttp) -> Option<HttpModule> {
        let before = self.problems.len();
        let method = match &h.method {
            Some(m) => match Method::from_bytes(m.value.as_bytes()) {
                Ok(v) => v,
                Err(_) => {
                    self.err(
                        &m.referenced,
                        format!("invalid HTTP method {:?}", m.value),
                        None,
                    );
                    Method::GET
                }
            },
            None => Method::GET,
        };
        let mut headers = Vec::new();
        for (k, v) in &h.headers {
            match (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(&v.value),
            ) {
                (Ok(k), Ok(v)) => headers.push((k, v)),
                (Err(_), _) => self.err(&v.referenced, format!("invalid header name {k:?}"), None),
                (_, Err(_)) => self.err(
                    &v.referenced,
                    format!("invalid value for header {k:?}"),
                    None,
                ),
            }
        }
        let mut valid_status_codes = Vec::new();
        for c in &h.valid_status_codes {
            if (100..=599).contains(&c.value) {
                valid_status_codes.push(c.value as u16);
            } else {
                self.err(
                    &c.referenced,
                    format!("status code {} is not between 100 and 599", c.value),
                    None,
                );
            }
        }
        let fail_if_body_matches = h
            .fail_if_body_matches_regexp
            .iter()
            .filter_map(|r| self.regex(r))
            .collect();
        let fail_if_body_not_matches = h
            .fail_if_body_not_matches_regexp
            .iter()
            .filter_map(|r| self.regex(r))
            .collect();
        let tls = match crate::probe::tls::client_config(h.tls.as_ref(), self.base) {
            Ok(c) => c,
            Err((at, msg)) => {
                match at {
                    Some(at) => self.err(&at, msg, None),
                    None => self.problems.push(Problem {
                        line: 0,
                        column: 0,
                        message: msg,
                        help: None,
                    }),
                }
                return None;
            }
        };
        if self.problems.len() > before {
            return None;
        }
        Some(HttpModule {
            method,
            headers,
            body: Bytes::from(h.body.clone().unwrap_or_default().into_bytes()),
            valid_status_codes,
            fail_if_body_matches,
            fail_if_body_not_matches,
            follow_redirects: h.follow_redirects.unwrap_or(true),
            tls,
        })
    }

    fn target(
        &mut self,
        t: &RawTarget,
        raw: &RawConfig,
        modules: &BTreeMap<String, Arc<Module>>,
        default_interval: Duration,
        default_timeout: Duration,
    ) -> Option<Target> {
        let before = self.problems.len();
        let name = &t.name.value;
        if name.is_empty() {
            self.err(&t.name.referenced, "target name is empty", None);
        }
        let module = match modules.get(&t.module.value) {
            Some(m) => Some(m.clone()),
            None => {
                // A module that exists but is invalid was already reported.
                if !raw.modules.contains_key(&t.module.value) {
                    let known: Vec<&str> = raw.modules.keys().map(String::as_str).collect();
                    let help = format!("defined modules: {}", known.join(", "));
                    self.err(
                        &t.module.referenced,
                        format!("target {name:?}: unknown module {:?}", t.module.value),
                        Some(&help),
                    );
                }
                None
            }
        };
        let interval = match &t.interval {
            Some(s) => self
                .duration(s)
                .map(|v| self.min_interval(s, v))
                .unwrap_or(default_interval),
            None => default_interval,
        };
        let timeout = match &t.timeout {
            Some(s) => {
                let v = self
                    .duration(s)
                    .map(|v| self.nonzero_timeout(s, v))
                    .unwrap_or(default_timeout);
                if v > interval {
                    self.err(
                        &s.referenced,
                        format!(
                            "target {name:?}: timeout {} is longer than its interval {}",
                            s.value,
                            duration::format(interval)
                        ),
                        Some("a probe must end before the next one starts: lower the timeout"),
                    );
                }
                v
            }
            // An inherited default longer than the interval is clamped.
            None => default_timeout.min(interval),
        };
        let buckets = match &t.buckets {
            Some(b) => {
                let v = &b.value;
                if v.is_empty()
                    || v.iter().any(|x| !x.is_finite() || *x <= 0.0)
                    || v.windows(2).any(|w| w[0] >= w[1])
                {
                    self.err(
                        &b.referenced,
                        format!("target {name:?}: buckets must be positive, finite and strictly ascending"),
                        None,
                    );
                }
                if v.len() > 64 {
                    self.err(&b.referenced, "at most 64 buckets per target", None);
                }
                v.clone()
            }
            None => metric_defs::sla::PROBE_BUCKETS.to_vec(),
        };
        let module = module?;
        let address = self.address(t, &module)?;
        if self.problems.len() > before {
            return None;
        }
        Some(Target {
            name: name.clone(),
            address,
            module_name: t.module.value.clone(),
            module,
            interval,
            timeout,
            service: t.labels.service.clone().unwrap_or_default(),
            component: t.labels.component.clone().unwrap_or_default(),
            tier: t.labels.tier.clone().unwrap_or_default(),
            buckets,
        })
    }

    fn address(&mut self, t: &RawTarget, module: &Module) -> Option<Address> {
        let s = &t.target;
        let name = &t.name.value;
        match module.prober {
            Prober::Tcp(_) => match parse_host_port(&s.value) {
                Some((h, p)) => Some(Address::HostPort(h, p)),
                None => {
                    self.err(
                        &s.referenced,
                        format!("target {name:?}: {:?} is not host:port", s.value),
                        Some("tcp targets look like 127.0.0.1:5432 or db.example:5432"),
                    );
                    None
                }
            },
            _ => match parse_url(&s.value) {
                Ok(u) => Some(Address::Url(u)),
                Err(e) => {
                    self.err(
                        &s.referenced,
                        format!("target {name:?}: {e}"),
                        Some("http and health targets are URLs like http://127.0.0.1:8080/health"),
                    );
                    None
                }
            },
        }
    }
}
