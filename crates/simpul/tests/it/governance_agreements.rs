//! The partnership agreements register through the pages and the API, on both engines:
//! Kabupaten Pasuruan's office records an agreement with parties chosen from those offered,
//! uploads its signed PDF (a renamed executable is refused by its content), follows an
//! obligation up; the list filters by state, the dashboard counts those ending within 30 days,
//! the expiry reminder leads to the agreement's page; bad input writes nothing.

use crate::common::{header, Engine, TestApp};
use crate::on_both_engines;

on_both_engines!(an_office_keeps_an_agreement_from_form_to_follow_up,);

async fn an_office_keeps_an_agreement_from_form_to_follow_up(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, html) = app.get_text("/governance/agreements/new").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Dinas Kominfo Kabupaten Pasuruan"),
        "the office is offered"
    );
    assert!(
        html.contains("BMKG Stasiun Geofisika Malang"),
        "the partner is offered"
    );
    let before = app.store.gov_agreements().await.unwrap().len();
    let today = chrono::Utc::now().date_naive();
    let starts = (today - chrono::Duration::days(30)).to_string();
    let ends = (today + chrono::Duration::days(20)).to_string();
    let mut fields = vec![
        ("kind", "pks"),
        ("title", "PKS Literasi Digital Pasuruan"),
        (
            "scope",
            "Pelatihan literasi digital untuk KIM se-Kabupaten Pasuruan.",
        ),
        ("party", "Dinas Kominfo Kabupaten Pasuruan"),
        ("parties", ""),
        ("starts_on", &starts),
        ("ends_on", &ends),
        ("region", "35.14"),
        (
            "obligations",
            "BMKG Stasiun Geofisika Malang | Pelatihan bulanan | 2099-01-31",
        ),
    ];
    // One party only, and an obligation without its separator: field messages, nothing saved.
    fields[8] = ("obligations", "pelatihan tanpa pemisah");
    let r = app.post_form("/governance/agreements", &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Tulis paling sedikit dua pihak, satu per baris."),
        "{html}"
    );
    assert!(html.contains("Tulis kewajiban sebagai: pihak | kewajiban | TTTT-BB-HH."));
    assert_eq!(app.store.gov_agreements().await.unwrap().len(), before);
    fields[4] = ("parties", "Universitas Yudharta");
    fields[8] = (
        "obligations",
        "Universitas Yudharta | Pelatihan bulanan | 2099-01-31",
    );
    let mut with_partner = fields.clone();
    with_partner.push(("party", "BMKG Stasiun Geofisika Malang"));
    let r = app.post_form("/governance/agreements", &with_partner).await;
    assert_eq!(r.status(), 303);
    let location = header(r.headers(), "location").to_owned();
    let id: i64 = location
        .trim_start_matches("/governance/agreements/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let a = app.store.gov_agreement(id).await.unwrap();
    assert_eq!(a.party_list().len(), 3);
    let (_, html) = app.get_text(&location).await;
    assert!(
        html.contains("Perjanjian tercatat.") && html.contains("segera berakhir"),
        "{html}"
    );
    // A document: an executable named .pdf is refused by its content; a real PDF is kept.
    let upload = |name: &'static str, bytes: &'static [u8]| {
        let app = &app;
        async move {
            let csrf = app.csrf().await;
            let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name);
            app.client
                .post(app.url(&format!(
                    "/governance/agreements/{id}/documents?csrf_token={csrf}"
                )))
                .multipart(reqwest::multipart::Form::new().part("document", part))
                .send()
                .await
                .unwrap()
        }
    };
    let r = upload("pks.pdf", b"MZ\x90\x00 not a pdf").await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Dokumen harus PDF, PNG atau JPEG."));
    assert!(app.store.gov_agreement_files(id).await.unwrap().is_empty());
    let r = upload("pks-ttd.pdf", b"%PDF-1.7 ditandatangani").await;
    assert_eq!(r.status(), 303);
    let files = app.store.gov_agreement_files(id).await.unwrap();
    assert_eq!(files.len(), 1);
    let r = app
        .get(&format!(
            "/governance/agreements/{id}/documents/{}",
            files[0].id
        ))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(r.headers(), "content-type"), "application/pdf");
    // Following an obligation up; an unknown status is refused.
    let o = app.store.gov_obligations(id).await.unwrap()[0].id;
    let path = format!("/governance/agreements/{id}/obligations/{o}");
    let r = app
        .post_form(&path, &[("status", "selesai"), ("note", "")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Status tidak dikenal."));
    let r = app
        .post_form(
            &path,
            &[("status", "done"), ("note", "Tiga angkatan selesai")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.get_text(&format!("/governance/agreements/{id}")).await;
    assert!(html.contains("Tiga angkatan selesai") && html.contains("selesai"));
    // The list filters by state; the dashboard counts what ends within 30 days.
    let (_, html) = app.get_text("/governance/agreements?state=expiring").await;
    assert!(html.contains("PKS Literasi Digital Pasuruan"));
    let (_, html) = app.get_text("/governance/agreements?state=ended").await;
    assert!(!html.contains("PKS Literasi Digital Pasuruan"));
    let (_, html) = app.get_text("/dashboard").await;
    assert!(html.contains("perjanjian berakhir dalam 30 hari"), "{html}");
    assert!(html.contains("/governance/agreements?state=expiring"));
    // The API: list and detail.
    let token = app.api_token("kominfo.kab-pasuruan").await;
    let r = app
        .api(
            reqwest::Method::GET,
            "/api/v1/governance/agreements?state=expiring",
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let list: serde_json::Value = r.json().await.unwrap();
    assert!(list.as_array().unwrap().iter().any(|a| a["id"] == id));
    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/governance/agreements/{id}"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let detail: serde_json::Value = r.json().await.unwrap();
    assert_eq!(detail["obligations"][0]["status"], "done");
    assert_eq!(detail["documents"][0]["content_type"], "application/pdf");
    // The expiry reminder leads to the agreement's page.
    let ctx = simpul_app::AppCtx::new(app.store.clone(), crate::common::web_config())
        .await
        .unwrap();
    assert!(
        simpul_app::governance::agreements::remind_due(&ctx, today)
            .await
            .unwrap()
            >= 1
    );
    let office = app.user_id("kominfo.kab-pasuruan").await;
    let notes = app.notifications_at_least(office, 1).await;
    assert!(
        notes
            .iter()
            .any(|n| n.link == format!("/governance/agreements/{id}")),
        "{notes:?}"
    );
    // Every reminder the office got opens for it: the demo's provincial agreement, ending
    // within two months, reminds the province, not the kabupaten offices inside it.
    for n in notes
        .iter()
        .filter(|n| n.link.starts_with("/governance/agreements/"))
    {
        assert_eq!(app.get(&n.link).await.status(), 200, "{}", n.link);
    }
    let province = app.user_id("kominfo.jatim").await;
    let theirs = app.notifications_at_least(province, 1).await;
    assert!(
        theirs
            .iter()
            .any(|n| n.link.starts_with("/governance/agreements/")
                && n.link != format!("/governance/agreements/{id}")),
        "{theirs:?}"
    );
    app.finish().await;
}

/// An agreement of the office of `region` with one obligation and one PDF document, for the
/// authorization matrix: (agreement, obligation, document).
pub async fn sample_agreement(app: &TestApp, region: &str) -> [i64; 3] {
    use simpul_core::audit::AuditContext;
    use simpul_store::governance::agreements::{NewAgreement, NewObligation};
    let store = &app.store;
    let ctx = AuditContext::system("test");
    let today = chrono::Utc::now().date_naive();
    let id = store
        .gov_create_agreement(
            &ctx,
            &NewAgreement {
                region_code: region.into(),
                kind: "pks".into(),
                title: "PKS Matriks".into(),
                scope: "Diseminasi".into(),
                parties: "Dinas Kominfo\nMitra Matriks".into(),
                starts_on: today - chrono::Duration::days(10),
                ends_on: today + chrono::Duration::days(20),
            },
            &[NewObligation {
                party: "Mitra Matriks".into(),
                description: "Pelatihan".into(),
                due_on: None,
            }],
        )
        .await
        .unwrap();
    let a = store.gov_agreement(id).await.unwrap();
    let file = store
        .gov_attach_document(&ctx, &a, "application/pdf", "pks.pdf", b"%PDF-1.4 matriks")
        .await
        .unwrap();
    let obligation = store.gov_obligations(id).await.unwrap()[0].id;
    [id, obligation, file]
}
