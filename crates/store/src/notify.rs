//! Notifications and their delivery log: the in-app rows, one delivery per person and channel,
//! the job that carries each non-app delivery, people's channel choices, browsers' push
//! subscriptions, offices' messaging gateways and the installation's generated settings.

use crate::connect::BeginWrite;
use crate::jobs::{enqueue_in_tx, NewJob};

use crate::{with_pool, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use simpul_core::notify::{Channel, Kind};
use simpul_core::{RegionCode, Role};
use sqlx::QueryBuilder;

/// The job kind that carries one delivery (payload `{"delivery_id": …}`); its handler lives in
/// the application layer.
pub const DELIVER_JOB: &str = "notify.deliver";

/// Attempts of a delivery job: with the queue's backoff (doubling, at most ten minutes) a
/// receiver that is down for an hour still gets the message.
pub const DELIVER_ATTEMPTS: i64 = 12;

/// The job kind that sends a notice decided inside a store transaction (payload: a
/// [`PendingNotice`]); its handler, in the application layer, calls `notify`.
pub const SEND_JOB: &str = "notify.send";

/// A notification decided inside a store transaction (a KIM's status changed, a NIK turned up
/// twice, an officer role waits for approval). The transaction queues it as a `notify.send`
/// job, so it goes out through the one notification backbone (the person's channels and
/// language) exactly when the change commits, and never when it rolls back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingNotice {
    /// The accounts to tell; a transaction may add to them (the region's administrators).
    pub users: Vec<i64>,
    /// The catalogue template `notify.msg.<template>` and its placeholders.
    pub template: String,
    pub args: Vec<(String, String)>,
    /// Where the notification leads (a path of this site).
    pub link: String,
    /// Notifies nobody twice, also when the job runs again.
    pub dedupe_key: String,
}

impl PendingNotice {
    pub fn job(&self) -> NewJob<'static> {
        NewJob {
            kind: SEND_JOB,
            payload: serde_json::to_value(self).expect("a notice serializes"),
            created_by: None,
            max_attempts: 5,
            dedupe_key: Some(format!("notice:{}", self.dedupe_key)),
        }
    }
}

/// Queue `notice` for sending when the caller's transaction commits. Nothing is queued for no
/// recipients.
macro_rules! queue_notice_in_tx {
    ($tx:expr, $notice:expr) => {{
        let notice: &$crate::notify::PendingNotice = $notice;
        if !notice.users.is_empty() {
            $crate::jobs::enqueue_in_tx!($tx, &notice.job());
        }
    }};
}
pub(crate) use queue_notice_in_tx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub kind: String,
    pub priority: String,
}

/// One person's copy of a message, rendered in their language, and the channels it goes out
/// on with the status each delivery starts in (`delivered` for the app, `queued` or `digest`).
#[derive(Debug, Clone)]
pub struct Fanout {
    pub user_id: i64,
    pub kind: Kind,
    pub priority: &'static str,
    pub title: String,
    pub body: String,
    pub link: String,
    pub dedupe_key: Option<String>,
    pub channels: Vec<(Channel, &'static str)>,
}

/// What a person can receive besides the app, for the fan-out to choose channels.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub user_id: i64,
    pub locale: String,
    pub has_email: bool,
    pub has_phone: bool,
    pub push_subscriptions: i64,
    /// The person's office region (their grant's region), for the messaging gateway.
    pub region_code: Option<String>,
}

/// A delivery with what its channel needs to carry it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryWork {
    pub id: i64,
    pub notification_id: i64,
    pub user_id: i64,
    pub channel: String,
    pub status: String,
    pub attempts: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub kind: String,
    pub priority: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
}

