//! The `--web.config.file` format of the Prometheus exporter-toolkit: TLS,
//! basic auth and response headers, loaded into a ready-to-use [`WebConfig`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hyper::header::{HeaderName, HeaderValue};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    tls_server_config: Option<RawTls>,
    #[serde(default)]
    http_server_config: Option<RawHttp>,
    #[serde(default)]
    basic_auth_users: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert_file: Option<PathBuf>,
    key_file: Option<PathBuf>,
    #[serde(default)]
    client_auth_type: Option<String>,
    #[serde(default)]
    client_ca_file: Option<PathBuf>,
    #[serde(default)]
    min_version: Option<String>,
    #[serde(default)]
    max_version: Option<String>,
    // Accepted for compatibility; rustls chooses safe suites and curves itself.
    #[serde(default)]
    cipher_suites: Option<Vec<String>>,
    #[serde(default)]
    curve_preferences: Option<Vec<String>>,
    #[serde(default)]
    prefer_server_cipher_suites: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    #[serde(default)]
    http2: Option<bool>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

/// A loaded, validated web configuration.
#[derive(Clone, Default)]
pub struct WebConfig {
    /// TLS server settings, when TLS is on.
    pub tls: Option<Arc<ServerConfig>>,
    /// User name to bcrypt hash; empty means no authentication.
    pub users: BTreeMap<String, String>,
    /// Headers added to every response.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("tls", &self.tls.is_some())
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .field("headers", &self.headers)
            .finish()
    }
}

/// Why a web config was rejected.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {msg}")]
pub struct WebConfigError {
    /// The config file.
    pub path: String,
    /// What is wrong, with line and column for syntax errors.
    pub msg: String,
}

impl WebConfig {
    /// Reads and validates a web config file. Relative certificate paths are
    /// resolved against the file's directory, as the exporter-toolkit does.
    pub fn load(path: &Path) -> Result<Self, WebConfigError> {
        let err = |msg: String| WebConfigError {
            path: path.display().to_string(),
            msg,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, base).map_err(err)
    }

    /// Parses a web config from text; `base` resolves relative paths.
    pub fn parse(text: &str, base: &Path) -> Result<Self, String> {
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| e.to_string())?
        };
        let mut cfg = WebConfig::default();
        for (user, hash) in raw.basic_auth_users {
            if !(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")) {
                return Err(format!(
                    "basic_auth_users.{user}: not a bcrypt hash (expected $2a$/$2b$/$2y$...)"
                ));
            }
            cfg.users.insert(user, hash);
        }
        if let Some(http) = raw.http_server_config {
            let _ = http.http2;
            for (k, v) in http.headers {
                let name = HeaderName::from_bytes(k.as_bytes()).map_err(|_| {
                    format!("http_server_config.headers: invalid header name {k:?}")
                })?;
                let value = HeaderValue::from_str(&v)
                    .map_err(|_| format!("http_server_config.headers.{k}: invalid header value"))?;
                cfg.headers.push((name, value));
            }
        }
        if let Some(tls) = raw.tls_server_config {
            cfg.tls = Some(Arc::new(build_tls(tls, base)?));
        }
        Ok(cfg)
    }
}

