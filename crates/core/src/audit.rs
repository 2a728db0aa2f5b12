//! The vocabulary of the audit log: every state change is recorded as one `AuditEvent`.

use crate::regions::RegionCode;
use serde::Serialize;

/// What changed, on which object, inside which territory (for scoped browsing), with a short
/// before/after summary. Never put secrets or members' personal data into `summary`.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEvent {
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: String,
    pub scope_region: Option<RegionCode>,
    pub summary: serde_json::Value,
}

impl AuditEvent {
    pub fn new(action: &'static str, object_type: &'static str, object_id: impl ToString) -> Self {
        AuditEvent {
            action,
            object_type,
            object_id: object_id.to_string(),
            scope_region: None,
            summary: serde_json::Value::Null,
        }
    }

    pub fn in_region(mut self, region: Option<RegionCode>) -> Self {
        self.scope_region = region;
        self
    }

    pub fn with_summary(mut self, summary: serde_json::Value) -> Self {
        self.summary = summary;
        self
    }
}

/// Who did it, from where.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

impl AuditContext {
    pub fn system(what: &str) -> Self {
        AuditContext {
            actor_id: None,
            actor_name: format!("system:{what}"),
            request_id: None,
            ip: None,
        }
    }
}
