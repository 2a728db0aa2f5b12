//! Village voices through the real server, on both engines: an officer posts village potential
//! from the phone's form with a photo (EXIF and GPS gone, two sizes), the kabupaten/kota office
//! publishes it, the public finds it by a stemmed search, on the map, in the feed and the
//! sitemap, with Open Graph and schema.org markup; hostile HTML, fake images, decompression
//! bombs and posts in another KIM's name are refused with a message and nothing is written;
//! a reader reports, the office hides and restores, re-shares follow; a citizen sends an
//! aspiration without an account, it is routed, answered and followed by its code; guessed
//! codes are refused and rate-limited; overdue aspirations are escalated by the job.

use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use simpul_core::audit::AuditContext;
use simpul_core::RegionCode;

on_both_engines!(
    an_officer_posts_village_potential_the_office_publishes_and_the_public_finds_it,
    hostile_text_fake_images_and_other_kims_names_are_refused,
    readers_report_the_office_hides_and_reshares_follow,
    a_citizen_sends_an_aspiration_and_follows_it_by_code,
);

/// A JPEG with an EXIF segment carrying a GPS marker, as a phone camera writes it.
pub(crate) fn phone_photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    let mut exif = vec![0xFF, 0xE1, 0x00, 0x16];
    exif.extend_from_slice(b"Exif\0\0GPSLatitude-7.7");
    let mut with = out[..2].to_vec();
    with.extend_from_slice(&exif);
    with.extend_from_slice(&out[2..]);
    with
}

/// A PNG whose header claims 60,000 × 60,000 pixels (a decompression bomb's header).
fn bomb() -> Vec<u8> {
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(8, 8))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    // A valid header checksum, so the decoder reads the size instead of refusing the chunk.
    let mut crc = 0xFFFF_FFFFu32;
    for &b in &png[12..29] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    png[29..33].copy_from_slice(&(!crc).to_be_bytes());
    png
}

/// An officer of a Surabaya KIM (another region's writer): `kim.surabaya.ketua`. Returns the
/// KIM's id.
pub(crate) async fn another_kims_officer(app: &TestApp) -> i64 {
    let surabaya = app
        .store
        .search_kims(
            &simpul_store::registry::KimFilter {
                region: Some(simpul_core::RegionCode::parse("35.78").unwrap()),
                statuses: vec!["active".into(), "verified".into()],
                ..Default::default()
            },
            1,
            0,
        )
        .await
        .unwrap()
        .0[0]
        .clone();
    let user = simpul_store::accounts::NewUser {
        username: "kim.surabaya.ketua".into(),
        display_name: "Ketua KIM Surabaya".into(),
        email: None,
        password_hash: simpul_core::secrets::hash_password(crate::common::PASSWORD),
        locale: "id".into(),
    };
    app.store
        .create_user(
            &AuditContext::system("test"),
            &user,
            simpul_core::Role::KimOfficer,
            &simpul_core::Scope::Kim(surabaya.id),
        )
        .await
        .unwrap();
    surabaya.id
}

