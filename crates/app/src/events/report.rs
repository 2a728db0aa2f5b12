//! After the event: attendees' evaluations, the organiser's view of attendance by region and
//! role and of the evaluations, participant exports (CSV, XLSX) and the iCalendar file.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::RegionCode;
use simpul_store::events::{EventRecord, Participant, SessionRecord};
use std::collections::BTreeMap;

/// One session's rating as typed: `rating_<session>` 1–5 and `comment_<session>`.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EvaluationEntry {
    pub session_id: i64,
    pub rating: String,
    pub comment: String,
}

/// Save an attendee's evaluation. Only sessions they were checked in to may be rated;
/// someone who attended nothing is refused with a clear message and nothing is written.
pub async fn evaluate(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    event_id: i64,
    entries: &[EvaluationEntry],
) -> AppResult<usize> {
    let e = ctx.store.event(event_id).await?;
    let Some(reg) = ctx.store.registration_of(e.id, who.user_id).await? else {
        return Err(AppError::NotFound);
    };
    let attended = ctx.store.checked_sessions(reg.id).await?;
    if attended.is_empty() || reg.status != "confirmed" {
        return Err(AppError::invalid("", "events.error_not_attended"));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for entry in entries.iter().take(50) {
        if entry.rating.trim().is_empty() && entry.comment.trim().is_empty() {
            continue;
        }
        if !attended.contains(&entry.session_id) {
            errors.push(FieldError::new("", "events.error_session_not_attended"));
            continue;
        }
        let Some(rating) = entry
            .rating
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|r| (1..=5).contains(r))
        else {
            errors.push(FieldError::new("rating", "events.error_rating"));
            continue;
        };
        let comment = entry.comment.trim();
        if comment.chars().count() > 1000 {
            errors.push(FieldError::new("comment", "alerts.error_too_long"));
            continue;
        }
        rows.push((entry.session_id, rating, comment.to_string()));
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("rating", "events.error_rating"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    ctx.store.save_evaluation(audit, reg.id, &rows).await?;
    Ok(rows.len())
}

/// Attendance of one group (a kabupaten/kota, a role).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Tally {
    pub label: String,
    pub confirmed: i64,
    pub attended: i64,
}

/// One session's evaluation.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct SessionScore {
    pub session_id: i64,
    pub title: String,
    pub responses: i64,
    /// Average rating ×10 (42 = 4.2), to keep integers in templates.
    pub average_x10: i64,
    /// How many gave 1, 2, 3, 4, 5.
    pub histogram: [i64; 5],
    pub comments: Vec<String>,
    pub checked_in: i64,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Report {
    pub confirmed: i64,
    pub waitlisted: i64,
    pub cancelled: i64,
    pub attended: i64,
    pub certificates: i64,
    pub by_region: Vec<Tally>,
    pub by_role: Vec<Tally>,
    pub sessions: Vec<SessionScore>,
}

/// The regency (kabupaten/kota) code of a region code: its first two parts.
fn regency_of(code: &str) -> String {
    code.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// The organiser's report. `role_label` names a role for reading.
pub async fn report(
    ctx: &AppCtx,
    who: &Actor,
    event_id: i64,
    role_label: impl Fn(&str) -> String,
) -> AppResult<(EventRecord, Report)> {
    let e = ctx.store.event(event_id).await?;
    if !super::may_manage(who, &e) {
        return Err(AppError::NotFound);
    }
    let people = ctx.store.participants(event_id).await?;
    let sessions = ctx.store.event_sessions(event_id).await?;
    let index = ctx.regions.index(&ctx.store).await?;
    let mut r = Report::default();
    let mut regions: BTreeMap<String, Tally> = BTreeMap::new();
    let mut roles: BTreeMap<String, Tally> = BTreeMap::new();
    for p in &people {
        match p.registration.status.as_str() {
            "confirmed" => r.confirmed += 1,
            "waitlisted" => r.waitlisted += 1,
            _ => r.cancelled += 1,
        }
        if p.registration.certificate_code.is_some() {
            r.certificates += 1;
        }
        if p.registration.status != "confirmed" {
            continue;
        }
        let attended = !p.sessions.is_empty();
        if attended {
            r.attended += 1;
        }
        let regency = regency_of(&p.registration.region_code);
        let label = RegionCode::parse(&regency)
            .ok()
            .and_then(|c| index.get(&c).map(|x| x.name.clone()))
            .unwrap_or_else(|| "—".into());
        for (map, key) in [
            (&mut regions, label),
            (&mut roles, role_label(&p.registration.role)),
        ] {
            let t = map.entry(key.clone()).or_insert_with(|| Tally {
                label: key,
                ..Tally::default()
            });
            t.confirmed += 1;
            t.attended += i64::from(attended);
        }
    }
    r.by_region = regions.into_values().collect();
    r.by_role = roles.into_values().collect();
    let evaluations = ctx.store.evaluations(event_id).await?;
    for s in &sessions {
        let mut score = SessionScore {
            session_id: s.id,
            title: s.title.clone(),
            checked_in: people.iter().filter(|p| p.sessions.contains(&s.id)).count() as i64,
            ..SessionScore::default()
        };
        let mut sum = 0;
        for v in evaluations.iter().filter(|v| v.session_id == s.id) {
            score.responses += 1;
            sum += v.rating;
            if let Some(slot) = score.histogram.get_mut((v.rating - 1).clamp(0, 4) as usize) {
                *slot += 1;
            }
            if !v.comment.is_empty() && score.comments.len() < 50 {
                score.comments.push(v.comment.clone());
            }
        }
        if score.responses > 0 {
            score.average_x10 = (sum * 10 + score.responses / 2) / score.responses;
        }
        r.sessions.push(score);
    }
    Ok((e, r))
}

/// Minutes of the agenda a participant attended, and the agenda's total.
pub fn attended_minutes(sessions: &[SessionRecord], attended: &[i64]) -> (i64, i64) {
    let total = sessions.iter().map(SessionRecord::minutes).sum();
    let mine = sessions
        .iter()
        .filter(|s| attended.contains(&s.id))
        .map(SessionRecord::minutes)
        .sum();
    (mine, total)
}

/// The participant list with attendance, for the exports: header and rows.
pub async fn participant_table(
    ctx: &AppCtx,
    who: &Actor,
    event_id: i64,
    t: &crate::i18n::Messages<'_>,
) -> AppResult<(EventRecord, Vec<String>, Vec<Vec<String>>)> {
    let e = ctx.store.event(event_id).await?;
    if !super::may_manage(who, &e) {
        return Err(AppError::NotFound);
    }
    let sessions = ctx.store.event_sessions(event_id).await?;
    let people: Vec<Participant> = ctx.store.participants(event_id).await?;
    let index = ctx.regions.index(&ctx.store).await?;
    let mut header: Vec<String> = [
        "events.col_name",
        "events.col_role",
        "events.col_region",
        "events.col_status",
    ]
    .iter()
    .map(|k| t.get(k).to_string())
    .collect();
    for s in &sessions {
        header.push(s.title.clone());
    }
    header.push(t.get("events.col_minutes").into());
    header.push(t.get("events.col_certificate").into());
    let mut rows = Vec::new();
    for p in &people {
        let r = &p.registration;
        let mut row = vec![
            r.name.clone(),
            t.get(&format!("role.{}", r.role)).to_string(),
            if r.region_code.is_empty() {
                String::new()
            } else {
                index.place_name(&r.region_code)
            },
            t.get(&format!("events.status_{}", r.status)).to_string(),
        ];
        for s in &sessions {
            row.push(if p.sessions.contains(&s.id) {
                "1".into()
            } else {
                "0".into()
            });
        }
        row.push(attended_minutes(&sessions, &p.sessions).0.to_string());
        row.push(r.certificate_code.clone().unwrap_or_default());
        rows.push(row);
    }
    Ok((e, header, rows))
}

/// A spreadsheet cell must not start a formula when opened (CSV injection).
fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn to_csv(header: &[String], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(AppError::internal)?;
    for r in rows {
        w.write_record(r.iter().map(|c| safe_cell(c)))
            .map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

pub fn to_xlsx(header: &[String], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(AppError::internal)?;
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            let row = (i + 1) as u32;
            match v.parse::<f64>() {
                Ok(n) if !v.is_empty() && c >= 4 => ws.write_number(row, c as u16, n),
                _ => ws.write_string(row, c as u16, v),
            }
            .map_err(AppError::internal)?;
        }
    }
    wb.save_to_buffer().map_err(AppError::internal)
}

/// The event as an iCalendar file (RFC 5545), one VEVENT per session.
pub fn ics(ctx: &AppCtx, e: &EventRecord, sessions: &[SessionRecord]) -> String {
    use icalendar::{Calendar, Component, Event, EventLike};
    let host = url::Url::parse(&ctx.config.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "simpul.invalid".into());
    let link = format!(
        "{}/events/{}",
        ctx.config.base_url.trim_end_matches('/'),
        e.id
    );
    let location = if e.venue.is_empty() {
        e.online_url.clone()
    } else if e.address.is_empty() {
        e.venue.clone()
    } else {
        format!("{}, {}", e.venue, e.address)
    };
    let mut cal = Calendar::new();
    cal.name(&e.title);
    let mut push = |uid: String, summary: &str, start, end| {
        let mut ev = Event::new();
        ev.uid(&uid)
            .summary(summary)
            .description(&format!("{}\n\n{link}", e.description))
            .location(&location)
            .starts::<chrono::DateTime<chrono::Utc>>(start)
            .ends::<chrono::DateTime<chrono::Utc>>(end);
        cal.push(ev.done());
    };
    if sessions.len() <= 1 {
        push(
            format!("event-{}@{host}", e.id),
            &e.title,
            e.starts_at,
            e.ends_at,
        );
    } else {
        for s in sessions {
            push(
                format!("event-{}-session-{}@{host}", e.id, s.id),
                &format!("{} — {}", e.title, s.title),
                s.starts_at,
                s.ends_at,
            );
        }
    }
    cal.done().to_string()
}
