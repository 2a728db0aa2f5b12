//! The KIM registry: profiles, lifecycle transitions with never-reused registration numbers,
//! topics, search and per-region statistics.

use crate::connect::BeginWrite;
use crate::connect::Engine;
use crate::filter::push_territory;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::authz::ScopeRegions;
use simpul_core::RegionCode;
use sqlx::QueryBuilder;

/// A KIM as stored.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct KimRecord {
    pub id: i64,
    pub name: String,
    pub village_code: String,
    pub district_code: String,
    pub regency_code: String,
    pub province_code: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub founded_on: Option<NaiveDate>,
    pub sk_number: String,
    pub sk_date: Option<NaiveDate>,
    pub sk_issuer: String,
    pub sk_file_id: Option<i64>,
    pub logo_file_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// JSON object: social kind → canonical URL.
    pub social: String,
    /// Comma-separated topic slugs.
    pub topics: String,
    pub status: String,
    pub reg_number: Option<String>,
    pub reject_reason: Option<String>,
    pub duplicate_of: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub status_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub member_count: i64,
}

/// Directory counts stop here (the UI shows "10,000+").
pub const COUNT_CAP: i64 = 1_000;

const KIM_COLUMNS: &str = "id, name, village_code, district_code, regency_code, province_code, address, lat, lon, \
    founded_on, sk_number, sk_date, sk_issuer, sk_file_id, logo_file_id, phone, email, social, topics, status, \
    reg_number, reject_reason, duplicate_of, created_at, updated_at, status_at, last_activity_at, member_count";

/// Validated profile fields, as written by registration, editing and import.
#[derive(Debug, Clone, Default)]
pub struct KimProfile {
    pub name: String,
    pub name_norm: String,
    pub village: Option<RegionCode>,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub founded_on: Option<NaiveDate>,
    pub sk_number: String,
    pub sk_date: Option<NaiveDate>,
    pub sk_issuer: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub social_json: String,
    pub topics: Vec<String>,
}

impl KimProfile {
    fn village(&self) -> Result<&RegionCode> {
        self.village
            .as_ref()
            .ok_or_else(|| StoreError::Invalid("a KIM needs a village".into()))
    }
}

/// Makes a registration number from a village code and that village's sequence number.
pub type NumberFor = dyn Fn(&str, i64) -> String + Sync;

/// What an edit expects the KIM still to be when it is written (see `Store::update_kim`).
#[derive(Debug, Clone, Copy)]
pub struct EditGuard<'a> {
    /// Statuses the edit is allowed from.
    pub statuses: &'a [&'a str],
    /// The village the KIM was in when the edit was authorized.
    pub village: &'a RegionCode,
}

/// Whether an edit brought an inactive KIM back to active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reactivated(pub bool);

/// Directory filters; `None` does not filter.
#[derive(Debug, Clone, Default)]
pub struct KimFilter {
    /// Normalised name fragment.
    pub name: Option<String>,
    /// Any region code: KIMs inside it.
    pub region: Option<RegionCode>,
    pub statuses: Vec<String>,
    pub topic: Option<String>,
    /// Restrict to a territory (for staff lists and exports).
    pub territory: Option<ScopeRegions>,
}

/// Counts for one region in the statistics table.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RegionStats {
    pub code: String,
    pub by_status: std::collections::BTreeMap<String, i64>,
    pub kims: i64,
    pub members: i64,
    pub villages: i64,
    pub villages_with_active_kim: i64,
}

fn region_column(code: &RegionCode) -> &'static str {
    match code.level() {
        simpul_core::Level::Province => "province_code",
        simpul_core::Level::Regency => "regency_code",
        simpul_core::Level::District => "district_code",
        simpul_core::Level::Village => "village_code",
    }
}

/// How the name condition is written (see `NamePlan`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum NamePlan {
    Like,
    /// SQLite: fetch the matches from the FTS5 index, then sort them.
    Fts,
    /// SQLite, a common fragment: walk the names in order and keep those in the FTS5 matches,
    /// stopping at the page's end instead of fetching and sorting thousands of rows.
    FtsByNameOrder,
}

