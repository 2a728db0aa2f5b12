//! A KIM officer's side: the packages aimed at their KIM (new, in progress, done), a package
//! opened with its captions ready to copy, and the dissemination report (channel, date, people
//! reached, a link or a photo as evidence). A report counts as the KIM's activity.

use super::{owner, visible};
use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use chrono::NaiveDate;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor};
use simpul_core::dissem::{check_reach, PackageStatus, ReportChannel, Review, TargetState};
use simpul_core::{Role, Scope};
use simpul_store::dissem::{InboxRow, NewReport, PackageRecord, ReportFilter, ReportRecord};

/// The KIMs whose officer `who` is.
pub fn officer_kims(who: &Actor) -> Vec<i64> {
    let mut out: Vec<i64> = who
        .grants
        .iter()
        .filter(|g| g.role == Role::KimOfficer)
        .filter_map(|g| match g.scope {
            Scope::Kim(k) => Some(k),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The officer's KIM a published package is aimed at: (KIM, state, kabupaten/kota).
pub async fn officer_kim(
    ctx: &AppCtx,
    who: &Actor,
    p: &PackageRecord,
) -> AppResult<Option<(i64, TargetState, String)>> {
    if p.status != PackageStatus::Published {
        return Ok(None);
    }
    for kim in officer_kims(who) {
        if let Some((state, regency)) = ctx.store.dissem_target_state(p.id, kim).await? {
            return Ok(Some((kim, state, regency)));
        }
    }
    Ok(None)
}

/// One KIM's inbox.
pub struct KimInbox {
    pub kim_id: i64,
    pub kim_name: String,
    pub packages: Vec<InboxRow>,
}

pub async fn inbox(ctx: &AppCtx, who: &Actor) -> AppResult<Vec<KimInbox>> {
    let kims = officer_kims(who);
    if kims.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut out = Vec::new();
    for kim_id in kims {
        let kim = ctx.store.kim(kim_id).await?;
        out.push(KimInbox {
            kim_id,
            kim_name: kim.name,
            packages: ctx.store.dissem_inbox(kim_id).await?,
        });
    }
    Ok(out)
}

/// How many packages wait for `who`'s KIMs (for the dashboard).
pub async fn waiting(ctx: &AppCtx, who: &Actor) -> AppResult<usize> {
    let today = chrono::Utc::now().date_naive();
    let mut n = 0;
    for kim in officer_kims(who) {
        n += ctx
            .store
            .dissem_inbox(kim)
            .await?
            .iter()
            .filter(|r| r.state != TargetState::Done && r.ends_on >= today)
            .count();
    }
    Ok(n)
}

/// A package opened by an officer of a KIM it is aimed at (new → in progress).
pub async fn open(
    ctx: &AppCtx,
    who: &Actor,
    id: i64,
) -> AppResult<(PackageRecord, i64, TargetState)> {
    let p = ctx.store.dissem_package(id).await?;
    let Some((kim, state, _)) = officer_kim(ctx, who, &p).await? else {
        return Err(AppError::NotFound);
    };
    let state = if state == TargetState::New {
        ctx.store.dissem_opened(id, kim).await?;
        TargetState::InProgress
    } else {
        state
    };
    Ok((p, kim, state))
}

/// A report as filled in on the phone (or sent to the API).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReportInput {
    /// `whatsapp`, `facebook`, `instagram`, `tiktok`, `radio`, `meeting`, `mosque`, `other`.
    pub channel: String,
    /// The day it was passed on, `YYYY-MM-DD` (within the package's period, not in the future).
    pub reported_on: String,
    /// People reached (a whole number).
    pub reach: String,
    /// A link to the post, as evidence.
    pub link: String,
    /// Which of the officer's KIMs reports (when they serve several).
    pub kim: Option<i64>,
    /// A photo as evidence: (file name, bytes); not in the JSON API.
    #[serde(skip)]
    #[schema(ignore)]
    pub photo: Option<(String, Vec<u8>)>,
}

/// File a report for a package aimed at the officer's KIM. Returns the report and its review
/// (`flagged` when the reach is implausible for a village KIM).
pub async fn report(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    input: ReportInput,
) -> AppResult<(i64, Review)> {
    let p = ctx.store.dissem_package(id).await?;
    let mut target = None;
    for kim in super::inbox::officer_kims(who) {
        if input.kim.is_some_and(|k| k != kim) {
            continue;
        }
        if p.status == PackageStatus::Published {
            if let Some((_, regency)) = ctx.store.dissem_target_state(id, kim).await? {
                target = Some((kim, regency));
                break;
            }
        }
    }
    let Some((kim_id, regency)) = target else {
        // Not aimed at any KIM of the actor (or not theirs to report).
        if super::inbox::officer_kims(who).is_empty() {
            return Err(AppError::Forbidden);
        }
        return Err(AppError::invalid("package", "dissem.error.not_aimed"));
    };
    if !who.can(Action::ReportDissemination { kim_id }) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let channel = ReportChannel::parse(&input.channel);
    if channel.is_none() {
        errors.push(FieldError::new("channel", "dissem.error.channel"));
    }
    let today = chrono::Utc::now().date_naive();
    let day = super::parse_date(&input.reported_on);
    match day {
        None => errors.push(FieldError::new("reported_on", "dissem.error.date")),
        Some(d) if d > today + chrono::Duration::days(1) => {
            errors.push(FieldError::new("reported_on", "dissem.error.future"))
        }
        Some(d) if d < p.starts_on || d > p.ends_on => errors.push(FieldError::new(
            "reported_on",
            "dissem.error.outside_period",
        )),
        _ => {}
    }
    let reach_text: String = input
        .reach
        .chars()
        .filter(|c| *c != '.' && *c != ' ')
        .collect();
    let reach = match reach_text.parse::<i64>() {
        Ok(n) => match channel.map(|c| check_reach(c, n)) {
            Some(Err(key)) => {
                errors.push(FieldError::new("reach", key));
                None
            }
            Some(Ok(review)) => Some((n, review)),
            None => None,
        },
        Err(_) if reach_text.starts_with('-') => {
            errors.push(FieldError::new("reach", "dissem.error.reach_negative"));
            None
        }
        Err(_) if !reach_text.is_empty() && reach_text.chars().all(|c| c.is_ascii_digit()) => {
            errors.push(FieldError::new("reach", "dissem.error.reach_absurd"));
            None
        }
        Err(_) => {
            errors.push(FieldError::new("reach", "dissem.error.reach"));
            None
        }
    };
    let link = input.link.trim();
    if !link.is_empty() && !simpul_core::dissem::valid_link(link) {
        errors.push(FieldError::new("link", "dissem.error.link"));
    }
    let photo = match &input.photo {
        Some((_, bytes)) if !bytes.is_empty() => match crate::hoax::images::keep(bytes) {
            Ok(img) => Some(img.png),
            Err(e) => {
                errors.push(FieldError::new("photo", e.message_key()));
                None
            }
        },
        _ => None,
    };
    if link.is_empty() && photo.is_none() && errors.is_empty() {
        errors.push(FieldError::new("link", "dissem.error.evidence"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (reach, review) = reach.expect("checked above");
    let new = NewReport {
        package_id: id,
        kim_id,
        regency_code: regency,
        channel: channel.expect("checked above").as_str(),
        reported_on: day.expect("checked above"),
        reach,
        link: link.to_string(),
        review,
        photo,
        author_id: Some(who.user_id),
    };
    let report_id = ctx.store.dissem_add_report(audit, &new).await?;
    Ok((report_id, review))
}

/// A KIM's own reports (its officers and the administrators of its region).
pub async fn history(ctx: &AppCtx, who: &Actor, kim_id: i64) -> AppResult<Vec<ReportRecord>> {
    let kim = ctx.store.kim(kim_id).await?;
    let village = simpul_core::RegionCode::parse(&kim.village_code)
        .map_err(|_| AppError::internal("bad village code"))?;
    if !who.can(Action::ViewKimPrivate {
        kim_id,
        village: &village,
    }) {
        return Err(AppError::NotFound);
    }
    let f = ReportFilter {
        kim_id: Some(kim_id),
        ..Default::default()
    };
    Ok(ctx.store.dissem_reports(&f, 500).await?)
}

/// Accept or reject a reach flagged as implausible (the owning office).
pub async fn review(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    package_id: i64,
    report_id: i64,
    accept: bool,
) -> AppResult<()> {
    let p = visible(ctx, who, package_id).await?;
    if !who.can(Action::PublishPackage {
        region: owner(&p).as_ref(),
    }) {
        return Err(AppError::Forbidden);
    }
    let f = ReportFilter {
        package_id: Some(package_id),
        review: Some(Review::Flagged),
        ..Default::default()
    };
    if !ctx
        .store
        .dissem_reports(&f, 10_000)
        .await?
        .iter()
        .any(|r| r.id == report_id)
    {
        return Err(AppError::Conflict(FieldError::new(
            "",
            "dissem.error.reviewed",
        )));
    }
    let to = if accept {
        Review::Accepted
    } else {
        Review::Rejected
    };
    ctx.store
        .dissem_review(audit, report_id, to)
        .await
        .map_err(|e| match e {
            simpul_store::StoreError::Conflict(_) => {
                AppError::Conflict(FieldError::new("", "dissem.error.reviewed"))
            }
            other => other.into(),
        })
}

/// A report's photo, for the package's office and the KIM that sent it.
pub async fn photo(ctx: &AppCtx, who: &Actor, report_id: i64) -> AppResult<Vec<u8>> {
    let (package_id, png) = ctx.store.dissem_report_photo(report_id).await?;
    let p = ctx.store.dissem_package(package_id).await?;
    if super::may_see(who, &p) || officer_kim(ctx, who, &p).await?.is_some() {
        Ok(png)
    } else {
        Err(AppError::NotFound)
    }
}

/// The date field's default: today, inside the package's period.
pub fn default_day(p: &PackageRecord) -> NaiveDate {
    chrono::Utc::now()
        .date_naive()
        .clamp(p.starts_on, p.ends_on.max(p.starts_on))
}
