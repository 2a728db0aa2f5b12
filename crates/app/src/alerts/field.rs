//! Answers from the field: one-tap acknowledgements and situation reports with photos.
//!
//! Photos are decoded (with size and memory limits), scaled to at most 1280 px and re-encoded
//! as JPEG: only pixels survive, so EXIF (the phone's GPS position, its serial number) and
//! every other metadata block is gone from what anyone sees.

use crate::error::{AppError, AppResult, FieldError};
use crate::AppCtx;
use simpul_core::alerts::AckKind;
use simpul_core::audit::AuditContext;
use simpul_core::authz::{Action, Actor};
use simpul_core::RegionCode;
use simpul_store::alerts::Photo;

/// Photos per report.
pub const MAX_PHOTOS: usize = 5;
/// A photo as uploaded, at most.
pub const MAX_PHOTO_BYTES: usize = 12 * 1024 * 1024;
/// The longest side kept.
pub const PHOTO_SIDE: u32 = 1280;

/// The KIMs among `alert_id`'s targets this person answers for (their officer grants).
pub async fn answering_kims(ctx: &AppCtx, who: &Actor, alert_id: i64) -> AppResult<Vec<i64>> {
    let targets = ctx.store.alert_target_ids(alert_id).await?;
    Ok(targets
        .into_iter()
        .filter(|k| who.can(Action::AnswerAlert { kim_id: *k }))
        .collect())
}

async fn region_of(ctx: &AppCtx, kim_id: i64) -> Option<RegionCode> {
    let kim = ctx.store.kim(kim_id).await.ok()?;
    RegionCode::parse(&kim.village_code).ok()
}

/// Pick the KIM the person answers for: the one named, or their only one.
async fn kim_for(ctx: &AppCtx, who: &Actor, alert_id: i64, kim: Option<i64>) -> AppResult<i64> {
    let mine = answering_kims(ctx, who, alert_id).await?;
    match kim {
        Some(k) if mine.contains(&k) => Ok(k),
        None if !mine.is_empty() => Ok(mine[0]),
        _ => Err(AppError::Forbidden),
    }
}

/// One tap: received, our area is safe, affected, need help.
pub async fn acknowledge(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    alert_id: i64,
    kim: Option<i64>,
    kind: &str,
) -> AppResult<AckKind> {
    let kind = AckKind::parse(kind).ok_or(AppError::invalid("kind", "alerts.error_choose"))?;
    let alert = ctx.store.alert(alert_id).await?;
    let kim_id = kim_for(ctx, who, alert_id, kim).await?;
    if alert.state == "pending" || alert.state == "rejected" {
        return Err(AppError::NotFound);
    }
    let region = region_of(ctx, kim_id).await;
    ctx.store
        .ack_alert(
            audit,
            alert_id,
            kim_id,
            Some(who.user_id),
            kind.as_str(),
            region,
        )
        .await?;
    ctx.live.changed().await;
    Ok(kind)
}

/// An uploaded photo, re-encoded.
pub fn clean_photo(name: &str, bytes: &[u8]) -> Result<Photo, &'static str> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err("alerts.error_photo_large");
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| "alerts.error_photo")?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| "alerts.error_photo")?;
    let img = if img.width() > PHOTO_SIDE || img.height() > PHOTO_SIDE {
        img.thumbnail(PHOTO_SIDE, PHOTO_SIDE)
    } else {
        img
    };
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|_| "alerts.error_photo")?;
    let stem: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("foto")
        .split('.')
        .next()
        .unwrap_or("foto")
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .take(60)
        .collect();
    Ok(Photo {
        content_type: "image/jpeg".into(),
        filename: format!("{}.jpg", if stem.is_empty() { "foto" } else { &stem }),
        data: out,
    })
}

/// A situation report as typed.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub kim: Option<i64>,
    pub body: String,
    pub lat: String,
    pub lon: String,
    /// (file name, bytes) of each photo.
    pub photos: Vec<(String, Vec<u8>)>,
}

/// Send a situation report (text, up to five photos, a location).
pub async fn report(
    ctx: &AppCtx,
    who: &Actor,
    audit: &AuditContext,
    alert_id: i64,
    input: ReportInput,
) -> AppResult<i64> {
    let alert = ctx.store.alert(alert_id).await?;
    let kim_id = kim_for(ctx, who, alert_id, input.kim).await?;
    if alert.state == "pending" || alert.state == "rejected" {
        return Err(AppError::NotFound);
    }
    let mut errors = Vec::new();
    let body = match simpul_core::alerts::text_field(&input.body, 2000) {
        Ok(b) => b,
        Err(key) => {
            errors.push(FieldError::new("body", key));
            String::new()
        }
    };
    let location = match (input.lat.trim(), input.lon.trim()) {
        ("", "") => None,
        (la, lo) => match simpul_core::alerts::Circle::parse(la, lo, "1") {
            Ok(c) => Some((c.lat, c.lon)),
            Err(_) => {
                errors.push(FieldError::new("location", "alerts.error_area_range"));
                None
            }
        },
    };
    let uploads: Vec<&(String, Vec<u8>)> =
        input.photos.iter().filter(|(_, b)| !b.is_empty()).collect();
    if uploads.len() > MAX_PHOTOS {
        errors.push(FieldError::new("photos", "alerts.error_photo_count"));
    }
    let mut photos = Vec::new();
    for (name, bytes) in uploads.iter().take(MAX_PHOTOS) {
        match clean_photo(name, bytes) {
            Ok(p) => photos.push(p),
            Err(key) => {
                errors.push(FieldError::new("photos", key));
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let region = region_of(ctx, kim_id).await;
    let id = ctx
        .store
        .add_alert_report(
            audit,
            alert_id,
            kim_id,
            Some(who.user_id),
            &body,
            location,
            &photos,
            region,
        )
        .await?;
    ctx.live.changed().await;
    Ok(id)
}
