//! Portal search ranking in the database, on both engines: a filter's newest posts are searched
//! (a small one whole), the whole portal by each word's newest postings, so a million posts cost
//! a bounded read. The posts are written straight to the store (no pages), with the index terms
//! a written post gets.

use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use crate::portal::another_kims_officer;
use simpul_core::audit::AuditContext;
use simpul_store::portal::{NewPost, PostFilter};

on_both_engines!(
    search_ranks_in_the_database_within_the_filter,
    search_terms_follow_the_normaliser_of_the_build,
);

async fn post(app: &TestApp, kim: i64, title: &str, body: &str) -> i64 {
    let p = NewPost {
        kim_id: kim,
        kind: "potential".into(),
        category: "pertanian".into(),
        title: title.into(),
        body_md: body.into(),
        body_html: format!("<p>{body}</p>"),
        summary: body.into(),
        publish: true,
        terms: simpul_app::portal::content::index_terms(title, "", body, ""),
        ..Default::default()
    };
    app.store
        .portal_create_post(&AuditContext::system("test"), &p)
        .await
        .unwrap()
}

fn words(q: &str) -> Vec<(String, f64)> {
    simpul_core::hoax::normalize::claim_words(q)
        .into_iter()
        .map(|t| (t, 1.0))
        .collect()
}

async fn search_ranks_in_the_database_within_the_filter(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let prigen = app.demo_officer_kim().await;
    let surabaya = another_kims_officer(&app).await;
    // Written in this order: ids rise.
    let both = post(&app, prigen, "Srikaya manggis Prigen", "Kebun srikaya.").await;
    let title = post(&app, prigen, "Srikaya dari lereng", "Buah manis.").await;
    let body = post(&app, prigen, "Panen buah", "Ada srikaya juga.").await;
    let hidden = post(&app, prigen, "Srikaya manggis srikaya", "Srikaya manggis.").await;
    app.store
        .portal_set_hidden(&AuditContext::system("test"), hidden, true, "uji")
        .await
        .unwrap();
    let elsewhere = post(&app, surabaya, "Srikaya Surabaya", "Srikaya kota.").await;

    let of_prigen = PostFilter {
        kim_id: Some(prigen),
        ..Default::default()
    };
    let rank = |q: &'static str, f: PostFilter, cap: i64| {
        let store = app.store.clone();
        async move { store.portal_rank(&words(q), &f, cap, 50).await.unwrap() }
    };

    // The filter is searched whole: both words beat one, a title word (weight 3) beats a body
    // word, the hidden post and the other KIM's are not there.
    assert_eq!(
        rank("srikaya manggis", of_prigen.clone(), 100).await,
        vec![both, title, body]
    );
    // Unfiltered, every visible post with the word, the other KIM's too.
    let all = rank("srikaya", PostFilter::default(), 100_000).await;
    for id in [both, title, body, elsewhere] {
        assert!(all.contains(&id), "{id} missing from {all:?}");
    }
    assert!(!all.contains(&hidden));

    // Without a filter, each word's newest `cap` postings only. The newest "srikaya" is the
    // Surabaya post; the next is hidden and falls out after ranking.
    assert_eq!(
        rank("srikaya", PostFilter::default(), 2).await,
        vec![elsewhere]
    );
    // With a filter, its newest `cap` visible posts: the Prigen KIM's newest two (the hidden
    // one is not among them), ranked; the older "both" is past the cap.
    assert_eq!(
        rank("srikaya", of_prigen.clone(), 2).await,
        vec![title, body]
    );
    // No word known, nothing.
    assert!(rank("", of_prigen.clone(), 100).await.is_empty());

    // The frequencies for the IDF: exact up to the cap, estimated above it, never below it.
    let terms = vec![
        simpul_core::hoax::normalize::claim_words("srikaya")[0].clone(),
        "tidakadakatainisamasekali".to_string(),
    ];
    let (df, n) = app.store.portal_term_stats(&terms, 100).await.unwrap();
    assert_eq!(df, vec![5, 0]);
    assert!(n >= elsewhere);
    let (df, _) = app.store.portal_term_stats(&terms, 2).await.unwrap();
    assert!(df[0] >= 2, "{df:?}");

    // Through the page: the Prigen KIM's page searched finds its posts in rank order.
    let (status, page) = app
        .get_text(&format!("/portal?q=srikaya+manggis&kim={prigen}"))
        .await;
    assert_eq!(status, 200);
    let at = |id: i64| {
        page.find(&format!("/portal/posts/{id}\""))
            .unwrap_or(usize::MAX)
    };
    assert!(at(both) < at(title) && at(title) < at(body) && at(body) < usize::MAX);
    assert_eq!(at(elsewhere), usize::MAX);
    app.finish().await;
}

/// Posts indexed by an older normaliser get this build's terms at start, once.
async fn search_terms_follow_the_normaliser_of_the_build(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ctx = simpul_app::AppCtx::new(app.store.clone(), crate::common::web_config())
        .await
        .unwrap();
    let signature = simpul_core::hoax::normalize::signature();
    // The server's own start-up pass stores the signature last: wait for it to finish.
    for _ in 0..300 {
        if app
            .store
            .setting("portal_terms_signature")
            .await
            .unwrap()
            .as_deref()
            == Some(signature.as_str())
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        simpul_app::portal::reindex_if_normaliser_changed(&ctx)
            .await
            .unwrap(),
        0,
        "nothing to do when the terms follow this build"
    );
    let prigen = app.demo_officer_kim().await;
    let id = post(&app, prigen, "Srikaya manggis Prigen", "Kebun srikaya.").await;
    let fresh = app.store.portal_post_terms(id).await.unwrap();
    // As an older build would have left it: other terms, another signature.
    app.store
        .portal_replace_terms(&[(id, vec![("srikayaa".to_string(), 1)])])
        .await
        .unwrap();
    app.store
        .set_setting("portal_terms_signature", "older-build")
        .await
        .unwrap();
    let done = simpul_app::portal::reindex_if_normaliser_changed(&ctx)
        .await
        .unwrap();
    assert!(done >= 1, "{done}");
    assert_eq!(app.store.portal_post_terms(id).await.unwrap(), fresh);
    assert_eq!(
        app.store.setting("portal_terms_signature").await.unwrap(),
        Some(signature)
    );
    assert_eq!(
        simpul_app::portal::reindex_if_normaliser_changed(&ctx)
            .await
            .unwrap(),
        0
    );
}
