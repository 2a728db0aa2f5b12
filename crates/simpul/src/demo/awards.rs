//! Tiered awards in the demo: last year's provincial award, scored by two jurors and published
//! (its public results page and winners' certificates), and this year's Kabupaten Pasuruan
//! award open for scoring by the demo juror `juri.jatim` (and by the Prigen KIM's officer, who
//! sees that their own KIM is not theirs to score).

use anyhow::{Context, Result};
use chrono::{Datelike, Utc};
use simpul_core::audit::AuditContext;
use simpul_store::governance::awards::NewAward;
use simpul_store::Store;

const RUBRIC: &str = "Kegiatan diseminasi informasi dan jangkauannya\n\
Kecepatan menanggapi peringatan dan hoaks\n\
Inovasi dan pemberdayaan ekonomi desa\n\
Kelengkapan profil dan keanggotaan";

pub async fn seed(store: &Store, ctx: &AuditContext) -> Result<()> {
    let app = simpul_app::AppCtx::new(store.clone(), simpul_app::Config::default()).await?;
    let Some((_, run)) = simpul_app::governance::explain::current_run(&app, "35")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
    else {
        return Ok(());
    };
    let juror = |username: &'static str| async move {
        let user = store
            .user_by_username(username)
            .await?
            .with_context(|| format!("{username} exists"))?;
        Ok::<_, anyhow::Error>((user.id, username))
    };
    let year = Utc::now().year();
    let awards = [
        (
            "province",
            "35",
            format!("Anugerah KIM Terbaik Jawa Timur {}", year - 1),
            vec![juror("juri.jatim").await?, juror("kominfo.jatim").await?],
            true,
        ),
        (
            "regency",
            "35.14",
            format!("Lomba KIM Kabupaten Pasuruan {year}"),
            vec![juror("juri.jatim").await?, juror("kim.prigen.ketua").await?],
            false,
        ),
    ];
    for (level, region, title, jurors, past) in awards {
        let id = store
            .gov_create_award(
                ctx,
                &NewAward {
                    region_code: region.into(),
                    level: level.into(),
                    title,
                    categories: "KIM Terbaik\nKIM Inovatif".into(),
                    rubric: RUBRIC.into(),
                    max_score: 100,
                },
            )
            .await?;
        let award = store.gov_award(id).await?;
        let scope = (region != "35").then_some(region);
        let top = store.gov_ranking(run.id, None, scope, None, 8, 0).await?;
        let (best, inventive): (Vec<_>, Vec<_>) =
            top.iter().enumerate().partition(|(i, _)| i % 2 == 0);
        for (category, list) in [("KIM Terbaik", best), ("KIM Inovatif", inventive)] {
            let ids: Vec<i64> = list.iter().map(|(_, r)| r.kim_id).collect();
            store
                .gov_nominate(ctx, &award, &ids, category, "index")
                .await?;
        }
        for (user, _) in &jurors {
            store.gov_add_juror(ctx, &award, *user).await?;
        }
        if !past {
            // The Prigen KIM, entered by the office: its officer, a juror here, may not score it.
            let (officer, _) = juror("kim.prigen.ketua").await?;
            let prigen = store.gov_user_kims(officer).await?;
            store
                .gov_nominate(ctx, &award, &prigen, "KIM Inovatif", "office")
                .await?;
            continue;
        }
        // Each juror scores every nomination: the index's order, with some disagreement.
        for (j, (user, name)) in jurors.iter().enumerate() {
            let as_juror = AuditContext {
                actor_id: Some(*user),
                actor_name: name.to_string(),
                ..AuditContext::system("demo")
            };
            for (i, n) in store.gov_nominations(id).await?.iter().enumerate() {
                let score = 92 - 4 * i as i64 + if (i + j) % 3 == 0 { 3 } else { 0 };
                store
                    .gov_jury_score(&as_juror, &award, n.id, score.clamp(40, 100), "")
                    .await?;
            }
        }
        let places = simpul_app::governance::award_results::places(&app, &award)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        store.gov_publish_award(ctx, &award, &places).await?;
    }
    Ok(())
}