/// A row of the delivery log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRecord {
    pub id: i64,
    pub notification_id: i64,
    pub user_id: i64,
    pub username: String,
    pub channel: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub title: String,
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PushSubscription {
    pub id: i64,
    pub user_id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub user_agent: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfficeWebhook {
    pub region_code: String,
    pub url: String,
    /// Encrypted with the installation's key.
    pub secret: String,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

/// A person's saved choice for one kind.
#[derive(Debug, Clone)]
pub struct Pref {
    pub kind: Kind,
    pub channels: Vec<Channel>,
    pub digest: bool,
}

/// Filters of the delivery log.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub status: Option<String>,
    pub channel: Option<String>,
    pub user_id: Option<i64>,
    pub notification_id: Option<i64>,
}

const NOTIFICATION_COLUMNS: &str = "id, title, body, link, created_at, read_at, kind, priority";

impl Store {
    /// Write the in-app rows, the delivery log and one delivery job per non-app channel, in
    /// transactions of `chunk` people (short, so SQLite's one writer is never held for long).
    /// A person who already has a notification with the same idempotency key is skipped.
    /// Returns `(user_id, notification_id)` of the rows written.
    pub async fn fan_out(&self, batch: &[Fanout], chunk: usize) -> Result<Vec<(i64, i64)>> {
        // Multi-row statements: three round trips per chunk instead of four per person (on
        // PostgreSQL over TCP that is the difference between seconds and minutes).
        let mut written = Vec::with_capacity(batch.len());
        for part in batch.chunks(chunk.clamp(1, 500)) {
            let now = Utc::now();
            with_pool!(self, p => {
                let mut tx = p.begin_write().await?;
                let mut qb = QueryBuilder::new(
                    "INSERT INTO notifications (user_id, title, body, link, created_at, kind, priority, dedupe_key) ");
                qb.push_values(part, |mut b, n| {
                    b.push_bind(n.user_id).push_bind(&n.title).push_bind(&n.body).push_bind(&n.link)
                        .push_bind(now).push_bind(n.kind.as_str()).push_bind(n.priority).push_bind(&n.dedupe_key);
                });
                qb.push(" ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING user_id, id");
                let rows: Vec<(i64, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                let ids: std::collections::HashMap<i64, i64> = rows.iter().copied().collect();
                let deliveries: Vec<(i64, i64, &str, &str)> = part
                    .iter()
                    .filter_map(|n| ids.get(&n.user_id).map(|id| (n, *id)))
                    .flat_map(|(n, id)| n.channels.iter().map(move |(c, st)| (id, n.user_id, c.as_str(), *st)))
                    .collect();
                let mut queued: Vec<(i64, bool)> = Vec::new();
                for dpart in deliveries.chunks(2000) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO deliveries (notification_id, user_id, channel, status, created_at, updated_at) ");
                    qb.push_values(dpart, |mut b, (nid, uid, c, st)| {
                        b.push_bind(*nid).push_bind(*uid).push_bind(*c).push_bind(*st).push_bind(now).push_bind(now);
                    });
                    qb.push(" RETURNING id, status");
                    let made: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    queued.extend(made.into_iter().filter(|(_, st)| st == "queued").map(|(id, _)| (id, false)));
                }
                let urgent: std::collections::HashSet<i64> = part
                    .iter()
                    .filter(|n| n.priority == "urgent")
                    .filter_map(|n| ids.get(&n.user_id).copied())
                    .collect();
                if !urgent.is_empty() && !queued.is_empty() {
                    // Which deliveries belong to urgent notifications (their jobs say so).
                    let flagged: Vec<i64> = {
                        let mut qb = QueryBuilder::new("SELECT id FROM deliveries WHERE notification_id IN (");
                        let mut sep = qb.separated(", ");
                        for id in &urgent {
                            sep.push_bind(*id);
                        }
                        qb.push(")");
                        qb.build_query_scalar().fetch_all(&mut *tx).await?
                    };
                    let flagged: std::collections::HashSet<i64> = flagged.into_iter().collect();
                    for q in &mut queued {
                        q.1 = flagged.contains(&q.0);
                    }
                }
                for jpart in queued.chunks(2000) {
                    let jobs: Vec<NewJob> = jpart.iter().map(|(id, urgent)| deliver_job(*id, *urgent)).collect();
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO jobs (kind, payload, created_by, created_at, updated_at, max_attempts, dedupe_key) ");
                    qb.push_values(&jobs, |mut b, j| {
                        b.push_bind(j.kind).push_bind(j.payload.to_string()).push_bind(j.created_by)
                            .push_bind(now).push_bind(now).push_bind(j.max_attempts).push_bind(&j.dedupe_key);
                    });
                    qb.push(" ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING");
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                let mut rows = rows;
                rows.sort();
                written.extend(rows);
            });
        }
        Ok(written)
    }

    /// People holding one of `roles` for `region`: staff whose territory contains it (or the
    /// whole country), and KIM people whose KIM lies inside it. Active accounts only.
    pub async fn grant_holders(
        &self,
        roles: &[Role],
        region: Option<&RegionCode>,
    ) -> Result<Vec<i64>> {
        if roles.is_empty() {
            return Ok(vec![]);
        }
        Ok(with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT DISTINCT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE u.active AND g.role IN (");
            let mut sep = qb.separated(", ");
            for r in roles {
                sep.push_bind(r.as_str());
            }
            qb.push(")");
            if let Some(region) = region {
                let code = region.to_string();
                qb.push(" AND (g.region_code IS NULL OR g.region_code = ");
                qb.push_bind(code.clone());
                qb.push(" OR ");
                qb.push_bind(code.clone());
                qb.push(" LIKE g.region_code || '.%' OR g.region_code LIKE ");
                qb.push_bind(format!("{code}.%"));
                qb.push(")");
                // A Bakorwil grant is anchored in its province but covers only its group's
                // kabupaten/kota: a message for a region inside one of them, or for a region
                // holding one of them (the province), reaches it; one for another kabupaten of
                // the province does not. The CASE keeps PostgreSQL from casting a region code.
                qb.push(" AND (g.scope_kind <> 'group' OR EXISTS (SELECT 1 FROM coordination_group_members gm \
                          WHERE gm.group_id = CASE WHEN g.scope_kind = 'group' THEN CAST(g.scope_ref AS BIGINT) END AND (gm.regency_code = ");
                qb.push_bind(code.clone());
                qb.push(" OR ");
                qb.push_bind(code.clone());
                qb.push(" LIKE gm.regency_code || '.%' OR gm.regency_code LIKE ");
                qb.push_bind(format!("{code}.%"));
                qb.push(")))");
            }
            qb.push(" ORDER BY g.user_id");
            qb.build_query_scalar().fetch_all(p).await?
        }))
    }

    /// The officers and members (by account) of these KIMs.
    pub async fn kim_accounts(&self, kim_ids: &[i64], roles: &[Role]) -> Result<Vec<i64>> {
        if kim_ids.is_empty() || roles.is_empty() {
            return Ok(vec![]);
        }
        Ok(with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT DISTINCT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE u.active AND g.scope_kind = 'kim' AND g.role IN (");
            let mut sep = qb.separated(", ");
            for r in roles {
                sep.push_bind(r.as_str());
            }
            qb.push(") AND g.scope_ref IN (");
            let mut sep = qb.separated(", ");
            for k in kim_ids {
                sep.push_bind(k.to_string());
            }
            qb.push(") ORDER BY g.user_id");
            qb.build_query_scalar().fetch_all(p).await?
        }))
    }

    /// What each of `user_ids` can receive (inactive accounts are left out).
    pub async fn recipients(&self, user_ids: &[i64]) -> Result<Vec<Recipient>> {
        let mut out = Vec::with_capacity(user_ids.len());
        for part in user_ids.chunks(500) {
            let rows: Vec<Recipient> = with_pool!(self, p => {
                // The grants are grouped in a derived table rather than looked up per person: a
                // correlated "first grant" subquery let PostgreSQL scan every grant per person
                // on fresh statistics (9 s for 10,000 people, measured).
                let mut qb = QueryBuilder::new(
                    "SELECT u.id AS user_id, u.locale, \
                     (u.email IS NOT NULL AND u.email <> '') AS has_email, \
                     (u.phone IS NOT NULL AND u.phone <> '') AS has_phone, \
                     COALESCE(ps.n, 0) AS push_subscriptions, gr.region_code \
                     FROM users u \
                     LEFT JOIN (SELECT user_id, MAX(region_code) AS region_code FROM role_grants WHERE user_id IN (");
                let mut sep = qb.separated(", ");
                for id in part {
                    sep.push_bind(*id);
                }
                qb.push(") GROUP BY user_id) gr ON gr.user_id = u.id \
                     LEFT JOIN (SELECT user_id, COUNT(*) AS n FROM push_subscriptions WHERE user_id IN (");
                let mut sep = qb.separated(", ");
                for id in part {
                    sep.push_bind(*id);
                }
                qb.push(") GROUP BY user_id) ps ON ps.user_id = u.id WHERE u.active AND u.id IN (");
                let mut sep = qb.separated(", ");
                for id in part {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build_query_as().fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Deliveries per `(user, channel)` created since `since` and not held for a digest: what
    /// the rate limits count.
    pub async fn recent_delivery_counts(
        &self,
        user_ids: &[i64],
        since: DateTime<Utc>,
    ) -> Result<Vec<(i64, String, i64)>> {
        let mut out = Vec::new();
        for part in user_ids.chunks(500) {
            let rows: Vec<(i64, String, i64)> = with_pool!(self, p => {
                let mut qb = QueryBuilder::new(
                    "SELECT user_id, channel, COUNT(*) FROM deliveries WHERE channel <> 'app' \
                     AND status <> 'digest' AND created_at >= ");
                qb.push_bind(since);
                qb.push(" AND user_id IN (");
                let mut sep = qb.separated(", ");
                for id in part {
                    sep.push_bind(*id);
                }
                qb.push(") GROUP BY user_id, channel");
                qb.build_query_as().fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Saved channel choices of these people, by person.
    pub async fn prefs_of(&self, user_ids: &[i64]) -> Result<Vec<(i64, Pref)>> {
        let mut out = Vec::new();
        for part in user_ids.chunks(500) {
            let rows: Vec<(i64, String, String, bool)> = with_pool!(self, p => {
                let mut qb = QueryBuilder::new(
                    "SELECT user_id, kind, channels, digest FROM notification_prefs WHERE user_id IN (");
                let mut sep = qb.separated(", ");
                for id in part {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build_query_as().fetch_all(p).await?
            });
            out.extend(
                rows.into_iter()
                    .filter_map(|(user, kind, channels, digest)| {
                        Some((
                            user,
                            Pref {
                                kind: Kind::parse(&kind)?,
                                channels: Channel::parse_list(&channels),
                                digest,
                            },
                        ))
                    }),
            );
        }
        Ok(out)
    }

    /// Save a person's choices (one row per kind), audit-logged.
    pub async fn set_prefs(
        &self,
        ctx: &simpul_core::audit::AuditContext,
        user_id: i64,
        prefs: &[Pref],
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for pref in prefs {
                sqlx::query(
                    "INSERT INTO notification_prefs (user_id, kind, channels, digest, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (user_id, kind) DO UPDATE SET channels = excluded.channels, digest = excluded.digest, updated_at = excluded.updated_at")
                    .bind(user_id).bind(pref.kind.as_str()).bind(Channel::list(&pref.channels))
                    .bind(pref.digest).bind(now).execute(&mut *tx).await?;
            }
            let summary = serde_json::json!({
                "prefs": prefs.iter().map(|p| serde_json::json!({
                    "kind": p.kind.as_str(), "channels": Channel::list(&p.channels), "digest": p.digest,
                })).collect::<Vec<_>>()
            });
            let event = simpul_core::audit::AuditEvent::new("notify.prefs_saved", "user", user_id)
                .with_summary(summary);
            crate::audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn delivery_work(&self, delivery_id: i64) -> Result<DeliveryWork> {
        with_pool!(self, p => sqlx::query_as(
            "SELECT d.id, d.notification_id, d.user_id, d.channel, d.status, d.attempts, \
             n.title, n.body, n.link, n.kind, n.priority, u.username, u.display_name, u.email, u.phone, u.locale \
             FROM deliveries d JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = d.user_id \
             WHERE d.id = $1")
            .bind(delivery_id).fetch_optional(p).await?)
        .ok_or(StoreError::NotFound)
    }

    /// Record an attempt's outcome (`sent`, `delivered`, `failed`, or `queued` with the error of
    /// an attempt that will be retried).
    pub async fn mark_delivery(&self, id: i64, status: &str, error: Option<&str>) -> Result<()> {
        with_pool!(self, p => sqlx::query(
            "UPDATE deliveries SET status = $1, last_error = $2, attempts = attempts + 1, updated_at = $3 WHERE id = $4")
            .bind(status).bind(error).bind(Utc::now()).bind(id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Queue a failed delivery again (an admin's "retry"); `false` if it has not failed.
    pub async fn retry_delivery(
        &self,
        ctx: &simpul_core::audit::AuditContext,
        id: i64,
    ) -> Result<bool> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE deliveries SET status = 'queued', updated_at = $1 WHERE id = $2 AND status = 'failed'")
                .bind(Utc::now()).bind(id).execute(&mut *tx).await?.rows_affected();
            if n != 1 {
                return Ok(false);
            }
            enqueue_in_tx!(tx, &deliver_job(id, false));
            let event = simpul_core::audit::AuditEvent::new("notify.delivery_retried", "delivery", id);
            crate::audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The delivery log, newest first.
    pub async fn deliveries(&self, f: &DeliveryFilter, limit: i64) -> Result<Vec<DeliveryRecord>> {
        Ok(with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT d.id, d.notification_id, d.user_id, u.username, d.channel, d.status, d.attempts, \
                 d.last_error, n.title, n.kind, d.created_at, d.updated_at FROM deliveries d \
                 JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = d.user_id WHERE 1 = 1");
            if let Some(s) = &f.status {
                qb.push(" AND d.status = ").push_bind(s.clone());
            }
            if let Some(c) = &f.channel {
                qb.push(" AND d.channel = ").push_bind(c.clone());
            }
            if let Some(u) = f.user_id {
                qb.push(" AND d.user_id = ").push_bind(u);
            }
            if let Some(n) = f.notification_id {
                qb.push(" AND d.notification_id = ").push_bind(n);
            }
            qb.push(" ORDER BY d.id DESC LIMIT ").push_bind(limit);
            qb.build_query_as().fetch_all(p).await?
        }))
    }

    /// Deliveries held for a digest, oldest first, at most `limit`.
    pub async fn digest_waiting(&self, limit: i64) -> Result<Vec<DeliveryWork>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT d.id, d.notification_id, d.user_id, d.channel, d.status, d.attempts, \
             n.title, n.body, n.link, n.kind, n.priority, u.username, u.display_name, u.email, u.phone, u.locale \
             FROM deliveries d JOIN notifications n ON n.id = d.notification_id JOIN users u ON u.id = d.user_id \
             WHERE d.status = 'digest' ORDER BY d.user_id, d.id LIMIT $1")
            .bind(limit).fetch_all(p).await?))
    }

    /// Mark digest deliveries as carried by the digest mail `mail` (or failed without a way).
    pub async fn close_digest(&self, ids: &[i64], status: &str, note: Option<&str>) -> Result<()> {
        for part in ids.chunks(500) {
            with_pool!(self, p => {
                let mut qb = QueryBuilder::new("UPDATE deliveries SET status = ");
                qb.push_bind(status).push(", last_error = ").push_bind(note)
                    .push(", updated_at = ").push_bind(Utc::now()).push(" WHERE id IN (");
                let mut sep = qb.separated(", ");
                for id in part {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build().execute(p).await?;
            });
        }
        Ok(())
    }

    /// A person's notifications after `after` (oldest first): what a live page has not shown.
    pub async fn notifications_after(
        &self,
        user_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as(&sql).bind(user_id).bind(after).bind(limit).fetch_all(p).await?),
        )
    }

    pub async fn latest_notification_id(&self, user_id: i64) -> Result<i64> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT COALESCE(MAX(id), 0) FROM notifications WHERE user_id = $1")
            .bind(user_id).fetch_one(p).await?))
    }

    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id).fetch_one(p).await?))
    }

    pub async fn mark_notifications_read(&self, user_id: i64) -> Result<()> {
        with_pool!(self, p => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(Utc::now()).bind(user_id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Add (or move to this person) a browser's push subscription.
    pub async fn save_push_subscription(
        &self,
        user_id: i64,
        endpoint: &str,
        p256dh: &str,
        auth: &str,
        user_agent: &str,
    ) -> Result<i64> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, user_agent, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, \
             user_agent = excluded.user_agent RETURNING id")
            .bind(user_id).bind(endpoint).bind(p256dh).bind(auth).bind(user_agent).bind(Utc::now())
            .fetch_one(p).await?))
    }

    pub async fn push_subscriptions(&self, user_id: i64) -> Result<Vec<PushSubscription>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, user_id, endpoint, p256dh, auth, user_agent, created_at FROM push_subscriptions WHERE user_id = $1 ORDER BY id")
            .bind(user_id).fetch_all(p).await?))
    }

    /// Remove a subscription (the push service said it is gone, or its owner removed it).
    pub async fn delete_push_subscription(&self, user_id: i64, id: i64) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2")
            .bind(id).bind(user_id).execute(p).await?.rows_affected());
        Ok(n == 1)
    }

    pub async fn office_webhook(&self, region: &str) -> Result<Option<OfficeWebhook>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT region_code, url, secret, active, updated_at FROM office_webhooks WHERE region_code = $1")
            .bind(region).fetch_optional(p).await?))
    }

    /// The gateway that serves a person in `region`: the nearest office above it that has one.
    pub async fn gateway_for(&self, region: &RegionCode) -> Result<Option<OfficeWebhook>> {
        let mut at = Some(region.clone());
        while let Some(code) = at {
            if let Some(hook) = self.office_webhook(&code.to_string()).await? {
                if hook.active {
                    return Ok(Some(hook));
                }
            }
            at = code.parent();
        }
        Ok(None)
    }

    /// Which of these regions (or a region above them) have an active gateway.
    pub async fn gateway_regions(&self) -> Result<Vec<String>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT region_code FROM office_webhooks WHERE active ORDER BY region_code").fetch_all(p).await?))
    }

    pub async fn save_office_webhook(
        &self,
        ctx: &simpul_core::audit::AuditContext,
        region: &RegionCode,
        url: &str,
        secret_encrypted: Option<&str>,
        active: bool,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            match secret_encrypted {
                Some(secret) => sqlx::query(
                    "INSERT INTO office_webhooks (region_code, url, secret, active, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (region_code) DO UPDATE SET url = excluded.url, secret = excluded.secret, active = excluded.active, \
                     updated_by = excluded.updated_by, updated_at = excluded.updated_at")
                    .bind(region.to_string()).bind(url).bind(secret).bind(active).bind(ctx.actor_id).bind(now)
                    .execute(&mut *tx).await?,
                None => sqlx::query(
                    "UPDATE office_webhooks SET url = $1, active = $2, updated_by = $3, updated_at = $4 WHERE region_code = $5")
                    .bind(url).bind(active).bind(ctx.actor_id).bind(now).bind(region.to_string())
                    .execute(&mut *tx).await?,
            };
            let event = simpul_core::audit::AuditEvent::new("notify.gateway_saved", "region", region.to_string())
                .in_region(Some(region.clone()))
                .with_summary(serde_json::json!({ "url": url, "active": active, "new_secret": secret_encrypted.is_some() }));
            crate::audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A generated installation setting: the stored value, or `make()`'s stored first (when two
    /// instances start at once, both read back the one that won).
    pub async fn setting_or_insert(
        &self,
        key: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String> {
        let fresh = make();
        with_pool!(self, p => sqlx::query(
            "INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key).bind(&fresh).execute(p).await.map(|_| ())?);
        self.setting(key).await?.ok_or(StoreError::NotFound)
    }

    /// An installation setting, if stored.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT value FROM app_settings WHERE key = $1")
            .bind(key).fetch_optional(p).await?),
        )
    }

    /// Store an installation setting, replacing its value.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query(
            "INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key).bind(value).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// The highest audit id: it moves whenever anything changes (every state change is
    /// audit-logged), so caches compare it to know their data is current.
    pub async fn change_marker(&self) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
            .fetch_one(p).await?),
        )
    }
}

