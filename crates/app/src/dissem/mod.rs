//! Dissemination: offices and partners write packages (key messages, body, captions per
//! channel, attachments, a target mixing regions, Bakorwil groups and KIM topics, a period and
//! a priority); the owning office publishes them; the KIMs they reach are found at publication
//! and again every hour for KIMs verified later in the period, and told through `notify` (kind
//! `program`, which the backbone holds into a digest when many arrive). A correction of a
//! published package raises its version and tells the KIMs that already acted what changed.
//!
//! - [`inbox`]: a KIM officer's packages and dissemination reports;
//! - [`reach`]: reach by package, region and channel, and exports;
//! - [`programs`]: the shared program calendar, overlaps, gaps, iCalendar.

pub mod inbox;
pub mod programs;
pub mod reach;

use crate::error::{AppError, AppResult, FieldError};
use crate::jobs::{JobError, JobKind, Progress, ScheduleDef};
use crate::notify::{notify, Audience, Message};
use crate::AppCtx;
use chrono::NaiveDate;
use serde_json::{json, Value};
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::dissem::{CaptionChannel, PackageStatus, Priority, Resolved, Step, Target};
use simpul_core::notify::{Kind, Priority as NoticePriority};
use simpul_core::registry::Topic;
use simpul_core::{RegionCode, Role};
use simpul_store::dissem::{NewAttachment, PackageData, PackageRecord};
use simpul_store::jobs::Job;
use simpul_store::StoreError;
use std::collections::BTreeMap;
use std::time::Duration;

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 10_000;
pub const MAX_CAPTION: usize = 2_200;
pub const MAX_TARGETS: usize = 500;
/// Largest PDF attached to a package.
pub const MAX_PDF: usize = 10 * 1024 * 1024;
pub const MAX_ATTACHMENTS: usize = 8;

/// A package as written in the form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PackageInput {
    pub title: String,
    /// A KIM focus topic: `health`, `education`, `disaster`, ...
    pub topic: String,
    /// The points every post must carry, one a line.
    pub key_messages: String,
    pub body: String,
    pub caption_whatsapp: String,
    pub caption_facebook: String,
    pub caption_instagram: String,
    pub caption_tiktok: String,
    /// A short script for community radio or a village announcement.
    pub caption_radio: String,
    pub video_link: String,
    /// `region:35.14`, `group:3`, `topic:health` (a bare region code is a region).
    pub targets: Vec<String>,
    /// First day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Last day, `YYYY-MM-DD` (the package expires after it).
    pub ends_on: String,
    /// `low`, `normal` or `high`.
    pub priority: String,
    /// The owning office's region code (empty: national).
    pub office: String,
    /// Required when correcting a published package: what changed and why.
    pub change_note: String,
}

impl PackageInput {
    pub fn from_record(p: &PackageRecord) -> PackageInput {
        let captions = captions_of(p);
        let cap = |c: CaptionChannel| captions.get(&c).cloned().unwrap_or_default();
        PackageInput {
            title: p.title.clone(),
            topic: p.topic.clone(),
            key_messages: p.key_messages.clone(),
            body: p.body.clone(),
            caption_whatsapp: cap(CaptionChannel::Whatsapp),
            caption_facebook: cap(CaptionChannel::Facebook),
            caption_instagram: cap(CaptionChannel::Instagram),
            caption_tiktok: cap(CaptionChannel::Tiktok),
            caption_radio: cap(CaptionChannel::Radio),
            video_link: p.video_link.clone(),
            targets: Target::parse_list(&p.targets)
                .iter()
                .map(Target::to_token)
                .collect(),
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.to_string(),
            priority: p.priority.clone(),
            office: p.owner_region.clone().unwrap_or_default(),
            change_note: String::new(),
        }
    }

    fn caption(&self, c: CaptionChannel) -> &str {
        match c {
            CaptionChannel::Whatsapp => &self.caption_whatsapp,
            CaptionChannel::Facebook => &self.caption_facebook,
            CaptionChannel::Instagram => &self.caption_instagram,
            CaptionChannel::Tiktok => &self.caption_tiktok,
            CaptionChannel::Radio => &self.caption_radio,
        }
    }
}

