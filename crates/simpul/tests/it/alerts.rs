//! Emergency alerts (issue 11): BMKG and CAP documents served by a local HTTP server, ingested
//! into one alert per event and updated; bad feeds cut off and backed off; an admin composing
//! by regions, a KIM officer answering with one tap and a situation report with a photo
//! (EXIF removed), the board and the exports; approval by a second person; escalation of
//! silent KIMs; delivery seen at the backbone's real webhook receiver; every CAP document
//! Simpul writes validated against the OASIS schema.

use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use axum::body::Body;
use axum::extract::Path;
use axum::routing::get;
use reqwest::StatusCode;
use simpul_app::alerts::ingest;
use simpul_app::AppCtx;
use simpul_core::audit::AuditContext;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

on_both_engines!(
    bmkg_feeds_make_one_alert_per_event_and_more_detail_updates_it,
    bad_feeds_are_cut_off_logged_and_backed_off,
    cap_alerts_updates_and_cancels_follow_the_same_alert,
    a_cap_index_feed_is_followed_entry_by_entry,
    an_admin_composes_by_regions_and_the_officer_answers_from_the_phone,
    an_office_requiring_approval_waits_for_a_second_person,
    silent_kims_are_escalated_once_and_their_regency_admin_is_told,
);

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/alerts");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

/// A local feed server: `/f/{name}` serves what the test put there; `/huge` streams 50 MB;
/// `/endless` sends a byte and then nothing, forever.
struct FeedServer {
    base: String,
    docs: Arc<Mutex<HashMap<String, (u16, String)>>>,
}

