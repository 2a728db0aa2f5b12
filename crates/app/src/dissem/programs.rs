//! The shared calendar of public-communication programs: the province, Bakorwil offices,
//! kabupaten/kota and partners enter theirs; Simpul shows overlaps (same region, same topic,
//! overlapping period; or the same KIMs asked twice in a week), gaps (kabupaten/kota and topics
//! with nothing planned in a month), a month view per region, and records how owners resolved
//! each overlap (merge, move, accept). An iCalendar feed per office and per region, and
//! CSV/XLSX exports.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use chrono::{Datelike, Months, NaiveDate};
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor, ScopeRegions};
use simpul_core::dissem::programs::{self, Overlap, Span};
use simpul_core::dissem::Decision;
use simpul_core::registry::Topic;
use simpul_core::RegionCode;
use simpul_store::dissem::{DecisionRecord, ProgramData, ProgramRecord};

/// A program as written in the form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProgramInput {
    pub theme: String,
    /// A focus topic: `health`, `education`, `disaster`, ...
    pub topic: String,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    /// `YYYY-MM-DD`, not before the start.
    pub ends_on: String,
    /// Region codes the program targets.
    pub regions: Vec<String>,
    /// The owning office's region code (empty: national).
    pub office: String,
    /// `kim`, `social_media`, `radio`, `tv`, `print`, `outdoor`, `event`.
    pub channels: Vec<String>,
    pub budget_line: String,
}

impl ProgramInput {
    pub fn from_record(p: &ProgramRecord) -> ProgramInput {
        ProgramInput {
            theme: p.theme.clone(),
            topic: p.topic.clone(),
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.to_string(),
            regions: p.regions.split(',').map(str::to_string).collect(),
            office: p.owner_region.clone().unwrap_or_default(),
            channels: p
                .channels
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
            budget_line: p.budget_line.clone(),
        }
    }
}

fn region_list(s: &str) -> Vec<RegionCode> {
    s.split(',')
        .filter_map(|c| RegionCode::parse(c.trim()).ok())
        .collect()
}

pub fn span(p: &ProgramRecord) -> Span {
    Span {
        id: p.id,
        topic: p.topic.clone(),
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        regions: region_list(&p.regions),
        via_kims: p.channels.split(',').any(|c| c == "kim"),
    }
}

fn owner(p: &ProgramRecord) -> Option<RegionCode> {
    p.owner_region
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
}

pub fn may_plan(who: &Actor, p: &ProgramRecord) -> bool {
    who.can(Action::PlanProgram {
        region: owner(p).as_ref(),
    })
}

fn validate(who: &Actor, input: &ProgramInput) -> AppResult<ProgramData> {
    let mut errors = Vec::new();
    let mut err = |f: &'static str, k: &'static str| errors.push(FieldError::new(f, k));
    let theme = input.theme.trim();
    if theme.is_empty() || theme.chars().count() > super::MAX_TITLE {
        err("theme", "dissem.error.theme");
    }
    if Topic::parse(input.topic.trim()).is_none() {
        err("topic", "dissem.error.topic");
    }
    let starts = super::parse_date(&input.starts_on);
    let ends = super::parse_date(&input.ends_on);
    if starts.is_none() {
        err("starts_on", "dissem.error.date");
    }
    if ends.is_none() {
        err("ends_on", "dissem.error.date");
    }
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            err("ends_on", "dissem.error.program_period");
        } else if (e - s).num_days() > 366 {
            err("ends_on", "dissem.error.period_long");
        }
    }
    let office = match input.office.trim() {
        "" => None,
        c => match RegionCode::parse(c) {
            Ok(c) => Some(c),
            Err(_) => {
                err("office", "dissem.error.office");
                None
            }
        },
    };
    let mut regions = Vec::new();
    for r in input
        .regions
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match RegionCode::parse(r) {
            Ok(c) => regions.push(c),
            Err(_) => {
                err("regions", "dissem.error.target");
                break;
            }
        }
    }
    regions.sort();
    regions.dedup();
    if regions.is_empty() {
        err("regions", "dissem.error.no_region");
    } else if regions.len() > super::MAX_TARGETS {
        err("regions", "dissem.error.too_many_targets");
    } else if let Some(o) = &office {
        if regions.iter().any(|r| !o.contains(r) && !r.contains(o)) {
            err("regions", "dissem.error.target_outside");
        }
    }
    let channels = programs::parse_channels(&input.channels);
    if channels.is_none() {
        err("channels", "dissem.error.channel");
    }
    if input.budget_line.chars().count() > 300 {
        err("budget_line", "dissem.error.too_long");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !who.can(Action::PlanProgram {
        region: office.as_ref(),
    }) {
        return Err(AppError::Forbidden);
    }
    Ok(ProgramData {
        theme: theme.to_string(),
        topic: input.topic.trim().to_string(),
        starts_on: starts.unwrap_or_default(),
        ends_on: ends.unwrap_or_default(),
        regions: regions
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(","),
        owner_region: office,
        channels: channels.unwrap_or_default().join(","),
        budget_line: input.budget_line.trim().to_string(),
    })
}

