//! The register of partnership agreements (memoranda of understanding, cooperation
//! agreements): parties, scope, period, documents (PDF or scanned images, checked by their
//! content, not their name), obligations and their follow-up; a daily job reminds the office
//! 60, 30 and 7 days before an agreement ends.

use crate::error::{AppError, AppResult, FieldError};
use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::Value;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor};
use simpul_core::notify::{Kind, Priority};
use simpul_core::{RegionCode, Role};
use simpul_store::governance::agreements::{AgreementRecord, NewAgreement, NewObligation};
use simpul_store::jobs::Job;

pub const KINDS: [&str; 2] = ["mou", "pks"];
pub const OBLIGATION_STATUSES: [&str; 3] = ["open", "in_progress", "done"];
/// Largest document accepted.
pub const MAX_DOCUMENT: usize = 10 * 1024 * 1024;
/// Days before the end an agreement counts as expiring.
pub const EXPIRING_DAYS: i64 = 60;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AgreementInput {
    /// `mou` or `pks`.
    pub kind: String,
    pub title: String,
    pub scope: String,
    /// One party per line (offices, partner agencies, KIMs).
    pub parties: String,
    pub starts_on: String,
    pub ends_on: String,
    /// The office's region (empty: the admin's own).
    pub region: String,
    /// One obligation per line: "party | what | YYYY-MM-DD" (the date may be left out).
    pub obligations: String,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Where this person keeps agreements (the first region they manage accounts in).
pub fn home_region(who: &Actor) -> Option<RegionCode> {
    crate::events::home_region(who)
}

pub fn may_manage(who: &Actor, a: &AgreementRecord) -> bool {
    RegionCode::parse(&a.region_code)
        .is_ok_and(|r| who.can(Action::ManageAgreements { region: &r }))
}

/// Whether this person may read an agreement: the administrators overseeing its region.
pub fn may_view(who: &Actor, a: &AgreementRecord) -> bool {
    RegionCode::parse(&a.region_code).is_ok_and(|r| {
        who.can(Action::ViewRankings { region: &r })
            || who.can(Action::ManageAgreements { region: &r })
    })
}

/// The agreements this person may read, the soonest to end first.
pub async fn visible(ctx: &AppCtx, who: &Actor) -> AppResult<Vec<AgreementRecord>> {
    Ok(ctx
        .store
        .gov_agreements()
        .await?
        .into_iter()
        .filter(|a| may_view(who, a))
        .collect())
}

/// How many of the agreements this person keeps end within `days` (and have not ended).
pub async fn ending_within(
    ctx: &AppCtx,
    who: &Actor,
    today: NaiveDate,
    days: i64,
) -> AppResult<usize> {
    Ok(visible(ctx, who)
        .await?
        .iter()
        .filter(|a| {
            may_manage(who, a) && a.ends_on >= today && a.ends_on <= today + Duration::days(days)
        })
        .count())
}

/// A document of an agreement this person may read: (content type, file name, bytes).
pub async fn document(
    ctx: &AppCtx,
    who: &Actor,
    agreement_id: i64,
    file_id: i64,
) -> AppResult<(String, String, Vec<u8>)> {
    let a = ctx.store.gov_agreement(agreement_id).await?;
    if !may_view(who, &a) {
        return Err(AppError::Forbidden);
    }
    if !ctx
        .store
        .gov_agreement_has_file(agreement_id, file_id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    let f = ctx.store.file(file_id).await?;
    Ok((f.content_type, f.filename, f.data))
}

pub fn may_keep_any(who: &Actor) -> bool {
    home_region(who).is_some()
}

pub fn parse_obligations(text: &str) -> Result<Vec<NewObligation>, FieldError> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let (party, description, due) = match parts.as_slice() {
            [p, d] => (*p, *d, None),
            [p, d, ""] => (*p, *d, None),
            [p, d, due] => (
                *p,
                *d,
                Some(date(due).ok_or(FieldError::new("obligations", "gov.error.obligation"))?),
            ),
            _ => return Err(FieldError::new("obligations", "gov.error.obligation")),
        };
        if party.is_empty() || description.is_empty() || description.chars().count() > 500 {
            return Err(FieldError::new("obligations", "gov.error.obligation"));
        }
        out.push(NewObligation {
            party: party.to_string(),
            description: description.to_string(),
            due_on: due,
        });
    }
    if out.len() > 50 {
        return Err(FieldError::new("obligations", "gov.error.obligation"));
    }
    Ok(out)
}

