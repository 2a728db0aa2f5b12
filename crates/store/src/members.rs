//! KIM members (personal data: only services that checked entitlement call these), member
//! invitations, uploaded files and in-app notifications.

use crate::connect::BeginWrite;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::secrets::{new_token, token_digest};
use simpul_core::RegionCode;

/// The active kabupaten/kota admins whose region covers a village (their province's admins when
/// the kabupaten/kota has none), inside the caller's transaction: who is told about a member
/// matter that needs an administrator.
macro_rules! region_admins_in_tx {
    ($tx:expr, $village:expr) => {{
        let village: &str = $village;
        let mut admins: Vec<i64> = Vec::new();
        for role in ["regency_admin", "provincial_admin"] {
            admins = sqlx::query_scalar(
                "SELECT DISTINCT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE u.active AND g.role = $1 AND g.scope_kind = 'region' \
                 AND ($2 = g.region_code OR $2 LIKE g.region_code || '.%') ORDER BY g.user_id",
            )
            .bind(role)
            .bind(village)
            .fetch_all(&mut *$tx)
            .await?;
            if !admins.is_empty() {
                break;
            }
        }
        admins
    }};
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MemberRecord {
    pub id: i64,
    pub kim_id: i64,
    pub name: String,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub age_band: Option<String>,
    pub occupation: String,
    #[serde(skip)]
    pub nik_enc: Option<String>,
    #[serde(skip)]
    pub nik_digest: Option<String>,
    pub nik_masked: Option<String>,
    pub consent_on: Option<NaiveDate>,
    pub user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const MEMBER_COLUMNS: &str =
    "id, kim_id, name, role, phone, email, gender, age_band, occupation, nik_enc, nik_digest, \
    nik_masked, consent_on, user_id, created_at, updated_at";

/// Validated member fields; the NIK arrives already encrypted, digested and masked.
#[derive(Debug, Clone, Default)]
pub struct MemberData {
    pub name: String,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub age_band: Option<String>,
    pub occupation: String,
    pub nik_enc: Option<String>,
    pub nik_digest: Option<String>,
    pub nik_masked: Option<String>,
    pub consent_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredFile {
    pub id: i64,
    pub kind: String,
    pub content_type: String,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub data: Vec<u8>,
}

pub use crate::notify::Notification;

/// A NIK found on a member of another KIM that the person saving may not see.
pub struct NikDuplicate<'a> {
    pub other_member: i64,
    pub other_village: &'a str,
    /// The notice for the administrators of both regions (who are added to its users).
    pub notice: crate::notify::PendingNotice,
}

/// A KIM's leader (its first member with the role "ketua") as an export shows them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Leader {
    pub kim_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub consent_on: Option<NaiveDate>,
}

impl Store {
    /// The leaders of these KIMs (the earliest recorded "ketua" of each), in chunks of a few
    /// hundred ids so that an export of a whole province stays within bind limits.
    pub async fn leaders_of(&self, kim_ids: &[i64]) -> Result<Vec<Leader>> {
        let mut out = Vec::new();
        for chunk in kim_ids.chunks(500) {
            let rows: Vec<Leader> = with_pool!(self, p => {
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT m.kim_id, m.name, m.phone, m.consent_on FROM kim_members m \
                     WHERE m.role = 'ketua' AND m.id = (SELECT MIN(x.id) FROM kim_members x \
                     WHERE x.kim_id = m.kim_id AND x.role = 'ketua') AND m.kim_id IN (",
                );
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                q.push(")");
                q.build_query_as().fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    pub async fn members_of(&self, kim_id: i64) -> Result<Vec<MemberRecord>> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM kim_members WHERE kim_id = $1 ORDER BY id");
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(kim_id).fetch_all(p).await?))
    }

    pub async fn member(&self, id: i64) -> Result<MemberRecord> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM kim_members WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn member_count(&self, kim_id: i64) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM kim_members WHERE kim_id = $1").bind(kim_id).fetch_one(p).await?),
        )
    }

    /// A member of another (or the same) KIM with this NIK, if any.
    pub async fn member_by_nik_digest(&self, digest: &str) -> Result<Option<(i64, i64)>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("SELECT id, kim_id FROM kim_members WHERE nik_digest = $1 LIMIT 1")
            .bind(digest).fetch_optional(p).await?),
        )
    }

    /// Add (`id = None`) or replace a member. Audited without personal data.
    pub async fn save_member(
        &self,
        ctx: &AuditContext,
        kim_id: i64,
        region: &RegionCode,
        id: Option<i64>,
        m: &MemberData,
    ) -> Result<i64> {
        self.save_member_flagged(ctx, kim_id, region, id, m, None)
            .await
    }

    /// [`Store::save_member`], flagging in the same transaction a NIK already registered to
    /// a member of a KIM the saver may not see: the administrators of both regions are told
    /// (the saver is not, so the answer reveals nothing about the other KIM).
    pub async fn save_member_flagged(
        &self,
        ctx: &AuditContext,
        kim_id: i64,
        region: &RegionCode,
        id: Option<i64>,
        m: &MemberData,
        duplicate: Option<&NikDuplicate<'_>>,
    ) -> Result<i64> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let member_id: i64 = match id {
                None => sqlx::query_scalar(
                    "INSERT INTO kim_members (kim_id, name, role, phone, email, gender, age_band, occupation, nik_enc, nik_digest, \
                     nik_masked, consent_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id")
                    .bind(kim_id).bind(&m.name).bind(&m.role).bind(&m.phone).bind(&m.email).bind(&m.gender).bind(&m.age_band)
                    .bind(&m.occupation).bind(&m.nik_enc).bind(&m.nik_digest).bind(&m.nik_masked).bind(m.consent_on).bind(now)
                    .fetch_one(&mut *tx).await?,
                Some(id) => {
                    let n = sqlx::query(
                        "UPDATE kim_members SET name = $1, role = $2, phone = $3, email = $4, gender = $5, age_band = $6, occupation = $7, \
                         nik_enc = $8, nik_digest = $9, nik_masked = $10, consent_on = $11, updated_at = $12 WHERE id = $13 AND kim_id = $14")
                        .bind(&m.name).bind(&m.role).bind(&m.phone).bind(&m.email).bind(&m.gender).bind(&m.age_band).bind(&m.occupation)
                        .bind(&m.nik_enc).bind(&m.nik_digest).bind(&m.nik_masked).bind(m.consent_on).bind(now).bind(id).bind(kim_id)
                        .execute(&mut *tx).await?.rows_affected();
                    if n == 0 {
                        return Err(StoreError::NotFound);
                    }
                    id
                }
            };
            // A linked account's officer grant lives only as long as the member's officer role
            // (review finding: it outlived a demotion). Promotion is not automatic: a kabupaten/kota
            // admin approves it (`approve_officer`).
            let officer = simpul_core::registry::MemberRole::parse(&m.role).is_some_and(|r| r.is_officer());
            if let (Some(member_id), false) = (id, officer) {
                let account: Option<i64> = sqlx::query_scalar("SELECT user_id FROM kim_members WHERE id = $1")
                    .bind(member_id).fetch_one(&mut *tx).await?;
                if let Some(user_id) = account {
                    let n = sqlx::query("DELETE FROM role_grants WHERE user_id = $1 AND role = 'kim_officer' AND scope_kind = 'kim' AND scope_ref = $2")
                        .bind(user_id).bind(kim_id.to_string()).execute(&mut *tx).await?.rows_affected();
                    if n > 0 {
                        sqlx::query("INSERT INTO role_grants (user_id, role, scope_kind, scope_ref, region_code, created_at) \
                                     VALUES ($1, 'kim_member', 'kim', $2, $3, $4) ON CONFLICT DO NOTHING")
                            .bind(user_id).bind(kim_id.to_string()).bind(region.to_string()).bind(now).execute(&mut *tx).await?;
                        let event = AuditEvent::new("grant.revoke", "user", user_id)
                            .in_region(Some(region.clone()))
                            .with_summary(json!({"before": {"role": "kim_officer", "kim_id": kim_id}, "after": {"role": "kim_member"}, "reason": "member_role_changed"}));
                        audit_in_tx!(tx, ctx, &event);
                    }
                }
            }
            let added = if id.is_none() { 1i64 } else { 0 };
            sqlx::query("UPDATE kims SET last_activity_at = $1, member_count = member_count + $2 WHERE id = $3")
                .bind(now).bind(added).bind(kim_id).execute(&mut *tx).await?;
            if let Some(d) = duplicate {
                let mut admins = region_admins_in_tx!(tx, &region.to_string());
                admins.extend(region_admins_in_tx!(tx, d.other_village));
                admins.sort_unstable();
                admins.dedup();
                let mut notice = d.notice.clone();
                notice.users.extend(admins);
                // The member's id exists only now.
                notice.link = format!("/kim/{kim_id}/members/{member_id}");
                notice.dedupe_key = format!("{}:{member_id}", notice.dedupe_key);
                crate::notify::queue_notice_in_tx!(tx, &notice);
                let event = AuditEvent::new("member.nik_duplicate", "kim_member", member_id)
                    .in_region(Some(region.clone()))
                    .with_summary(json!({"after": {"kim_id": kim_id, "other_member_id": d.other_member, "other_village": d.other_village}}));
                audit_in_tx!(tx, ctx, &event);
            }
            let action = if id.is_some() { "member.update" } else { "member.add" };
            let event = AuditEvent::new(action, "kim_member", member_id)
                .in_region(Some(region.clone()))
                .with_summary(json!({"after": {"kim_id": kim_id, "role": m.role, "has_nik": m.nik_enc.is_some(), "consent_on": m.consent_on}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            member_id
        }))
    }

    /// Erase a member and their personal data (UU PDP deletion request). Audited without it.
    pub async fn delete_member(
        &self,
        ctx: &AuditContext,
        kim_id: i64,
        region: &RegionCode,
        id: i64,
        reason: &str,
    ) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let account: Option<Option<i64>> = sqlx::query_scalar("DELETE FROM kim_members WHERE id = $1 AND kim_id = $2 RETURNING user_id")
                .bind(id).bind(kim_id).fetch_optional(&mut *tx).await?;
            let Some(account) = account else {
                return Err(StoreError::NotFound);
            };
            // The linked account loses every grant on this KIM with the membership (review
            // finding: an erased officer could still export the members' NIKs).
            if let Some(user_id) = account {
                let n = sqlx::query("DELETE FROM role_grants WHERE user_id = $1 AND scope_kind = 'kim' AND scope_ref = $2")
                    .bind(user_id).bind(kim_id.to_string()).execute(&mut *tx).await?.rows_affected();
                if n > 0 {
                    let event = AuditEvent::new("grant.revoke", "user", user_id)
                        .in_region(Some(region.clone()))
                        .with_summary(json!({"before": {"kim_id": kim_id}, "reason": "member_removed"}));
                    audit_in_tx!(tx, ctx, &event);
                }
            }
            sqlx::query("UPDATE kims SET member_count = member_count - 1 WHERE id = $1").bind(kim_id).execute(&mut *tx).await?;
            let event = AuditEvent::new("member.delete", "kim_member", id)
                .in_region(Some(region.clone()))
                .with_summary(json!({"before": {"kim_id": kim_id}, "reason": reason}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// An invitation link for a member to create their account; returns the secret token.
    /// `grant_role`: the account role accepting it gives (`kim_officer` only when an
    /// administrator of the region invites an officer; otherwise `kim_member`).
    pub async fn create_invite(
        &self,
        ctx: &AuditContext,
        member_id: i64,
        region: &RegionCode,
        ttl: Duration,
        grant_role: &str,
    ) -> Result<String> {
        let token = new_token("");
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("INSERT INTO kim_invites (token_hash, member_id, created_at, expires_at, grant_role) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_digest(&token)).bind(member_id).bind(now).bind(now + ttl).bind(grant_role).execute(&mut *tx).await?;
            let event = AuditEvent::new("member.invite", "kim_member", member_id).in_region(Some(region.clone()))
                .with_summary(json!({"after": {"grant_role": grant_role}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(token)
    }

    /// The member a live invitation is for.
    pub async fn invite_member(&self, token: &str) -> Result<Option<i64>> {
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "SELECT member_id FROM kim_invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
            .bind(token_digest(token)).bind(Utc::now()).fetch_optional(p).await?))
    }

    /// Accept an invitation: create the account with its KIM-scoped grant and link the member,
    /// all at once. Returns the new user id.
    /// `notice`: told to the region's administrators (added to its users) when the member
    /// holds an officer role the invitation did not grant (they approve it).
    pub async fn accept_invite(
        &self,
        token: &str,
        user: &crate::accounts::NewUser,
        notice: &crate::notify::PendingNotice,
    ) -> Result<i64> {
        let (member_id, role): (i64, String) = with_pool!(self, p => sqlx::query_as(
            "SELECT member_id, grant_role FROM kim_invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
            .bind(token_digest(token)).bind(Utc::now()).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)?;
        let member = self.member(member_id).await?;
        // An officer's invitation for someone demoted since gives a member's account only.
        let still_officer =
            simpul_core::registry::MemberRole::parse(&member.role).is_some_and(|r| r.is_officer());
        let role = if still_officer {
            role.as_str()
        } else {
            "kim_member"
        };
        let kim = self.kim(member.kim_id).await?;
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let used = sqlx::query("UPDATE kim_invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
                .bind(now).bind(token_digest(token)).execute(&mut *tx).await?.rows_affected();
            if used == 0 {
                return Err(StoreError::NotFound);
            }
            let user_id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, display_name, email, password_hash, locale, active, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id")
                .bind(&user.username).bind(&user.display_name).bind(&user.email).bind(&user.password_hash).bind(&user.locale)
                .bind(true).bind(now).fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO role_grants (user_id, role, scope_kind, scope_ref, region_code, created_at) VALUES ($1, $2, 'kim', $3, $4, $5)")
                .bind(user_id).bind(role).bind(kim.id.to_string()).bind(&kim.village_code).bind(now).execute(&mut *tx).await?;
            sqlx::query("UPDATE kim_members SET user_id = $1 WHERE id = $2").bind(user_id).bind(member_id).execute(&mut *tx).await?;
            if still_officer && role != "kim_officer" {
                let mut notice = notice.clone();
                notice.users.extend(region_admins_in_tx!(tx, &kim.village_code));
                crate::notify::queue_notice_in_tx!(tx, &notice);
            }
            let ctx = AuditContext { actor_id: Some(user_id), actor_name: user.username.clone(), request_id: None, ip: None };
            let event = AuditEvent::new("member.accept_invite", "user", user_id)
                .in_region(RegionCode::parse(&kim.village_code).ok())
                .with_summary(json!({"after": {"kim_id": kim.id, "member_id": member_id, "role": role}}));
            audit_in_tx!(tx, &ctx, &event);
            tx.commit().await?;
            user_id
        }))
    }

    /// A kabupaten/kota admin approves a linked member's officer role for their account: the
    /// `kim_member` grant on this KIM becomes `kim_officer`. `Conflict` when the member has no
    /// account; `Invalid` when their member role is not an officer's.
    pub async fn approve_officer(
        &self,
        ctx: &AuditContext,
        kim_id: i64,
        region: &RegionCode,
        member_id: i64,
    ) -> Result<i64> {
        let m = self.member(member_id).await?;
        if m.kim_id != kim_id {
            return Err(StoreError::NotFound);
        }
        let Some(user_id) = m.user_id else {
            return Err(StoreError::Conflict("member_no_account".into()));
        };
        if !simpul_core::registry::MemberRole::parse(&m.role).is_some_and(|r| r.is_officer()) {
            return Err(StoreError::Invalid("member_not_officer".into()));
        }
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM role_grants WHERE user_id = $1 AND role = 'kim_member' AND scope_kind = 'kim' AND scope_ref = $2")
                .bind(user_id).bind(kim_id.to_string()).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO role_grants (user_id, role, scope_kind, scope_ref, region_code, granted_by, created_at) \
                         VALUES ($1, 'kim_officer', 'kim', $2, $3, $4, $5) ON CONFLICT DO NOTHING")
                .bind(user_id).bind(kim_id.to_string()).bind(region.to_string()).bind(ctx.actor_id).bind(now)
                .execute(&mut *tx).await?;
            let event = AuditEvent::new("grant.add", "user", user_id)
                .in_region(Some(region.clone()))
                .with_summary(json!({"after": {"role": "kim_officer", "kim_id": kim_id, "member_id": member_id}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(user_id)
    }

    /// Whether a member's linked account holds the officer grant on their KIM.
    pub async fn member_account_is_officer(&self, kim_id: i64, user_id: i64) -> Result<bool> {
        let n: i64 = with_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = 'kim_officer' AND scope_kind = 'kim' AND scope_ref = $2")
            .bind(user_id).bind(kim_id.to_string()).fetch_one(p).await?);
        Ok(n > 0)
    }

    pub async fn save_file(
        &self,
        ctx: &AuditContext,
        kind: &str,
        content_type: &str,
        filename: &str,
        data: &[u8],
    ) -> Result<i64> {
        use sha2::Digest;
        let digest = hex::encode(sha2::Sha256::digest(data));
        Ok(with_pool!(self, p => sqlx::query_scalar(
            "INSERT INTO files (kind, content_type, filename, size, sha256, data, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(kind).bind(content_type).bind(filename).bind(data.len() as i64).bind(&digest).bind(data).bind(ctx.actor_id).bind(Utc::now())
            .fetch_one(p).await?))
    }

    pub async fn file(&self, id: i64) -> Result<StoredFile> {
        with_pool!(self, p => sqlx::query_as("SELECT id, kind, content_type, filename, size, sha256, data FROM files WHERE id = $1")
            .bind(id).fetch_optional(p).await?).ok_or(StoreError::NotFound)
    }

    /// Attach an uploaded file to a KIM as its decree scan (`sk`) or logo. The file it replaces
    /// is deleted in the same transaction: a superseded decree scan is personal data nobody
    /// can reach any more, and nobody should keep.
    pub async fn attach_kim_file(
        &self,
        ctx: &AuditContext,
        kim_id: i64,
        region: &RegionCode,
        slot: &str,
        file_id: i64,
    ) -> Result<()> {
        let column = match slot {
            "sk" => "sk_file_id",
            "logo" => "logo_file_id",
            _ => return Err(StoreError::Invalid(format!("unknown file slot {slot}"))),
        };
        let sql = format!("UPDATE kims SET {column} = $1, updated_at = $2 WHERE id = $3");
        let old_sql = format!("SELECT {column} FROM kims WHERE id = $1");
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let old: Option<i64> = sqlx::query_scalar(&old_sql).bind(kim_id).fetch_optional(&mut *tx).await?.flatten();
            sqlx::query(&sql).bind(file_id).bind(Utc::now()).bind(kim_id).execute(&mut *tx).await?;
            if let Some(old) = old.filter(|o| *o != file_id) {
                sqlx::query("DELETE FROM files WHERE id = $1").bind(old).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("kim.file", "kim", kim_id).in_region(Some(region.clone())).with_summary(json!({"before": {slot: old}, "after": {slot: file_id}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn notifications(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, title, body, link, created_at, read_at, kind, priority FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2")
            .bind(user_id).bind(limit).fetch_all(p).await?))
    }
}

impl Store {
    /// Bulk-insert members in one transaction (demo data and generators), with one audit entry.
    pub async fn seed_members(
        &self,
        ctx: &AuditContext,
        rows: &[(i64, MemberData)],
    ) -> Result<usize> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for chunk in rows.chunks(500) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO kim_members (kim_id, name, role, phone, email, gender, age_band, occupation, nik_enc, nik_digest, nik_masked, consent_on, created_at, updated_at) ");
                qb.push_values(chunk, |mut b, (kim_id, m)| {
                    b.push_bind(*kim_id).push_bind(m.name.clone()).push_bind(m.role.clone()).push_bind(m.phone.clone()).push_bind(m.email.clone())
                        .push_bind(m.gender.clone()).push_bind(m.age_band.clone()).push_bind(m.occupation.clone()).push_bind(m.nik_enc.clone())
                        .push_bind(m.nik_digest.clone()).push_bind(m.nik_masked.clone()).push_bind(m.consent_on).push_bind(now).push_bind(now);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let mut per_kim: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
            for (kim_id, _) in rows {
                *per_kim.entry(*kim_id).or_default() += 1;
            }
            for (kim_id, n) in per_kim {
                sqlx::query("UPDATE kims SET member_count = member_count + $1 WHERE id = $2").bind(n).bind(kim_id).execute(&mut *tx).await?;
            }
            let event = AuditEvent::new("member.seed", "kim_member", rows.len()).with_summary(json!({"after": {"members": rows.len()}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(rows.len())
    }
}
