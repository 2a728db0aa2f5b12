//! Accounts and their role grants.

use crate::connect::BeginWrite;
use crate::filter::push_territory;
use crate::{audit_in_tx, revoke_credentials_in_tx, with_pool, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::authz::{Grant, ScopeRegions};
use simpul_core::{RegionCode, Role, Scope};
use sqlx::QueryBuilder;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub locale: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// An account as lists show it: with its roles, never its password hash.
#[derive(Debug, Clone)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub active: bool,
    pub grants: Vec<GrantRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    pub id: i64,
    pub user_id: i64,
    pub role: Role,
    pub scope: Scope,
    pub region_code: Option<RegionCode>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub locale: String,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: i64,
    user_id: i64,
    role: String,
    scope_kind: String,
    scope_ref: String,
    region_code: Option<String>,
}

/// A grant with the current village of its KIM (for KIM-scoped grants).
#[derive(sqlx::FromRow)]
struct ResolvedRow {
    #[sqlx(flatten)]
    grant: GrantRow,
    kim_village: Option<String>,
}

impl GrantRow {
    fn into_record(self) -> Result<GrantRecord> {
        let bad = || StoreError::Invalid(format!("grant {} is malformed", self.id));
        Ok(GrantRecord {
            id: self.id,
            user_id: self.user_id,
            role: Role::parse(&self.role).ok_or_else(bad)?,
            scope: Scope::from_parts(&self.scope_kind, &self.scope_ref).ok_or_else(bad)?,
            region_code: self
                .region_code
                .as_deref()
                .and_then(|c| RegionCode::parse(c).ok()),
        })
    }
}

const USER_COLUMNS: &str =
    "id, username, display_name, email, password_hash, locale, active, created_at";
const GRANT_COLUMNS: &str = "id, user_id, role, scope_kind, scope_ref, region_code";

impl Store {
    /// The region a scope is anchored in, for territory filters. Fails if the scope's object
    /// does not exist.
    pub async fn scope_region(&self, scope: &Scope) -> Result<Option<RegionCode>> {
        match scope {
            Scope::National => Ok(None),
            Scope::Region(code) => self.region(code).await.map(|r| Some(r.code)),
            Scope::Group(id) => Ok(Some(self.group(*id).await?.province)),
            Scope::Kim(id) => Ok(RegionCode::parse(&self.kim(*id).await?.village_code).ok()),
        }
    }

    /// The regions a scope covers.
    pub async fn territory(&self, scope: &Scope) -> Result<ScopeRegions> {
        Ok(match scope {
            Scope::National => ScopeRegions::All,
            Scope::Region(code) => ScopeRegions::Regions(vec![code.clone()]),
            Scope::Group(id) => ScopeRegions::Regions(self.group(*id).await?.members),
            Scope::Kim(id) => ScopeRegions::Regions(
                RegionCode::parse(&self.kim(*id).await?.village_code)
                    .into_iter()
                    .collect(),
            ),
        })
    }