pub async fn create(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    input: &AgreementInput,
) -> AppResult<i64> {
    let region = if input.region.trim().is_empty() {
        home_region(who)
    } else {
        RegionCode::parse(input.region.trim()).ok()
    };
    let Some(region) = region else {
        return Err(AppError::invalid("region", "gov.error.region"));
    };
    if !who.can(Action::ManageAgreements { region: &region }) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let kind = input.kind.trim();
    if !KINDS.contains(&kind) {
        errors.push(FieldError::new("kind", "gov.error.agreement_kind"));
    }
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        errors.push(FieldError::new("title", "gov.error.title"));
    }
    let scope = input.scope.trim();
    if scope.is_empty() || scope.chars().count() > 5000 {
        errors.push(FieldError::new("scope", "gov.error.scope"));
    }
    let parties: Vec<&str> = input
        .parties
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if parties.len() < 2 || parties.len() > 30 || parties.iter().any(|p| p.chars().count() > 200) {
        errors.push(FieldError::new("parties", "gov.error.parties"));
    }
    let period = match (date(&input.starts_on), date(&input.ends_on)) {
        (Some(a), Some(b)) if a <= b => Some((a, b)),
        _ => {
            errors.push(FieldError::new("ends_on", "gov.error.period"));
            None
        }
    };
    let obligations = parse_obligations(&input.obligations).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (starts_on, ends_on) = period.expect("checked");
    let a = NewAgreement {
        region_code: region.to_string(),
        kind: kind.to_string(),
        title: title.to_string(),
        scope: scope.to_string(),
        parties: parties.join("\n"),
        starts_on,
        ends_on,
    };
    Ok(ctx
        .store
        .gov_create_agreement(audit, &a, &obligations)
        .await?)
}

/// The content type of an accepted document, read from its first bytes: PDF, PNG or JPEG.
pub fn document_type(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// A file name safe to send back in a header.
fn clean_name(name: &str) -> String {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(120)
        .collect();
    if n.trim().is_empty() {
        "dokumen".into()
    } else {
        n.trim().to_string()
    }
}

pub async fn attach(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    agreement_id: i64,
    filename: &str,
    data: &[u8],
) -> AppResult<i64> {
    let a = ctx.store.gov_agreement(agreement_id).await?;
    if !may_manage(who, &a) {
        return Err(AppError::Forbidden);
    }
    if data.is_empty() || data.len() > MAX_DOCUMENT {
        return Err(AppError::invalid("document", "gov.error.document_size"));
    }
    let Some(content_type) = document_type(data) else {
        return Err(AppError::invalid("document", "gov.error.document_type"));
    };
    Ok(ctx
        .store
        .gov_attach_document(audit, &a, content_type, &clean_name(filename), data)
        .await?)
}

pub async fn follow_up(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    agreement_id: i64,
    obligation_id: i64,
    status: &str,
    note: &str,
) -> AppResult<()> {
    let a = ctx.store.gov_agreement(agreement_id).await?;
    if !may_manage(who, &a) {
        return Err(AppError::Forbidden);
    }
    if !OBLIGATION_STATUSES.contains(&status.trim()) {
        return Err(AppError::invalid("status", "gov.error.obligation_status"));
    }
    if note.chars().count() > 2000 {
        return Err(AppError::invalid("note", "gov.error.note_long"));
    }
    Ok(ctx
        .store
        .gov_follow_up(audit, &a, obligation_id, status.trim(), note.trim())
        .await?)
}

/// Whether an agreement is active on `today`, and whether it ends within [`EXPIRING_DAYS`].
pub fn state(a: &AgreementRecord, today: NaiveDate) -> &'static str {
    if a.ends_on < today {
        "ended"
    } else if a.starts_on > today {
        "upcoming"
    } else if a.ends_on <= today + Duration::days(EXPIRING_DAYS) {
        "expiring"
    } else {
        "active"
    }
}

