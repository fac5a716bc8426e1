//! Named health checks behind `/health`, `/health/live` and `/health/ready`.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use serde::Serialize;

/// The state of one check, or of the whole exporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Working.
    Healthy,
    /// Working with reduced function; still answers 200.
    Degraded,
    /// Not working; answers 503.
    Unhealthy,
}

impl Status {
    /// The HTTP status code `/health` answers with.
    pub fn http_code(self) -> u16 {
        match self {
            Status::Healthy | Status::Degraded => 200,
            Status::Unhealthy => 503,
        }
    }
}

/// One named check as reported in JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Current state.
    pub status: Status,
    /// Human-readable detail.
    pub message: String,
    /// Whether this check gates readiness (`/health/ready`).
    pub readiness: bool,
}

/// The set of checks of one exporter; cheap to clone and share.
#[derive(Debug, Clone, Default)]
pub struct Health {
    checks: Arc<RwLock<BTreeMap<String, Check>>>,
}

/// The JSON body of `/health`.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Worst status of all checks.
    pub status: Status,
    /// Every check by name.
    pub checks: BTreeMap<String, Check>,
}

impl Health {
    /// An empty set (healthy).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a check that gates readiness.
    pub fn set(&self, name: &str, status: Status, message: impl Into<String>) {
        self.set_check(name, status, message, true);
    }

    /// Sets a check; `readiness` says whether it gates `/health/ready`.
    pub fn set_check(
        &self,
        name: &str,
        status: Status,
        message: impl Into<String>,
        readiness: bool,
    ) {
        let check = Check {
            status,
            message: message.into(),
            readiness,
        };
        self.checks
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string(), check);
    }

    /// Removes a check.
    pub fn remove(&self, name: &str) {
        self.checks
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
    }

    /// One check by name.
    pub fn get(&self, name: &str) -> Option<Check> {
        self.checks
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned()
    }

    /// All checks and the overall (worst) status.
    pub fn report(&self) -> Report {
        let checks = self
            .checks
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let status = checks
            .values()
            .map(|c| c.status)
            .max()
            .unwrap_or(Status::Healthy);
        Report { status, checks }
    }

    /// Whether no readiness check is unhealthy.
    pub fn ready(&self) -> bool {
        self.checks
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .all(|c| !c.readiness || c.status != Status::Unhealthy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_status_wins_and_readiness_is_gated() {
        let h = Health::new();
        assert_eq!(h.report().status, Status::Healthy);
        h.set("a", Status::Degraded, "slow");
        assert_eq!(h.report().status, Status::Degraded);
        h.set_check("b", Status::Unhealthy, "down", false);
        assert_eq!(h.report().status, Status::Unhealthy);
        assert!(h.ready(), "b does not gate readiness");
        h.set("a", Status::Unhealthy, "down");
        assert!(!h.ready());
        assert_eq!(
            serde_json::to_string(&h.get("a").unwrap()).unwrap(),
            r#"{"status":"unhealthy","message":"down","readiness":true}"#
        );
    }
}
