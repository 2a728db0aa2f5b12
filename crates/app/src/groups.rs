//! Coordination groups (Bakorwil): kabupaten/kota of one province coordinated together.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Action;
use simpul_core::authz::Actor;
use simpul_core::{Level, RegionCode};
use simpul_store::StoreError;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupInput {
    /// Province code, e.g. `35`.
    pub province: String,
    pub name: String,
    /// Kabupaten/kota codes of that province, e.g. `["35.07", "35.73"]`.
    #[serde(default)]
    pub members: Vec<String>,
}

pub async fn save(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    id: Option<i64>,
    input: &GroupInput,
) -> AppResult<i64> {
    let province = RegionCode::parse(&input.province)
        .ok()
        .filter(|c| c.level() == Level::Province)
        .ok_or_else(|| AppError::invalid("province", "error.province"))?;
    if !who.can(Action::ManageGroups {
        province: &province,
    }) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new("name", "error.group_name"));
    }
    let mut members = Vec::new();
    for raw in &input.members {
        match RegionCode::parse(raw) {
            Ok(c)
                if c.level() == Level::Regency
                    && province.contains(&c)
                    && state.store.region(&c).await.is_ok() =>
            {
                members.push(c)
            }
            _ => {
                errors.push(FieldError::new("members", "error.group_member"));
                break;
            }
        }
    }
    members.sort();
    members.dedup();
    if members.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("members", "error.group_empty"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if let Some(id) = id {
        let existing = state.store.group(id).await?;
        if !who.can(Action::ManageGroups {
            province: &existing.province,
        }) {
            return Err(AppError::Forbidden);
        }
    }
    match state
        .store
        .save_group(audit, id, &province, name, &members)
        .await
    {
        Ok(id) => Ok(id),
        Err(StoreError::Conflict(c)) if c.contains("regency") => Err(AppError::Conflict(
            FieldError::new("members", "error.group_member_taken"),
        )),
        Err(StoreError::Conflict(_)) => Err(AppError::Conflict(FieldError::new(
            "name",
            "error.group_name_taken",
        ))),
        Err(StoreError::Invalid(_)) => Err(AppError::invalid("province", "error.province")),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(state: &AppCtx, who: &Actor, audit: &AuditContext, id: i64) -> AppResult<()> {
    let group = state.store.group(id).await?;
    if !who.can(Action::ManageGroups {
        province: &group.province,
    }) {
        return Err(AppError::Forbidden);
    }
    match state.store.delete_group(audit, id).await {
        Err(StoreError::Conflict(_)) => Err(AppError::Conflict(FieldError::new(
            "",
            "error.group_in_use",
        ))),
        other => Ok(other?),
    }
}

/// Who may see groups: any administrator (the list is not secret inside the administration).
pub fn check_view(who: &Actor) -> AppResult<()> {
    if who.can(Action::Oversee) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
