//! The installation's VAPID key pair for Web Push: generated at first start, stored in
//! `app_settings` (the first instance to store one wins; the others read it back), cached.

use crate::AppCtx;
use simpul_delivery::push::VapidKeys;
use std::sync::Arc;

const SETTING: &str = "vapid_private_key";

pub async fn vapid(ctx: &AppCtx) -> Result<Arc<VapidKeys>, simpul_store::StoreError> {
    if let Some(k) = ctx.vapid.get() {
        return Ok(k.clone());
    }
    let stored = ctx
        .store
        .setting_or_insert(SETTING, || VapidKeys::generate().export_private())
        .await?;
    let keys = VapidKeys::from_private(&stored).map_err(|e| {
        simpul_store::StoreError::Conflict(format!("stored VAPID key unreadable: {e}"))
    })?;
    Ok(ctx.vapid.get_or_init(|| Arc::new(keys)).clone())
}

/// The public key browsers subscribe with (`applicationServerKey`, base64url).
pub async fn public_key(ctx: &AppCtx) -> Result<String, simpul_store::StoreError> {
    Ok(vapid(ctx).await?.public_key())
}