/// The job that carries delivery `id`.
pub fn deliver_job(id: i64, urgent: bool) -> NewJob<'static> {
    NewJob {
        kind: DELIVER_JOB,
        payload: serde_json::json!({ "delivery_id": id, "urgent": urgent }),
        created_by: None,
        max_attempts: DELIVER_ATTEMPTS,
        dedupe_key: Some(format!("delivery:{id}")),
    }
}

/// How far back the rate limits look.
pub fn rate_window() -> Duration {
    Duration::hours(1)
}

/// The PostgreSQL channel on which instances tell each other about live events.
pub const LIVE_CHANNEL: &str = "simpul_live";

impl Store {
    /// Tell every instance about a live event (PostgreSQL `NOTIFY`); `false` on SQLite, where
    /// there is one instance per database file and the caller broadcasts in-process.
    pub async fn publish_live(&self, payload: &str) -> Result<bool> {
        match self.pool() {
            crate::connect::Pool::Postgres(p) => {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(LIVE_CHANNEL)
                    .bind(payload)
                    .execute(p)
                    .await?;
                Ok(true)
            }
            crate::connect::Pool::Sqlite(_) => Ok(false),
        }
    }

    /// A listener for other instances' live events (PostgreSQL only).
    pub async fn live_listener(&self) -> Result<Option<sqlx::postgres::PgListener>> {
        match self.pool() {
            crate::connect::Pool::Postgres(p) => {
                let mut l = sqlx::postgres::PgListener::connect_with(p).await?;
                l.listen(LIVE_CHANNEL).await?;
                Ok(Some(l))
            }
            crate::connect::Pool::Sqlite(_) => Ok(None),
        }
    }
}

impl Store {
    /// Queue the mail of an e-mail delivery (with its send job); when a mail for this delivery
    /// exists already (the delivery job ran again after a crash), its id instead. `qr`: the
    /// text of a QR code the mail shows as an image (a ticket's code).
    pub async fn queue_delivery_mail(
        &self,
        delivery_id: i64,
        mail: &crate::outbox::OutgoingMail,
        qr: Option<&str>,
    ) -> Result<i64> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM outbox_mail WHERE delivery_id = $1")
                .bind(delivery_id).fetch_optional(&mut *tx).await?;
            if let Some(id) = existing {
                return Ok(id);
            }
            let id = crate::outbox::queue_mail_in_tx!(tx, mail, None, Some(delivery_id), qr);
            tx.commit().await?;
            Ok(id)
        })
    }
}