/// The reminder stage due for an agreement ending on `ends_on` (60, 30 or 7 days before).
pub fn stage(ends_on: NaiveDate, today: NaiveDate) -> Option<&'static str> {
    let left = (ends_on - today).num_days();
    match left {
        l if l < 0 => None,
        0..=7 => Some("7"),
        8..=30 => Some("30"),
        31..=60 => Some("60"),
        _ => None,
    }
}

fn stage_rank(s: &str) -> u8 {
    match s {
        "60" => 1,
        "30" => 2,
        "7" => 3,
        _ => 0,
    }
}

/// Send the reminders due on `today`. Returns how many were sent.
pub async fn remind_due(ctx: &AppCtx, today: NaiveDate) -> AppResult<usize> {
    let mut n = 0;
    for a in ctx
        .store
        .gov_agreements_to_remind(today, today + Duration::days(EXPIRING_DAYS))
        .await?
    {
        let Some(due) = stage(a.ends_on, today) else {
            continue;
        };
        if stage_rank(due) <= stage_rank(&a.reminded) {
            continue;
        }
        if !ctx.store.gov_mark_reminded(a.id, &a.reminded, due).await? {
            continue;
        }
        let message = Message {
            kind: Kind::Account,
            priority: Priority::Normal,
            template: "gov_agreement_expiring".into(),
            args: vec![
                ("title".into(), a.title.clone()),
                ("days".into(), (a.ends_on - today).num_days().to_string()),
                (
                    "date".into(),
                    simpul_core::calendar::long_date(a.ends_on, "id"),
                ),
            ],
            link: format!("/governance/agreements/{}", a.id),
            dedupe_key: Some(format!("gov:agreement:{}:{due}", a.id)),
        };
        // The offices that keep the agreement: administrators whose territory holds its
        // region (a kabupaten/kota office inside a provincial agreement's region cannot open
        // it, so the reminder would lead it nowhere).
        let region = RegionCode::parse(&a.region_code).ok();
        let mut keepers = Vec::new();
        for id in ctx
            .store
            .grant_holders(
                &[Role::ProvincialAdmin, Role::RegencyAdmin],
                region.as_ref(),
            )
            .await?
        {
            if may_manage(&crate::accounts::actor(ctx, id).await?, &a) {
                keepers.push(id);
            }
        }
        notify(ctx, &Audience::Users(keepers), &message).await?;
        n += 1;
    }
    Ok(n)
}

async fn remind_job(ctx: &AppCtx, _: &Job, _: &Progress) -> Result<Value, JobError> {
    let today = Utc::now()
        .with_timezone(&simpul_core::calendar::Zone::Wib.offset())
        .date_naive();
    match remind_due(ctx, today).await {
        Ok(n) => Ok(serde_json::json!({ "agreements": n })),
        Err(e) => Err(JobError::Retry(format!("{e:?}"))),
    }
}

pub static REMIND: JobKind = JobKind {
    name: "gov.remind_agreements",
    run: |ctx, job, progress| Box::pin(remind_job(ctx, job, progress)),
    max_attempts: 3,
    max_backoff: std::time::Duration::from_secs(300),
};

pub static REMIND_DAILY: ScheduleDef = ScheduleDef {
    name: "gov.remind_agreements",
    every: std::time::Duration::from_secs(6 * 3600),
    kind: &REMIND,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_checked_by_content() {
        assert_eq!(document_type(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(document_type(b"MZ\x90\x00"), None);
        assert_eq!(document_type(b"<html>"), None);
    }

    #[test]
    fn reminder_stages() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(stage(d(3, 31), d(1, 1)), None);
        assert_eq!(stage(d(3, 1), d(1, 1)), Some("60"));
        assert_eq!(stage(d(1, 20), d(1, 1)), Some("30"));
        assert_eq!(stage(d(1, 5), d(1, 1)), Some("7"));
        assert_eq!(stage(d(1, 5), d(1, 6)), None);
    }

    #[test]
    fn obligations_are_read_line_by_line() {
        let o = parse_obligations(
            "Diskominfo | Pelatihan admin | 2026-06-30\nKIM Maju | Laporan bulanan",
        )
        .unwrap();
        assert_eq!(o.len(), 2);
        assert!(o[1].due_on.is_none());
        assert!(parse_obligations("tanpa pemisah").is_err());
        assert!(parse_obligations("A | B | 31-06-2026").is_err());
    }
}