/// A package's captions by channel (only those written).
pub fn captions_of(p: &PackageRecord) -> BTreeMap<CaptionChannel, String> {
    let map: BTreeMap<String, String> = serde_json::from_str(&p.captions).unwrap_or_default();
    map.into_iter()
        .filter_map(|(k, v)| CaptionChannel::parse(&k).map(|c| (c, v)))
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn owner(p: &PackageRecord) -> Option<RegionCode> {
    p.owner_region
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
}

/// The offices an actor writes packages for (`None`: national).
pub fn offices(who: &Actor) -> Vec<Option<RegionCode>> {
    let mut out: Vec<Option<RegionCode>> = Vec::new();
    for g in &who.grants {
        if !(matches!(
            g.role,
            Role::NationalAdmin | Role::ProvincialAdmin | Role::RegencyAdmin | Role::PartnerStaff
        )) {
            continue;
        }
        match &g.territory {
            ScopeRegions::All => out.push(None),
            ScopeRegions::Regions(r) => out.extend(r.iter().cloned().map(Some)),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Where the actor may watch reach (the union of their administrator and partner grants).
pub fn watch_territory(who: &Actor) -> ScopeRegions {
    ScopeRegions::union(
        who.grants
            .iter()
            .filter(|g| g.role.is_admin() || g.role == Role::PartnerStaff)
            .map(|g| g.territory.clone()),
    )
}

fn validate(who: &Actor, input: &PackageInput) -> AppResult<PackageData> {
    let mut errors = Vec::new();
    let mut err = |f: &'static str, k: &'static str| errors.push(FieldError::new(f, k));
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        err("title", "dissem.error.title");
    }
    if Topic::parse(input.topic.trim()).is_none() {
        err("topic", "dissem.error.topic");
    }
    if input.key_messages.trim().is_empty() || input.key_messages.chars().count() > MAX_TEXT {
        err("key_messages", "dissem.error.key_messages");
    }
    if input.body.chars().count() > MAX_TEXT {
        err("body", "dissem.error.too_long");
    }
    let mut captions = BTreeMap::new();
    for c in CaptionChannel::ALL {
        let text = input.caption(*c).trim();
        if text.chars().count() > MAX_CAPTION {
            err("captions", "dissem.error.caption");
        } else if !text.is_empty() {
            captions.insert(c.as_str(), text.to_string());
        }
    }
    let video = input.video_link.trim();
    if !video.is_empty() && !simpul_core::dissem::valid_link(video) {
        err("video_link", "dissem.error.link");
    }
    let office = match input.office.trim() {
        "" => None,
        code => match RegionCode::parse(code) {
            Ok(c) => Some(c),
            Err(_) => {
                err("office", "dissem.error.office");
                None
            }
        },
    };
    let mut targets = Vec::new();
    let mut bad_target = false;
    for t in input.targets.iter().filter(|t| !t.trim().is_empty()) {
        match Target::parse(t) {
            Some(t) => targets.push(t),
            None => bad_target = true,
        }
    }
    targets.sort();
    targets.dedup();
    if bad_target {
        err("targets", "dissem.error.target");
    } else if targets.is_empty() {
        err("targets", "dissem.error.no_target");
    } else if targets.len() > MAX_TARGETS {
        err("targets", "dissem.error.too_many_targets");
    } else if let Some(o) = &office {
        let outside = targets
            .iter()
            .any(|t| matches!(t, Target::Region(r) if !o.contains(r) && !r.contains(o)));
        if outside {
            err("targets", "dissem.error.target_outside");
        }
    }
    let starts = parse_date(&input.starts_on);
    let ends = parse_date(&input.ends_on);
    if starts.is_none() {
        err("starts_on", "dissem.error.date");
    }
    if ends.is_none() {
        err("ends_on", "dissem.error.date");
    }
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            err("ends_on", "dissem.error.period");
        } else if (e - s).num_days() > 366 {
            err("ends_on", "dissem.error.period_long");
        }
    }
    let priority = match input.priority.trim() {
        "" => Priority::Normal,
        p => match Priority::parse(p) {
            Some(p) => p,
            None => {
                err("priority", "dissem.error.priority");
                Priority::Normal
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !who.can(Action::ComposePackage {
        region: office.as_ref(),
    }) {
        return Err(AppError::Forbidden);
    }
    Ok(PackageData {
        title: title.to_string(),
        topic: input.topic.trim().to_string(),
        key_messages: input.key_messages.trim().to_string(),
        body: input.body.trim().to_string(),
        captions: serde_json::to_string(&captions).unwrap_or_else(|_| "{}".into()),
        video_link: video.to_string(),
        targets: Target::list(&targets),
        starts_on: starts.unwrap_or_default(),
        ends_on: ends.unwrap_or_default(),
        priority: priority.as_str().to_string(),
        owner_region: office,
    })
}

/// An attachment as uploaded: a picture (re-encoded by the hoax capability's image handling:
/// size and pixel limits, metadata dropped, scaled down) or a PDF.
pub fn attachment(filename: &str, bytes: &[u8]) -> AppResult<NewAttachment> {
    // Only characters any header and file system accept (the name goes into
    // Content-Disposition when downloaded).
    let mut name: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    if name.trim_matches('.').is_empty() {
        name = "lampiran".into();
    }
    if bytes.starts_with(b"%PDF-") {
        if bytes.len() > MAX_PDF {
            return Err(AppError::invalid(
                "attachments",
                "dissem.error.pdf_too_large",
            ));
        }
        return Ok((name, "application/pdf".into(), bytes.to_vec()));
    }
    match crate::hoax::images::keep(bytes) {
        Ok(img) => {
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
            Ok((format!("{stem}.png"), "image/png".into(), img.png))
        }
        Err(crate::hoax::images::ImageError::NotAnImage) => Err(AppError::invalid(
            "attachments",
            "dissem.error.attachment_type",
        )),
        Err(e) => Err(AppError::invalid("attachments", e.message_key())),
    }
}

/// May `who` see this package's office view (its editors, publishers and reach watchers)?
pub fn may_see(who: &Actor, p: &PackageRecord) -> bool {
    let o = owner(p);
    p.created_by == Some(who.user_id)
        || who.can(Action::ComposePackage { region: o.as_ref() })
        || who.can(Action::WatchReach { region: o.as_ref() })
}

/// A package the actor may see at the office, or 404.
pub async fn visible(ctx: &AppCtx, who: &Actor, id: i64) -> AppResult<PackageRecord> {
    let p = ctx.store.dissem_package(id).await?;
    if !may_see(who, &p) {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

/// Whether `who` may change the package now: its author while a draft, the owning office's
/// writers at any time (a published package's change is a correction).
pub fn may_edit(who: &Actor, p: &PackageRecord) -> bool {
    let o = owner(p);
    who.can(Action::ComposePackage { region: o.as_ref() })
        && (p.status != PackageStatus::Published
            || who.can(Action::PublishPackage { region: o.as_ref() })
            || p.created_by == Some(who.user_id))
}

pub fn may_publish(who: &Actor, p: &PackageRecord) -> bool {
    who.can(Action::PublishPackage {
        region: owner(p).as_ref(),
    })
}

/// Packages the actor works with: owned in their offices, or written by them.
pub async fn list(ctx: &AppCtx, who: &Actor) -> AppResult<Vec<PackageRecord>> {
    if offices(who).is_empty() && !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok(ctx
        .store
        .dissem_packages(&watch_territory(who), Some(who.user_id), 300)
        .await?)
}

/// Write a new draft.
pub async fn create(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    input: &PackageInput,
) -> AppResult<i64> {
    let data = validate(who, input)?;
    Ok(ctx
        .store
        .dissem_create(audit, &data, &[], Some(who.user_id))
        .await?)
}

/// The catalogue keys of the fields a correction changed.
fn changed_fields(before: &PackageRecord, after: &PackageData) -> Vec<&'static str> {
    let mut out = Vec::new();
    if before.title != after.title {
        out.push("title");
    }
    if before.key_messages != after.key_messages {
        out.push("key_messages");
    }
    if before.body != after.body {
        out.push("body");
    }
    if before.captions != after.captions {
        out.push("captions");
    }
    if before.video_link != after.video_link {
        out.push("video_link");
    }
    if before.targets != after.targets {
        out.push("targets");
    }
    if before.starts_on != after.starts_on || before.ends_on != after.ends_on {
        out.push("period");
    }
    if before.topic != after.topic || before.priority != after.priority {
        out.push("priority");
    }
    out
}

/// Change a package. A published one is corrected: a change note is required, its version
/// grows, KIMs that already acted are told what changed, and newly targeted KIMs are found.
pub async fn update(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    input: &PackageInput,
) -> AppResult<i64> {
    let p = visible(ctx, who, id).await?;
    if !may_edit(who, &p) {
        return Err(AppError::Forbidden);
    }
    let data = validate(who, input)?;
    if p.status != PackageStatus::Published {
        return ctx
            .store
            .dissem_update(audit, &p, &data, &[], None)
            .await
            .map_err(changed);
    }
    let note = input.change_note.trim();
    if note.is_empty() || note.chars().count() > 1_000 {
        return Err(AppError::invalid("change_note", "dissem.error.change_note"));
    }
    let fields = changed_fields(&p, &data);
    if fields.is_empty() {
        return Err(AppError::invalid(
            "change_note",
            "dissem.error.nothing_changed",
        ));
    }
    let changed_list = fields.join(",");
    let version = ctx
        .store
        .dissem_update(
            audit,
            &p,
            &data,
            &[],
            Some((note, &changed_list, Some(who.user_id))),
        )
        .await
        .map_err(changed)?;
    let acted = ctx.store.dissem_acted(id).await?;
    if !acted.is_empty() {
        let t = ctx.catalog.messages(crate::Locale::default());
        let names: Vec<&str> = fields
            .iter()
            .map(|f| t.get(&format!("dissem.field.{f}")))
            .collect();
        notify(
            ctx,
            &Audience::Kims {
                kim_ids: acted,
                roles: vec![Role::KimOfficer],
            },
            &Message {
                kind: Kind::Program,
                priority: NoticePriority::Normal,
                template: "dissem_correction".into(),
                args: vec![
                    ("title".into(), data.title.clone()),
                    ("version".into(), version.to_string()),
                    ("changed".into(), names.join(", ")),
                    ("note".into(), note.to_string()),
                ],
                link: inbox_link(id),
                dedupe_key: Some(format!("dissem:{id}:v{version}")),
            },
        )
        .await?;
    }
    queue_sync(ctx, Some(id)).await?;
    Ok(version)
}

fn changed(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::Conflict(FieldError::new("", "dissem.error.changed")),
        other => other.into(),
    }
}

/// Add uploaded attachments to a package.
pub async fn attach(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    files: &[(String, Vec<u8>)],
) -> AppResult<()> {
    let p = visible(ctx, who, id).await?;
    if !may_edit(who, &p) {
        return Err(AppError::Forbidden);
    }
    if files.is_empty() {
        return Err(AppError::invalid("attachments", "dissem.error.no_file"));
    }
    let have = ctx.store.dissem_attachments(id).await?.len();
    if have + files.len() > MAX_ATTACHMENTS {
        return Err(AppError::invalid(
            "attachments",
            "dissem.error.too_many_files",
        ));
    }
    let mut kept = Vec::new();
    for (name, bytes) in files {
        kept.push(attachment(name, bytes)?);
    }
    let data = PackageData {
        title: p.title.clone(),
        topic: p.topic.clone(),
        key_messages: p.key_messages.clone(),
        body: p.body.clone(),
        captions: p.captions.clone(),
        video_link: p.video_link.clone(),
        targets: p.targets.clone(),
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        priority: p.priority.clone(),
        owner_region: owner(&p),
    };
    ctx.store
        .dissem_update(audit, &p, &data, &kept, None)
        .await
        .map_err(changed)?;
    Ok(())
}

/// An attachment, for those who may see the package or whose KIM it is aimed at.
pub async fn attachment_file(
    ctx: &AppCtx,
    who: &Actor,
    id: i64,
) -> AppResult<(String, String, Vec<u8>)> {
    let (package_id, name, ct, data) = ctx.store.dissem_attachment(id).await?;
    let p = ctx.store.dissem_package(package_id).await?;
    if may_see(who, &p) || inbox::officer_kim(ctx, who, &p).await?.is_some() {
        Ok((name, ct, data))
    } else {
        Err(AppError::NotFound)
    }
}

/// Submit for review, publish, or send back.
pub async fn transition(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: i64,
    step: Step,
) -> AppResult<PackageStatus> {
    let p = visible(ctx, who, id).await?;
    let allowed = match step {
        Step::Submit => may_edit(who, &p),
        Step::Publish | Step::SendBack => may_publish(who, &p),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let to = p
        .status
        .apply(step)
        .ok_or_else(|| AppError::Conflict(FieldError::new("", "dissem.error.wrong_state")))?;
    if to == PackageStatus::Published {
        let kims = resolve(ctx, &p).await?;
        if kims.is_empty() {
            return Err(AppError::invalid("targets", "dissem.error.no_kims"));
        }
        ctx.store
            .dissem_move(audit, &p, to)
            .await
            .map_err(changed)?;
        ctx.store.dissem_add_targets(id, &kims).await?;
        queue_sync(ctx, Some(id)).await?;
    } else {
        ctx.store
            .dissem_move(audit, &p, to)
            .await
            .map_err(changed)?;
        if to == PackageStatus::Review {
            notify(
                ctx,
                &Audience::Roles {
                    roles: vec![
                        Role::ProvincialAdmin,
                        Role::RegencyAdmin,
                        Role::NationalAdmin,
                    ],
                    region: owner(&p),
                },
                &Message {
                    kind: Kind::Program,
                    priority: NoticePriority::Normal,
                    template: "dissem_review".into(),
                    args: vec![("title".into(), p.title.clone())],
                    link: format!("/dissem/{id}"),
                    dedupe_key: Some(format!("dissem:{id}:review:{}", p.updated_at.timestamp())),
                },
            )
            .await?;
        }
    }
    Ok(to)
}

/// The KIMs a package's target reaches now.
pub async fn resolve(ctx: &AppCtx, p: &PackageRecord) -> AppResult<Vec<(i64, String)>> {
    let targets = Target::parse_list(&p.targets);
    Ok(ctx
        .store
        .dissem_resolve(&Resolved::of(&targets), owner(p).as_ref())
        .await?)
}

pub fn inbox_link(id: i64) -> String {
    format!("/dissem/inbox/{id}")
}

/// Find KIMs a running package newly reaches and tell every targeted KIM not yet told.
/// Returns (KIMs added, KIMs told).
pub async fn sync(ctx: &AppCtx, p: &PackageRecord) -> AppResult<(usize, usize)> {
    let today = chrono::Utc::now().date_naive();
    if p.status != PackageStatus::Published || p.ends_on < today {
        return Ok((0, 0));
    }
    let kims = resolve(ctx, p).await?;
    let added = ctx.store.dissem_add_targets(p.id, &kims).await?.len();
    let pending = ctx.store.dissem_unnotified(p.id).await?;
    if !pending.is_empty() {
        let priority = match Priority::parse(&p.priority) {
            Some(Priority::Low) => NoticePriority::Low,
            _ => NoticePriority::Normal,
        };
        for part in pending.chunks(2_000) {
            notify(
                ctx,
                &Audience::Kims {
                    kim_ids: part.to_vec(),
                    roles: vec![Role::KimOfficer],
                },
                &Message {
                    kind: Kind::Program,
                    priority,
                    template: "dissem_new".into(),
                    args: vec![
                        ("title".into(), p.title.clone()),
                        (
                            "until".into(),
                            simpul_core::calendar::long_date(p.ends_on, "id"),
                        ),
                    ],
                    link: inbox_link(p.id),
                    dedupe_key: Some(format!("dissem:{}:new", p.id)),
                },
            )
            .await?;
            ctx.store.dissem_mark_notified(p.id, part).await?;
        }
    }
    Ok((added, pending.len()))
}

pub static SYNC: JobKind = JobKind {
    name: "dissem.sync",
    run: |ctx, job, progress| Box::pin(run_sync(ctx, job, progress)),
    max_attempts: 6,
    max_backoff: Duration::from_secs(600),
};

/// Every hour: KIMs verified since publication, inside a running package's target.
pub static SYNC_HOURLY: ScheduleDef = ScheduleDef {
    name: "dissem.sync",
    every: Duration::from_secs(3600),
    kind: &SYNC,
};

/// Queue a sync of one package (`None`: all running ones).
pub async fn queue_sync(ctx: &AppCtx, id: Option<i64>) -> AppResult<()> {
    let stamp = chrono::Utc::now().timestamp_millis();
    ctx.store
        .enqueue(&SYNC.job(
            json!({ "package_id": id }),
            None,
            Some(format!("dissem.sync:{}:{stamp}", id.unwrap_or(0))),
        ))
        .await?;
    ctx.jobs_wake.notify_one();
    Ok(())
}

async fn run_sync(ctx: &AppCtx, job: &Job, _: &Progress) -> Result<Value, JobError> {
    let payload: Value = serde_json::from_str(&job.payload).unwrap_or(Value::Null);
    let retry = |e: AppError| JobError::Retry(format!("{e:?}"));
    let packages = match payload.get("package_id").and_then(Value::as_i64) {
        Some(id) => match ctx.store.dissem_package(id).await {
            Ok(p) => vec![p],
            Err(StoreError::NotFound) => vec![],
            Err(e) => return Err(JobError::Retry(e.to_string())),
        },
        None => ctx
            .store
            .dissem_running(chrono::Utc::now().date_naive())
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?,
    };
    let (mut added, mut told) = (0, 0);
    for p in &packages {
        let (a, t) = sync(ctx, p).await.map_err(retry)?;
        added += a;
        told += t;
    }
    Ok(json!({ "packages": packages.len(), "added": added, "notified": told }))
}
