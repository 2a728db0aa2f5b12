//! Partnership governance on both engines: the province defines and publishes a KIM
//! performance index from the indicators the capabilities register, computing it scores every
//! East Java KIM in bulk and stores a snapshot that re-scores alike; bad input (weights not
//! adding up, overlapping periods, unknown indicators, local weights over the limit) is refused
//! with a field message and writes nothing.

use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use chrono::Duration;
use simpul_app::error::AppError;
use simpul_app::governance::{self as gov, IndexInput, LocalInput};
use simpul_app::AppCtx;
use simpul_core::audit::AuditContext;

on_both_engines!(
    an_index_is_defined_published_computed_and_explained,
    bad_index_input_is_refused_and_nothing_is_written,
    an_officer_reads_the_score_and_an_office_invites_a_dormant_kim_to_coaching,
);

async fn ctx_for(app: &TestApp) -> AppCtx {
    AppCtx::new(app.store.clone(), web_config()).await.unwrap()
}

fn audit(who: &str) -> AuditContext {
    AuditContext {
        actor_name: who.into(),
        ..AuditContext::system("test")
    }
}

/// A year index: dissemination reports 40 %, reach 20 %, profile 20 %, alerts 20 %.
pub fn year_input(year: i32) -> IndexInput {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    IndexInput {
        title: format!("Indeks Kinerja KIM {year}"),
        starts_on: format!("{year}-01-01"),
        ends_on: format!("{year}-12-31"),
        province: "35".into(),
        local_limit: "20".into(),
        item_key: s(&[
            "dissem_reports",
            "dissem_reach",
            "registry_profile",
            "alerts_acknowledged",
        ]),
        item_weight: s(&["40", "20", "20", "20"]),
        item_cap: s(&["12", "1000", "100", "100"]),
        item_norm: s(&["none", "none", "none", "none"]),
    }
}

async fn an_index_is_defined_published_computed_and_explained(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ctx = ctx_for(&app).await;
    let province = simpul_app::accounts::actor(&ctx, app.user_id("kominfo.jatim").await)
        .await
        .unwrap();
    let year = 2030;
    let id = gov::save_index(
        &ctx,
        &province,
        &audit("kominfo.jatim"),
        None,
        &year_input(year),
    )
    .await
    .unwrap();
    gov::publish_index(&ctx, &province, &audit("kominfo.jatim"), id)
        .await
        .unwrap();
    // A kabupaten office adds a local indicator within the province's 20 %.
    let pasuruan = simpul_app::accounts::actor(&ctx, app.user_id("kominfo.kab-pasuruan").await)
        .await
        .unwrap();
    let local = LocalInput {
        regency: "35.14".into(),
        item_key: vec!["events_trainings".into()],
        item_weight: vec!["10".into()],
        item_cap: vec!["2".into()],
        item_norm: vec!["none".into()],
    };
    gov::save_local_items(&ctx, &pasuruan, &audit("kominfo.kab-pasuruan"), id, &local)
        .await
        .unwrap();
    // Pasuruan may not set Surabaya's.
    let surabaya = LocalInput {
        regency: "35.78".into(),
        ..local.clone()
    };
    assert!(matches!(
        gov::save_local_items(&ctx, &pasuruan, &audit("x"), id, &surabaya).await,
        Err(AppError::Forbidden)
    ));
    let run = gov::compute::compute(&ctx, &audit("test"), id, "on_demand")
        .await
        .unwrap();
    let scores = app.store.gov_run_scores(run).await.unwrap();
    assert!(!scores.is_empty());
    let kims = app.store.gov_scored_kims("35").await.unwrap();
    assert_eq!(scores.len(), kims.len(), "every scored KIM has a score");
    assert!(scores.iter().all(|s| (0.0..=100.0).contains(&s.score)));
    assert_eq!(scores[0].rank_province, 1);
    // The snapshot re-scores to the same numbers.
    let r = app.store.gov_run(run).await.unwrap();
    for (kim, score) in gov::compute::rescore(&r.definition, &scores).unwrap() {
        let stored = scores.iter().find(|s| s.kim_id == kim).unwrap().score;
        assert_eq!(stored, score);
    }
    // Computing again with no new records gives the same scores.
    let again = gov::compute::compute(&ctx, &audit("test"), id, "on_demand")
        .await
        .unwrap();
    let scores2 = app.store.gov_run_scores(again).await.unwrap();
    for s in &scores {
        let s2 = scores2.iter().find(|x| x.kim_id == s.kim_id).unwrap();
        assert_eq!(s.score, s2.score);
    }
    // The Prigen KIM's explanation: parts add up, the local item is there, advice is worded.
    let kim = app.demo_officer_kim().await;
    let index = app.store.gov_index(id).await.unwrap();
    let run = app.store.gov_latest_run(id).await.unwrap().unwrap();
    let e = gov::explain::explain(&ctx, &index, &run, kim)
        .await
        .unwrap()
        .expect("the Prigen KIM is scored");
    let sum: f64 = e.parts.iter().map(|p| p.points).sum();
    assert!((sum - e.score).abs() < 0.05, "{sum} vs {}", e.score);
    assert!(e
        .parts
        .iter()
        .any(|p| p.local && p.key == "events_trainings"));
    let weights: f64 = e.parts.iter().map(|p| p.weight).sum();
    assert!((weights - 100.0).abs() < 1e-6);
    assert!(e
        .advice
        .iter()
        .all(|a| a.template.starts_with("gov.advice.")));
    app.finish().await;
}

