use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use simpul::generate::{generate, Scale};

on_both_engines!(generator_is_deterministic_and_refuses_to_run_twice);

async fn generator_is_deterministic_and_refuses_to_run_twice(engine: Engine) {
    let a = TestApp::spawn(engine).await;
    let b = TestApp::spawn(engine).await;
    let before = a
        .store
        .search_kims(&Default::default(), 1, 0)
        .await
        .unwrap()
        .1;
    let done = generate(&a.store, Scale::National, Some(400), 9, |_, _| {})
        .await
        .unwrap();
    assert_eq!(done.kims, 400);
    assert!(done.members >= 400 * 4);
    generate(&b.store, Scale::National, Some(400), 9, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        a.store
            .search_kims(&Default::default(), 1, 0)
            .await
            .unwrap()
            .1,
        before + 400
    );
    // Same seed, same data (compare a sample by name fragment).
    let filter = simpul_store::registry::KimFilter::default();
    let (ra, _) = a.store.search_kims(&filter, 100_000, 0).await.unwrap();
    let (rb, _) = b.store.search_kims(&filter, 100_000, 0).await.unwrap();
    let key = |k: &simpul_store::registry::KimRecord| {
        format!("{}|{}|{}|{:?}", k.name, k.village_code, k.status, k.lat)
    };
    let mut ka: Vec<String> = ra.iter().map(key).collect();
    let mut kb: Vec<String> = rb.iter().map(key).collect();
    ka.sort();
    kb.sort();
    assert_eq!(ka, kb);
    // Spread over many provinces, every location inside Indonesia.
    let provinces: std::collections::HashSet<&str> =
        ra.iter().map(|k| k.province_code.as_str()).collect();
    assert!(provinces.len() > 30, "{}", provinces.len());
    assert!(ra
        .iter()
        .filter_map(|k| Some((k.lat?, k.lon?)))
        .all(|(lat, lon)| simpul_core::registry::is_in_indonesia(lat, lon)));
    assert!(
        generate(&a.store, Scale::National, Some(10), 9, |_, _| {})
            .await
            .is_err(),
        "same seed twice is refused"
    );
    a.finish().await;
    b.finish().await;
}