/// Above this many name matches, walking the name index beats sorting the matches.
const MANY_NAME_MATCHES: i64 = 500;

fn push_filter<'a, DB: sqlx::Database>(
    qb: &mut QueryBuilder<'a, DB>,
    f: &'a KimFilter,
    plan: NamePlan,
) where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(name) = &f.name {
        // SQLite answers fragments of three or more characters from the FTS5 trigram index
        // (migration 0004); PostgreSQL's planner uses the pg_trgm index for the LIKE itself.
        if plan != NamePlan::Like {
            // `+k.id` keeps SQLite from driving the query by the matches' ids.
            let column = if plan == NamePlan::FtsByNameOrder {
                "+k.id"
            } else {
                "k.id"
            };
            qb.push(format!(
                " AND {column} IN (SELECT rowid FROM kims_name_fts WHERE kims_name_fts MATCH "
            ))
            .push_bind(fts_phrase(name))
            .push(")");
        } else {
            qb.push(" AND k.name_norm LIKE ")
                .push_bind(format!("%{name}%"));
        }
    }
    if let Some(region) = &f.region {
        qb.push(format!(" AND k.{} = ", region_column(region)))
            .push_bind(region.to_string());
    }
    if !f.statuses.is_empty() {
        qb.push(" AND k.status IN (");
        let mut sep = qb.separated(", ");
        for s in &f.statuses {
            sep.push_bind(s.clone());
        }
        qb.push(")");
    }
    if let Some(topic) = &f.topic {
        qb.push(" AND EXISTS (SELECT 1 FROM kim_topics t WHERE t.kim_id = k.id AND t.topic = ")
            .push_bind(topic.clone());
        qb.push(")");
    }
    if let Some(territory) = &f.territory {
        push_territory(qb, "k.village_code", territory);
    }
}

/// An FTS5 query matching `text` literally, as one phrase (quotes doubled, operators inert).
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Insert one KIM row and its topics inside the caller's transaction; evaluates to its id.
macro_rules! insert_kim {
    ($tx:expr, $p:expr, $village:expr, $status:expr, $import_key:expr, $duplicate_of:expr, $actor:expr, $now:expr) => {{
        let p: &KimProfile = $p;
        let village: &RegionCode = $village;
        let ancestors = village.ancestors();
        let (province, regency, district) = (ancestors[0].to_string(), ancestors[1].to_string(), ancestors[2].to_string());
        let now = $now;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO kims (name, name_norm, village_code, district_code, regency_code, province_code, address, lat, lon, \
             founded_on, sk_number, sk_date, sk_issuer, phone, email, social, topics, status, import_key, duplicate_of, \
             created_by, created_at, updated_at, status_at, last_activity_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $22, $22) RETURNING id")
            .bind(&p.name).bind(&p.name_norm).bind(village.as_str()).bind(&district).bind(&regency).bind(&province)
            .bind(&p.address).bind(p.lat).bind(p.lon).bind(p.founded_on).bind(&p.sk_number).bind(p.sk_date).bind(&p.sk_issuer)
            .bind(&p.phone).bind(&p.email).bind(&p.social_json).bind(p.topics.join(",")).bind($status).bind($import_key)
            .bind($duplicate_of).bind($actor).bind(now)
            .fetch_one(&mut *$tx).await?;
        for topic in &p.topics {
            sqlx::query("INSERT INTO kim_topics (kim_id, topic) VALUES ($1, $2)").bind(id).bind(topic).execute(&mut *$tx).await?;
        }
        id
    }};
}