async fn bad_index_input_is_refused_and_nothing_is_written(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ctx = ctx_for(&app).await;
    let province = simpul_app::accounts::actor(&ctx, app.user_id("kominfo.jatim").await)
        .await
        .unwrap();
    let a = audit("kominfo.jatim");
    let field = |r: Result<i64, AppError>| match r {
        Err(AppError::Invalid(f)) => f.iter().map(|e| e.key).collect::<Vec<_>>(),
        other => panic!("expected a field error, got {other:?}"),
    };
    // Weights adding up to 90.
    let mut bad = year_input(2029);
    bad.item_weight[0] = "30".into();
    assert_eq!(
        field(gov::save_index(&ctx, &province, &a, None, &bad).await),
        ["gov.error.weights_sum"]
    );
    // An indicator nobody registered, a cap of zero, a backwards period.
    let mut bad = year_input(2029);
    bad.item_key[0] = "portal_posts_nope".into();
    assert_eq!(
        field(gov::save_index(&ctx, &province, &a, None, &bad).await),
        ["gov.error.unknown_indicator"]
    );
    let mut bad = year_input(2029);
    bad.item_cap[1] = "0".into();
    assert_eq!(
        field(gov::save_index(&ctx, &province, &a, None, &bad).await),
        ["gov.error.cap_positive"]
    );
    let mut bad = year_input(2029);
    bad.ends_on = "2024-01-01".into();
    assert!(
        field(gov::save_index(&ctx, &province, &a, None, &bad).await).contains(&"gov.error.period")
    );
    let before = app.store.gov_indexes(None).await.unwrap().len();
    assert_eq!(before, app.store.gov_indexes(None).await.unwrap().len());
    // A kabupaten office cannot define a provincial index.
    let pasuruan = simpul_app::accounts::actor(&ctx, app.user_id("kominfo.kab-pasuruan").await)
        .await
        .unwrap();
    assert!(matches!(
        gov::save_index(&ctx, &pasuruan, &a, None, &year_input(2029)).await,
        Err(AppError::Forbidden)
    ));
    // Overlapping periods: a published year, then a quarter inside it.
    let year = gov::save_index(&ctx, &province, &a, None, &year_input(2029))
        .await
        .unwrap();
    gov::publish_index(&ctx, &province, &a, year).await.unwrap();
    let mut q = year_input(2029);
    q.starts_on = "2029-04-01".into();
    q.ends_on = "2029-06-30".into();
    assert_eq!(
        field(gov::save_index(&ctx, &province, &a, None, &q).await),
        ["gov.error.overlap"]
    );
    assert_eq!(app.store.gov_indexes(None).await.unwrap().len(), before + 1);
    // A published index is not edited.
    assert!(matches!(
        gov::save_index(&ctx, &province, &a, Some(year), &year_input(2029)).await,
        Err(AppError::Invalid(_)) | Err(AppError::Conflict(_))
    ));
    // Local weights over the province's limit, or repeating a provincial indicator.
    let local = |key: &str, w: &str| LocalInput {
        regency: "35.14".into(),
        item_key: vec![key.into()],
        item_weight: vec![w.into()],
        item_cap: vec!["2".into()],
        item_norm: vec![String::new()],
    };
    let unit = |r: Result<(), AppError>| match r {
        Err(AppError::Invalid(f)) => f[0].key,
        other => panic!("expected a field error, got {other:?}"),
    };
    assert_eq!(
        unit(
            gov::save_local_items(&ctx, &pasuruan, &a, year, &local("events_trainings", "30"))
                .await
        ),
        "gov.error.local_limit"
    );
    assert_eq!(
        unit(
            gov::save_local_items(&ctx, &pasuruan, &a, year, &local("dissem_reports", "10")).await
        ),
        "gov.error.local_repeats"
    );
    assert!(app.store.gov_local_items(year).await.unwrap().is_empty());
    app.finish().await;
}

