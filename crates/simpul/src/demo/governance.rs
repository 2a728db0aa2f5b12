//! Partnership governance in the demo: East Java's KIM performance index for the twelve months
//! up to yesterday (scored from the demo's dissemination reports, alerts, trainings and
//! profiles) and for the twelve months before, so the score pages show a trend and the ranking
//! shows who dropped; and two partnership agreements, one of them ending within two months.

use anyhow::Result;
use chrono::{Duration, Utc};
use simpul_core::audit::AuditContext;
use simpul_store::governance::agreements::{NewAgreement, NewObligation};
use simpul_store::governance::NewIndex;
use simpul_store::Store;

const ITEMS: &str = r#"[
 {"key":"dissem_reports","weight":30,"cap":6.0,"normalisation":"none","better":"higher"},
 {"key":"dissem_reach","weight":15,"cap":500.0,"normalisation":"none","better":"higher"},
 {"key":"alerts_acknowledged","weight":15,"cap":100.0,"normalisation":"none","better":"higher"},
 {"key":"alerts_ack_minutes","weight":10,"cap":30.0,"normalisation":"none","better":"lower"},
 {"key":"registry_profile","weight":15,"cap":100.0,"normalisation":"none","better":"higher"},
 {"key":"events_trainings","weight":10,"cap":1.0,"normalisation":"none","better":"higher"},
 {"key":"hoax_reports","weight":5,"cap":1.0,"normalisation":"none","better":"higher"}
]"#;

pub async fn seed(store: &Store, ctx: &AuditContext) -> Result<()> {
    let app = simpul_app::AppCtx::new(store.clone(), simpul_app::Config::default()).await?;
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let periods = [
        (
            "Indeks Kinerja KIM Jawa Timur (12 bulan sebelumnya)",
            yesterday - Duration::days(729),
            yesterday - Duration::days(365),
        ),
        (
            "Indeks Kinerja KIM Jawa Timur (12 bulan terakhir)",
            yesterday - Duration::days(364),
            yesterday,
        ),
    ];
    for (title, starts_on, ends_on) in periods {
        let index = NewIndex {
            province_code: "35".into(),
            title: title.into(),
            starts_on,
            ends_on,
            local_limit: 20,
            items_json: ITEMS.into(),
        };
        let id = store.gov_save_index(ctx, None, &index).await?;
        store.gov_publish_index(ctx, id).await?;
        simpul_app::governance::compute::compute(&app, ctx, id, "demo")
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    let today = Utc::now().date_naive();
    let agreements = [
        (
            "mou",
            "Nota Kesepahaman Penguatan KIM dengan Universitas Brawijaya",
            "Pendampingan literasi digital dan penelitian kinerja KIM di Jawa Timur.",
            "Dinas Kominfo Provinsi Jawa Timur\nUniversitas Brawijaya",
            today - Duration::days(700),
            today + Duration::days(45),
            vec![
                ("Universitas Brawijaya", "Pelatihan literasi digital untuk 38 kabupaten/kota", Some(today - Duration::days(30))),
                ("Dinas Kominfo Provinsi Jawa Timur", "Menyediakan data kinerja KIM tiap triwulan", None),
            ],
        ),
        (
            "pks",
            "Perjanjian Kerja Sama Diseminasi Informasi Kebencanaan dengan BMKG",
            "Peringatan dini dan diseminasi informasi gempa dan cuaca ekstrem lewat KIM.",
            "Dinas Kominfo Provinsi Jawa Timur\nBMKG Stasiun Geofisika Pasuruan\nKIM se-Kabupaten Pasuruan",
            today - Duration::days(120),
            today + Duration::days(610),
            vec![("BMKG Stasiun Geofisika Pasuruan", "Umpan peringatan CAP untuk Simpul", None)],
        ),
    ];
    for (kind, title, scope, parties, starts_on, ends_on, obligations) in agreements {
        let a = NewAgreement {
            region_code: "35".into(),
            kind: kind.into(),
            title: title.into(),
            scope: scope.into(),
            parties: parties.into(),
            starts_on,
            ends_on,
        };
        let obligations: Vec<NewObligation> = obligations
            .into_iter()
            .map(|(party, what, due)| NewObligation {
                party: party.into(),
                description: what.into(),
                due_on: due,
            })
            .collect();
        store.gov_create_agreement(ctx, &a, &obligations).await?;
    }
    Ok(())
}
