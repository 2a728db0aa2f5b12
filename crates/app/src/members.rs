//! KIM members and their personal data (UU PDP): entitled viewers only, NIK encrypted at rest
//! and shown masked, exportable and erasable on request, invitations to create an account.

use crate::error::{AppError, AppResult, FieldError};
use crate::registry::{kim_village, parse_date};
use crate::AppCtx;
use simpul_core::audit::AuditContext;
use simpul_core::authz::Action;
use simpul_core::authz::Actor;
use simpul_core::registry::{AgeBand, Gender, MemberRole, Nik, PhoneE164};
use simpul_core::RegionCode;
use simpul_store::members::{MemberData, MemberRecord};
use simpul_store::registry::KimRecord;

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberInput {
    pub name: String,
    /// ketua, wakil_ketua, sekretaris, bendahara, admin_konten, anggota.
    pub role: String,
    /// 08…, +62… or 62…; stored as E.164.
    pub phone: String,
    pub email: String,
    /// male/female (also L/P).
    pub gender: String,
    /// under_18, 18_24, 25_34, 35_44, 45_54, 55_plus, or an age.
    pub age_band: String,
    pub occupation: String,
    /// 16-digit NIK; empty keeps the stored one when editing.
    pub nik: String,
    /// The date the member agreed to the processing of their data (YYYY-MM-DD); required with
    /// any personal data.
    pub consent_on: String,
}

pub enum Access {
    /// Officers of this KIM and administrators of its region.
    Edit,
    /// Administrators who oversee (coordinators): read only.
    View,
}

/// The KIM, its village and what `who` may do with its members.
pub async fn access(
    state: &AppCtx,
    who: &Actor,
    kim_id: i64,
) -> AppResult<(KimRecord, RegionCode, Access)> {
    let kim = state.store.kim(kim_id).await?;
    let village = kim_village(&kim).await?;
    if who.can(Action::EditKim {
        kim_id,
        village: &village,
    }) {
        Ok((kim, village, Access::Edit))
    } else if who.can(Action::ViewKimPrivate {
        kim_id,
        village: &village,
    }) {
        Ok((kim, village, Access::View))
    } else {
        Err(AppError::Forbidden)
    }
}

async fn editable(state: &AppCtx, who: &Actor, kim_id: i64) -> AppResult<(KimRecord, RegionCode)> {
    match access(state, who, kim_id).await? {
        (kim, village, Access::Edit) => Ok((kim, village)),
        _ => Err(AppError::Forbidden),
    }
}

