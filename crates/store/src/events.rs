//! Capacity building (issue 14): events with their agenda, quotas, invitations and materials;
//! registrations with a waiting list; per-session check-ins; evaluations; certificates.
//!
//! Seats are decided inside one write transaction that first bumps the event's
//! `seats_version`: on PostgreSQL that UPDATE takes the event row's lock, so concurrent
//! registrations for one event queue behind it and each counts the seats after the previous
//! one committed (READ COMMITTED takes a fresh snapshot per statement); on SQLite the
//! transaction is `BEGIN IMMEDIATE`, which serialises writers anyway. Same SQL on both engines,
//! no engine-specific `FOR UPDATE`.

use crate::connect::BeginWrite;
use crate::notify::{queue_notice_in_tx, PendingNotice};
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::events::{matching_quota, RegStatus};
use simpul_core::RegionCode;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EventRecord {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub venue: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub online_url: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub reg_opens_at: DateTime<Utc>,
    pub reg_closes_at: DateTime<Utc>,
    pub allowed_roles: String,
    pub allowed_regions: String,
    pub invited_only: bool,
    pub materials_public: bool,
    pub min_attendance: i64,
    pub region_code: String,
    pub status: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// The organiser's reason when `status` is `cancelled`.
    pub cancel_reason: String,
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl EventRecord {
    pub fn is_cancelled(&self) -> bool {
        self.status == "cancelled"
    }
}

const EVENT_COLUMNS: &str = "id, kind, title, description, venue, address, lat, lon, online_url, starts_at, ends_at, \
    capacity, reg_opens_at, reg_closes_at, allowed_roles, allowed_regions, invited_only, materials_public, \
    min_attendance, region_code, status, created_by, created_at, cancel_reason, cancelled_at";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SessionRecord {
    pub id: i64,
    pub event_id: i64,
    pub position: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// JSON list of `simpul_core::events::Speaker`.
    pub speakers: String,
}

impl SessionRecord {
    pub fn speaker_list(&self) -> Vec<simpul_core::events::Speaker> {
        serde_json::from_str(&self.speakers).unwrap_or_default()
    }

    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes().max(0)
    }
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct QuotaRecord {
    pub region_code: String,
    pub seats: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MaterialRecord {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RegistrationRecord {
    pub id: i64,
    pub event_id: i64,
    pub user_id: i64,
    pub name: String,
    pub role: String,
    pub region_code: String,
    pub kim_id: Option<i64>,
    pub quota_region: Option<String>,
    pub status: String,
    #[serde(skip)]
    pub ticket_nonce: String,
    pub certificate_code: Option<String>,
    pub certificate_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who registered this person (a KIM officer, their office), when not themselves.
    pub registered_by: Option<i64>,
}

const REG_COLUMNS: &str =
    "id, event_id, user_id, name, role, region_code, kim_id, quota_region, status, ticket_nonce, \
    certificate_code, certificate_at, created_at, updated_at, registered_by";

#[derive(Debug, Clone)]
pub struct NewSession {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub speakers_json: String,
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub venue: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub online_url: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub reg_opens_at: DateTime<Utc>,
    pub reg_closes_at: DateTime<Utc>,
    pub allowed_roles: String,
    pub allowed_regions: String,
    pub invited_only: bool,
    pub materials_public: bool,
    pub min_attendance: i64,
    pub region: RegionCode,
    pub created_by: Option<i64>,
    pub sessions: Vec<NewSession>,
    pub quotas: Vec<(String, i64)>,
    pub invites: Vec<i64>,
    pub materials: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub event_id: i64,
    pub user_id: i64,
    pub name: String,
    pub role: String,
    pub region_code: String,
    pub kim_id: Option<i64>,
    pub nonce: String,
    /// Who registers them, when not themselves.
    pub registered_by: Option<i64>,
}

/// Where a registration landed, and why it waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub id: i64,
    pub status: RegStatus,
    /// For a waiting place: `full` (no seat left) or `quota` (the region's seats are taken).
    pub reason: Option<&'static str>,
}

/// An account someone may register for an event (a member of their KIM, staff of their office).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Colleague {
    pub user_id: i64,
    pub display_name: String,
    pub role: String,
}

/// Why a list of registrations was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// This person already holds a seat or a waiting place (or is named twice).
    Duplicate { user_id: i64 },
    /// No seat is left for this person: `full` (the event) or `quota` (the quota `quota`).
    NoSeat {
        user_id: i64,
        reason: &'static str,
        quota: Option<String>,
    },
}