/// Enter a program, or change one of the actor's offices.
pub async fn save(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: Option<i64>,
    input: &ProgramInput,
) -> AppResult<i64> {
    if let Some(id) = id {
        let p = ctx.store.program(id).await?;
        if !may_plan(who, &p) {
            return Err(if who.can(Action::ViewPrograms) {
                AppError::Forbidden
            } else {
                AppError::NotFound
            });
        }
    }
    let data = validate(who, input)?;
    Ok(ctx
        .store
        .program_save(audit, id, &data, Some(who.user_id))
        .await?)
}

pub async fn program(ctx: &AppCtx, who: &Actor, id: i64) -> AppResult<ProgramRecord> {
    require_viewer(who)?;
    Ok(ctx.store.program(id).await?)
}

fn require_viewer(who: &Actor) -> AppResult<()> {
    if who.can(Action::ViewPrograms) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The first day of a `YYYY-MM` month (this month when absent or unreadable).
pub fn month_start(s: Option<&str>) -> NaiveDate {
    s.and_then(|m| NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d").ok())
        .filter(|d| (2000..=2100).contains(&d.year()))
        .unwrap_or_else(|| {
            let t = chrono::Utc::now().date_naive();
            NaiveDate::from_ymd_opt(t.year(), t.month(), 1).expect("first of the month")
        })
}

pub fn month_end(start: NaiveDate) -> NaiveDate {
    start + Months::new(1) - chrono::Duration::days(1)
}

/// An overlap with its programs and the decision taken, if any.
pub struct OverlapView {
    pub overlap: Overlap,
    pub a: ProgramRecord,
    pub b: ProgramRecord,
    pub decision: Option<DecisionRecord>,
}

/// A month of one region (or of everything the viewer oversees).
pub struct Calendar {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub region: Option<RegionCode>,
    pub programs: Vec<ProgramRecord>,
    pub overlaps: Vec<OverlapView>,
    /// Kabupaten/kota (or kecamatan) of the region with nothing planned, and topics likewise.
    pub empty_regions: Vec<RegionCode>,
    pub empty_topics: Vec<Topic>,
}

fn touches(p: &ProgramRecord, region: Option<&RegionCode>) -> bool {
    region.is_none_or(|r| programs::regions_meet(&region_list(&p.regions), std::slice::from_ref(r)))
}

pub async fn calendar(
    ctx: &AppCtx,
    who: &Actor,
    month: NaiveDate,
    region: Option<RegionCode>,
) -> AppResult<Calendar> {
    require_viewer(who)?;
    let (from, until) = (month, month_end(month));
    // Programs of the month, and those of the weeks around it (an overlap in the same week).
    let all = ctx
        .store
        .programs_between(
            from - chrono::Duration::days(7),
            until + chrono::Duration::days(7),
        )
        .await?;
    let territory = super::watch_territory(who);
    let visible: Vec<ProgramRecord> = all
        .into_iter()
        .filter(|p| match &territory {
            ScopeRegions::All => true,
            t => region_list(&p.regions).iter().any(|r| {
                t.contains_region(r) || matches!(t, ScopeRegions::Regions(roots) if roots.iter().any(|x| r.contains(x)))
            }),
        })
        .filter(|p| touches(p, region.as_ref()))
        .collect();
    let spans: Vec<Span> = visible.iter().map(span).collect();
    let decisions = ctx.store.program_decisions().await?;
    let by_id = |id: i64| visible.iter().find(|p| p.id == id).cloned();
    let mut overlaps = Vec::new();
    for o in programs::overlaps(&spans) {
        let (Some(a), Some(b)) = (by_id(o.a), by_id(o.b)) else {
            continue;
        };
        // Only overlaps touching this month.
        if a.ends_on.max(b.ends_on) < from || a.starts_on.min(b.starts_on) > until {
            continue;
        }
        let decision = decisions
            .iter()
            .find(|d| d.a_id == o.a && d.b_id == o.b)
            .cloned();
        overlaps.push(OverlapView {
            overlap: o,
            a,
            b,
            decision,
        });
    }
    // Gaps among the children of the region looked at (the kabupaten/kota of a province).
    let parent = region.clone().or_else(|| match &territory {
        ScopeRegions::Regions(r) if r.len() == 1 => Some(r[0].clone()),
        _ => None,
    });
    let children: Vec<RegionCode> = match &parent {
        Some(p) if p.level() != simpul_core::Level::Village => ctx
            .store
            .region_children(Some(p))
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect(),
        _ => Vec::new(),
    };
    let slugs: Vec<&str> = Topic::ALL.iter().map(|t| t.as_str()).collect();
    let (empty_r, empty_t) = programs::gaps(&spans, from, until, &children, &slugs);
    let empty_regions = empty_r.into_iter().cloned().collect();
    let empty_topics = if children.is_empty() {
        Vec::new()
    } else {
        empty_t.into_iter().filter_map(Topic::parse).collect()
    };
    let programs = visible
        .into_iter()
        .filter(|p| p.starts_on <= until && p.ends_on >= from)
        .collect();
    Ok(Calendar {
        from,
        until,
        region,
        programs,
        overlaps,
        empty_regions,
        empty_topics,
    })
}

/// Record how an overlap between two programs is resolved (an owner of either).
pub async fn decide(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    a: i64,
    b: i64,
    decision: &str,
    note: &str,
) -> AppResult<()> {
    require_viewer(who)?;
    let Some(decision) = Decision::parse(decision) else {
        return Err(AppError::invalid("decision", "dissem.error.decision"));
    };
    if note.chars().count() > 1_000 {
        return Err(AppError::invalid("note", "dissem.error.too_long"));
    }
    let pa = ctx.store.program(a).await?;
    let pb = ctx.store.program(b).await?;
    if !may_plan(who, &pa) && !may_plan(who, &pb) {
        return Err(AppError::Forbidden);
    }
    if a == b || programs::overlap(&span(&pa), &span(&pb)).is_none() {
        return Err(AppError::invalid("decision", "dissem.error.no_overlap"));
    }
    ctx.store
        .program_decide(
            audit,
            a,
            b,
            decision.as_str(),
            note.trim(),
            Some(who.user_id),
        )
        .await?;
    Ok(())
}

/// The programs an iCalendar feed carries: owned by the office of `code` (`office`), or
/// touching the region `code`; from 90 days back on.
pub async fn feed_programs(
    ctx: &AppCtx,
    code: &RegionCode,
    office: bool,
) -> AppResult<Vec<ProgramRecord>> {
    let today = chrono::Utc::now().date_naive();
    let all = ctx
        .store
        .programs_between(
            today - chrono::Duration::days(365),
            today + chrono::Duration::days(3660),
        )
        .await?;
    Ok(all
        .into_iter()
        .filter(|p| {
            if office {
                p.owner_region.as_deref() == Some(code.as_str())
            } else {
                touches(p, Some(code))
            }
        })
        .collect())
}

/// An RFC 5545 calendar of programs, built with the `icalendar` crate (escaping, line folding
/// and all-day dates done by a maintained implementation rather than by hand). Budget lines
/// stay out: the feed is public.
pub fn ical(name: &str, host: &str, items: &[(ProgramRecord, String)]) -> String {
    use icalendar::{Calendar as Ical, Component, Event, EventLike};
    let mut cal = Ical::new();
    cal.name(name);
    for (p, description) in items {
        let event = Event::new()
            .uid(&format!("program-{}@{host}", p.id))
            .summary(&p.theme)
            .description(description)
            .all_day(p.starts_on)
            .ends(p.ends_on + chrono::Duration::days(1))
            .timestamp(p.updated_at)
            .done();
        cal.push(event);
    }
    cal.done().to_string()
}

pub const EXPORT_HEADERS: [&str; 9] = [
    "ID",
    "Tema",
    "Topik",
    "Mulai",
    "Selesai",
    "Wilayah",
    "Pemilik",
    "Saluran",
    "Mata Anggaran",
];

/// Programs of a period the actor may see, as rows for a sheet.
pub async fn export_rows(
    ctx: &AppCtx,
    who: &Actor,
    month: NaiveDate,
    region: Option<RegionCode>,
) -> AppResult<Vec<Vec<String>>> {
    let cal = calendar(ctx, who, month, region).await?;
    let index = ctx.regions.index(&ctx.store).await?;
    let t = ctx.catalog.messages(crate::Locale::default());
    Ok(cal
        .programs
        .into_iter()
        .map(|p| {
            let regions = region_list(&p.regions)
                .iter()
                .map(|r| index.place_name(r.as_str()))
                .collect::<Vec<_>>()
                .join("; ");
            vec![
                p.id.to_string(),
                p.theme,
                Topic::parse(&p.topic)
                    .map(|x| t.get(x.message_key()).to_string())
                    .unwrap_or(p.topic),
                p.starts_on.format("%d/%m/%Y").to_string(),
                p.ends_on.format("%d/%m/%Y").to_string(),
                regions,
                p.owner_region
                    .as_deref()
                    .map(|o| index.place_name(o))
                    .unwrap_or_else(|| "Nasional".into()),
                p.channels,
                p.budget_line,
            ]
        })
        .collect())
}