/// Send the post form as the phone does (multipart, CSRF token in the query string).
pub(crate) async fn post_multipart(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    files: Vec<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let csrf = app.csrf().await;
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        form = form.part(
            name.to_string(),
            reqwest::multipart::Part::bytes(bytes).file_name("foto.jpg"),
        );
    }
    app.client
        .post(app.url(&format!("{path}?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/portal/posts/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

const POTENTIAL: &[(&str, &str)] = &[
    ("kind", "potential"),
    ("category", "tourism"),
    ("title", "Wisatawan mengunjungi Air Terjun Putuk Truno"),
    (
        "body",
        "Air terjun **sejuk** di Prigen, dikunjungi keluarga setiap akhir pekan.",
    ),
    ("topics", "wisata alam"),
    ("place_name", "Air Terjun Putuk Truno"),
    ("price_range", "Rp10.000"),
    ("opening_hours", "07.00-16.00"),
    ("contact", "Pokdarwis"),
    ("lat", "-7.6950"),
    ("lon", "112.6400"),
    ("alt_0", "Air terjun di antara pepohonan"),
    ("caption_0", "Putuk Truno"),
];

async fn an_officer_posts_village_potential_the_office_publishes_and_the_public_finds_it(
    engine: Engine,
) {
    let mut app = TestApp::spawn(engine).await;
    app.login_as("kim.prigen.ketua").await;
    let r = post_multipart(
        &app,
        "/portal/new",
        POTENTIAL,
        vec![("photo_0", phone_photo(1600, 1200))],
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let location = crate::common::header(r.headers(), "location").to_owned();
    assert!(location.ends_with("done=pending"), "{location}");
    let id = id_from(&location);
    let (status, html) = app.get_text(&format!("/portal/posts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"post-status\""),
        "the writer sees it waits for review"
    );
    // The public does not see it yet.
    app.new_visitor();
    assert_eq!(
        app.get(&format!("/portal/posts/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, list) = app.get_text("/portal?q=putuk").await;
    assert!(!list.contains("Putuk Truno"));
    // Another KIM's officer cannot review; the kabupaten office publishes.
    app.login_as("kim.prigen.ketua").await;
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/review"),
            &[("decision", "publish")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let (_, queue) = app.get_text("/portal/review").await;
    assert!(queue.contains("Putuk Truno"));
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/review"),
            &[("decision", "send_back")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "sending back needs a note"
    );
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/review"),
            &[("decision", "publish"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/review"),
            &[("decision", "publish")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "already reviewed");
    // The public page: Open Graph, canonical, schema.org place markup.
    app.new_visitor();
    let (status, html) = app.get_text(&format!("/portal/posts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<strong>sejuk</strong>"));
    assert!(html.contains(
        "property=\"og:title\" content=\"Wisatawan mengunjungi Air Terjun Putuk Truno\""
    ));
    assert!(html.contains(&format!(
        "<link rel=\"canonical\" href=\"http://simpul.test/portal/posts/{id}\">"
    )));
    assert!(html.contains("\"@type\":\"TouristAttraction\""));
    assert!(html.contains("alt=\"Air terjun di antara pepohonan\""));
    // The photo: two sizes, re-encoded, no EXIF or GPS left.
    let photos = app.store.portal_photos(id).await.unwrap();
    assert_eq!(photos.len(), 1);
    for file in [photos[0].small_file_id, photos[0].large_file_id] {
        let r = app.get(&format!("/portal/photos/{file}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"));
        assert!(!bytes.windows(3).any(|w| w == b"GPS"));
        let img = image::load_from_memory(&bytes).unwrap();
        assert!(img.width() <= 1280);
    }
    assert_eq!((photos[0].width, photos[0].height), (1280, 960));
    // Search in Bahasa Indonesia with stemming: "kunjungan wisata" finds "mengunjungi", "wisatawan".
    let (_, found) = app.get_text("/portal?q=kunjungan%20wisata").await;
    assert!(
        found.contains("Putuk Truno"),
        "stemmed search finds the post"
    );
    let (_, filtered) = app.get_text("/portal?q=kunjungan&kind=news").await;
    assert!(!filtered.contains("Putuk Truno"), "the kind filter applies");
    let (_, regional) = app.get_text("/portal?region=35.14").await;
    assert!(regional.contains("Putuk Truno"));
    let (_, elsewhere) = app.get_text("/portal?region=35.78").await;
    assert!(!elsewhere.contains("Putuk Truno"));
    let (_, geo) = app.get_text("/potensi/map.geojson?category=tourism").await;
    assert!(geo.contains("Air Terjun Putuk Truno") && geo.contains("112.64"));
    let (_, potensi) = app.get_text("/potensi?category=tourism").await;
    assert!(potensi.contains("Putuk Truno"));
    let (_, feed) = app.get_text("/portal/feed.atom?region=35.14").await;
    assert!(feed.contains("<title>Wisatawan mengunjungi Air Terjun Putuk Truno</title>"));
    let (_, sitemap) = app.get_text("/sitemap.xml").await;
    assert!(sitemap.contains(&format!("/portal/posts/{id}</loc>")));
    let kim = app.demo_officer_kim().await;
    let (_, profile) = app.get_text(&format!("/kim/{kim}")).await;
    assert!(
        profile.contains("Putuk Truno"),
        "the KIM's page shows its posts"
    );
    // The API lists it.
    let r = app.get("/api/v1/portal/posts?q=wisatawan").await;
    let list: serde_json::Value = r.json().await.unwrap();
    assert!(list.as_array().unwrap().iter().any(|p| p["id"] == id));
    // Audited.
    let actions: Vec<String> = app
        .store
        .audit_entries(
            &simpul_core::ScopeRegions::All,
            &simpul_store::audit::AuditFilter {
                object_type: Some("portal_post".into()),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == "portal.create"));
    assert!(actions.iter().any(|a| a == "portal.publish"));
    app.finish().await;
}

async fn count_posts(app: &TestApp) -> usize {
    let kim = app.demo_officer_kim().await;
    app.store
        .portal_kim_posts(&[kim], 1000)
        .await
        .unwrap()
        .len()
}

async fn hostile_text_fake_images_and_other_kims_names_are_refused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kim.prigen.ketua").await;
    let before = count_posts(&app).await;
    // Fake, bomb and oversized pictures, and a photo without alt text: 422, a message, nothing written.
    let mut fields: Vec<(&str, &str)> = POTENTIAL.to_vec();
    for (file, expect) in [
        (b"<script>alert(1)</script>".to_vec(), "bukan foto"),
        (bomb(), "terlalu banyak piksel"),
        (vec![0xFF; 13 * 1024 * 1024], "lebih dari 12 MB"),
    ] {
        let r = post_multipart(&app, "/portal/new", &fields, vec![("photo_0", file)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains(expect), "{expect}");
    }
    fields.retain(|(k, _)| *k != "alt_0");
    let r = post_multipart(
        &app,
        "/portal/new",
        &fields,
        vec![("photo_0", phone_photo(64, 48))],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("pembaca layar"));
    // Unknown kind and category, a bad map point: field messages.
    let r = post_multipart(
        &app,
        "/portal/new",
        &[
            ("kind", "propaganda"),
            ("category", "x"),
            ("title", "T"),
            ("body", "B"),
            ("lat", "abc"),
            ("lon", "1"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Posting in another KIM's name.
    let other = app
        .store
        .search_kims(
            &simpul_store::registry::KimFilter {
                region: Some(RegionCode::parse("35.78").unwrap()),
                ..Default::default()
            },
            1,
            0,
        )
        .await
        .unwrap()
        .0[0]
        .id;
    let other_s = other.to_string();
    let mut foreign = POTENTIAL.to_vec();
    foreign.push(("kim", &other_s));
    let r = post_multipart(&app, "/portal/new", &foreign, vec![]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let token = app.api_token("kim.prigen.ketua").await;
    let r = app
        .api(reqwest::Method::POST, "/api/v1/portal/posts", &token, Some(serde_json::json!({"kim": other_s, "kind": "news", "category": "public", "title": "x", "body": "y"})))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count_posts(&app).await, before, "nothing half-written");
    // Hostile HTML in the text: stored, rendered without any script.
    let mut hostile = POTENTIAL.to_vec();
    let body = "Halo <script>alert(1)</script> <img src=x onerror=alert(2)> [klik](javascript:alert(3)) <iframe src=//evil.example></iframe>";
    for f in hostile.iter_mut() {
        if f.0 == "body" {
            f.1 = body;
        }
        if f.0 == "title" {
            f.1 = "<b onmouseover=alert(4)>Judul</b>";
        }
    }
    hostile.retain(|(k, _)| !k.ends_with("_0"));
    let r = post_multipart(&app, "/portal/new", &hostile, vec![]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = id_from(crate::common::header(r.headers(), "location"));
    let (_, html) = app.get_text(&format!("/portal/posts/{id}")).await;
    let article = html
        .split("<article")
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap();
    for tag in ["<script", "<img", "<iframe", "<b "] {
        assert!(!article.contains(tag), "{tag}");
    }
    // No element carries an event handler or a script link (the escaped text may show them).
    for tag in article.split('<').skip(1) {
        let inside = tag.split('>').next().unwrap_or_default().to_lowercase();
        assert!(!inside.contains("javascript:"), "{inside}");
        assert!(
            !inside.split_whitespace().any(|a| a.starts_with("on")),
            "{inside}"
        );
    }
    assert!(
        article.contains("onmouseover") && article.contains("Judul"),
        "the title is escaped text"
    );
    // Dates at the edge of the calendar in the portal's filters (found by page fuzzing).
    for q in [
        "until=%2B262142-12-31",
        "from=%2B262142-12-31",
        "until=-262143-01-01",
    ] {
        for page in ["/portal", "/portal/feed.atom", "/potensi/map.geojson"] {
            assert_eq!(
                app.get(&format!("{page}?{q}")).await.status(),
                StatusCode::OK,
                "{page}?{q}"
            );
        }
    }
    app.assert_no_panic();
    app.finish().await;
}

async fn readers_report_the_office_hides_and_reshares_follow(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let ctx = AuditContext::system("test");
    let prigen = app.demo_officer_kim().await;
    // A published post of the Prigen KIM.
    let post = simpul_store::portal::NewPost {
        kim_id: prigen,
        kind: "success".into(),
        category: "umkm".into(),
        title: "Kopi Prigen laris di pasar daring".into(),
        body_md: "Kisah sukses.".into(),
        body_html: "<p>Kisah sukses.</p>".into(),
        summary: "Kisah sukses.".into(),
        publish: true,
        terms: simpul_app::portal::content::index_terms(
            "Kopi Prigen laris di pasar daring",
            "",
            "Kisah sukses.",
            "",
        ),
        ..Default::default()
    };
    let id = app.store.portal_create_post(&ctx, &post).await.unwrap();
    // An officer of a Surabaya KIM re-shares it to their page.
    let surabaya = another_kims_officer(&app).await;
    app.login_as("kim.surabaya.ketua").await;
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/reshare"),
            &[("kim", &surabaya.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/reshare"),
            &[("kim", &surabaya.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "once per KIM");
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/reshare"),
            &[("kim", &prigen.to_string())],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "not in another KIM's name"
    );
    app.new_visitor();
    let (_, page) = app.get_text(&format!("/kim/{}", surabaya)).await;
    assert!(
        page.contains("Kopi Prigen laris"),
        "credited on the re-sharing KIM's page"
    );
    let (_, portal) = app.get_text("/portal?region=35").await;
    assert!(
        portal.contains("id=\"good-practice\""),
        "re-shared posts surface as good practice"
    );
    // A reader reports it; the office sees the report and hides the post with a reason.
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/report"),
            &[("reason", "nonsense")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/report"),
            &[("reason", "wrong"), ("detail", "Harga salah")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.login_as("kominfo.kab-pasuruan").await;
    let (_, queue) = app.get_text("/portal/review").await;
    assert!(queue.contains("Harga salah"));
    let r = app
        .post_form(&format!("/portal/posts/{id}/hide"), &[("reason", "")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/hide"),
            &[("reason", "Klaim belum diverifikasi")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.new_visitor();
    assert_eq!(
        app.get(&format!("/portal/posts/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, page) = app.get_text(&format!("/kim/{}", surabaya)).await;
    assert!(
        !page.contains("Kopi Prigen laris"),
        "the re-share follows the original's hiding"
    );
    // Restored: back everywhere.
    app.login_as("kominfo.kab-pasuruan").await;
    let r = app
        .post_form(
            &format!("/portal/posts/{id}/restore"),
            &[("reason", "Sudah diperiksa")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.new_visitor();
    let (_, page) = app.get_text(&format!("/kim/{}", surabaya)).await;
    assert!(page.contains("Kopi Prigen laris"));
    // Trusted KIMs publish directly.
    app.login_as("kominfo.kab-pasuruan").await;
    let r = app
        .post_form(
            "/portal/trusted",
            &[("kim", &prigen.to_string()), ("trusted", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    let r = post_multipart(
        &app,
        "/portal/new",
        &[
            ("kind", "news"),
            ("category", "public"),
            ("title", "Kerja bakti"),
            ("body", "Warga bergotong royong."),
        ],
        vec![],
    )
    .await;
    assert!(crate::common::header(r.headers(), "location").ends_with("done=created"));
    app.finish().await;
}

async fn a_citizen_sends_an_aspiration_and_follows_it_by_code(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    // Unknown category and region: field messages, nothing written.
    let before = app
        .store
        .aspirations_for(&simpul_core::ScopeRegions::All, None, 1000)
        .await
        .unwrap()
        .len();
    let r = post_multipart(
        &app,
        "/aspirasi",
        &[
            ("category", "bribery"),
            ("description", "Jalan rusak parah di dusun kami."),
            ("region", "35.99"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Pilih kategori aspirasi")
            && html.contains("kabupaten/kota lokasi yang dikenal")
    );
    assert_eq!(
        app.store
            .aspirations_for(&simpul_core::ScopeRegions::All, None, 1000)
            .await
            .unwrap()
            .len(),
        before
    );
    // A citizen without an account: routed to Kabupaten Pasuruan, a tracking code back.
    let r = post_multipart(
        &app,
        "/aspirasi",
        &[
            ("category", "infrastructure"),
            ("description", "Jembatan bambu di Dusun Ledug hampir putus."),
            ("region", "35.14"),
            ("contact", "0812 9999 0000"),
        ],
        vec![("photos", phone_photo(200, 150))],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let code = html
        .split("id=\"tracking-code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        simpul_core::portal::parse_tracking_code(&code).is_some(),
        "{code}"
    );
    let a = app.store.aspiration_by_code(&code).await.unwrap();
    assert_eq!(a.office_code, "35.14");
    assert!(!a.contact_sealed.contains("0812"), "the contact is sealed");
    // The tracking page: status, no contact.
    let (status, page) = app
        .get_text(&format!("/aspirasi/lacak/{}", code.to_lowercase()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Diterima") && !page.contains("0812"));
    // The office sees the contact; another kabupaten's office does not see it at all.
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, page) = app.get_text(&format!("/aspirations/{}", a.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("0812 9999 0000"));
    let r = app
        .post_form(
            &format!("/aspirations/{}/act", a.id),
            &[("action", "answer"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            &format!("/aspirations/{}/act", a.id),
            &[
                ("action", "answer"),
                ("note", "Perbaikan dijadwalkan pekan depan."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.new_visitor();
    let (_, page) = app.get_text(&format!("/aspirasi/lacak?kode={code}")).await;
    assert!(page.contains("Perbaikan dijadwalkan pekan depan."));
    // Guessed codes: a clear "not found", then the lookups are rate-limited.
    let mut statuses = Vec::new();
    for i in 0..30 {
        let r = app
            .get(&format!(
                "/aspirasi/lacak/ASP-{:0>12}",
                format!("{i}").replace('0', "A").replace('1', "B")
            ))
            .await;
        statuses.push(r.status());
    }
    assert_eq!(statuses[0], StatusCode::NOT_FOUND);
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS));
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::NOT_FOUND || *s == StatusCode::TOO_MANY_REQUESTS));
    // Overdue aspirations are escalated once by the job, and the office above is told.
    let r = post_multipart(
        &app,
        "/aspirasi",
        &[
            ("category", "social"),
            ("description", "Bantuan sosial belum cair tiga bulan."),
            ("region", "35.14"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let ctx = simpul_app::AppCtx::new(app.store.clone(), web_config())
        .await
        .unwrap();
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    let n = simpul_app::portal::aspirations::escalate_due(&ctx, later)
        .await
        .unwrap();
    assert!(n >= 1);
    assert_eq!(
        simpul_app::portal::aspirations::escalate_due(&ctx, later)
            .await
            .unwrap(),
        0,
        "once"
    );
    // Statistics for the office.
    app.login_as("kominfo.kab-pasuruan").await;
    let (status, stats) = app.get_text("/aspirations/stats").await;
    assert_eq!(status, StatusCode::OK);
    assert!(stats.contains("id=\"by-region\""));
    app.assert_no_panic();
    app.finish().await;
}
