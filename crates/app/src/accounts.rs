//! Creating accounts, granting and revoking roles, activating and deactivating.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use simpul_core::accounts::{check_new_password, parse_display_name, parse_email};
use simpul_core::audit::AuditContext;
use simpul_core::authz::Actor;
use simpul_core::authz::{Action, ScopeRegions};
use simpul_core::{PageNumber, RegionCode, Role, Scope, Username};
use simpul_store::accounts::{NewUser, UserSummary};
use simpul_store::StoreError;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub email: Option<String>,
    pub password: String,
    /// One of national_admin, provincial_admin, coordinator, regency_admin, partner_staff,
    /// fact_checker, kim_officer, kim_member.
    pub role: String,
    /// national, region, group (kim when the KIM registry lands).
    pub scope_kind: String,
    /// A region code for `region`, a group id for `group`, empty for `national`.
    #[serde(default)]
    pub scope_ref: String,
    #[serde(default)]
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewGrant {
    pub role: String,
    pub scope_kind: String,
    #[serde(default)]
    pub scope_ref: String,
}

/// Parse a role and scope, check they fit together and exist; returns their territory.
pub async fn parse_grant(
    state: &AppCtx,
    role: &str,
    kind: &str,
    reference: &str,
) -> AppResult<(Role, Scope, ScopeRegions)> {
    let role = Role::parse(role).ok_or_else(|| AppError::invalid("role", "error.role"))?;
    let scope = Scope::from_parts(kind, reference.trim())
        .ok_or_else(|| AppError::invalid("scope_ref", "error.scope"))?;
    if !role.allows_scope(&scope) {
        return Err(AppError::invalid("scope_kind", "error.scope_for_role"));
    }
    let territory = match state.store.scope_region(&scope).await {
        Ok(_) => state.store.territory(&scope).await?,
        Err(StoreError::NotFound) => {
            return Err(AppError::invalid("scope_ref", "error.scope_unknown"))
        }
        Err(e) => return Err(e.into()),
    };
    Ok((role, scope, territory))
}