impl FeedServer {
    async fn start() -> FeedServer {
        let docs: Arc<Mutex<HashMap<String, (u16, String)>>> = Default::default();
        let d = docs.clone();
        let app = axum::Router::new()
            .route(
                "/f/{name}",
                get(move |Path(name): Path<String>| {
                    let d = d.clone();
                    async move {
                        let (status, body) = d
                            .lock()
                            .unwrap()
                            .get(&name)
                            .cloned()
                            .unwrap_or((404, String::new()));
                        (StatusCode::from_u16(status).unwrap(), body)
                    }
                }),
            )
            .route(
                "/huge",
                get(|| async {
                    let chunk = vec![b' '; 1024 * 1024];
                    let stream = futures_util::stream::iter(
                        (0..50).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
                    );
                    Body::from_stream(stream)
                }),
            )
            .route(
                "/endless",
                get(|| async {
                    let first =
                        futures_util::stream::iter([Ok::<_, std::io::Error>(b"{".to_vec())]);
                    let never = futures_util::stream::pending();
                    Body::from_stream(futures_util::StreamExt::chain(first, never))
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FeedServer {
            base: format!("http://{addr}"),
            docs,
        }
    }

    fn put(&self, name: &str, status: u16, body: &str) {
        self.docs
            .lock()
            .unwrap()
            .insert(name.into(), (status, body.into()));
    }

    fn url(&self, name: &str) -> String {
        format!("{}/f/{name}", self.base)
    }
}

async fn ctx_for(app: &TestApp) -> AppCtx {
    let mut config = web_config();
    config.alerts.feed_timeout = Duration::from_secs(2);
    config.alerts.max_feed_bytes = 1024 * 1024;
    AppCtx::new(app.store.clone(), config).await.unwrap()
}

/// Validate a CAP document against the OASIS CAP 1.2 schema with `xmllint` (installed by
/// `scripts/install-test-deps.sh`; the test fails when it is missing, never skips).
fn assert_valid_cap(xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alert.xml");
    std::fs::write(&path, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(schema_path())
        .arg(&path)
        .output()
        .expect("xmllint is installed (scripts/install-test-deps.sh installs libxml2-utils)");
    assert!(
        out.status.success(),
        "CAP document does not validate: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn schema_path() -> std::path::PathBuf {
    std::path::Path::new(FIXTURES).join("CAP-v1.2.xsd")
}

async fn poll_url(ctx: &AppCtx, kind: &str, url: &str) -> Result<ingest::Ingested, String> {
    let audit = AuditContext::system("test");
    let id = ctx
        .store
        .save_alert_feed(&audit, "test", kind, url, 60)
        .await
        .unwrap();
    let feed = ctx
        .store
        .alert_feeds()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.id == id)
        .unwrap();
    ingest::poll(ctx, &feed).await
}

async fn bmkg_feeds_make_one_alert_per_event_and_more_detail_updates_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ctx = ctx_for(&app).await;
    let feeds = FeedServer::start().await;
    for name in [
        "autogempa.json",
        "autogempa.xml",
        "gempaterkini.json",
        "gempaterkini.xml",
        "gempadirasakan.json",
        "gempadirasakan.xml",
    ] {
        feeds.put(name, 200, &fixture(name));
    }
    let officer = app.user_id("kim.prigen.ketua").await;
    let kim = app.demo_officer_kim().await;

    let r = poll_url(&ctx, "bmkg", &feeds.url("autogempa.json"))
        .await
        .unwrap();
    assert_eq!((r.created, r.updated), (1, 0));
    let alert = app
        .store
        .alert_by_identifier("bmkg-20261129032130")
        .await
        .unwrap()
        .expect("the earthquake became an alert");
    assert_eq!(
        (alert.state.as_str(), alert.origin.as_str()),
        ("active", "bmkg")
    );
    let targets = app.store.alert_targets(alert.id).await.unwrap();
    let prigen = targets
        .iter()
        .find(|t| t.kim_id == kim)
        .expect("Prigen is reached");
    assert!(
        ["felt", "in_circle"].contains(&prigen.reason.as_str()),
        "{prigen:?}"
    );
    // Kota Pasuruan and Kabupaten Malang are named ("III Pasuruan, II Malang"): reached too.
    assert!(targets.iter().any(|t| t.regency_code == "35.75"));
    assert!(targets.iter().any(|t| t.regency_code == "35.07"));
    assert!(targets.iter().all(|t| t.regency_code.starts_with("35.")));

    // The same event in the XML form and in the list: no second alert, nothing new to say.
    let r = poll_url(&ctx, "bmkg", &feeds.url("autogempa.xml"))
        .await
        .unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 1));
    let r = poll_url(&ctx, "bmkg", &feeds.url("gempaterkini.json"))
        .await
        .unwrap();
    assert_eq!(
        (r.created, r.updated, r.unchanged),
        (2, 0, 1),
        "Ambon and Lombok are new"
    );
    let r = poll_url(&ctx, "bmkg", &feeds.url("gempaterkini.xml"))
        .await
        .unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 2));
    // The felt list names more places: the alert is updated, to the same people and more.
    let r = poll_url(&ctx, "bmkg", &feeds.url("gempadirasakan.json"))
        .await
        .unwrap();
    assert_eq!(
        (r.created, r.updated),
        (1, 1),
        "Pacitan is new, Pasuruan updated"
    );
    let r = poll_url(&ctx, "bmkg", &feeds.url("gempadirasakan.xml"))
        .await
        .unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 1));
    let updated = app.store.alert(alert.id).await.unwrap();
    assert_eq!(updated.version, 2);
    let after = app.store.alert_targets(alert.id).await.unwrap();
    assert!(after.len() >= targets.len());
    assert!(
        after.iter().any(|t| t.regency_code == "35.13"),
        "Probolinggo added"
    );
    for t in &targets {
        assert!(after.iter().any(|a| a.kim_id == t.kim_id), "nobody dropped");
    }
    // Each message is a valid CAP 1.2 document; the update references the first.
    let messages = app.store.alert_messages(alert.id).await.unwrap();
    assert_eq!(messages.len(), 2);
    for m in &messages {
        assert_valid_cap(&m.cap_xml);
    }
    assert!(messages[1]
        .cap_xml
        .contains("<cap:msgType>Update</cap:msgType>"));
    assert!(messages[1].cap_xml.contains("bmkg-20261129032130,"));
    // The officer heard of it twice (the alert, then the update), urgently.
    let notes = app.store.notifications(officer, 20).await.unwrap();
    let alerts: Vec<_> = notes.iter().filter(|n| n.kind == "alert").collect();
    assert_eq!(alerts.len(), 2, "{alerts:?}");
    assert!(alerts.iter().all(|n| n.priority == "urgent"));
    assert!(
        alerts
            .iter()
            .any(|n| n.body.starts_with("PEMBARUAN GEMPA M5,0")),
        "{alerts:?}"
    );
    assert!(alerts
        .iter()
        .all(|n| simpul_core::alerts::sms::gsm7_len(&n.body).is_some_and(|l| l <= 160)));
    app.finish().await;
}