/// Who moved up from the waiting list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promoted {
    pub registration_id: i64,
    pub user_id: i64,
}

/// A participant with what they attended.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Participant {
    pub registration: RegistrationRecord,
    /// Session ids checked in.
    pub sessions: Vec<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EvaluationRow {
    pub registration_id: i64,
    pub session_id: i64,
    pub rating: i64,
    pub comment: String,
}

/// A certificate found by its verification code.
#[derive(Debug, Clone)]
pub struct CertificateRecord {
    pub registration: RegistrationRecord,
    pub event: EventRecord,
}

/// A training a person completed (attended), for their profile.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CompletedTraining {
    pub event_id: i64,
    pub title: String,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub certificate_code: Option<String>,
}

fn fits(
    quotas: &[QuotaRecord],
    capacity: i64,
    confirmed: &[(Option<String>, i64)],
    region: &str,
) -> (Option<String>, Option<&'static str>) {
    let codes: Vec<String> = quotas.iter().map(|q| q.region_code.clone()).collect();
    let quota = matching_quota(&codes, region).cloned();
    let total: i64 = confirmed.iter().map(|(_, n)| *n).sum();
    if total >= capacity {
        return (quota, Some("full"));
    }
    if let Some(q) = &quota {
        let seats = quotas
            .iter()
            .find(|r| &r.region_code == q)
            .map(|r| r.seats)
            .unwrap_or(0);
        let used: i64 = confirmed
            .iter()
            .filter(|(r, _)| r.as_deref() == Some(q.as_str()))
            .map(|(_, n)| *n)
            .sum();
        if used >= seats {
            return (quota, Some("quota"));
        }
    }
    (quota, None)
}