pub async fn create(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    input: &NewAccount,
) -> AppResult<i64> {
    let mut errors = Vec::new();
    let username = Username::parse(&input.username)
        .map_err(|e| errors.push(FieldError::new("username", e.message_key())))
        .ok();
    let display_name = parse_display_name(&input.display_name)
        .map_err(|e| errors.push(FieldError::new("display_name", e.message_key())))
        .ok();
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => parse_email(e)
            .map_err(|err| errors.push(FieldError::new("email", err.message_key())))
            .ok(),
        None => None,
    };
    if let Err(e) = check_new_password(&input.password) {
        errors.push(FieldError::new("password", e.message_key()));
    }
    let grant = match parse_grant(state, &input.role, &input.scope_kind, &input.scope_ref).await {
        Ok(g) => Some(g),
        Err(AppError::Invalid(mut fields)) => {
            errors.append(&mut fields);
            None
        }
        Err(e) => return Err(e),
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (role, scope, territory) = grant.expect("no errors");
    if !who.can(Action::GrantRole {
        role,
        territory: &territory,
    }) {
        return Err(AppError::Forbidden);
    }
    let password = input.password.clone();
    let password_hash =
        tokio::task::spawn_blocking(move || simpul_core::secrets::hash_password(&password))
            .await
            .map_err(AppError::internal)?;
    let locale = input
        .locale
        .as_deref()
        .and_then(crate::Locale::parse)
        .unwrap_or_default();
    let user = NewUser {
        username: username.expect("no errors").to_string(),
        display_name: display_name.expect("no errors"),
        email,
        password_hash,
        locale: locale.code().into(),
    };
    match state.store.create_user(audit, &user, role, &scope).await {
        Ok(id) => Ok(id),
        Err(StoreError::Conflict(_)) => Err(AppError::Conflict(FieldError::new(
            "username",
            "error.username_taken",
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The target account's most senior role and the union of its territories.
async fn standing(
    state: &AppCtx,
    user_id: i64,
) -> AppResult<(Option<Role>, ScopeRegions, Option<RegionCode>)> {
    let grants = state.store.resolved_grants(user_id).await?;
    let top = grants.iter().map(|g| g.role).max_by_key(|r| r.rank());
    let region = state
        .store
        .grants_of(user_id)
        .await?
        .into_iter()
        .find_map(|g| g.region_code);
    let territory = ScopeRegions::union(grants.into_iter().map(|g| g.territory));
    Ok((top, territory, region))
}

/// May `who` see this account? Admins see accounts with a grant inside their oversight.
pub async fn check_visible(state: &AppCtx, who: &Actor, user_id: i64) -> AppResult<()> {
    if !who.can(Action::Oversee) {
        return Err(AppError::Forbidden);
    }
    state.store.user(user_id).await?;
    let oversight = who.oversight();
    if matches!(oversight, ScopeRegions::All) {
        return Ok(());
    }
    let grants = state.store.grants_of(user_id).await?;
    let visible = grants.iter().any(|g| {
        g.region_code
            .as_ref()
            .is_some_and(|c| oversight.contains_region(c))
    });
    if visible {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// May `who` manage (deactivate, reset, grant to) this account? Returns its home region.
pub async fn check_manage(
    state: &AppCtx,
    who: &Actor,
    user_id: i64,
) -> AppResult<Option<RegionCode>> {
    check_visible(state, who, user_id).await?;
    let (role, territory, region) = standing(state, user_id).await?;
    if who.can(simpul_core::Action::ManageAccount {
        role,
        territory: &territory,
    }) {
        Ok(region)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn list(
    state: &AppCtx,
    who: &Actor,
    query: &str,
    page: PageNumber,
) -> AppResult<Vec<UserSummary>> {
    if !who.can(Action::Oversee) {
        return Err(AppError::Forbidden);
    }
    Ok(state
        .store
        .list_users(&who.oversight(), query, 50, page.offset(50))
        .await?)
}

pub async fn add_grant(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    user_id: i64,
    input: &NewGrant,
) -> AppResult<i64> {
    check_manage(state, who, user_id).await?;
    let (role, scope, territory) =
        parse_grant(state, &input.role, &input.scope_kind, &input.scope_ref).await?;
    if !who.can(Action::GrantRole {
        role,
        territory: &territory,
    }) {
        return Err(AppError::Forbidden);
    }
    match state.store.add_grant(audit, user_id, role, &scope).await {
        Ok(id) => Ok(id),
        Err(StoreError::Conflict(_)) => Err(AppError::Conflict(FieldError::new(
            "role",
            "error.grant_exists",
        ))),
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_grant(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    user_id: i64,
    grant_id: i64,
) -> AppResult<()> {
    check_manage(state, who, user_id).await?;
    let grant = state.store.grant(grant_id).await?;
    if grant.user_id != user_id {
        return Err(AppError::NotFound);
    }
    let territory = state
        .store
        .territory(&grant.scope)
        .await
        .unwrap_or_else(|_| ScopeRegions::none());
    if !who.can(Action::GrantRole {
        role: grant.role,
        territory: &territory,
    }) {
        return Err(AppError::Forbidden);
    }
    Ok(state.store.revoke_grant(audit, &grant).await?)
}

pub async fn set_active(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    user_id: i64,
    active: bool,
) -> AppResult<()> {
    let region = check_manage(state, who, user_id).await?;
    if user_id == who.user_id {
        return Err(AppError::invalid("active", "error.self_deactivate"));
    }
    Ok(state
        .store
        .set_active(audit, user_id, active, region)
        .await?)
}

pub async fn set_password(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    user_id: i64,
    password: &str,
) -> AppResult<()> {
    let region = check_manage(state, who, user_id).await?;
    check_new_password(password).map_err(|e| AppError::invalid("password", e.message_key()))?;
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || simpul_core::secrets::hash_password(&password))
        .await
        .map_err(AppError::internal)?;
    Ok(state
        .store
        .set_password(audit, user_id, &hash, region)
        .await?)
}

/// A person changes their own password; the current one proves it is them. Every other session,
/// every API token and every outstanding reset link of the account ends with the old password
/// (review finding: they used to outlive it); the session making the change stays signed in.
pub async fn change_own_password(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    keep_session: Option<&str>,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let user = state.store.user(who.user_id).await?;
    let (current, phc) = (current.to_owned(), user.password_hash.clone());
    let ok =
        tokio::task::spawn_blocking(move || simpul_core::secrets::verify_password(&current, &phc))
            .await
            .map_err(AppError::internal)?;
    let mut errors = Vec::new();
    if !ok {
        errors.push(FieldError::new("current", "error.current_password"));
    }
    if let Err(e) = check_new_password(new) {
        errors.push(FieldError::new("password", e.message_key()));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let new = new.to_owned();
    let hash = tokio::task::spawn_blocking(move || simpul_core::secrets::hash_password(&new))
        .await
        .map_err(AppError::internal)?;
    Ok(state
        .store
        .change_own_password(audit, who.user_id, &hash, keep_session)
        .await?)
}

/// The person behind `user_id` as the services see them: name and grants as they are now (a job
/// started yesterday runs with today's rights).
pub async fn actor(state: &AppCtx, user_id: i64) -> AppResult<Actor> {
    let user = state.store.user(user_id).await?;
    let grants = state.store.resolved_grants(user_id).await?;
    Ok(Actor {
        user_id,
        username: user.username,
        grants,
    })
}

/// A person sets their own e-mail address and the phone number the office's messaging gateway
/// reaches them on; empty clears one. Field-level messages for what is not valid.
pub async fn set_contact(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    email: &str,
    phone: &str,
) -> AppResult<()> {
    let mut errors = Vec::new();
    let email = match email.trim() {
        "" => None,
        e => match parse_email(e) {
            Ok(e) => Some(e),
            Err(e) => {
                errors.push(FieldError::new("email", e.message_key()));
                None
            }
        },
    };
    let phone = match phone.trim() {
        "" => None,
        p => match simpul_core::registry::phone::PhoneE164::parse(p) {
            Ok(p) => Some(p.as_str().to_owned()),
            Err(e) => {
                errors.push(FieldError::new("phone", e.message_key()));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(state
        .store
        .set_contact(audit, who.user_id, email.as_deref(), phone.as_deref())
        .await?)
}

/// A person's own phone for the messaging gateway.
pub async fn own_phone(state: &AppCtx, who: &Actor) -> AppResult<Option<String>> {
    Ok(state.store.user_phone(who.user_id).await?)
}