async fn bad_feeds_are_cut_off_logged_and_backed_off(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ctx = ctx_for(&app).await;
    let feeds = FeedServer::start().await;
    feeds.put("down", 503, "maintenance");
    feeds.put("html", 200, "<html><body>Service Unavailable</body></html>");
    feeds.put(
        "partial",
        200,
        r#"{"Infogempa":{"gempa":{"Tanggal":"29 Nov 2026","Jam":"10:21:30 XYZ","Coordinates":"-7.72,112.83","Magnitude":"5.1","Kedalaman":"10 km","Wilayah":"X"}}}"#,
    );
    feeds.put("cancel", 200, &fixture("bpbd-banjir-cancel.cap.xml"));
    let huge = format!("{}/huge", feeds.base);
    let endless = format!("{}/endless", feeds.base);
    let started = std::time::Instant::now();
    for (kind, url, what) in [
        ("bmkg", feeds.url("down"), "503"),
        ("bmkg", feeds.url("html"), "not a BMKG"),
        ("bmkg", huge.clone(), "larger than"),
        ("bmkg", endless.clone(), "timed out"),
    ] {
        let e = poll_url(&ctx, kind, &url).await.unwrap_err();
        assert!(e.contains(what), "{url}: {e}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "cut off, not waited out"
    );
    // An entry with an unknown zone is rejected, a Cancel for an unknown alert dropped.
    let r = poll_url(&ctx, "bmkg", &feeds.url("partial")).await.unwrap();
    assert_eq!((r.created, r.rejected), (0, 1));
    let r = poll_url(&ctx, "cap", &feeds.url("cancel")).await.unwrap();
    assert_eq!((r.created, r.updated, r.rejected), (0, 0, 1));
    // The scheduled poll records the failure and waits longer each time.
    let audit = AuditContext::system("test");
    ctx.store
        .save_alert_feed(&audit, "down", "bmkg", &feeds.url("down"), 30)
        .await
        .unwrap();
    let before = chrono::Utc::now();
    ingest::poll_due(&ctx).await.unwrap();
    let feed = ctx
        .store
        .alert_feeds()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.url == feeds.url("down"))
        .unwrap();
    assert!(feed.failures >= 1);
    assert!(feed.last_error.as_deref().unwrap_or("").contains("503"));
    assert!(feed.next_poll_at >= before + chrono::Duration::seconds(30));
    let alerts = app
        .store
        .alerts(&simpul_store::alerts::AlertFilter::default(), 100)
        .await
        .unwrap();
    assert!(
        alerts.iter().all(|a| a.identifier == "bmkg-demo-pasuruan"),
        "no alert made"
    );
    app.finish().await;
}