fn validate(
    state: &AppCtx,
    village: &RegionCode,
    input: &MemberInput,
    existing: Option<&MemberRecord>,
) -> AppResult<MemberData> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new("name", "error.member_name"));
    }
    let role = MemberRole::parse(&input.role).map(|r| r.as_str().to_owned());
    if role.is_none() {
        errors.push(FieldError::new("role", "error.member_role"));
    }
    let phone = match input.phone.trim() {
        "" => None,
        p => PhoneE164::parse(p)
            .map_err(|e| errors.push(FieldError::new("phone", e.message_key())))
            .ok()
            .map(|p| p.as_str().to_owned()),
    };
    let email = match input.email.trim() {
        "" => None,
        e => simpul_core::accounts::parse_email(e)
            .map_err(|err| errors.push(FieldError::new("email", err.message_key())))
            .ok(),
    };
    let gender = match input.gender.trim() {
        "" => None,
        g => Gender::parse(g).map(|g| g.as_str().to_owned()).or_else(|| {
            errors.push(FieldError::new("gender", "error.gender"));
            None
        }),
    };
    let age_band = match input.age_band.trim() {
        "" => None,
        a => AgeBand::parse(a)
            .map(|a| a.as_str().to_owned())
            .or_else(|| {
                errors.push(FieldError::new("age_band", "error.age_band"));
                None
            }),
    };
    if input.occupation.chars().count() > 100 {
        errors.push(FieldError::new("occupation", "error.too_long"));
    }
    let today = chrono::Utc::now().date_naive();
    let (nik_enc, nik_digest, nik_masked) = match input.nik.trim() {
        "" => existing
            .map(|m| {
                (
                    m.nik_enc.clone(),
                    m.nik_digest.clone(),
                    m.nik_masked.clone(),
                )
            })
            .unwrap_or_default(),
        raw => match Nik::parse(raw, today) {
            Ok(nik) if nik.check_region(village) => (
                Some(state.cipher.encrypt(nik.as_str())),
                Some(state.cipher.digest(nik.as_str())),
                Some(nik.masked()),
            ),
            Ok(_) => {
                errors.push(FieldError::new("nik", "error.nik_region"));
                Default::default()
            }
            Err(e) => {
                errors.push(FieldError::new("nik", e.message_key()));
                Default::default()
            }
        },
    };
    let consent_on = parse_date(&input.consent_on, "consent_on", &mut errors);
    let personal = phone.is_some() || email.is_some() || nik_enc.is_some();
    if personal && consent_on.is_none() && !errors.iter().any(|e| e.field == "consent_on") {
        errors.push(FieldError::new("consent_on", "error.consent_required"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(MemberData {
        name: name.to_owned(),
        role: role.expect("no errors"),
        phone,
        email,
        gender,
        age_band,
        occupation: input.occupation.trim().to_owned(),
        nik_enc,
        nik_digest,
        nik_masked,
        consent_on,
    })
}

pub async fn list(
    state: &AppCtx,
    who: &Actor,
    kim_id: i64,
) -> AppResult<(KimRecord, Vec<MemberRecord>, bool)> {
    let (kim, _, access) = access(state, who, kim_id).await?;
    let members = state.store.members_of(kim_id).await?;
    Ok((kim, members, matches!(access, Access::Edit)))
}

pub async fn save(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    kim_id: i64,
    member_id: Option<i64>,
    input: &MemberInput,
) -> AppResult<i64> {
    let (_, village) = editable(state, who, kim_id).await?;
    let existing = match member_id {
        Some(id) => Some(state.store.member(id).await?)
            .filter(|m| m.kim_id == kim_id)
            .ok_or(AppError::NotFound)
            .map(Some)?,
        None => None,
    };
    let data = validate(state, &village, input, existing.as_ref())?;
    // The same NIK on another member: said to the person saving only when they may see that
    // member's KIM; otherwise the member is saved and the administrators of both regions are
    // told (review finding: a 409 here revealed that a NIK was registered somewhere).
    let mut hidden_duplicate = None;
    if let Some(digest) = &data.nik_digest {
        if let Some((other, other_kim)) = state.store.member_by_nik_digest(digest).await? {
            if Some(other) != member_id {
                let other_village = kim_village(&state.store.kim(other_kim).await?).await?;
                if other_kim == kim_id
                    || who.can(Action::ViewKimPrivate {
                        kim_id: other_kim,
                        village: &other_village,
                    })
                {
                    return Err(AppError::Conflict(FieldError::new(
                        "nik",
                        "error.nik_taken",
                    )));
                }
                hidden_duplicate = Some((other, other_village.to_string()));
            }
        }
    }
    let duplicate =
        hidden_duplicate
            .as_ref()
            .map(|(other, village)| simpul_store::members::NikDuplicate {
                other_member: *other,
                other_village: village,
                notice: simpul_store::notify::PendingNotice {
                    users: Vec::new(),
                    template: "nik_duplicate".into(),
                    args: Vec::new(),
                    link: String::new(),
                    dedupe_key: format!("nik_duplicate:{other}"),
                },
            });
    let id = state
        .store
        .save_member_flagged(
            audit,
            kim_id,
            &village,
            member_id,
            &data,
            duplicate.as_ref(),
        )
        .await?;
    if duplicate.is_some() {
        state.jobs_wake.notify_one();
    }
    Ok(id)
}

pub async fn member(
    state: &AppCtx,
    who: &Actor,
    kim_id: i64,
    member_id: i64,
) -> AppResult<(KimRecord, MemberRecord, bool)> {
    let (kim, _, access) = access(state, who, kim_id).await?;
    let m = state.store.member(member_id).await?;
    if m.kim_id != kim_id {
        return Err(AppError::NotFound);
    }
    Ok((kim, m, matches!(access, Access::Edit)))
}

pub async fn delete(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    kim_id: i64,
    member_id: i64,
    reason: &str,
) -> AppResult<()> {
    let (_, village) = editable(state, who, kim_id).await?;
    let reason = reason.trim();
    if reason.chars().count() > 300 {
        return Err(AppError::invalid("reason", "error.too_long"));
    }
    Ok(state
        .store
        .delete_member(
            audit,
            kim_id,
            &village,
            member_id,
            if reason.is_empty() { "request" } else { reason },
        )
        .await?)
}

/// Everything stored about a member, NIK decrypted: the answer to a data-access request.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberExport {
    pub kim: String,
    pub name: String,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub age_band: Option<String>,
    pub occupation: String,
    pub nik: Option<String>,
    pub consent_on: Option<chrono::NaiveDate>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

pub async fn export(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    kim_id: i64,
    member_id: i64,
) -> AppResult<MemberExport> {
    let (kim, village) = editable(state, who, kim_id).await?;
    let m = state.store.member(member_id).await?;
    if m.kim_id != kim_id {
        return Err(AppError::NotFound);
    }
    let event = simpul_core::audit::AuditEvent::new("member.export", "kim_member", member_id)
        .in_region(Some(village));
    state.store.record_audit(audit, &event).await?;
    Ok(MemberExport {
        kim: kim.name,
        nik: m.nik_enc.as_deref().and_then(|e| state.cipher.decrypt(e)),
        name: m.name,
        role: m.role,
        phone: m.phone,
        email: m.email,
        gender: m.gender,
        age_band: m.age_band,
        occupation: m.occupation,
        consent_on: m.consent_on,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Create an invitation link (valid 7 days); mailed when the member has an address.
pub async fn invite(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    kim_id: i64,
    member_id: i64,
) -> AppResult<String> {
    let (kim, village) = editable(state, who, kim_id).await?;
    let m = state.store.member(member_id).await?;
    if m.kim_id != kim_id {
        return Err(AppError::NotFound);
    }
    if m.user_id.is_some() {
        return Err(AppError::Conflict(FieldError::new(
            "",
            "error.member_has_account",
        )));
    }
    // Only an administrator of the region hands out an officer's account role by invitation; a
    // KIM officer's invitation gives a member's account until an administrator approves the
    // officer role (review finding: officers could mint officer accounts on their own).
    let officer = MemberRole::parse(&m.role).is_some_and(|r| r.is_officer());
    let grant_role = if officer && who.can(Action::VerifyKim { village: &village }) {
        "kim_officer"
    } else {
        "kim_member"
    };
    let token = state
        .store
        .create_invite(
            audit,
            member_id,
            &village,
            chrono::Duration::days(7),
            grant_role,
        )
        .await?;
    let link = format!(
        "{}/invite/{token}",
        state.config.base_url.trim_end_matches('/')
    );
    if let Some(email) = &m.email {
        let t = state.catalog.messages(crate::Locale::Id);
        let mail = simpul_store::outbox::OutgoingMail {
            to: email.clone(),
            subject: t.get("mail.invite_subject").to_owned(),
            body: t.fmt(
                "mail.invite_body",
                &[
                    ("name", &m.name),
                    ("kim", &kim.name),
                    ("link", simpul_store::outbox::SECRET_PLACEHOLDER),
                ],
            ),
            region_code: Some(village.to_string()),
            user_id: None,
            secret: Some(link.clone()),
        };
        state.store.queue_mail(&mail).await?;
    }
    Ok(link)
}

/// Accept a member's invitation: check the chosen username and password, create the account
/// with its KIM grant and link the member. When the member is recorded as an officer but the
/// invitation granted only a member's role, the region's administrators are asked to approve
/// the officer role. `NotFound` for an unknown, used or expired invitation; `Invalid` per
/// field; `Conflict` for a taken username.
pub async fn accept_invite(
    ctx: &AppCtx,
    token: &str,
    username: &str,
    password: &str,
    locale: crate::Locale,
) -> AppResult<i64> {
    let mut errors = Vec::new();
    let username = simpul_core::Username::parse(username)
        .map_err(|e| errors.push(FieldError::new("username", e.message_key())))
        .ok();
    if let Err(e) = simpul_core::accounts::check_new_password(password) {
        errors.push(FieldError::new("password", e.message_key()));
    }
    let member_id = ctx
        .store
        .invite_member(token)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(username) = username.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let member = ctx.store.member(member_id).await?;
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || simpul_core::secrets::hash_password(&password))
        .await
        .map_err(AppError::internal)?;
    let user = simpul_store::accounts::NewUser {
        username: username.to_string(),
        display_name: member.name.clone(),
        email: member.email.clone(),
        password_hash: hash,
        locale: locale.code().into(),
    };
    let notice = simpul_store::notify::PendingNotice {
        users: Vec::new(),
        template: "officer_request".into(),
        args: vec![("name".into(), member.name.clone())],
        link: format!("/kim/{}/members/{member_id}", member.kim_id),
        dedupe_key: format!("officer_request:{member_id}"),
    };
    match ctx.store.accept_invite(token, &user, &notice).await {
        Ok(id) => {
            ctx.jobs_wake.notify_one();
            Ok(id)
        }
        Err(simpul_store::StoreError::Conflict(_)) => Err(AppError::Conflict(FieldError::new(
            "username",
            "error.username_taken",
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Does this member wait for an administrator to approve their account's officer role? (An
/// officer by role whose account holds only a member's grant.)
pub async fn officer_approval_pending(
    state: &AppCtx,
    kim_id: i64,
    m: &MemberRecord,
) -> AppResult<bool> {
    let Some(user_id) = m.user_id else {
        return Ok(false);
    };
    if !MemberRole::parse(&m.role).is_some_and(|r| r.is_officer()) {
        return Ok(false);
    }
    Ok(!state
        .store
        .member_account_is_officer(kim_id, user_id)
        .await?)
}

/// May `who` approve officer roles in this KIM? (Its region's administrators.)
pub fn may_approve_officer(who: &Actor, village: &RegionCode) -> bool {
    who.can(Action::VerifyKim { village })
}

/// An administrator of the KIM's region approves a member's officer role for their account.
pub async fn approve_officer(
    state: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    kim_id: i64,
    member_id: i64,
) -> AppResult<()> {
    let (_, village, _) = access(state, who, kim_id).await?;
    if !may_approve_officer(who, &village) {
        return Err(AppError::Forbidden);
    }
    match state
        .store
        .approve_officer(audit, kim_id, &village, member_id)
        .await
    {
        Ok(_) => Ok(()),
        Err(simpul_store::StoreError::Invalid(_)) => {
            Err(AppError::invalid("role", "error.member_not_officer"))
        }
        Err(simpul_store::StoreError::Conflict(_)) => Err(AppError::Conflict(FieldError::new(
            "",
            "error.member_no_account",
        ))),
        Err(e) => Err(e.into()),
    }
}