    /// Create an account with its first role grant, audited, in one transaction.
    pub async fn create_user(
        &self,
        ctx: &AuditContext,
        user: &NewUser,
        role: Role,
        scope: &Scope,
    ) -> Result<i64> {
        let region = self.scope_region(scope).await?;
        let (kind, reference) = scope.to_parts();
        let now = Utc::now();
        let id = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, display_name, email, password_hash, locale, active, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id")
                .bind(&user.username)
                .bind(&user.display_name)
                .bind(&user.email)
                .bind(&user.password_hash)
                .bind(&user.locale)
                .bind(true)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO role_grants (user_id, role, scope_kind, scope_ref, region_code, granted_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(role.as_str())
                .bind(kind)
                .bind(&reference)
                .bind(region.as_ref().map(|c| c.to_string()))
                .bind(ctx.actor_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let event = AuditEvent::new("account.create", "user", id)
                .in_region(region.clone())
                .with_summary(json!({"after": {"username": user.username, "display_name": user.display_name,
                    "role": role.as_str(), "scope": scope}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        Ok(with_pool!(self, p => sqlx::query_as(&sql).bind(username).fetch_optional(p).await?))
    }

    pub async fn user(&self, id: i64) -> Result<UserRecord> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        with_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?)
            .ok_or(StoreError::NotFound)
    }

    pub async fn grants_of(&self, user_id: i64) -> Result<Vec<GrantRecord>> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM role_grants WHERE user_id = $1 ORDER BY id");
        let rows: Vec<GrantRow> =
            with_pool!(self, p => sqlx::query_as(&sql).bind(user_id).fetch_all(p).await?);
        rows.into_iter().map(GrantRow::into_record).collect()
    }

    /// Grants with their scopes resolved to territories, as the authorization policy needs. Runs
    /// on every request: one query, which also reads the current village of each KIM-scoped
    /// grant's KIM (a KIM may have moved since the grant). Only a coordination group's members
    /// take a second query, for the few Bakorwil accounts.
    pub async fn resolved_grants(&self, user_id: i64) -> Result<Vec<Grant>> {
        // The CASE keeps PostgreSQL from casting a region code ("35.14") as a number.
        let sql = "SELECT g.id, g.user_id, g.role, g.scope_kind, g.scope_ref, g.region_code, k.village_code AS kim_village \
                   FROM role_grants g LEFT JOIN kims k \
                   ON k.id = CASE WHEN g.scope_kind = 'kim' THEN CAST(g.scope_ref AS BIGINT) END \
                   WHERE g.user_id = $1 ORDER BY g.id";
        let rows: Vec<ResolvedRow> =
            with_pool!(self, p => sqlx::query_as(sql).bind(user_id).fetch_all(p).await?);
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let kim_village = row.kim_village;
            let g = row.grant.into_record()?;
            let territory = match &g.scope {
                Scope::Kim(_) => ScopeRegions::Regions(
                    kim_village
                        .as_deref()
                        .and_then(|v| RegionCode::parse(v).ok())
                        .into_iter()
                        .collect(),
                ),
                scope => match self.territory(scope).await {
                    Ok(t) => t,
                    Err(StoreError::NotFound) => ScopeRegions::none(),
                    Err(e) => return Err(e),
                },
            };
            out.push(Grant {
                role: g.role,
                scope: g.scope,
                territory,
            });
        }
        Ok(out)
    }

    /// Accounts with at least one grant inside `territory`, matching `query` in username or name.
    pub async fn list_users(
        &self,
        territory: &ScopeRegions,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<UserSummary>> {
        let pattern = format!("%{}%", query.trim().to_lowercase());
        let users: Vec<UserRecord> = with_pool!(self, p => {
            let mut qb = QueryBuilder::new(format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE (LOWER(username) LIKE "));
            qb.push_bind(pattern.clone());
            qb.push(" OR LOWER(display_name) LIKE ");
            qb.push_bind(pattern.clone());
            qb.push(")");
            if !matches!(territory, ScopeRegions::All) {
                qb.push(" AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id");
                push_territory(&mut qb, "g.region_code", territory);
                qb.push(")");
            }
            qb.push(" ORDER BY username LIMIT ");
            qb.push_bind(limit);
            qb.push(" OFFSET ");
            qb.push_bind(offset);
            qb.build_query_as().fetch_all(p).await?
        });
        // All grants of the page in one query, not one per account.
        let rows: Vec<GrantRow> = if users.is_empty() {
            Vec::new()
        } else {
            with_pool!(self, p => {
                let mut qb = QueryBuilder::new(format!("SELECT {GRANT_COLUMNS} FROM role_grants WHERE user_id IN ("));
                let mut sep = qb.separated(", ");
                for u in &users {
                    sep.push_bind(u.id);
                }
                qb.push(") ORDER BY id");
                qb.build_query_as().fetch_all(p).await?
            })
        };
        let grants: Vec<GrantRecord> = rows
            .into_iter()
            .map(GrantRow::into_record)
            .collect::<Result<_>>()?;
        Ok(users
            .into_iter()
            .map(|u| UserSummary {
                grants: grants
                    .iter()
                    .filter(|g| g.user_id == u.id)
                    .cloned()
                    .collect(),
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                email: u.email,
                active: u.active,
            })
            .collect())
    }

    pub async fn add_grant(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        role: Role,
        scope: &Scope,
    ) -> Result<i64> {
        let region = self.scope_region(scope).await?;
        let (kind, reference) = scope.to_parts();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO role_grants (user_id, role, scope_kind, scope_ref, region_code, granted_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(user_id)
                .bind(role.as_str())
                .bind(kind)
                .bind(&reference)
                .bind(region.as_ref().map(|c| c.to_string()))
                .bind(ctx.actor_id)
                .bind(Utc::now())
                .fetch_one(&mut *tx)
                .await?;
            let event = AuditEvent::new("grant.add", "user", user_id)
                .in_region(region.clone())
                .with_summary(json!({"after": {"grant_id": id, "role": role.as_str(), "scope": scope}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            id
        }))
    }

    pub async fn grant(&self, grant_id: i64) -> Result<GrantRecord> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM role_grants WHERE id = $1");
        let row: GrantRow =
            with_pool!(self, p => sqlx::query_as(&sql).bind(grant_id).fetch_optional(p).await?)
                .ok_or(StoreError::NotFound)?;
        row.into_record()
    }

    pub async fn revoke_grant(&self, ctx: &AuditContext, grant: &GrantRecord) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("DELETE FROM role_grants WHERE id = $1")
                .bind(grant.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            let event = AuditEvent::new("grant.revoke", "user", grant.user_id)
                .in_region(grant.region_code.clone())
                .with_summary(json!({"before": {"grant_id": grant.id, "role": grant.role.as_str(), "scope": grant.scope}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Activate or deactivate an account. Deactivation ends its sessions and API tokens.
    pub async fn set_active(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        active: bool,
        region: Option<RegionCode>,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
                .bind(active)
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            if !active {
                revoke_credentials_in_tx!(tx, user_id, now, None);
            }
            let event = AuditEvent::new(if active { "account.activate" } else { "account.deactivate" }, "user", user_id)
                .in_region(region.clone())
                .with_summary(json!({"before": {"active": !active}, "after": {"active": active}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Replace a password (by an admin or the user), ending every session of the account.
    pub async fn set_password(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        password_hash: &str,
        region: Option<RegionCode>,
    ) -> Result<()> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            revoke_credentials_in_tx!(tx, user_id, now, None);
            let event = AuditEvent::new("account.password", "user", user_id).in_region(region.clone());
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A person changes their own password: every other session, every API token and every
    /// outstanding reset link ends; the session `current` (a cookie value) stays signed in.
    pub async fn change_own_password(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        password_hash: &str,
        current: Option<&str>,
    ) -> Result<()> {
        let now = Utc::now();
        let keep = current.map(simpul_core::secrets::token_digest);
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash).bind(now).bind(user_id).execute(&mut *tx).await?;
            revoke_credentials_in_tx!(tx, user_id, now, keep.as_deref());
            let event = AuditEvent::new("account.password_changed", "user", user_id);
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn set_locale(&self, user_id: i64, locale: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
            .bind(locale).bind(user_id).execute(p).await.map(|_| ())?);
        Ok(())
    }
}

impl Store {
    /// The account with this e-mail address (case-insensitive), if exactly one has it.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users WHERE LOWER(email) = LOWER($1) LIMIT 2");
        let mut rows: Vec<UserRecord> =
            with_pool!(self, p => sqlx::query_as(&sql).bind(email).fetch_all(p).await?);
        Ok(if rows.len() == 1 { rows.pop() } else { None })
    }
}

impl Store {
    /// A person's own contact for notifications (e-mail, and a phone the office's messaging
    /// gateway can reach), audit-logged without the values themselves (personal data).
    pub async fn set_contact(
        &self,
        ctx: &AuditContext,
        user_id: i64,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("UPDATE users SET email = $1, phone = $2, updated_at = $3 WHERE id = $4")
                .bind(email).bind(phone).bind(chrono::Utc::now()).bind(user_id)
                .execute(&mut *tx).await?;
            let event = AuditEvent::new("account.contact_changed", "user", user_id).with_summary(
                serde_json::json!({ "email": email.is_some(), "phone": phone.is_some() }),
            );
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn user_phone(&self, user_id: i64) -> Result<Option<String>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
            .bind(user_id).fetch_optional(p).await?)
            .flatten(),
        )
    }
}
