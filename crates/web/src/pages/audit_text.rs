//! The audit log in sentences: "kominfo.kab-pasuruan memverifikasi KIM Prigen Maju", its
//! changes as "Status: Diajukan → Terverifikasi", the time in the reader's zone. No action code
//! and no JSON reaches the page; the CSV export keeps the raw record for machines.

use crate::i18n::Messages;
use serde_json::Value;
use simpul_core::calendar::{long_date, long_time, Zone};
use simpul_store::audit::AuditRecord;

/// Every action the log records, in the order the filter offers them: the platform's, then each
/// capability's as its manifest declares them.
pub fn actions() -> impl Iterator<Item = &'static str> {
    simpul_app::manifest::audit_actions()
}

/// The catalogue key of an action's phrase: `audit_action.kim_create`.
pub fn action_key(action: &str) -> String {
    format!("audit_action.{}", action.replace('.', "_"))
}

/// The catalogue key of an action's name in the filter: `audit_action_name.kim_create`.
pub fn action_name_key(action: &str) -> String {
    format!("audit_action_name.{}", action.replace('.', "_"))
}

/// One entry as the page shows it.
pub struct AuditLine {
    pub when: String,
    pub actor: String,
    /// "memverifikasi" / "verified": what the actor did.
    pub did: String,
    /// The object, with a link when there is a page for it.
    pub object: String,
    pub link: Option<String>,
    /// "Status: Diajukan → Terverifikasi".
    pub changes: Vec<String>,
}

/// Summary keys shown, with their catalogue labels; other keys (internal ids) are left out.
const SHOWN: [&str; 12] = [
    "name",
    "status",
    "reason",
    "reg_number",
    "role",
    "grant_role",
    "scope",
    "username",
    "display_name",
    "active",
    "members",
    "consent_on",
];

fn value_text(t: Messages<'_>, key: &str, v: &Value, lang: &str) -> Option<String> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => t
            .get(if *b { "common.yes" } else { "common.no" })
            .to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => return None,
        Value::String(s) => match key {
            "status" => t.get(&format!("status.{s}")).to_owned(),
            "role" | "grant_role" => match t.get(&format!("role.{s}")) {
                "" => t.get(&format!("member_role.{s}")).to_owned(),
                role => role.to_owned(),
            },
            "reason" => {
                // A known reason in words; a rejection's reason as the admin typed it.
                match t.get(&format!("audit_reason.{s}")) {
                    "" => s.clone(),
                    reason => reason.to_owned(),
                }
            }
            "consent_on" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| long_date(d, lang))
                .unwrap_or_else(|_| s.clone()),
            _ => s.clone(),
        },
        Value::Object(_) | Value::Array(_) => return None,
    })
}

fn changes(t: Messages<'_>, summary: &Value, lang: &str) -> Vec<String> {
    let empty = serde_json::Map::new();
    let part = |k: &str| summary.get(k).and_then(Value::as_object).unwrap_or(&empty);
    let (before, after) = (part("before"), part("after"));
    let mut out = Vec::new();
    for key in SHOWN {
        let old = before.get(key).and_then(|v| value_text(t, key, v, lang));
        let new = after
            .get(key)
            .or_else(|| summary.get(key))
            .and_then(|v| value_text(t, key, v, lang));
        let label = t.get(&format!("audit_field.{key}"));
        match (old, new) {
            (Some(o), Some(n)) if o != n => out.push(format!("{label}: {o} → {n}")),
            (Some(o), None) => out.push(format!("{label}: {o}")),
            (_, Some(n)) => out.push(format!("{label}: {n}")),
            _ => {}
        }
    }
    out
}

/// The page an object has, if any.
fn link(e: &AuditRecord, summary: &Value) -> Option<String> {
    let kim_id = || {
        ["after", "before"]
            .iter()
            .find_map(|p| summary.get(p)?.get("kim_id")?.as_i64())
    };
    match e.object_type.as_str() {
        "coordination_group" if e.action == "group.delete" => None,
        "kim_member" => kim_id().map(|k| format!("/kim/{k}/members")),
        kind => simpul_app::manifest::audit_objects()
            .find(|o| o.kind == kind)?
            .page
            .map(|page| page.replace("{}", &e.object_id)),
    }
}

pub fn line(t: Messages<'_>, e: &AuditRecord, zone: Zone, lang: &str) -> AuditLine {
    let summary: Value = serde_json::from_str(&e.summary).unwrap_or(Value::Null);
    let key = action_key(&e.action);
    let did = match t.get(&key) {
        "" => t.get("audit_action.other").to_owned(),
        phrase => phrase.to_owned(),
    };
    let name = ["after", "before"].iter().find_map(|p| {
        summary
            .get(p)?
            .get("name")
            .or_else(|| summary.get(p)?.get("username"))?
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    });
    let kind = match t.get(&format!("audit_object.{}", e.object_type)) {
        "" => t.get("audit_object.other"),
        kind => kind,
    };
    let object = match (e.object_type.as_str(), name) {
        ("kim", Some(n)) | ("coordination_group", Some(n)) => n,
        ("user", Some(n)) => format!("{kind} {n}"),
        _ if e.object_id.is_empty() || e.object_type == "user" && e.action.starts_with("auth.") => {
            String::new()
        }
        _ => format!("{kind} #{}", e.object_id),
    };
    AuditLine {
        when: long_time(e.at, zone, lang),
        actor: if e.actor_name.is_empty() {
            t.get("audit.system").to_owned()
        } else {
            e.actor_name.clone()
        },
        did,
        link: link(e, &summary),
        object,
        changes: changes(t, &summary, lang),
    }
}
