//! The demo's emergency alerts: a past earthquake near Pasuruan (BMKG's felt report names
//! Pasuruan and Malang), targeted at the KIMs of the area with the reason for each, answered by
//! some of them, one with a situation report; so the history, the board and the public page
//! have something to show. Written through the store (no notification is sent: a seeded
//! database must not queue deliveries).

use anyhow::Result;
use simpul_app::alerts::{send::cap_document, targets_for};
use simpul_core::alerts::{felt, AlertArea, Circle, MsgType, Quake};
use simpul_core::audit::AuditContext;
use simpul_store::alerts::{AlertContent, NewAlert};
use simpul_store::Store;

pub async fn seed(store: &Store) -> Result<()> {
    if store
        .alert_by_identifier("bmkg-demo-pasuruan")
        .await?
        .is_some()
    {
        return Ok(());
    }
    let ctx = simpul_app::AppCtx::new(store.clone(), simpul_app::Config::default())
        .await
        .map_err(|e| anyhow::anyhow!("demo alerts: {e}"))?;
    let at = chrono::Utc::now() - chrono::Duration::days(3);
    let quake = Quake {
        at,
        lat: -7.72,
        lon: 112.83,
        magnitude: 5.1,
        depth_km: 10.0,
        place: "Pusat gempa berada di darat 15 km BaratDaya Kab. Pasuruan".into(),
        potential: Some("Tidak berpotensi tsunami".into()),
        felt: felt::parse("III Pasuruan, II Malang").unwrap_or_default(),
        shakemap: None,
    };
    let index = ctx.regions.index(store).await?;
    let mut area = AlertArea::default();
    for m in felt::match_regencies(&quake.felt, &index, None) {
        for r in m.regencies {
            area.felt.push((r, m.felt.mmi));
        }
    }
    area.circles.push(Circle::new(quake.lat, quake.lon, 30.0)?);
    let plan = targets_for(&ctx, &area, None)
        .await
        .map_err(|e| anyhow::anyhow!("demo alert targets: {e:?}"))?;
    let content = AlertContent {
        hazard: "earthquake".into(),
        severity: "moderate".into(),
        urgency: "immediate".into(),
        certainty: "observed".into(),
        headline: "Gempa M5,1 15 km BaratDaya Kab. Pasuruan".into(),
        description: "Magnitudo 5,1, kedalaman 10 km. Dirasakan (MMI): III Pasuruan, II Malang. Tidak berpotensi tsunami.".into(),
        instruction: "Tetap tenang, jauhi bangunan retak, waspadai gempa susulan. Laporkan keadaan KIM Anda.".into(),
        headline_en: "M5.1 earthquake 15 km southwest of Pasuruan".into(),
        instruction_en: "Stay calm, keep away from cracked buildings, expect aftershocks. Report your KIM's situation.".into(),
        area_desc: quake.place.clone(),
        area_json: serde_json::to_string(&area)?,
        quake_json: Some(serde_json::to_string(&quake)?),
        onset: Some(at),
        expires: Some(at + chrono::Duration::hours(24)),
        source_sent: None,
    };
    let new = NewAlert {
        identifier: "bmkg-demo-pasuruan".into(),
        sender: "simpul@demo.simpul.id".into(),
        origin: "bmkg".into(),
        feed_id: None,
        state: "active".into(),
        content,
        scope_region: simpul_core::RegionCode::parse("35").ok(),
        created_by: None,
    };
    let audit = AuditContext::system("demo");
    let mut record = simpul_app::alerts::send::record_for(&new);
    record.sent_at = Some(at);
    let xml = cap_document(&ctx, &record, MsgType::Alert, &[])
        .map_err(|e| anyhow::anyhow!("demo CAP: {e:?}"))?;
    let id = store
        .create_alert(&audit, &new, &plan.targets, Some(&xml))
        .await?;
    // Some KIMs answered; one sent a situation report.
    let answers = ["safe", "received", "affected", "safe", "need_help", "safe"];
    for (target, kind) in plan.targets.iter().zip(answers) {
        store
            .ack_alert(&audit, id, target.kim_id, None, kind, None)
            .await?;
    }
    if let Some(t) = plan.targets.get(2) {
        store
            .add_alert_report(
                &audit,
                id,
                t.kim_id,
                None,
                "Dinding balai desa retak, warga berkumpul di lapangan. Belum ada korban.",
                Some((-7.70, 112.80)),
                &[],
                None,
            )
            .await?;
    }
    Ok(())
}