/// A published, computed index of `province` for this year (dissemination reports 60 %,
/// profile 40 %, local indicators up to 20 %), and a draft one for 2031. Returns (published,
/// draft).
pub async fn sample_indexes(app: &TestApp, province: &str) -> (i64, i64) {
    use simpul_store::governance::NewIndex;
    let ctx = AuditContext::system("test");
    let items = r#"[{"key":"dissem_reports","weight":60,"cap":12.0,"normalisation":"none","better":"higher"},
        {"key":"registry_profile","weight":40,"cap":100.0,"normalisation":"none","better":"higher"}]"#;
    // 2030: after the demo's own (past) periods, so none overlaps.
    let year = 2030;
    let index = |y: i32, title: &str| NewIndex {
        province_code: province.into(),
        title: title.into(),
        starts_on: chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
        ends_on: chrono::NaiveDate::from_ymd_opt(y, 12, 31).unwrap(),
        local_limit: 20,
        items_json: items.into(),
    };
    let published = app
        .store
        .gov_save_index(&ctx, None, &index(year, "Indeks Kinerja KIM"))
        .await
        .unwrap();
    app.store.gov_publish_index(&ctx, published).await.unwrap();
    let draft = app
        .store
        .gov_save_index(&ctx, None, &index(2031, "Indeks Kinerja 2031"))
        .await
        .unwrap();
    let app_ctx = ctx_for(app).await;
    gov::compute::compute(&app_ctx, &ctx, published, "test")
        .await
        .unwrap();
    (published, draft)
}

