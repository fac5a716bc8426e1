//! TLS against a loopback server with a private CA: verification with
//! `ca_file`, client certificates (mutual TLS), and an untrusted issuer.

mod common;

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::PrivateKeyDer;
use sla_exporter::config;
use sla_exporter::probe::{self, Reason};

struct Pki {
    ca: rcgen::Certificate,
    ca_key: KeyPair,
}

impl Pki {
    fn new() -> Self {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        Pki {
            ca: p.self_signed(&ca_key).unwrap(),
            ca_key,
        }
    }

    fn issue(&self, names: &[&str]) -> (rcgen::Certificate, KeyPair) {
        let p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
        let key = KeyPair::generate().unwrap();
        (p.signed_by(&key, &self.ca, &self.ca_key).unwrap(), key)
    }
}

#[tokio::test]
async fn ca_file_and_client_certificates() {
    let pki = Pki::new();
    let (server_cert, server_key) = pki.issue(&["localhost"]);
    let (client_cert, client_key) = pki.issue(&["sla-exporter"]);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca.der().clone()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![server_cert.der().clone()],
            PrivateKeyDer::try_from(server_key.serialize_der()).unwrap(),
        )
        .unwrap();
    let srv = common::start_with(Some(Arc::new(server))).await;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), pki.ca.pem()).unwrap();
    std::fs::write(dir.path().join("client.pem"), client_cert.pem()).unwrap();
    std::fs::write(
        dir.path().join("client-key.pem"),
        client_key.serialize_pem(),
    )
    .unwrap();
    let url = format!("https://localhost:{}/ok", srv.addr.port());
    let text = format!(
        "modules:
  mtls:
    prober: http
    http: {{tls: {{ca_file: ca.pem, cert_file: client.pem, key_file: client-key.pem}}}}
  no_client_cert:
    prober: http
    http: {{tls: {{ca_file: ca.pem}}}}
  public_roots:
    prober: http
targets:
  - {{name: mtls, target: \"{url}\", module: mtls, timeout: 2s}}
  - {{name: anonymous, target: \"{url}\", module: no_client_cert, timeout: 2s}}
  - {{name: untrusted, target: \"{url}\", module: public_roots, timeout: 2s}}
"
    );
    // Relative TLS paths resolve against the config file's directory.
    let cfg = config::parse(&text, "tls.yml", dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut got = Vec::new();
    for t in &cfg.targets {
        let o = probe::run(&t.module, &t.address, t.timeout).await;
        got.push((t.name.as_str(), o.failure.map(|f| f.0), o.status_code));
    }
    assert_eq!(
        got,
        [
            ("mtls", None, 200),
            ("anonymous", Some(Reason::Tls), 0),
            ("untrusted", Some(Reason::Tls), 0),
        ]
    );
}