/// The fixtures' dates moved to now, so the test does not depend on the day it runs.
fn fresh(xml: &str) -> String {
    let soon = (chrono::Utc::now() + chrono::Duration::days(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    xml.replace("2026-11-30T06:00:00+07:00", &soon)
        .replace("2026-11-30T12:00:00+07:00", &soon)
}

async fn a_cap_index_feed_is_followed_entry_by_entry(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ctx = ctx_for(&app).await;
    let feeds = FeedServer::start().await;
    feeds.put("a", 200, &fresh(&fixture("bpbd-banjir.cap.xml")));
    feeds.put("u", 200, &fresh(&fixture("bpbd-banjir-update.cap.xml")));
    feeds.put("junk", 200, "<html>bukan CAP</html>");
    // An authority's Atom index: a relative CAP link, an absolute one, one that is gone, one
    // that is not CAP, and one that is not a web address.
    let index = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>bpbd-jatim</id><title>BPBD Jawa Timur</title>
<entry><id>1</id><link rel="alternate" type="text/html" href="/peringatan-bpbd/1"/><link type="application/cap+xml" href="a"/></entry>
<entry><id>2</id><link href="{}"/></entry>
<entry><id>3</id><link href="missing"/></entry>
<entry><id>4</id><link href="junk"/></entry>
<entry><id>5</id><link href="javascript:alert(1)"/></entry>
</feed>"#,
        feeds.url("u")
    );
    feeds.put("index", 200, &index);
    let r = poll_url(&ctx, "cap", &feeds.url("index")).await.unwrap();
    assert_eq!(
        (r.created, r.updated, r.rejected),
        (1, 1, 3),
        "the alert, then its update; three entries refused: {r:?}"
    );
    let alert = app
        .store
        .alert_by_identifier("BPBD-JATIM-2026-1129-001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.store.alert(alert.id).await.unwrap().version, 2);
    // Polled again: nothing changes, nothing is sent twice.
    let r = poll_url(&ctx, "cap", &feeds.url("index")).await.unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 2), "{r:?}");
    assert_eq!(app.store.alert_messages(alert.id).await.unwrap().len(), 2);
    app.finish().await;
}

async fn cap_alerts_updates_and_cancels_follow_the_same_alert(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ctx = ctx_for(&app).await;
    let feeds = FeedServer::start().await;
    let officer = app.user_id("kim.prigen.ketua").await;
    let kim = app.demo_officer_kim().await;
    feeds.put("a", 200, &fresh(&fixture("bpbd-banjir.cap.xml")));
    feeds.put("u", 200, &fresh(&fixture("bpbd-banjir-update.cap.xml")));
    feeds.put("c", 200, &fixture("bpbd-banjir-cancel.cap.xml"));
    let r = poll_url(&ctx, "cap", &feeds.url("a")).await.unwrap();
    assert_eq!(r.created, 1);
    let alert = app
        .store
        .alert_by_identifier("BPBD-JATIM-2026-1129-001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (alert.hazard.as_str(), alert.severity.as_str()),
        ("flood", "severe")
    );
    assert_eq!(
        alert.headline_en,
        "Flooding likely on the slopes of Arjuno-Welirang"
    );
    let targets = app.store.alert_targets(alert.id).await.unwrap();
    assert!(
        targets.iter().any(|t| t.kim_id == kim),
        "Prigen lies in the polygon/geocode"
    );
    // Seen again: nothing new.
    let r = poll_url(&ctx, "cap", &feeds.url("a")).await.unwrap();
    assert_eq!((r.created, r.unchanged), (0, 1));
    let r = poll_url(&ctx, "cap", &feeds.url("u")).await.unwrap();
    assert_eq!(r.updated, 1);
    let r = poll_url(&ctx, "cap", &feeds.url("u")).await.unwrap();
    assert_eq!(
        (r.updated, r.unchanged),
        (0, 1),
        "a repeated update changes nothing"
    );
    let a = app.store.alert(alert.id).await.unwrap();
    assert_eq!((a.version, a.severity.as_str()), (2, "extreme"));
    let r = poll_url(&ctx, "cap", &feeds.url("c")).await.unwrap();
    assert_eq!(r.updated, 1);
    let a = app.store.alert(alert.id).await.unwrap();
    assert_eq!(a.state, "cancelled");
    let messages = app.store.alert_messages(alert.id).await.unwrap();
    assert_eq!(
        messages
            .iter()
            .map(|m| m.msg_type.as_str())
            .collect::<Vec<_>>(),
        ["alert", "update", "cancel"]
    );
    for m in &messages {
        assert_valid_cap(&m.cap_xml);
    }
    // The same people heard the alert, the update and the cancellation.
    let notes: Vec<_> = app
        .store
        .notifications(officer, 20)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.kind == "alert")
        .collect();
    assert_eq!(notes.len(), 3);
    assert!(notes.iter().any(|n| n.body.starts_with("DICABUT")));
    // The public CAP document and the Atom feed carry it.
    let (status, cap) = app.get_text(&format!("/peringatan/{}.cap", alert.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_valid_cap(&cap);
    assert!(cap.contains("<cap:msgType>Cancel</cap:msgType>"));
    let (status, atom) = app.get_text("/peringatan/feed.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(atom.contains(&format!("/peringatan/{}.cap", alert.id)));
    app.finish().await;
}

/// A JPEG with an EXIF block holding a GPS marker, as a phone writes it.
fn photo_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_fn(2000, 1500, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 80])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 70)
        .encode_image(&img)
        .unwrap();
    let payload = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude-7.7012GPSLongitude112.6311";
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    html.split(start)
        .nth(1)
        .and_then(|s| s.split(end).next())
        .unwrap_or("")
}