impl Store {
    /// Register a KIM in `status` (draft or submitted; imports may also write verified ones via
    /// `transition_kim`). Topics are written alongside. Audited.
    /// `officer`: a user who becomes the KIM's officer (a role scoped to it) in the same step.
    pub async fn create_kim(
        &self,
        ctx: &AuditContext,
        p: &KimProfile,
        status: &str,
        import_key: Option<&str>,
        duplicate_of: Option<i64>,
        officer: Option<i64>,
    ) -> Result<i64> {
        let village = p.village()?;
        let now = Utc::now();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id = insert_kim!(tx, p, village, status, import_key, duplicate_of, ctx.actor_id, now);
            if let Some(user) = officer {
                sqlx::query("INSERT INTO role_grants (user_id, role, scope_kind, scope_ref, region_code, granted_by, created_at) \
                             VALUES ($1, 'kim_officer', 'kim', $2, $3, $1, $4)")
                    .bind(user).bind(id.to_string()).bind(village.as_str()).bind(now).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("kim.create", "kim", id)
                .in_region(Some(village.clone()))
                .with_summary(json!({"after": {"name": p.name, "village": village, "status": status, "possible_duplicate_of": duplicate_of}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            id
        }))
    }

    /// Replace a KIM's profile (not its status), only while it is still as the caller saw it:
    /// in one of `guard.statuses` and in `guard.village` (a verification or a move in between
    /// makes this a `Conflict`, never a silent overwrite). A KIM found inactive is reactivated in
    /// the same transaction: editing is activity.
    pub async fn update_kim(
        &self,
        ctx: &AuditContext,
        id: i64,
        p: &KimProfile,
        guard: &EditGuard<'_>,
    ) -> Result<Reactivated> {
        let before = self.kim(id).await?;
        let village = p.village()?;
        let ancestors = village.ancestors();
        let now = Utc::now();
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut qb = QueryBuilder::new("UPDATE kims SET name = ");
            qb.push_bind(&p.name).push(", name_norm = ").push_bind(&p.name_norm)
                .push(", village_code = ").push_bind(village.as_str())
                .push(", district_code = ").push_bind(ancestors[2].as_str())
                .push(", regency_code = ").push_bind(ancestors[1].as_str())
                .push(", province_code = ").push_bind(ancestors[0].as_str())
                .push(", address = ").push_bind(&p.address)
                .push(", lat = ").push_bind(p.lat).push(", lon = ").push_bind(p.lon)
                .push(", founded_on = ").push_bind(p.founded_on)
                .push(", sk_number = ").push_bind(&p.sk_number)
                .push(", sk_date = ").push_bind(p.sk_date)
                .push(", sk_issuer = ").push_bind(&p.sk_issuer)
                .push(", phone = ").push_bind(&p.phone).push(", email = ").push_bind(&p.email)
                .push(", social = ").push_bind(&p.social_json)
                .push(", topics = ").push_bind(p.topics.join(","))
                .push(", updated_at = ").push_bind(now).push(", last_activity_at = ").push_bind(now)
                .push(" WHERE id = ").push_bind(id)
                .push(" AND village_code = ").push_bind(guard.village.as_str())
                .push(" AND status IN (");
            let mut sep = qb.separated(", ");
            for s in guard.statuses {
                sep.push_bind(*s);
            }
            qb.push(")");
            if qb.build().execute(&mut *tx).await?.rows_affected() == 0 {
                return Err(StoreError::Conflict("kim_changed_meanwhile".into()));
            }
            sqlx::query("DELETE FROM kim_topics WHERE kim_id = $1").bind(id).execute(&mut *tx).await?;
            for topic in &p.topics {
                sqlx::query("INSERT INTO kim_topics (kim_id, topic) VALUES ($1, $2)").bind(id).bind(topic).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("kim.update", "kim", id)
                .in_region(Some(village.clone()))
                .with_summary(json!({
                    "before": {"name": before.name, "village": before.village_code, "address": before.address, "phone": before.phone.is_some(), "topics": before.topics},
                    "after": {"name": p.name, "village": village, "address": p.address, "phone": p.phone.is_some(), "topics": p.topics.join(",")},
                }));
            audit_in_tx!(tx, ctx, &event);
            let woke = sqlx::query("UPDATE kims SET status = 'active', status_at = $1 WHERE id = $2 AND status = 'inactive'")
                .bind(now).bind(id).execute(&mut *tx).await?.rows_affected() > 0;
            if woke {
                let event = AuditEvent::new("kim.transition", "kim", id)
                    .in_region(Some(village.clone()))
                    .with_summary(json!({"before": {"status": "inactive"}, "after": {"status": "active", "reason": null, "reg_number": before.reg_number}}));
                audit_in_tx!(tx, ctx, &event);
            }
            tx.commit().await?;
            Reactivated(woke)
        }))
    }

    pub async fn kim(&self, id: i64) -> Result<KimRecord> {
        let sql = format!("SELECT {KIM_COLUMNS} FROM kims WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn kim_by_number(&self, number: &str) -> Result<KimRecord> {
        let sql = format!("SELECT {KIM_COLUMNS} FROM kims WHERE reg_number = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(number).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    /// Move a KIM from `from` to `to` (only if it is still in `from`: two admins clicking at once
    /// cannot both succeed). With `number_for`, a first verification assigns the registration
    /// number from the village's sequence. `notify` lists users who get an in-app notification.
    #[allow(clippy::too_many_arguments)]
    pub async fn transition_kim(
        &self,
        ctx: &AuditContext,
        id: i64,
        from: &str,
        to: &str,
        reason: Option<&str>,
        number_for: Option<&NumberFor>,
        notice: Option<&crate::notify::PendingNotice>,
    ) -> Result<KimRecord> {
        let now = Utc::now();
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // The village and number are read by the guarded write itself: an edit that moved
            // the KIM a moment ago cannot leave it numbered for the village it left.
            let row: Option<(String, Option<String>)> = sqlx::query_as(
                "UPDATE kims SET status = $1, status_at = $2, updated_at = $2, last_activity_at = $2, reject_reason = $3 \
                 WHERE id = $4 AND status = $5 RETURNING village_code, reg_number")
                .bind(to).bind(now).bind(reason).bind(id).bind(from)
                .fetch_optional(&mut *tx).await?;
            let Some((village_code, mut number)) = row else {
                return Err(StoreError::Conflict("kim_status_changed".into()));
            };
            if let (Some(make), None) = (number_for, &number) {
                let seq: i64 = sqlx::query_scalar(
                    "INSERT INTO kim_number_seq (village_code, last_seq) VALUES ($1, 1) \
                     ON CONFLICT (village_code) DO UPDATE SET last_seq = kim_number_seq.last_seq + 1 RETURNING last_seq")
                    .bind(&village_code).fetch_one(&mut *tx).await?;
                let n = make(&village_code, seq);
                sqlx::query("UPDATE kims SET reg_number = $1 WHERE id = $2").bind(&n).bind(id).execute(&mut *tx).await?;
                number = Some(n);
            }
            if let Some(notice) = notice {
                crate::notify::queue_notice_in_tx!(tx, notice);
            }
            let event = AuditEvent::new("kim.transition", "kim", id)
                .in_region(RegionCode::parse(&village_code).ok())
                .with_summary(json!({"before": {"status": from}, "after": {"status": to, "reason": reason, "reg_number": number}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        self.kim(id).await
    }

    /// KIMs matching `filter` by name, with their count (at most `COUNT_CAP + 1`).
    pub async fn search_kims(
        &self,
        filter: &KimFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<KimRecord>, i64)> {
        let count_plan = match &filter.name {
            Some(name) if self.engine() == Engine::Sqlite && name.chars().count() >= 3 => {
                NamePlan::Fts
            }
            _ => NamePlan::Like,
        };
        let rows_plan = match (&filter.name, count_plan) {
            (Some(name), NamePlan::Fts) if self.name_matches(name).await? > MANY_NAME_MATCHES => {
                NamePlan::FtsByNameOrder
            }
            _ => count_plan,
        };
        let (rows, total) = with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!("SELECT {} FROM kims k WHERE 1 = 1", KIM_COLUMNS.split(", ").map(|c| format!("k.{c}")).collect::<Vec<_>>().join(", ")));
            push_filter(&mut qb, filter, rows_plan);
            qb.push(" ORDER BY k.name, k.id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
            let rows: Vec<KimRecord> = qb.build_query_as().fetch_all(p).await?;
            // Counting stops at COUNT_CAP: past that, "more than 1,000: narrow the search" is as
            // useful and far cheaper.
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM kims k WHERE 1 = 1");
            push_filter(&mut qb, filter, count_plan);
            qb.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(") capped");
            let total: i64 = qb.build_query_scalar().fetch_one(p).await?;
            (rows, total)
        });
        Ok((rows, total))
    }

    /// How many names contain `fragment` (SQLite's FTS5 index), counted up to a little past
    /// `MANY_NAME_MATCHES`: enough to choose the query plan.
    async fn name_matches(&self, fragment: &str) -> Result<i64> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM kims_name_fts WHERE kims_name_fts MATCH $1 LIMIT $2) m")
            .bind(fts_phrase(fragment)).bind(MANY_NAME_MATCHES + 1).fetch_one(p).await?))
    }

    /// Other KIMs registered in the same village (for duplicate detection).
    pub async fn kims_in_village(&self, village: &RegionCode) -> Result<Vec<(i64, String)>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("SELECT id, name FROM kims WHERE village_code = $1 AND status <> 'dissolved' ORDER BY id")
            .bind(village.as_str()).fetch_all(p).await?),
        )
    }

    pub async fn kim_id_by_import_key(&self, key: &str) -> Result<Option<i64>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT id FROM kims WHERE import_key = $1").bind(key).fetch_optional(p).await?),
        )
    }

    /// Users holding a role scoped to this KIM (its officers and member accounts).
    pub async fn kim_account_holders(&self, kim_id: i64, roles: &[&str]) -> Result<Vec<i64>> {
        let ids: Vec<(i64, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT user_id, role FROM role_grants WHERE scope_kind = 'kim' AND scope_ref = $1")
            .bind(kim_id.to_string()).fetch_all(p).await?);
        let mut out: Vec<i64> = ids
            .into_iter()
            .filter(|(_, r)| roles.contains(&r.as_str()))
            .map(|(u, _)| u)
            .collect();
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Active KIMs whose last activity is older than `before` (for the inactivity job).
    pub async fn stale_active_kims(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT id FROM kims WHERE status IN ('active', 'verified') AND last_activity_at < $1 ORDER BY id LIMIT $2")
            .bind(before).bind(limit).fetch_all(p).await?))
    }

    /// Record activity (a post, a report, an edit) so the KIM is not marked inactive.
    pub async fn touch_kim(&self, id: i64) -> Result<()> {
        with_pool!(self, p => sqlx::query("UPDATE kims SET last_activity_at = $1 WHERE id = $2")
            .bind(Utc::now()).bind(id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Statistics for the regions directly below `parent` (provinces for the whole country).
    /// `villages` is left for the caller, who knows the region tree (see `RegionIndex`).
    pub async fn kim_stats(&self, parent: Option<&RegionCode>) -> Result<Vec<RegionStats>> {
        let children = self.region_children(parent).await?;
        let column = match parent.map(|c| c.level()) {
            None => "province_code",
            Some(simpul_core::Level::Province) => "regency_code",
            Some(simpul_core::Level::Regency) => "district_code",
            Some(_) => "village_code",
        };
        let (filter_sql, prefix) = match parent {
            None => (String::new(), String::new()),
            Some(p) => (format!(" WHERE {} = $1", region_column(p)), p.to_string()),
        };
        let status_sql = format!(
            "SELECT {column}, status, COUNT(*), CAST(SUM(member_count) AS BIGINT) FROM kims{filter_sql} GROUP BY {column}, status"
        );
        let covered_sql = format!(
            "SELECT {column}, COUNT(DISTINCT village_code) FROM kims{} status IN ('verified', 'active') GROUP BY {column}",
            if filter_sql.is_empty() { " WHERE".to_owned() } else { format!("{filter_sql} AND") }
        );
        let (statuses, covered) = with_pool!(self, p => {
            let mut q1 = sqlx::query_as::<_, (String, String, i64, Option<i64>)>(&status_sql);
            let mut q3 = sqlx::query_as::<_, (String, i64)>(&covered_sql);
            if parent.is_some() {
                q1 = q1.bind(prefix.clone());
                q3 = q3.bind(prefix.clone());
            }
            (q1.fetch_all(p).await?, q3.fetch_all(p).await?)
        });
        let mut out: Vec<RegionStats> = children
            .iter()
            .map(|c| RegionStats {
                code: c.code.to_string(),
                ..Default::default()
            })
            .collect();
        let find = |out: &mut Vec<RegionStats>, code: &str| out.iter().position(|s| s.code == code);
        for (code, status, n, members) in statuses {
            if let Some(i) = find(&mut out, &code) {
                out[i].by_status.insert(status, n);
                out[i].kims += n;
                out[i].members += members.unwrap_or(0);
            }
        }
        for (code, n) in covered {
            if let Some(i) = find(&mut out, &code) {
                out[i].villages_with_active_kim = n;
            }
        }
        Ok(out)
    }
}

/// One KIM to write in a bulk import.
pub struct ImportKim<'a> {
    pub profile: &'a KimProfile,
    pub status: &'a str,
    pub import_key: &'a str,
    /// The leader, recorded as the KIM's first member (their consent is on record).
    pub leader: Option<&'a ImportLeader>,
}

/// A KIM's leader from an imported sheet: a member with the role "ketua".
#[derive(Debug, Clone)]
pub struct ImportLeader {
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    pub consent_on: NaiveDate,
}

/// Rows staged per transaction. Each chunk holds SQLite's only write lock for a moment (tens
/// of milliseconds), so logins, sessions and audit entries get it between chunks.
pub const IMPORT_CHUNK: usize = 500;

/// Rows per statement when the final transaction hands out registration numbers (two binds a
/// row, well under both engines' limits on bound parameters).
const NUMBERS_PER_STATEMENT: usize = 1_000;

/// Staged rows of an import that never finished (its job given up) are cleared after this.
const ABANDONED_AFTER_HOURS: i64 = 24;

/// Statuses that carry a registration number.
fn numbered(status: &str) -> bool {
    matches!(status, "verified" | "active" | "inactive" | "dissolved")
}

impl Store {
    /// Write a whole import: every KIM or none, without one long transaction. The rows are
    /// first staged under `batch` (for example `job-42`) in chunks of [`IMPORT_CHUNK`], each its
    /// own short transaction, in tables nothing else reads (migration 0007); one final
    /// transaction then turns them into KIMs with a few set-based statements, handing out the
    /// registration numbers from the village sequences in row order and writing the
    /// `kim.import` audit entries alongside. A crash before that leaves only invisible staged
    /// rows, which the rerun under the same `batch` clears first; a crash after it leaves the
    /// KIMs, which the rerun's check reports as existing. `progress` sees rows staged, and the
    /// total once the KIMs are visible. Returns the new KIMs' ids in row order.
    pub async fn import_kims(
        &self,
        ctx: &AuditContext,
        batch: &str,
        rows: &[ImportKim<'_>],
        number_for: &NumberFor,
        mut progress: impl FnMut(usize),
    ) -> Result<Vec<i64>> {
        let now = Utc::now();
        let batch_id = self.open_import_batch(batch, now).await?;
        let mut staged = 0;
        for chunk in rows.chunks(IMPORT_CHUNK) {
            self.stage_import_chunk(batch_id, staged, chunk).await?;
            staged += chunk.len();
            if staged < rows.len() {
                progress(staged);
            }
        }
        let ids = self
            .publish_import(ctx, batch_id, rows, number_for, now)
            .await?;
        progress(rows.len());
        // Outside the publishing transaction, to keep it short: a crash here leaves staged rows
        // that the next import under this batch, or a day's wait, clears.
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM kim_import_batches WHERE id = $1").bind(batch_id).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(ids)
    }

    /// A fresh staging batch named `key`: what an earlier run under the same key staged, and any
    /// batch abandoned long ago, is cleared first.
    async fn open_import_batch(&self, key: &str, now: DateTime<Utc>) -> Result<i64> {
        let abandoned = now - chrono::Duration::hours(ABANDONED_AFTER_HOURS);
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM kim_import_batches WHERE key = $1 OR created_at < $2")
                .bind(key).bind(abandoned).execute(&mut *tx).await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO kim_import_batches (key, created_at) VALUES ($1, $2) RETURNING id")
                .bind(key).bind(now).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            id
        }))
    }

    /// Stage `chunk` (rows `first..` of the import) in one short transaction.
    async fn stage_import_chunk(
        &self,
        batch_id: i64,
        first: usize,
        chunk: &[ImportKim<'_>],
    ) -> Result<()> {
        let villages = chunk
            .iter()
            .map(|r| r.profile.village())
            .collect::<Result<Vec<_>>>()?;
        let seq = |i: usize| i64::try_from(first + i).unwrap_or(i64::MAX);
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut qb = QueryBuilder::new(
                "INSERT INTO kim_import_rows (batch_id, seq, name, name_norm, village_code, district_code, regency_code, \
                 province_code, address, lat, lon, founded_on, sk_number, sk_date, sk_issuer, phone, email, social, topics, \
                 status, import_key, audit_summary) ");
            qb.push_values(chunk.iter().zip(&villages).enumerate(), |mut b, (i, (row, village))| {
                let p = row.profile;
                let ancestors = village.ancestors();
                let summary = json!({"after": {"name": p.name, "status": row.status}});
                b.push_bind(batch_id).push_bind(seq(i)).push_bind(&p.name).push_bind(&p.name_norm)
                    .push_bind(village.as_str()).push_bind(ancestors[2].to_string())
                    .push_bind(ancestors[1].to_string()).push_bind(ancestors[0].to_string())
                    .push_bind(&p.address).push_bind(p.lat).push_bind(p.lon).push_bind(p.founded_on)
                    .push_bind(&p.sk_number).push_bind(p.sk_date).push_bind(&p.sk_issuer)
                    .push_bind(&p.phone).push_bind(&p.email).push_bind(&p.social_json)
                    .push_bind(p.topics.join(",")).push_bind(row.status).push_bind(row.import_key)
                    .push_bind(summary.to_string());
            });
            qb.build().execute(&mut *tx).await?;
            let topics: Vec<(i64, &String)> = chunk.iter().enumerate()
                .flat_map(|(i, row)| row.profile.topics.iter().map(move |t| (seq(i), t)))
                .collect();
            if !topics.is_empty() {
                let mut qb = QueryBuilder::new("INSERT INTO kim_import_topics (batch_id, seq, topic) ");
                qb.push_values(topics, |mut b, (seq, topic)| {
                    b.push_bind(batch_id).push_bind(seq).push_bind(topic);
                });
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Turn a staged batch into KIMs, their topics, numbers and audit entries, in one
    /// transaction of a few set-based statements. Returns the ids in row order.
    async fn publish_import(
        &self,
        ctx: &AuditContext,
        batch_id: i64,
        rows: &[ImportKim<'_>],
        number_for: &NumberFor,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        // Registration numbers per village, in row order, from the village sequences.
        let mut per_village: Vec<(&str, i64)> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for row in rows.iter().filter(|r| numbered(r.status)) {
            let village = row.profile.village()?.as_str();
            let i = *index.entry(village).or_insert_with(|| {
                per_village.push((village, 0));
                per_village.len() - 1
            });
            per_village[i].1 += 1;
        }
        Ok(with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // The first sequence number each village's rows take.
            let mut next = std::collections::HashMap::with_capacity(per_village.len());
            for part in per_village.chunks(NUMBERS_PER_STATEMENT) {
                let mut qb = QueryBuilder::new("INSERT INTO kim_number_seq (village_code, last_seq) ");
                qb.push_values(part, |mut b, (village, n)| {
                    b.push_bind(*village).push_bind(*n);
                });
                qb.push(" ON CONFLICT (village_code) DO UPDATE SET last_seq = kim_number_seq.last_seq + excluded.last_seq \
                          RETURNING village_code, last_seq");
                let last: Vec<(String, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                for (village, last_seq) in last {
                    let n = index.get(village.as_str()).map_or(0, |&i| per_village[i].1);
                    next.insert(village, last_seq - n + 1);
                }
            }
            let mut numbers: Vec<(i64, String)> = Vec::with_capacity(rows.len());
            for (i, row) in rows.iter().enumerate().filter(|(_, r)| numbered(r.status)) {
                let village = row.profile.village()?.as_str();
                let seq = next.get_mut(village).ok_or_else(|| StoreError::Invalid("no sequence for a village".into()))?;
                numbers.push((i64::try_from(i).unwrap_or(i64::MAX), number_for(village, *seq)));
                *seq += 1;
            }
            for part in numbers.chunks(NUMBERS_PER_STATEMENT) {
                let mut qb = QueryBuilder::new("UPDATE kim_import_rows SET reg_number = v.column2 FROM (");
                qb.push_values(part, |mut b, (seq, number)| {
                    b.push_bind(*seq).push_bind(number);
                });
                qb.push(") AS v WHERE kim_import_rows.batch_id = ").push_bind(batch_id)
                    .push(" AND kim_import_rows.seq = v.column1");
                qb.build().execute(&mut *tx).await?;
            }
            let written = sqlx::query(
                "INSERT INTO kims (name, name_norm, village_code, district_code, regency_code, province_code, address, lat, lon, \
                 founded_on, sk_number, sk_date, sk_issuer, phone, email, social, topics, status, reg_number, import_key, \
                 created_by, created_at, updated_at, status_at, last_activity_at) \
                 SELECT name, name_norm, village_code, district_code, regency_code, province_code, address, lat, lon, \
                 founded_on, sk_number, sk_date, sk_issuer, phone, email, social, topics, status, reg_number, import_key, \
                 $2, $3, $3, $3, $3 FROM kim_import_rows WHERE batch_id = $1 ORDER BY seq")
                .bind(batch_id).bind(ctx.actor_id).bind(now).execute(&mut *tx).await?.rows_affected();
            if written != rows.len() as u64 {
                // Another run cleared this batch meanwhile: write nothing rather than part.
                return Err(StoreError::Conflict("import_batch_changed".into()));
            }
            sqlx::query(
                "INSERT INTO kim_topics (kim_id, topic) SELECT k.id, t.topic FROM kim_import_topics t \
                 JOIN kim_import_rows s ON s.batch_id = t.batch_id AND s.seq = t.seq \
                 JOIN kims k ON k.import_key = s.import_key WHERE t.batch_id = $1")
                .bind(batch_id).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, region_code, summary, request_id, ip) \
                 SELECT $2, $3, $4, 'kim.import', 'kim', CAST(k.id AS TEXT), s.village_code, s.audit_summary, $5, $6 \
                 FROM kim_import_rows s JOIN kims k ON k.import_key = s.import_key WHERE s.batch_id = $1 ORDER BY s.seq")
                .bind(batch_id).bind(now).bind(ctx.actor_id).bind(&ctx.actor_name).bind(&ctx.request_id).bind(&ctx.ip)
                .execute(&mut *tx).await?;
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT k.id FROM kim_import_rows s JOIN kims k ON k.import_key = s.import_key WHERE s.batch_id = $1 ORDER BY s.seq")
                .bind(batch_id).fetch_all(&mut *tx).await?;
            // Leaders whose consent is on record become each KIM's first member ("ketua").
            let leaders: Vec<(i64, &ImportLeader)> = rows.iter().zip(&ids)
                .filter_map(|(row, id)| row.leader.map(|l| (*id, l)))
                .collect();
            for part in leaders.chunks(IMPORT_CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO kim_members (kim_id, name, role, phone, consent_on, created_at, updated_at) ");
                qb.push_values(part, |mut b, (id, l)| {
                    b.push_bind(*id).push_bind(&l.name).push_bind("ketua").push_bind(&l.phone)
                        .push_bind(l.consent_on).push_bind(now).push_bind(now);
                });
                qb.build().execute(&mut *tx).await?;
                let mut qb = QueryBuilder::new("UPDATE kims SET member_count = member_count + 1 WHERE id IN (");
                let mut sep = qb.separated(", ");
                for (id, _) in part {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            ids
        }))
    }
}