async fn an_officer_reads_the_score_and_an_office_invites_a_dormant_kim_to_coaching(
    engine: Engine,
) {
    let mut app = TestApp::spawn(engine).await;
    let (index, _) = sample_indexes(&app, "35").await;
    let kim = app.demo_officer_kim().await;
    // The officer: score, ranks, advice in words, and the records behind the number.
    app.login_as("kim.prigen.ketua").await;
    let (status, html) = app.get_text(&format!("/governance/kims/{kim}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"gov-score-value\""), "{html}");
    assert!(html.contains("Peringkat di kabupaten/kota"));
    assert!(html.contains("laporan diseminasi lagi") || html.contains("Semua indikator"));
    // The trend lists each period's score the Indonesian way ("10,5", never "10.5").
    let trend = html
        .split("id=\"gov-trend\"")
        .nth(1)
        .and_then(|t| t.split("</ul>").next())
        .unwrap_or_default();
    assert!(trend.contains(">Skor</span>"), "{trend}");
    assert!(
        !trend.split("<strong>").skip(1).any(|s| s
            .split('<')
            .next()
            .unwrap_or_default()
            .contains('.')),
        "{trend}"
    );
    let evidence = format!("/governance/kims/{kim}/evidence/dissem_reports?index={index}");
    assert!(html.contains(&evidence.replace('&', "&amp;")), "{html}");
    let (status, html) = app.get_text(&evidence).await;
    assert_eq!(status, 200, "{html}");
    // The same through the API.
    let token = app.api_token("kim.prigen.ketua").await;
    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/governance/kims/{kim}/score"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["index_id"], index);
    assert!(body["score"]["score"].as_f64().is_some(), "{body}");
    assert!(body["score"]["parts"]
        .as_array()
        .is_some_and(|p| p.len() == 2));
    // Another KIM's score is not theirs to read.
    let other = app
        .store
        .gov_run_scores(app.store.gov_latest_run(index).await.unwrap().unwrap().id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.kim_id != kim)
        .unwrap()
        .kim_id;
    let (status, _) = app.get_text(&format!("/governance/kims/{other}")).await;
    assert_eq!(status, 403);
    // The kabupaten office: the attention list, a bimtek to invite to, one action.
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let event =
        crate::events::sample_event(&app.store, "35.14", Duration::days(7), 2, 30, "").await;
    let (status, html) = app
        .get_text(&format!(
            "/governance/rankings?index={index}&region=35.14&attention=1"
        ))
        .await;
    assert_eq!(status, 200, "{html}");
    let dormant = app
        .store
        .gov_ranking(
            app.store.gov_latest_run(index).await.unwrap().unwrap().id,
            None,
            Some("35.14"),
            Some((simpul_core::governance::DORMANT_BELOW, 1e9)),
            1,
            0,
        )
        .await
        .unwrap();
    if let Some(d) = dormant.first() {
        assert!(html.contains(&format!("/governance/kims/{}/coaching", d.kim_id)));
    }
    let back = format!("index={index}&region=35.14&attention=1");
    let r = app
        .post_form(
            &format!("/governance/kims/{kim}/coaching"),
            &[
                ("event", &event.to_string()),
                ("index", &index.to_string()),
                ("back", &back),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = crate::common::header(r.headers(), "location").to_string();
    assert!(to.starts_with("/governance/rankings?"), "{to}");
    let (_, html) = app.get_text(&to).await;
    assert!(html.contains("Undangan pembinaan tercatat"), "{html}");
    assert!(app.store.event_invites(event).await.unwrap().contains(&kim));
    assert_eq!(app.store.gov_coaching(kim).await.unwrap().len(), 1);
    // Bad input: an event that does not exist, an empty visit note; nothing written.
    let r = app
        .post_form(
            &format!("/governance/kims/{kim}/coaching"),
            &[("event", "999999")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_form(
            &format!("/governance/kims/{kim}/coaching"),
            &[("note", "  ")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.store.gov_coaching(kim).await.unwrap().len(), 1);
    // The coaching shows on the KIM's page; exports carry the ranking.
    let (_, html) = app.get_text(&format!("/governance/kims/{kim}")).await;
    assert!(html.contains("Undangan bimtek"), "{html}");
    let csv = app
        .get(&format!(
            "/governance/rankings.csv?index={index}&region=35.14"
        ))
        .await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.lines().count() > 1, "{text}");
    let xlsx = app
        .get(&format!(
            "/governance/rankings.xlsx?index={index}&region=35.14"
        ))
        .await;
    assert_eq!(xlsx.status(), 200);
    let cells = crate::common::xlsx_cells(&xlsx.bytes().await.unwrap());
    assert_eq!(cells.len(), text.lines().count());
    assert_eq!(cells[0][0], "Peringkat di provinsi");
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/governance/rankings?index={index}&region=35.14"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let rows: serde_json::Value = r.json().await.unwrap();
    assert_eq!(rows.as_array().unwrap().len() + 1, cells.len().min(51));
    // Another province's ranking is not a kabupaten office's to read.
    let (status, _) = app.get_text("/governance/rankings?region=33").await;
    assert_eq!(status, 403);
    app.finish().await;
}