impl Store {
    /// Write an event with its agenda, quotas, invitations and materials. Audited.
    pub async fn create_event(&self, ctx: &AuditContext, e: &NewEvent) -> Result<i64> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO events (kind, title, description, venue, address, lat, lon, online_url, starts_at, ends_at, \
                 capacity, reg_opens_at, reg_closes_at, allowed_roles, allowed_regions, invited_only, materials_public, \
                 min_attendance, region_code, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21) RETURNING id")
                .bind(&e.kind).bind(&e.title).bind(&e.description).bind(&e.venue).bind(&e.address)
                .bind(e.lat).bind(e.lon).bind(&e.online_url).bind(e.starts_at).bind(e.ends_at)
                .bind(e.capacity).bind(e.reg_opens_at).bind(e.reg_closes_at).bind(&e.allowed_roles)
                .bind(&e.allowed_regions).bind(e.invited_only).bind(e.materials_public).bind(e.min_attendance)
                .bind(e.region.to_string()).bind(e.created_by).bind(now)
                .fetch_one(&mut *tx).await?;
            for (i, s) in e.sessions.iter().enumerate() {
                sqlx::query("INSERT INTO event_sessions (event_id, position, title, starts_at, ends_at, speakers) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(id).bind(i as i64).bind(&s.title).bind(s.starts_at).bind(s.ends_at).bind(&s.speakers_json)
                    .execute(&mut *tx).await?;
            }
            for (region, seats) in &e.quotas {
                sqlx::query("INSERT INTO event_quotas (event_id, region_code, seats) VALUES ($1, $2, $3) ON CONFLICT (event_id, region_code) DO UPDATE SET seats = excluded.seats")
                    .bind(id).bind(region).bind(*seats).execute(&mut *tx).await?;
            }
            for kim in &e.invites {
                sqlx::query("INSERT INTO event_invites (event_id, kim_id) VALUES ($1, $2) ON CONFLICT (event_id, kim_id) DO NOTHING")
                    .bind(id).bind(*kim).execute(&mut *tx).await?;
            }
            for (title, url) in &e.materials {
                sqlx::query("INSERT INTO event_materials (event_id, title, url, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(title).bind(url).bind(now).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("event.create", "event", id)
                .in_region(Some(e.region.clone()))
                .with_summary(json!({"after": {"title": e.title, "kind": e.kind, "capacity": e.capacity, "sessions": e.sessions.len()}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Change an event (its organiser's edit form): the fields, the agenda session by session
    /// (kept by position, so check-ins stay with their session), the quotas and the
    /// invitations; materials are added apart. Refused (`Invalid`) when the capacity falls
    /// under the seats already confirmed (`event_capacity_below_confirmed`) or a session with
    /// check-ins would go (`event_session_has_checkins`); `NotFound` for a cancelled event.
    /// Audited with what changed.
    pub async fn update_event(&self, ctx: &AuditContext, id: i64, e: &NewEvent) -> Result<()> {
        let before = self.event(id).await?;
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE events SET kind = $1, title = $2, description = $3, venue = $4, address = $5, lat = $6, lon = $7, online_url = $8, \
                 starts_at = $9, ends_at = $10, capacity = $11, reg_opens_at = $12, reg_closes_at = $13, allowed_roles = $14, allowed_regions = $15, \
                 invited_only = $16, materials_public = $17, min_attendance = $18, updated_at = $19, seats_version = seats_version + 1 \
                 WHERE id = $20 AND status = 'published'")
                .bind(&e.kind).bind(&e.title).bind(&e.description).bind(&e.venue).bind(&e.address)
                .bind(e.lat).bind(e.lon).bind(&e.online_url).bind(e.starts_at).bind(e.ends_at)
                .bind(e.capacity).bind(e.reg_opens_at).bind(e.reg_closes_at).bind(&e.allowed_roles)
                .bind(&e.allowed_regions).bind(e.invited_only).bind(e.materials_public).bind(e.min_attendance)
                .bind(now).bind(id)
                .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            let confirmed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'confirmed'")
                .bind(id).fetch_one(&mut *tx).await?;
            if confirmed > e.capacity {
                return Err(StoreError::Invalid("event_capacity_below_confirmed".into()));
            }
            let existing: Vec<i64> = sqlx::query_scalar("SELECT id FROM event_sessions WHERE event_id = $1 ORDER BY position, id")
                .bind(id).fetch_all(&mut *tx).await?;
            for (i, s) in e.sessions.iter().enumerate() {
                match existing.get(i) {
                    Some(sid) => {
                        sqlx::query("UPDATE event_sessions SET position = $1, title = $2, starts_at = $3, ends_at = $4, speakers = $5 WHERE id = $6")
                            .bind(i as i64).bind(&s.title).bind(s.starts_at).bind(s.ends_at).bind(&s.speakers_json).bind(*sid)
                            .execute(&mut *tx).await?;
                    }
                    None => {
                        sqlx::query("INSERT INTO event_sessions (event_id, position, title, starts_at, ends_at, speakers) VALUES ($1, $2, $3, $4, $5, $6)")
                            .bind(id).bind(i as i64).bind(&s.title).bind(s.starts_at).bind(s.ends_at).bind(&s.speakers_json)
                            .execute(&mut *tx).await?;
                    }
                }
            }
            for sid in existing.iter().skip(e.sessions.len()) {
                let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_checkins WHERE session_id = $1")
                    .bind(*sid).fetch_one(&mut *tx).await?;
                if used > 0 {
                    return Err(StoreError::Invalid("event_session_has_checkins".into()));
                }
                sqlx::query("DELETE FROM event_sessions WHERE id = $1").bind(*sid).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM event_quotas WHERE event_id = $1").bind(id).execute(&mut *tx).await?;
            for (region, seats) in &e.quotas {
                sqlx::query("INSERT INTO event_quotas (event_id, region_code, seats) VALUES ($1, $2, $3) ON CONFLICT (event_id, region_code) DO UPDATE SET seats = excluded.seats")
                    .bind(id).bind(region).bind(*seats).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM event_invites WHERE event_id = $1").bind(id).execute(&mut *tx).await?;
            for kim in &e.invites {
                sqlx::query("INSERT INTO event_invites (event_id, kim_id) VALUES ($1, $2) ON CONFLICT (event_id, kim_id) DO NOTHING")
                    .bind(id).bind(*kim).execute(&mut *tx).await?;
            }
            let a = AuditEvent::new("event.update", "event", id)
                .in_region(RegionCode::parse(&before.region_code).ok())
                .with_summary(json!({
                    "before": {"title": before.title, "capacity": before.capacity, "starts_at": before.starts_at, "venue": before.venue},
                    "after": {"title": e.title, "capacity": e.capacity, "starts_at": e.starts_at, "venue": e.venue, "sessions": e.sessions.len()},
                }));
            audit_in_tx!(tx, ctx, &a);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Cancel a whole event with the organiser's reason: registration closes and tickets are
    /// refused at the door. False when it was cancelled already (nothing changes). Audited.
    pub async fn cancel_event(&self, ctx: &AuditContext, id: i64, reason: &str) -> Result<bool> {
        let event = self.event(id).await?;
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE events SET status = 'cancelled', cancel_reason = $1, cancelled_at = $2, updated_at = $2, \
                                 seats_version = seats_version + 1 WHERE id = $3 AND status = 'published'")
                .bind(reason).bind(now).bind(id).execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                let a = AuditEvent::new("event.cancel", "event", id)
                    .in_region(RegionCode::parse(&event.region_code).ok())
                    .with_summary(json!({"before": {"status": event.status}, "after": {"status": "cancelled", "reason": reason}}));
                audit_in_tx!(tx, ctx, &a);
            }
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    /// People holding a seat or a waiting place (told when the event changes or is cancelled).
    pub async fn registered_user_ids(&self, event_id: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT user_id FROM event_registrations WHERE event_id = $1 AND status IN ('confirmed', 'waitlisted') ORDER BY user_id")
            .bind(event_id).fetch_all(p).await?))
    }

    /// Active accounts holding one of `roles` with exactly this scope (a KIM's officers and
    /// members; an office's staff), by name; at most 500.
    pub async fn accounts_with_scope(
        &self,
        scope: &simpul_core::Scope,
        roles: &[simpul_core::Role],
    ) -> Result<Vec<Colleague>> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let (kind, reference) = scope.to_parts();
        let rows: Vec<Colleague> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT u.id AS user_id, u.display_name, g.role FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE u.active AND g.scope_kind = ");
            qb.push_bind(kind);
            qb.push(" AND g.scope_ref = ");
            qb.push_bind(reference.clone());
            qb.push(" AND g.role IN (");
            let mut sep = qb.separated(", ");
            for r in roles {
                sep.push_bind(r.as_str());
            }
            qb.push(") ORDER BY u.display_name, u.id LIMIT 1000");
            qb.build_query_as().fetch_all(p).await?
        });
        let mut out: Vec<Colleague> = Vec::new();
        for c in rows {
            if !out.iter().any(|o| o.user_id == c.user_id) {
                out.push(c);
            }
        }
        out.truncate(500);
        Ok(out)
    }

    pub async fn event(&self, id: i64) -> Result<EventRecord> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    /// Events, the latest start first.
    pub async fn events(&self, limit: i64) -> Result<Vec<EventRecord>> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_at DESC, id DESC LIMIT $1");
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(limit).fetch_all(p).await?))
    }

    /// Published events starting in `[from, to)` (reminders).
    pub async fn events_starting(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<EventRecord>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE status = 'published' AND starts_at >= $1 AND starts_at < $2 ORDER BY starts_at");
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(from).bind(to).fetch_all(p).await?))
    }

