//! Coordination groups: kabupaten/kota of one province coordinated together (East Java's
//! Bakorwil offices).

use crate::connect::BeginWrite;
use crate::{audit_in_tx, with_pool, Result, Store, StoreError};
use chrono::Utc;
use serde_json::json;
use simpul_core::audit::{AuditContext, AuditEvent};
use simpul_core::RegionCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub province: RegionCode,
    pub name: String,
    /// Kabupaten/kota codes, sorted.
    pub members: Vec<RegionCode>,
}

/// (id, province code, name) and (group id, kabupaten/kota code) as read.
type GroupRow = (i64, String, String);
type MemberRow = (i64, String);

fn code(s: String) -> Result<RegionCode> {
    RegionCode::parse(&s).map_err(|e| StoreError::Invalid(format!("stored code {s:?}: {e}")))
}

impl Store {
    pub async fn group(&self, id: i64) -> Result<Group> {
        let (province, name): (String, String) = with_pool!(self, p => sqlx::query_as(
            "SELECT province_code, name FROM coordination_groups WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await?)
        .ok_or(StoreError::NotFound)?;
        let members: Vec<String> = with_pool!(self, p => sqlx::query_scalar(
            "SELECT regency_code FROM coordination_group_members WHERE group_id = $1 ORDER BY regency_code")
            .bind(id)
            .fetch_all(p)
            .await?);
        Ok(Group {
            id,
            province: code(province)?,
            name,
            members: members.into_iter().map(code).collect::<Result<_>>()?,
        })
    }

    /// Groups of one province (or all), with their members.
    pub async fn groups(&self, province: Option<&RegionCode>) -> Result<Vec<Group>> {
        // Two queries whatever the number of groups: the groups, then all their members.
        let (groups, members): (Vec<GroupRow>, Vec<MemberRow>) = with_pool!(self, p => {
            let groups = match province {
                Some(c) => sqlx::query_as("SELECT id, province_code, name FROM coordination_groups WHERE province_code = $1 ORDER BY name")
                    .bind(c.as_str()).fetch_all(p).await?,
                None => sqlx::query_as("SELECT id, province_code, name FROM coordination_groups ORDER BY province_code, name")
                    .fetch_all(p).await?,
            };
            let members = sqlx::query_as("SELECT group_id, regency_code FROM coordination_group_members ORDER BY regency_code")
                .fetch_all(p).await?;
            (groups, members)
        });
        groups
            .into_iter()
            .map(|(id, province, name)| {
                Ok(Group {
                    id,
                    province: code(province)?,
                    name,
                    members: members
                        .iter()
                        .filter(|(g, _)| *g == id)
                        .map(|(_, m)| code(m.clone()))
                        .collect::<Result<_>>()?,
                })
            })
            .collect()
    }

    /// Create or (with `id`) replace a group's name and members. Members must be kabupaten/kota
    /// of the province; a kabupaten/kota already in another group is a conflict.
    pub async fn save_group(
        &self,
        ctx: &AuditContext,
        id: Option<i64>,
        province: &RegionCode,
        name: &str,
        members: &[RegionCode],
    ) -> Result<i64> {
        let before = match id {
            Some(id) => Some(self.group(id).await?),
            None => None,
        };
        if let Some(b) = &before {
            if &b.province != province {
                return Err(StoreError::Invalid(
                    "a group cannot move to another province".into(),
                ));
            }
        }
        let now = Utc::now();
        let saved = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let gid: i64 = match id {
                Some(id) => {
                    sqlx::query("UPDATE coordination_groups SET name = $1 WHERE id = $2")
                        .bind(name).bind(id).execute(&mut *tx).await?;
                    sqlx::query("DELETE FROM coordination_group_members WHERE group_id = $1")
                        .bind(id).execute(&mut *tx).await?;
                    id
                }
                None => sqlx::query_scalar(
                    "INSERT INTO coordination_groups (province_code, name, created_at) VALUES ($1, $2, $3) RETURNING id")
                    .bind(province.as_str()).bind(name).bind(now)
                    .fetch_one(&mut *tx).await?,
            };
            for m in members {
                sqlx::query("INSERT INTO coordination_group_members (group_id, regency_code) VALUES ($1, $2)")
                    .bind(gid).bind(m.as_str()).execute(&mut *tx).await?;
            }
            let after = json!({"name": name, "members": members});
            let summary = match &before {
                Some(b) => json!({"before": {"name": b.name, "members": b.members}, "after": after}),
                None => json!({"after": after}),
            };
            let action = if before.is_some() { "group.update" } else { "group.create" };
            let event = AuditEvent::new(action, "coordination_group", gid)
                .in_region(Some(province.clone()))
                .with_summary(summary);
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
            gid
        });
        Ok(saved)
    }

    pub async fn delete_group(&self, ctx: &AuditContext, id: i64) -> Result<()> {
        let group = self.group(id).await?;
        let in_use: i64 = with_pool!(self, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM role_grants WHERE scope_kind = 'group' AND scope_ref = $1")
            .bind(id.to_string()).fetch_one(p).await?);
        if in_use > 0 {
            return Err(StoreError::Conflict("group_in_use".into()));
        }
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM coordination_groups WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let event = AuditEvent::new("group.delete", "coordination_group", id)
                .in_region(Some(group.province.clone()))
                .with_summary(json!({"before": {"name": group.name, "members": group.members}}));
            audit_in_tx!(tx, ctx, &event);
            tx.commit().await?;
        });
        Ok(())
    }
}
