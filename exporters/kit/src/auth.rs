//! HTTP basic authentication against bcrypt hashes, with a cache of
//! successful checks (one bcrypt check at cost 10 takes ~60 ms).

use std::collections::HashSet;
use std::sync::Mutex;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::webconfig::WebConfig;

const CACHE_MAX: usize = 1024;

/// Verifies `Authorization: Basic` headers against a [`WebConfig`].
#[derive(Default)]
pub struct BasicAuth {
    /// Digests of (user, password, hash) triples that verified.
    ok: Mutex<HashSet<[u8; 32]>>,
}

impl BasicAuth {
    /// A verifier with an empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the request may pass: always when no users are configured.
    /// Blocking (bcrypt) on a cache miss: call from a blocking thread.
    pub fn check(&self, cfg: &WebConfig, header: Option<&[u8]>) -> bool {
        if cfg.users.is_empty() {
            return true;
        }
        let Some((user, pass)) = header.and_then(parse_basic) else {
            return false;
        };
        // Unknown users are checked against a dummy hash so response timing
        // does not reveal which user names exist.
        let (hash, known) = match cfg.users.get(&user) {
            Some(h) => (h.as_str(), true),
            None => (
                "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi",
                false,
            ),
        };
        let mut d = Sha256::new();
        d.update(user.as_bytes());
        d.update([0]);
        d.update(pass.as_bytes());
        d.update([0]);
        d.update(hash.as_bytes());
        let key: [u8; 32] = d.finalize().into();
        if known
            && self
                .ok
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(&key)
        {
            return true;
        }
        let ok = bcrypt::verify(&pass, hash).unwrap_or(false) && known;
        if ok {
            let mut cache = self.ok.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
            cache.insert(key);
        }
        ok
    }
}

fn parse_basic(h: &[u8]) -> Option<(String, String)> {
    let h = std::str::from_utf8(h).ok()?;
    let (scheme, rest) = h.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(u: &str, p: &str) -> Vec<u8> {
        let enc = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
        format!("Basic {enc}").into_bytes()
    }

    #[test]
    fn verifies_and_caches() {
        let hash = bcrypt::hash("s3cret", 4).unwrap();
        let mut cfg = WebConfig::default();
        cfg.users.insert("alice".into(), hash);
        let auth = BasicAuth::new();
        assert!(!auth.check(&cfg, None));
        assert!(!auth.check(&cfg, Some(&header("alice", "wrong"))));
        assert!(!auth.check(&cfg, Some(&header("bob", "s3cret"))));
        assert!(auth.check(&cfg, Some(&header("alice", "s3cret"))));
        assert_eq!(auth.ok.lock().unwrap().len(), 1);
        assert!(auth.check(&cfg, Some(&header("alice", "s3cret"))));
        assert!(!auth.check(&cfg, Some(b"Bearer x")));
        assert!(auth.check(&WebConfig::default(), None));
    }
}