    pub async fn event_sessions(&self, event_id: i64) -> Result<Vec<SessionRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, event_id, position, title, starts_at, ends_at, speakers FROM event_sessions WHERE event_id = $1 ORDER BY position, id")
            .bind(event_id).fetch_all(p).await?))
    }

    pub async fn event_quotas(&self, event_id: i64) -> Result<Vec<QuotaRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT region_code, seats FROM event_quotas WHERE event_id = $1 ORDER BY region_code")
            .bind(event_id).fetch_all(p).await?))
    }

    pub async fn event_invites(&self, event_id: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT kim_id FROM event_invites WHERE event_id = $1 ORDER BY kim_id")
            .bind(event_id).fetch_all(p).await?))
    }

    pub async fn event_materials(&self, event_id: i64) -> Result<Vec<MaterialRecord>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, title, url, created_at FROM event_materials WHERE event_id = $1 ORDER BY id")
            .bind(event_id).fetch_all(p).await?))
    }

    /// Add a material (slides, a recording). Audited.
    pub async fn add_event_material(
        &self,
        ctx: &AuditContext,
        event_id: i64,
        title: &str,
        url: &str,
    ) -> Result<i64> {
        let event = self.event(event_id).await?;
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO event_materials (event_id, title, url, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(event_id).bind(title).bind(url).bind(now).fetch_one(&mut *tx).await?;
            let a = AuditEvent::new("event.material", "event", event_id)
                .in_region(RegionCode::parse(&event.region_code).ok())
                .with_summary(json!({"after": {"title": title}}));
            audit_in_tx!(tx, ctx, &a);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Take a seat, or a place on the waiting list, for one person. A person already holding a
    /// seat or a waiting place is a `Conflict` (`event_registration_duplicate`); a cancelled
    /// registration is taken up again (with a new ticket nonce). Audited.
    pub async fn register_for_event(
        &self,
        ctx: &AuditContext,
        r: &NewRegistration,
    ) -> Result<Placement> {
        match self
            .register_many_for_event(ctx, std::slice::from_ref(r), false)
            .await?
        {
            Ok(mut placed) => Ok(placed.remove(0)),
            Err(_) => Err(StoreError::Conflict("event_registration_duplicate".into())),
        }
    }

    /// Register several people at once (a KIM officer for the KIM's members, an office for its
    /// staff), all or nothing: one of them already holding a seat or a waiting place refuses
    /// the whole list, and so, with `seats_only`, does one who would have to wait (the event or
    /// their region's quota is full). Seats are decided one after the other in list order, in
    /// one transaction under the event's lock (see the module's note). Audited per person.
    pub async fn register_many_for_event(
        &self,
        ctx: &AuditContext,
        regs: &[NewRegistration],
        seats_only: bool,
    ) -> Result<std::result::Result<Vec<Placement>, Refusal>> {
        let Some(first) = regs.first() else {
            return Ok(Ok(Vec::new()));
        };
        let event_id = first.event_id;
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // The lock (PostgreSQL) and the check that the event still takes registrations.
            let capacity: Option<i64> = sqlx::query_scalar(
                "UPDATE events SET seats_version = seats_version + 1 WHERE id = $1 AND status = 'published' RETURNING capacity")
                .bind(event_id).fetch_optional(&mut *tx).await?;
            let Some(capacity) = capacity else {
                return Err(StoreError::NotFound);
            };
            let quotas: Vec<QuotaRecord> = sqlx::query_as("SELECT region_code, seats FROM event_quotas WHERE event_id = $1")
                .bind(event_id).fetch_all(&mut *tx).await?;
            let mut confirmed: Vec<(Option<String>, i64)> = sqlx::query_as(
                "SELECT quota_region, COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'confirmed' GROUP BY quota_region")
                .bind(event_id).fetch_all(&mut *tx).await?;
            let mut placed = Vec::with_capacity(regs.len());
            for r in regs {
                let existing: Option<(i64, String)> = sqlx::query_as(
                    "SELECT id, status FROM event_registrations WHERE event_id = $1 AND user_id = $2")
                    .bind(event_id).bind(r.user_id).fetch_optional(&mut *tx).await?;
                if existing.as_ref().is_some_and(|(_, s)| s != RegStatus::Cancelled.as_str())
                    || placed.iter().any(|(u, _): &(i64, Placement)| *u == r.user_id)
                {
                    // Dropping the transaction rolls back what this list wrote so far.
                    return Ok(Err(Refusal::Duplicate { user_id: r.user_id }));
                }
                let (quota, reason) = fits(&quotas, capacity, &confirmed, &r.region_code);
                if let (true, Some(reason)) = (seats_only, reason) {
                    return Ok(Err(Refusal::NoSeat { user_id: r.user_id, reason, quota }));
                }
                let status = if reason.is_none() { RegStatus::Confirmed } else { RegStatus::Waitlisted };
                if status == RegStatus::Confirmed {
                    confirmed.push((quota.clone(), 1));
                }
                let id: i64 = match existing {
                    Some((id, _)) => {
                        sqlx::query("UPDATE event_registrations SET name = $1, role = $2, region_code = $3, kim_id = $4, quota_region = $5, \
                                     status = $6, ticket_nonce = $7, updated_at = $8, registered_by = $9 WHERE id = $10")
                            .bind(&r.name).bind(&r.role).bind(&r.region_code).bind(r.kim_id).bind(&quota)
                            .bind(status.as_str()).bind(&r.nonce).bind(now).bind(r.registered_by).bind(id)
                            .execute(&mut *tx).await?;
                        id
                    }
                    None => sqlx::query_scalar(
                        "INSERT INTO event_registrations (event_id, user_id, name, role, region_code, kim_id, quota_region, status, ticket_nonce, created_at, updated_at, registered_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id")
                        .bind(event_id).bind(r.user_id).bind(&r.name).bind(&r.role).bind(&r.region_code).bind(r.kim_id)
                        .bind(&quota).bind(status.as_str()).bind(&r.nonce).bind(now).bind(r.registered_by)
                        .fetch_one(&mut *tx).await?,
                };
                let mut after = json!({"event": event_id, "status": status.as_str()});
                if let Some(by) = r.registered_by {
                    after["registered_by"] = json!(by);
                }
                let a = AuditEvent::new("event.register", "event_registration", id)
                    .in_region(RegionCode::parse(&r.region_code).ok())
                    .with_summary(json!({"after": after}));
                audit_in_tx!(tx, ctx, &a);
                placed.push((r.user_id, Placement { id, status, reason }));
            }
            tx.commit().await?;
            Ok(Ok(placed.into_iter().map(|(_, p)| p).collect()))
        })
    }

    /// Cancel a registration; when it held a seat, the first waiting person who fits (capacity
    /// and their region's quota) moves up in the same transaction and is told (through the
    /// notification backbone, once this commits). Cancelling twice changes nothing. Audited.
    pub async fn cancel_registration(
        &self,
        ctx: &AuditContext,
        registration_id: i64,
        notice: impl Fn(&RegistrationRecord) -> PendingNotice,
    ) -> Result<Option<Promoted>> {
        let now = Utc::now();
        let reg_sql = format!("SELECT {REG_COLUMNS} FROM event_registrations WHERE id = $1");
        let wait_sql = format!("SELECT {REG_COLUMNS} FROM event_registrations WHERE event_id = $1 AND status = 'waitlisted' ORDER BY updated_at, id");
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let event_id: Option<i64> = sqlx::query_scalar("SELECT event_id FROM event_registrations WHERE id = $1")
                .bind(registration_id).fetch_optional(&mut *tx).await?;
            let Some(event_id) = event_id else { return Err(StoreError::NotFound) };
            let capacity: i64 = sqlx::query_scalar("UPDATE events SET seats_version = seats_version + 1 WHERE id = $1 RETURNING capacity")
                .bind(event_id).fetch_one(&mut *tx).await?;
            let reg: RegistrationRecord = sqlx::query_as(&reg_sql).bind(registration_id).fetch_one(&mut *tx).await?;
            if reg.status == RegStatus::Cancelled.as_str() {
                return Ok(None);
            }
            sqlx::query("UPDATE event_registrations SET status = 'cancelled', updated_at = $1 WHERE id = $2")
                .bind(now).bind(registration_id).execute(&mut *tx).await?;
            let a = AuditEvent::new("event.cancel_registration", "event_registration", registration_id)
                .in_region(RegionCode::parse(&reg.region_code).ok())
                .with_summary(json!({"before": {"status": reg.status}, "after": {"status": "cancelled", "event": event_id}}));
            audit_in_tx!(tx, ctx, &a);
            let mut promoted = None;
            if reg.status == RegStatus::Confirmed.as_str() {
                let quotas: Vec<QuotaRecord> = sqlx::query_as("SELECT region_code, seats FROM event_quotas WHERE event_id = $1")
                    .bind(event_id).fetch_all(&mut *tx).await?;
                let confirmed: Vec<(Option<String>, i64)> = sqlx::query_as(
                    "SELECT quota_region, COUNT(*) FROM event_registrations WHERE event_id = $1 AND status = 'confirmed' GROUP BY quota_region")
                    .bind(event_id).fetch_all(&mut *tx).await?;
                let waiting: Vec<RegistrationRecord> = sqlx::query_as(&wait_sql).bind(event_id).fetch_all(&mut *tx).await?;
                if let Some(next) = waiting.iter().find(|w| fits(&quotas, capacity, &confirmed, &w.region_code).1.is_none()) {
                    let (quota, _) = fits(&quotas, capacity, &confirmed, &next.region_code);
                    sqlx::query("UPDATE event_registrations SET status = 'confirmed', quota_region = $1, updated_at = $2 WHERE id = $3")
                        .bind(&quota).bind(now).bind(next.id).execute(&mut *tx).await?;
                    let a = AuditEvent::new("event.promote", "event_registration", next.id)
                        .in_region(RegionCode::parse(&next.region_code).ok())
                        .with_summary(json!({"before": {"status": "waitlisted"}, "after": {"status": "confirmed", "event": event_id}}));
                    audit_in_tx!(tx, ctx, &a);
                    queue_notice_in_tx!(tx, &notice(next));
                    promoted = Some(Promoted { registration_id: next.id, user_id: next.user_id });
                }
            }
            tx.commit().await?;
            Ok(promoted)
        })
    }

    pub async fn registration(&self, id: i64) -> Result<RegistrationRecord> {
        let sql = format!("SELECT {REG_COLUMNS} FROM event_registrations WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn registration_of(
        &self,
        event_id: i64,
        user_id: i64,
    ) -> Result<Option<RegistrationRecord>> {
        let sql = format!(
            "SELECT {REG_COLUMNS} FROM event_registrations WHERE event_id = $1 AND user_id = $2"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as(&sql).bind(event_id).bind(user_id).fetch_optional(p).await?),
        )
    }

    /// A person's registrations (any status), newest event first.
    pub async fn registrations_of_user(&self, user_id: i64) -> Result<Vec<RegistrationRecord>> {
        let sql = format!(
            "SELECT {REG_COLUMNS} FROM event_registrations WHERE user_id = $1 ORDER BY id DESC"
        );
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(user_id).fetch_all(p).await?))
    }

    /// Everyone registered (any status) with the sessions they were checked in to.
    pub async fn participants(&self, event_id: i64) -> Result<Vec<Participant>> {
        let sql = format!(
            "SELECT {REG_COLUMNS} FROM event_registrations WHERE event_id = $1 ORDER BY id"
        );
        let (regs, checkins): (Vec<RegistrationRecord>, Vec<(i64, i64)>) = with_pool!(self, p => (
            sqlx::query_as(&sql).bind(event_id).fetch_all(p).await?,
            sqlx::query_as("SELECT c.registration_id, c.session_id FROM event_checkins c JOIN event_registrations r ON r.id = c.registration_id \
                            WHERE r.event_id = $1 ORDER BY c.registration_id, c.session_id")
                .bind(event_id).fetch_all(p).await?,
        ));
        let mut by_reg: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
        for (r, s) in checkins {
            by_reg.entry(r).or_default().push(s);
        }
        Ok(regs
            .into_iter()
            .map(|r| Participant {
                sessions: by_reg.remove(&r.id).unwrap_or_default(),
                registration: r,
            })
            .collect())
    }

    /// Confirmed participants' accounts (reminders).
    pub async fn confirmed_user_ids(&self, event_id: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT user_id FROM event_registrations WHERE event_id = $1 AND status = 'confirmed' ORDER BY user_id")
            .bind(event_id).fetch_all(p).await?))
    }

    /// The sessions a registration was checked in to.
    pub async fn checked_sessions(&self, registration_id: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT session_id FROM event_checkins WHERE registration_id = $1 ORDER BY session_id")
            .bind(registration_id).fetch_all(p).await?))
    }

    /// Check a participant in to a session. True when this is the first check-in (a second
    /// scan, or the same scan synced twice from a phone, changes nothing). Audited once.
    pub async fn check_in(
        &self,
        ctx: &AuditContext,
        registration_id: i64,
        session_id: i64,
        at: DateTime<Utc>,
        by: Option<i64>,
        source: &str,
    ) -> Result<bool> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("INSERT INTO event_checkins (registration_id, session_id, at, by_user, source) VALUES ($1, $2, $3, $4, $5) \
                                 ON CONFLICT (registration_id, session_id) DO NOTHING")
                .bind(registration_id).bind(session_id).bind(at).bind(by).bind(source)
                .execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                let a = AuditEvent::new("event.checkin", "event_registration", registration_id)
                    .with_summary(json!({"after": {"session": session_id, "source": source}}));
                audit_in_tx!(tx, ctx, &a);
            }
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    /// Save a participant's ratings (`(session, rating, comment)`), replacing earlier ones.
    /// Audited.
    pub async fn save_evaluation(
        &self,
        ctx: &AuditContext,
        registration_id: i64,
        entries: &[(i64, i64, String)],
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for (session, rating, comment) in entries {
                sqlx::query("INSERT INTO event_evaluations (registration_id, session_id, rating, comment, created_at) VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (registration_id, session_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, created_at = excluded.created_at")
                    .bind(registration_id).bind(*session).bind(*rating).bind(comment).bind(now)
                    .execute(&mut *tx).await?;
            }
            let a = AuditEvent::new("event.evaluate", "event_registration", registration_id)
                .with_summary(json!({"after": {"sessions": entries.len()}}));
            audit_in_tx!(tx, ctx, &a);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn evaluations(&self, event_id: i64) -> Result<Vec<EvaluationRow>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT v.registration_id, v.session_id, v.rating, v.comment FROM event_evaluations v \
             JOIN event_registrations r ON r.id = v.registration_id WHERE r.event_id = $1 ORDER BY v.session_id, v.registration_id")
            .bind(event_id).fetch_all(p).await?))
    }

    pub async fn evaluations_of(&self, registration_id: i64) -> Result<Vec<EvaluationRow>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT registration_id, session_id, rating, comment FROM event_evaluations WHERE registration_id = $1 ORDER BY session_id")
            .bind(registration_id).fetch_all(p).await?))
    }

    /// Give a registration its certificate code (the first time) and return the code kept.
    pub async fn issue_certificate(
        &self,
        ctx: &AuditContext,
        registration_id: i64,
        code: &str,
    ) -> Result<String> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE event_registrations SET certificate_code = $1, certificate_at = $2 WHERE id = $3 AND certificate_code IS NULL")
                .bind(code).bind(now).bind(registration_id).execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                let a = AuditEvent::new("event.certificate", "event_registration", registration_id)
                    .with_summary(json!({"after": {"code": code}}));
                audit_in_tx!(tx, ctx, &a);
            }
            let kept: String = sqlx::query_scalar("SELECT certificate_code FROM event_registrations WHERE id = $1")
                .bind(registration_id).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(kept)
        })
    }

    pub async fn certificate_by_code(&self, code: &str) -> Result<Option<CertificateRecord>> {
        let sql =
            format!("SELECT {REG_COLUMNS} FROM event_registrations WHERE certificate_code = $1");
        let reg: Option<RegistrationRecord> =
            with_pool!(self, p => sqlx::query_as(&sql).bind(code).fetch_optional(p).await?);
        match reg {
            Some(registration) => {
                let event = self.event(registration.event_id).await?;
                Ok(Some(CertificateRecord {
                    registration,
                    event,
                }))
            }
            None => Ok(None),
        }
    }

    /// Events a person attended (checked in at least once), newest first.
    pub async fn completed_trainings(&self, user_id: i64) -> Result<Vec<CompletedTraining>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT e.id AS event_id, e.title, e.kind, e.starts_at, r.certificate_code FROM event_registrations r \
             JOIN events e ON e.id = r.event_id WHERE r.user_id = $1 \
             AND EXISTS (SELECT 1 FROM event_checkins c WHERE c.registration_id = r.id) ORDER BY e.starts_at DESC")
            .bind(user_id).fetch_all(p).await?))
    }

    /// Trainings attended by a KIM's people (its activity on the profile).
    pub async fn kim_training_count(&self, kim_id: i64) -> Result<i64> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM event_registrations r WHERE r.kim_id = $1 \
             AND EXISTS (SELECT 1 FROM event_checkins c WHERE c.registration_id = r.id)")
            .bind(kim_id).fetch_one(p).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_respect_capacity_and_quotas() {
        let quotas = vec![QuotaRecord {
            region_code: "35.07".into(),
            seats: 2,
        }];
        assert_eq!(
            fits(&quotas, 10, &[], "35.07.01"),
            (Some("35.07".into()), None)
        );
        let used = vec![(Some("35.07".to_string()), 2), (None, 3)];
        assert_eq!(fits(&quotas, 10, &used, "35.07.01").1, Some("quota"));
        assert_eq!(fits(&quotas, 10, &used, "35.08").1, None);
        assert_eq!(fits(&quotas, 5, &used, "35.08").1, Some("full"));
    }
}
