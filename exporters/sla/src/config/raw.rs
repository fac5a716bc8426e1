//! The config file as written: serde types with source positions, before
//! validation. [`super::load`] turns them into the checked model.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A string (or other scalar) with its position in the file.
pub type S<T> = Spanned<T>;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub defaults: Option<RawDefaults>,
    #[serde(default)]
    pub modules: BTreeMap<String, S<RawModule>>,
    #[serde(default)]
    pub targets: Vec<S<RawTarget>>,
}

/// `defaults:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub interval: Option<S<String>>,
    pub timeout: Option<S<String>>,
}

/// One entry of `modules:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModule {
    pub prober: S<String>,
    pub http: Option<RawHttp>,
    pub tcp: Option<RawTcp>,
    pub health: Option<RawHealth>,
}

/// `http:` of a module.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttp {
    pub method: Option<S<String>>,
    #[serde(default)]
    pub headers: BTreeMap<String, S<String>>,
    pub body: Option<String>,
    #[serde(default)]
    pub valid_status_codes: Vec<S<i64>>,
    #[serde(default)]
    pub fail_if_body_matches_regexp: Vec<S<String>>,
    #[serde(default)]
    pub fail_if_body_not_matches_regexp: Vec<S<String>>,
    pub follow_redirects: Option<bool>,
    pub tls: Option<RawTls>,
}

/// `tls:` of an http module.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    #[serde(default)]
    pub insecure_skip_verify: bool,
    pub ca_file: Option<S<String>>,
    pub cert_file: Option<S<String>>,
    pub key_file: Option<S<String>>,
}

/// `tcp:` of a module.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTcp {
    pub send: Option<String>,
    pub expect: Option<S<String>>,
}

/// `health:` of a module.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHealth {
    #[serde(default)]
    pub checks: Vec<S<String>>,
}

/// One entry of `targets:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub name: S<String>,
    pub target: S<String>,
    pub module: S<String>,
    pub interval: Option<S<String>>,
    pub timeout: Option<S<String>>,
    #[serde(default)]
    pub labels: RawLabels,
    pub buckets: Option<S<Vec<f64>>>,
}

/// `labels:` of a target: only these three keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabels {
    pub service: Option<String>,
    pub component: Option<String>,
    pub tier: Option<String>,
}