fn resolve(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// TLS versions rustls offers, oldest first.
const VERSIONS: [&rustls::SupportedProtocolVersion; 2] =
    [&rustls::version::TLS12, &rustls::version::TLS13];

fn version(v: &str, field: &str) -> Result<usize, String> {
    match v {
        "TLS12" => Ok(0),
        "TLS13" => Ok(1),
        "TLS10" | "TLS11" => Err(format!(
            "tls_server_config.{field}: {v} is not supported (TLS12 or TLS13)"
        )),
        _ => Err(format!(
            "tls_server_config.{field}: unknown version {v:?} (TLS12 or TLS13)"
        )),
    }
}

fn build_tls(t: RawTls, base: &Path) -> Result<ServerConfig, String> {
    let _ = (
        &t.cipher_suites,
        &t.curve_preferences,
        t.prefer_server_cipher_suites,
    );
    let cert_file = t
        .cert_file
        .ok_or("tls_server_config: cert_file is required")?;
    let key_file = t
        .key_file
        .ok_or("tls_server_config: key_file is required")?;
    let cert_path = resolve(base, &cert_file);
    let key_path = resolve(base, &key_file);
    let certs = rustls_pemfile::certs(&mut read(&cert_path)?.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", cert_path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate found", cert_path.display()));
    }
    let key = rustls_pemfile::private_key(&mut read(&key_path)?.as_slice())
        .map_err(|e| format!("{}: {e}", key_path.display()))?
        .ok_or_else(|| format!("{}: no private key found", key_path.display()))?;

    let min = version(t.min_version.as_deref().unwrap_or("TLS12"), "min_version")?;
    let max = version(t.max_version.as_deref().unwrap_or("TLS13"), "max_version")?;
    if min > max {
        return Err("tls_server_config: min_version is above max_version".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&VERSIONS[min..=max])
        .map_err(|e| format!("tls_server_config: {e}"))?;

    let auth = t.client_auth_type.as_deref().unwrap_or("NoClientCert");
    let builder = match auth {
        "NoClientCert" => builder.with_no_client_auth(),
        "RequireAndVerifyClientCert" | "VerifyClientCertIfGiven" => {
            let ca = t.client_ca_file.as_ref().ok_or_else(|| {
                format!("tls_server_config: client_auth_type {auth} needs client_ca_file")
            })?;
            let ca_path = resolve(base, ca);
            let mut roots = RootCertStore::empty();
            for c in rustls_pemfile::certs(&mut read(&ca_path)?.as_slice()) {
                let c = c.map_err(|e| format!("{}: {e}", ca_path.display()))?;
                roots.add(c).map_err(|e| format!("{}: {e}", ca_path.display()))?;
            }
            let mut v = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            if auth == "VerifyClientCertIfGiven" {
                v = v.allow_unauthenticated();
            }
            let v = v.build().map_err(|e| format!("tls_server_config.client_ca_file: {e}"))?;
            builder.with_client_cert_verifier(v)
        }
        "RequestClientCert" | "RequireAnyClientCert" => {
            return Err(format!(
                "tls_server_config.client_auth_type: {auth} accepts unverified certificates and is not supported; \
                 use RequireAndVerifyClientCert or VerifyClientCertIfGiven"
            ))
        }
        other => {
            return Err(format!(
                "tls_server_config.client_auth_type: unknown value {other:?} (NoClientCert, \
                 VerifyClientCertIfGiven, RequireAndVerifyClientCert)"
            ))
        }
    };
    if auth == "NoClientCert" && t.client_ca_file.is_some() {
        return Err(
            "tls_server_config: client_ca_file is set but client_auth_type is NoClientCert".into(),
        );
    }
    let mut cfg = builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("tls_server_config: certificate and key do not match: {e}"))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

fn read(p: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_keys_and_bad_hashes() {
        let e = WebConfig::parse("basic_auth_user:\n  a: b\n", Path::new(".")).unwrap_err();
        assert!(e.contains("basic_auth_user"), "{e}");
        let e =
            WebConfig::parse("basic_auth_users:\n  alice: secret\n", Path::new(".")).unwrap_err();
        assert_eq!(
            e,
            "basic_auth_users.alice: not a bcrypt hash (expected $2a$/$2b$/$2y$...)"
        );
        let e =
            WebConfig::parse("tls_server_config:\n  key_file: k\n", Path::new(".")).unwrap_err();
        assert_eq!(e, "tls_server_config: cert_file is required");
    }

    #[test]
    fn empty_file_means_defaults() {
        let c = WebConfig::parse("", Path::new(".")).unwrap();
        assert!(c.tls.is_none() && c.users.is_empty() && c.headers.is_empty());
    }
}
