//! Tiered awards through the pages, on both engines: Kabupaten Pasuruan's office opens an
//! award, nominates the index's top KIMs in one action and the Prigen KIM by hand, appoints
//! jurors from the accounts offered; a juror scores with the conflict-of-interest declaration,
//! the Prigen officer is refused scoring their own KIM; bad scores, a missing declaration and
//! scoring after the results are out get a field message and write nothing; the published
//! results name the winners, whose certificates are real PDFs with their verification code.

use crate::common::{header, Engine, TestApp};
use crate::on_both_engines;

on_both_engines!(
    an_office_runs_an_award_from_nomination_to_certificates,
    the_demo_has_a_published_award_and_one_open_for_its_juror,
);

/// The award id in a `/governance/awards/{id}?…` location.
fn award_id(location: &str) -> i64 {
    location
        .trim_start_matches("/governance/awards/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn an_office_runs_an_award_from_nomination_to_certificates(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let prigen = app.demo_officer_kim().await;
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, html) = app.get_text("/governance/awards/new").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Kabupaten Pasuruan"), "the region is offered");
    let before = app.store.gov_awards().await.unwrap().len();
    // A highest score of 0 is refused on its field; nothing is written.
    let mut fields = vec![
        ("title", "Lomba KIM Pasuruan Uji"),
        ("level", "regency"),
        ("region", "35.14"),
        ("categories", "KIM Terbaik\nKIM Inovatif"),
        ("rubric", "Diseminasi\nInovasi"),
        ("max_score", "0"),
    ];
    let r = app.post_form("/governance/awards", &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Nilai tertinggi harus 1 sampai 1.000."),
        "{html}"
    );
    assert_eq!(app.store.gov_awards().await.unwrap().len(), before);
    fields[5] = ("max_score", "50");
    let r = app.post_form("/governance/awards", &fields).await;
    assert_eq!(r.status(), 303);
    let id = award_id(header(r.headers(), "location"));
    // Nominations: the index's top five in one action, and the Prigen KIM chosen by hand.
    let r = app
        .post_form(
            &format!("/governance/awards/{id}/nominate-top"),
            &[("category", "KIM Terbaik")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.get_text(&format!("/governance/awards/{id}")).await;
    assert!(
        html.contains(&format!("<option value=\"{prigen}\">")),
        "the Prigen KIM is offered"
    );
    let r = app
        .post_form(
            &format!("/governance/awards/{id}/nominate"),
            &[("category", "KIM Inovatif"), ("kim", &prigen.to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    // A category the award does not have is refused on the page.
    let r = app
        .post_form(
            &format!("/governance/awards/{id}/nominate"),
            &[("category", "Lain"), ("kim", &prigen.to_string())],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Pilih kategori penghargaan ini."));
    let nominations = app.store.gov_nominations(id).await.unwrap();
    assert_eq!(
        nominations.iter().filter(|n| n.source == "index").count(),
        5
    );
    let own = nominations.iter().find(|n| n.kim_id == prigen).unwrap().id;
    let other = nominations.iter().find(|n| n.kim_id != prigen).unwrap().id;
    // Jurors are chosen from the accounts the page offers.
    let (_, html) = app.get_text(&format!("/governance/awards/{id}")).await;
    for juror in ["juri.jatim", "kim.prigen.ketua"] {
        assert!(
            html.contains(&format!("<option value=\"{juror}\">")),
            "{juror} offered"
        );
        let r = app
            .post_form(
                &format!("/governance/awards/{id}/jurors"),
                &[("username", juror)],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    // The juror: out of range, no declaration, then a good score.
    app.new_visitor();
    app.login_as("juri.jatim").await;
    let (status, html) = app
        .get_text(&format!("/governance/awards/{id}/score"))
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Diseminasi") && html.contains("Inovasi"),
        "the rubric"
    );
    let score_url = |n: i64| format!("/governance/awards/nominations/{n}/score");
    let juror = app.user_id("juri.jatim").await;
    for (score, declared, message) in [
        (
            "51",
            "1",
            "Nilai harus bilangan bulat dari 0 sampai nilai tertinggi.",
        ),
        (
            "-1",
            "1",
            "Nilai harus bilangan bulat dari 0 sampai nilai tertinggi.",
        ),
        (
            "empat puluh",
            "1",
            "Nilai harus bilangan bulat dari 0 sampai nilai tertinggi.",
        ),
        (
            "40",
            "",
            "Centang pernyataan tidak ada konflik kepentingan.",
        ),
    ] {
        let r = app
            .post_form(
                &score_url(other),
                &[("score", score), ("no_conflict", declared), ("note", "")],
            )
            .await;
        assert_eq!(r.status(), 422, "{score}");
        assert!(
            r.text().await.unwrap().contains(message),
            "{score}: {message}"
        );
    }
    assert!(app.store.gov_my_scores(id, juror).await.unwrap().is_empty());
    let r = app
        .post_form(
            &score_url(other),
            &[
                ("score", "45"),
                ("no_conflict", "1"),
                ("note", "Aktif sekali"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let back = header(r.headers(), "location").to_owned();
    assert!(back.starts_with(&format!("/governance/awards/{id}/score?done=1")));
    let (_, html) = app.get_text(&back).await;
    assert!(html.contains("Nilai tersimpan."), "{html}");
    assert!(html.contains("<strong class=\"my-score\">45</strong>"));
    // The Prigen officer, a juror too, is told they cannot score their own KIM.
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    let (_, html) = app
        .get_text(&format!("/governance/awards/{id}/score"))
        .await;
    assert!(
        html.contains("Anda tidak boleh menilai KIM tempat Anda bergabung"),
        "{html}"
    );
    let r = app
        .post_form(&score_url(own), &[("score", "50"), ("no_conflict", "1")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Anda tidak boleh menilai KIM tempat Anda bergabung (konflik kepentingan)."));
    let officer = app.user_id("kim.prigen.ketua").await;
    assert!(app
        .store
        .gov_my_scores(id, officer)
        .await
        .unwrap()
        .is_empty());
    // Someone who is not a juror may not open the scoring page.
    app.new_visitor();
    app.login_as("kim.prigen.anggota").await;
    assert_eq!(
        app.get(&format!("/governance/awards/{id}/score"))
            .await
            .status(),
        403
    );
    // The office publishes; the scored nomination wins its category.
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let r = app
        .post_form(&format!("/governance/awards/{id}/publish"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(&format!("/governance/awards/{id}/publish"), &[])
        .await;
    assert_eq!(r.status(), 409, "published once");
    let winner = app.store.gov_nomination(other).await.unwrap();
    assert_eq!(winner.place, Some(1));
    let code = winner.certificate_code.clone().unwrap();
    assert!(code.starts_with("P-"));
    // Scoring after the results are out: refused with the reason.
    app.new_visitor();
    app.login_as("juri.jatim").await;
    let r = app
        .post_form(&score_url(other), &[("score", "10"), ("no_conflict", "1")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Hasil penghargaan ini sudah diumumkan."));
    assert_eq!(
        app.store.gov_my_scores(id, juror).await.unwrap(),
        vec![(other, 45)]
    );
    // The public results and the winner's certificate, for anyone.
    app.new_visitor();
    let (status, html) = app.get_text(&format!("/penghargaan/{id}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Juara 1") && html.contains(&winner.kim_name));
    assert!(html.contains(&code));
    let r = app
        .get(&format!("/penghargaan/{id}/sertifikat/{other}"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(r.headers(), "content-type"), "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // A nomination without a place has no certificate.
    let r = app
        .get(&format!("/penghargaan/{id}/sertifikat/{own}"))
        .await;
    assert_eq!(r.status(), 404);
    app.finish().await;
}

async fn the_demo_has_a_published_award_and_one_open_for_its_juror(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let awards = app.store.gov_awards().await.unwrap();
    let past = awards.iter().find(|a| a.status == "published").unwrap();
    let open = awards.iter().find(|a| a.status == "open").unwrap();
    // The published one: public results with winners in both categories.
    let (status, html) = app.get_text(&format!("/penghargaan/{}", past.id)).await;
    assert_eq!(status, 200);
    assert!(html.contains("KIM Terbaik") && html.contains("KIM Inovatif"));
    assert_eq!(html.matches("Juara 1").count(), 2, "{html}");
    // An open award is not public yet.
    assert_eq!(
        app.get(&format!("/penghargaan/{}", open.id)).await.status(),
        404
    );
    // The demo juror finds it from the dashboard.
    app.login_as("juri.jatim").await;
    let (_, html) = app.get_text("/dashboard").await;
    let link = format!("/governance/awards/{}/score", open.id);
    assert!(html.contains(&link), "{html}");
    let (status, html) = app.get_text(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("score-form"), "{html}");
    app.finish().await;
}

/// Awards for the authorization matrix, in the target KIM's kabupaten/kota: an open one
/// nominating the KIM with `mitra.bmkg` as juror inside (a Semarang account outside), and a
/// published one whose only scored nomination won. Returns (open award, its nomination,
/// published award, the winner's nomination).
pub async fn sample_awards(app: &TestApp, kim: i64, region: &str, inside: bool) -> [i64; 4] {
    use simpul_core::audit::AuditContext;
    use simpul_store::governance::awards::NewAward;
    let store = &app.store;
    let ctx = AuditContext::system("test");
    let juror = if inside {
        app.user_id("mitra.bmkg").await
    } else {
        app.user_id("warga.semarang").await
    };
    let mut out = Vec::new();
    for title in ["Lomba Matriks", "Lomba Matriks Lalu"] {
        let id = store
            .gov_create_award(
                &ctx,
                &NewAward {
                    region_code: region.into(),
                    level: "regency".into(),
                    title: title.into(),
                    categories: "KIM Terbaik".into(),
                    rubric: "Diseminasi".into(),
                    max_score: 100,
                },
            )
            .await
            .unwrap();
        let award = store.gov_award(id).await.unwrap();
        store
            .gov_nominate(&ctx, &award, &[kim], "KIM Terbaik", "office")
            .await
            .unwrap();
        store.gov_add_juror(&ctx, &award, juror).await.unwrap();
        let nomination = store.gov_nominations(id).await.unwrap()[0].id;
        out.extend([id, nomination]);
        if title.ends_with("Lalu") {
            let as_juror = AuditContext {
                actor_id: Some(juror),
                ..AuditContext::system("test")
            };
            store
                .gov_jury_score(&as_juror, &award, nomination, 80, "")
                .await
                .unwrap();
            let code = format!("P-MATRIKS{}", u8::from(inside));
            store
                .gov_publish_award(&ctx, &award, &[(nomination, 1, code)])
                .await
                .unwrap();
        }
    }
    [out[0], out[1], out[2], out[3]]
}
