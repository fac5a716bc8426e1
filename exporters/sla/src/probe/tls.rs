//! TLS client settings of http modules: roots, client certificates and the
//! `insecure_skip_verify` verifier.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde_saphyr::{Location, Spanned};

use crate::config::raw::RawTls;

/// An error in a `tls:` section: where (if known) and why.
pub type TlsError = (Option<Location>, String);

fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// Builds the client config of a `tls:` section (`None`: verify against the
/// bundled Mozilla roots, no client certificate). Paths are relative to `base`.
pub fn client_config(tls: Option<&RawTls>, base: &Path) -> Result<Arc<ClientConfig>, TlsError> {
    static DEFAULT: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    let Some(tls) = tls else {
        if let Some(c) = DEFAULT.get() {
            return Ok(c.clone());
        }
        let c = build(&RawTls::default(), base)?;
        return Ok(DEFAULT.get_or_init(|| c).clone());
    };
    build(tls, base)
}

fn build(tls: &RawTls, base: &Path) -> Result<Arc<ClientConfig>, TlsError> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| (None, format!("TLS setup: {e}")))?;
    let builder = if tls.insecure_skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider())))
    } else {
        let mut roots = RootCertStore::empty();
        match &tls.ca_file {
            Some(f) => {
                for c in read_certs(f, base)? {
                    roots
                        .add(c)
                        .map_err(|e| (Some(f.referenced), format!("ca_file {:?}: {e}", f.value)))?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        builder.with_root_certificates(roots)
    };
    let cfg = match (&tls.cert_file, &tls.key_file) {
        (Some(c), Some(k)) => {
            let certs = read_certs(c, base)?;
            let key = read_key(k, base)?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| (Some(k.referenced), format!("client certificate: {e}")))?
        }
        (None, None) => builder.with_no_client_auth(),
        (Some(s), None) | (None, Some(s)) => {
            return Err((
                Some(s.referenced),
                "cert_file and key_file must be given together".into(),
            ))
        }
    };
    Ok(Arc::new(cfg))
}

fn read_file(f: &Spanned<String>, base: &Path) -> Result<Vec<u8>, TlsError> {
    let p = base.join(&f.value);
    std::fs::read(&p).map_err(|e| {
        (
            Some(f.referenced),
            format!("cannot read {}: {e}", p.display()),
        )
    })
}

fn read_certs(f: &Spanned<String>, base: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let data = read_file(f, base)?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut data.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| (Some(f.referenced), format!("{}: bad PEM: {e}", f.value)))?;
    if certs.is_empty() {
        return Err((
            Some(f.referenced),
            format!("{}: no certificate found", f.value),
        ));
    }
    Ok(certs)
}

fn read_key(f: &Spanned<String>, base: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let data = read_file(f, base)?;
    rustls_pemfile::private_key(&mut data.as_slice())
        .map_err(|e| (Some(f.referenced), format!("{}: bad PEM: {e}", f.value)))?
        .ok_or_else(|| {
            (
                Some(f.referenced),
                format!("{}: no private key found", f.value),
            )
        })
}

/// Accepts any server certificate (still checks handshake signatures), for
/// `insecure_skip_verify: true`.
#[derive(Debug)]
struct NoVerify(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