async fn an_admin_composes_by_regions_and_the_officer_answers_from_the_phone(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let kim = app.demo_officer_kim().await;
    let village = app.store.kim(kim).await.unwrap();
    app.login_as("kominfo.kab-pasuruan").await;
    // The form offers Kabupaten Pasuruan's kecamatan; Prigen is one.
    let (status, form) = app.get_text("/alerts/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(&format!("value=\"{}\"", village.district_code)));
    let fields = |action: &'static str, polygon: &'static str| {
        vec![
            ("hazard", "landslide"),
            ("severity", "severe"),
            ("urgency", "immediate"),
            ("certainty", "likely"),
            ("headline", "Potensi longsor di lereng Welirang"),
            ("instruction", "Jauhi tebing, siapkan jalur evakuasi."),
            ("regions", "35.14.10"),
            ("polygon", polygon),
            ("expires_hours", "12"),
            ("action", action),
        ]
    };
    // A polygon that does not close: a message on its field, in Bahasa Indonesia.
    let r = app
        .post_form(
            "/alerts/new",
            &fields("preview", "-7.6,112.5 -7.6,112.7 -7.8,112.7 -7.8,112.5"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Poligon harus tertutup"), "{html}");
    // The preview: the short message and the KIMs reached, with the reason.
    let r = app.post_form("/alerts/new", &fields("preview", "")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let total: usize = between(&html, "<strong id=\"preview-total\">", "<")
        .parse()
        .unwrap();
    assert!(total >= 1);
    assert!(between(&html, "id=\"sms-id\">", "<").starts_with("LONGSOR: Potensi longsor"));
    assert!(html.contains("Di wilayah yang dipilih"));
    assert_eq!(
        app.store
            .alerts(&Default::default(), 10)
            .await
            .unwrap()
            .len(),
        1,
        "a preview sends nothing"
    );
    // Sent, and its area kept under a name for the office's next alert.
    let mut send = fields("send", "");
    send.push(("save_area_as", "Lereng Welirang"));
    let r = app.post_form("/alerts/new", &send).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, form) = app.get_text("/alerts/new").await;
    let saved = between(&form, "<select id=\"saved_area\"", "</select>");
    assert!(saved.contains(">Lereng Welirang</option>"), "{saved}");
    let location = crate::common::header(r.headers(), "location").to_owned();
    assert!(location.ends_with("?done=sent"), "{location}");
    let id: i64 = between(&location, "/alerts/", "?").parse().unwrap();
    let alert = app.store.alert(id).await.unwrap();
    assert_eq!(alert.state, "active");
    assert_eq!(
        alert.scope_region, "35.14",
        "the office of the kabupaten it concerns"
    );
    assert_valid_cap(&app.store.alert_messages(id).await.unwrap()[0].cap_xml);

    // The officer answers with one tap (a plain form), then sends a report with a photo.
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    let (status, page) = app.get_text(&format!("/alerts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Wilayah kami aman"));
    let r = app
        .post_form(&format!("/alerts/{id}/ack"), &[("kind", "need_help")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let csrf = app.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("body", "Jalan desa tertutup longsoran kecil.")
        .text("lat", "-7,701")
        .text("lon", "112.631")
        .part(
            "photos",
            reqwest::multipart::Part::bytes(photo_with_exif()).file_name("IMG_0001.jpg"),
        );
    let r = app
        .client
        .post(app.url(&format!("/alerts/{id}/reports?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Six photos are refused with a message, nothing half-written.
    let mut form = reqwest::multipart::Form::new().text("body", "Banyak foto");
    for i in 0..6 {
        form = form.part(
            "photos",
            reqwest::multipart::Part::bytes(photo_with_exif()).file_name(format!("{i}.jpg")),
        );
    }
    let r = app
        .client
        .post(app.url(&format!("/alerts/{id}/reports?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store.alert_reports(id).await.unwrap().len(), 1);
    // The officer may not see the board.
    assert_eq!(
        app.get(&format!("/alerts/{id}/board")).await.status(),
        StatusCode::NOT_FOUND
    );

    // The admin's board: the answer, the report, the photo without its metadata.
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, board) = app.get_text(&format!("/alerts/{id}/board")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(between(&board, "id=\"count-need-help\">", "<"), "1");
    assert!(board.contains("Jalan desa tertutup"));
    let photos = app.store.alert_report_photos(id).await.unwrap();
    assert_eq!(photos.len(), 1);
    let r = app
        .get(&format!("/alerts/{id}/photos/{}", photos[0].2))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert!(decoded.width() <= 1280 && decoded.height() <= 1280);
    assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    assert!(!bytes.windows(3).any(|w| w == b"GPS"));
    let (status, csv) = app.get_text(&format!("/alerts/{id}/board.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains(&format!("{kim},")) && csv.contains("need_help"));
    // The workbook says it in words; the map has the KIM's point with its answer.
    let r = app.get(&format!("/alerts/{id}/board.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cells = crate::common::xlsx_cells(&r.bytes().await.unwrap());
    assert_eq!(cells[0][2], "Jawaban");
    let row = cells
        .iter()
        .find(|r| r[0] == village.name)
        .expect("the KIM's row");
    assert_eq!(row[2], "Butuh bantuan");
    assert!(row[6].starts_with("Di wilayah yang dipilih"), "{row:?}");
    let (status, points) = app.get_text(&format!("/alerts/{id}/board.geojson")).await;
    assert_eq!(status, StatusCode::OK);
    let points: serde_json::Value = serde_json::from_str(&points).unwrap();
    let mine = points["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == kim);
    if village.lat.is_some() {
        assert_eq!(mine.unwrap()["properties"]["status"], "need_help");
    }
    // The audit log tells it in a sentence, with a link to the alert.
    let (_, audit) = app.get_text("/admin/audit?action=alert.send").await;
    assert!(audit.contains("mengirim"), "{audit}");
    assert!(audit.contains(&format!("href=\"/alerts/{id}\"")), "{audit}");
    let (_, history) = app.get_text("/alerts").await;
    assert!(history.contains("Potensi longsor di lereng Welirang"));
    // Its history row counts what the board counts (targets read for all rows in one query).
    let targets = app.store.alert_targets(id).await.unwrap();
    let answered = targets.iter().filter(|t| t.status != "silent").count();
    let row = between(&history, &format!("href=\"/alerts/{id}\""), "</tr>");
    assert!(
        row.contains(&format!("<td>{}</td><td>{answered}</td>", targets.len())),
        "{row}"
    );
    assert_eq!(answered, 1);
    // The admin updates it from its page: the form comes filled in, the update is the same
    // alert's next version.
    let (_, page) = app.get_text(&format!("/alerts/{id}")).await;
    assert!(page.contains(&format!("href=\"/alerts/{id}/edit\"")));
    let (status, form) = app.get_text(&format!("/alerts/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"Potensi longsor di lereng Welirang\""));
    assert!(form.contains("value=\"35.14.10\" checked"));
    let mut update = fields("send", "");
    update.retain(|(k, _)| *k != "headline");
    update.push(("headline", "Longsor terjadi di lereng Welirang"));
    let r = app.post_form(&format!("/alerts/{id}/edit"), &update).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(crate::common::header(r.headers(), "location").ends_with("?done=updated"));
    let alert = app.store.alert(id).await.unwrap();
    assert_eq!(alert.version, 2);
    assert_eq!(alert.headline, "Longsor terjadi di lereng Welirang");
    // The public sees it, from the render cache, without KIM statuses.
    app.new_visitor();
    let (status, public) = app.get_text("/peringatan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("Longsor terjadi di lereng Welirang"));
    assert!(!public.contains("Butuh bantuan"));
    let again = app.get("/peringatan").await;
    assert!(crate::common::header(again.headers(), "cache-control").starts_with("public"));
    app.finish().await;
}

async fn an_office_requiring_approval_waits_for_a_second_person(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let officer = app.user_id("kim.prigen.ketua").await;
    let audit = AuditContext::system("test");
    app.store
        .set_office_approval(
            &audit,
            &simpul_core::RegionCode::parse("35.14").unwrap(),
            true,
        )
        .await
        .unwrap();
    app.login_as("kominfo.kab-pasuruan").await;
    let fields = [
        ("hazard", "flood"),
        ("severity", "moderate"),
        ("urgency", "expected"),
        ("certainty", "likely"),
        ("headline", "Waspada banjir kiriman"),
        ("instruction", "Pantau ketinggian sungai."),
        ("regions", "35.14.10"),
        ("action", "send"),
    ];
    let r = app.post_form("/alerts/new", &fields).await;
    let location = crate::common::header(r.headers(), "location").to_owned();
    assert!(location.ends_with("?done=pending"), "{location}");
    let id: i64 = between(&location, "/alerts/", "?").parse().unwrap();
    let notes = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            store
                .notifications(officer, 20)
                .await
                .unwrap()
                .into_iter()
                .filter(|n| n.kind == "alert")
                .count()
        }
    };
    assert_eq!(notes(&app).await, 0, "nothing sent before approval");
    assert!(!app
        .get_text("/peringatan")
        .await
        .1
        .contains("Waspada banjir kiriman"));
    // Its author cannot approve it.
    let r = app
        .post_form(&format!("/alerts/{id}/approve"), &[("decision", "approve")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    app.new_visitor();
    app.login_as("kominfo.jatim").await;
    let r = app
        .post_form(&format!("/alerts/{id}/approve"), &[("decision", "approve")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.alert(id).await.unwrap().state, "active");
    assert_eq!(notes(&app).await, 1);
    app.finish().await;
}

async fn silent_kims_are_escalated_once_and_their_regency_admin_is_told(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let mut config = web_config();
    config.alerts.escalation_minutes = simpul_core::alerts::Severity::ALL
        .iter()
        .map(|s| (*s, 0))
        .collect();
    let ctx = AppCtx::new(app.store.clone(), config).await.unwrap();
    let admin = app.user_id("kominfo.kab-pasuruan").await;
    let officer = app.user_id("kim.prigen.ketua").await;
    let who = simpul_app::accounts::actor(&ctx, admin).await.unwrap();
    let input = simpul_app::alerts::ComposeInput {
        hazard: "volcano".into(),
        severity: "extreme".into(),
        urgency: "immediate".into(),
        certainty: "observed".into(),
        headline: "Erupsi Arjuno".into(),
        instruction: "Gunakan masker.".into(),
        regions: vec!["35.14.10".into()],
        ..Default::default()
    };
    let audit = AuditContext::system("test");
    let id = simpul_app::alerts::compose(&ctx, &who, &audit, &input)
        .await
        .unwrap();
    let targets = app.store.alert_targets(id).await.unwrap();
    let n = simpul_app::alerts::escalate::escalate_due(&ctx)
        .await
        .unwrap();
    assert_eq!(n, targets.len());
    assert_eq!(
        simpul_app::alerts::escalate::escalate_due(&ctx)
            .await
            .unwrap(),
        0,
        "once"
    );
    let board = app.store.alert_targets(id).await.unwrap();
    assert!(board.iter().all(|t| t.escalated_at.is_some()));
    let told = app.store.notifications(admin, 20).await.unwrap();
    assert!(
        told.iter().any(|n| n.title.contains("KIM belum menjawab")),
        "{told:?}"
    );
    let reminded = app.store.notifications(officer, 20).await.unwrap();
    assert!(reminded
        .iter()
        .any(|n| n.title.starts_with("Mohon jawab peringatan")));
    // A KIM that answered is never escalated.
    app.finish().await;
}
