//! The benchmark data generator's activity (`simpul generate --dissem-reports --posts
//! --activity-days`): what it writes reads back like the product's own records.

use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use chrono::{Duration, Utc};
use simpul::generate::{generate, generate_extras, Extras, Scale};
use simpul_app::portal::content;
use simpul_core::authz::ScopeRegions;
use simpul_core::RegionCode;
use simpul_store::dissem::ReportFilter;
use simpul_store::portal::PostFilter;

on_both_engines!(generated_activity_is_found_counted_and_scored);

async fn all_posts(store: &simpul_store::Store) -> Vec<simpul_store::portal::PostRecord> {
    store
        .portal_posts(&PostFilter::default(), 1_000_000, 0)
        .await
        .unwrap()
        .0
}

async fn generated_activity_is_found_counted_and_scored(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let store = &app.store;
    generate(store, Scale::Province, Some(120), 5, |_, _| {})
        .await
        .unwrap();
    let reach_before = store
        .dissem_reach(&ReportFilter {
            owners: Some(ScopeRegions::Regions(
                vec![RegionCode::parse("35").unwrap()],
            )),
            ..Default::default()
        })
        .await
        .unwrap();
    let counted =
        |r: &simpul_store::dissem::Reach| r.by_regency.iter().map(|x| x.2).sum::<i64>() + r.flagged;
    let before: std::collections::HashSet<i64> =
        all_posts(store).await.iter().map(|p| p.id).collect();
    let until = Utc::now().date_naive() - Duration::days(1);
    let extras = Extras {
        dissem_reports: Some(600),
        dissem_packages: Some(12),
        posts: Some(150),
        activity_days: Some(30),
        until,
    };
    generate_extras(store, &extras, 5).await.unwrap();

    // The reach dashboard of East Java counts every generated report (its own and the 30
    // days of activity's), each in one kabupaten/kota or among the flagged.
    let reach = store
        .dissem_reach(&ReportFilter {
            owners: Some(ScopeRegions::Regions(
                vec![RegionCode::parse("35").unwrap()],
            )),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(counted(&reach) >= counted(&reach_before) + 600, "{reach:?}");
    crate::dissem::totals_match_the_reports(store, None).await;
    assert!(reach.by_channel.len() >= 5, "{:?}", reach.by_channel);

    // Generated posts are published, and one is found by its title on the portal's search page.
    let generated: Vec<_> = all_posts(store)
        .await
        .into_iter()
        .filter(|p| !before.contains(&p.id))
        .collect();
    assert!(generated.len() >= 150, "{}", generated.len());
    let post = &generated[generated.len() / 2];
    let (status, page) = app
        .get_text(&format!(
            "/portal?q={}",
            post.title
                .bytes()
                .map(|b| match b {
                    b' ' => "+".to_string(),
                    b if b.is_ascii_alphanumeric() => char::from(b).to_string(),
                    b => format!("%{b:02X}"),
                })
                .collect::<String>()
        ))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("/portal/posts/{}", post.id)),
        "search for {:?} does not list post {}",
        post.title,
        post.id
    );
    // Its search-index rows are the ones a written post gets.
    let expected = content::index_terms(
        &post.title,
        &post.place_name,
        &content::plain_text(&post.body_md, 20_000),
        &post.topics,
    );
    let mut stored = store.portal_post_terms(post.id).await.unwrap();
    let mut expected = expected;
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected);

    // The performance index reads the generated month: acknowledgements, posts, aspirations.
    let w = simpul_app::governance::compute::window("35", until - Duration::days(29), until);
    assert!(!store.ind_alerts_acknowledged(&w).await.unwrap().is_empty());
    assert!(!store.ind_alerts_ack_minutes(&w).await.unwrap().is_empty());
    assert!(!store.ind_dissem_reports(&w).await.unwrap().is_empty());
    let posts = store.ind_portal_posts(&w).await.unwrap().len()
        + store.ind_portal_potential(&w).await.unwrap().len();
    assert!(posts > 0);
    assert!(!store.ind_aspirations_carried(&w).await.unwrap().is_empty());
    app.finish().await;
}
