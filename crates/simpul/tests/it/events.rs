//! Capacity building through the real server, on both engines: an organiser creates a forum
//! with quotas and the invitations go out; people register (a duplicate is refused), get a
//! signed ticket, are checked in per session at the door (twice counts once; forged, foreign
//! and not-yet-started refused with a clear message); attendees evaluate (others cannot);
//! certificates are PDFs verified on a public page; exports and the calendar file; and 300
//! people racing for the last 10 seats get exactly 10, the waiting list moving up on a
//! cancellation.

use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use simpul_core::audit::AuditContext;
use simpul_core::events::{RegStatus, Ticket};
use simpul_core::{RegionCode, Role, Scope};
use simpul_store::events::{NewEvent, NewRegistration, NewSession};
use simpul_store::Store;

on_both_engines!(
    an_organiser_creates_a_forum_and_people_register_check_in_and_evaluate,
    bad_input_is_refused_with_a_message_and_nothing_is_written,
    three_hundred_people_race_for_the_last_ten_seats,
    certificates_are_pdfs_verified_on_a_public_page,
    officers_register_their_members_and_offices_their_staff,
    an_organiser_edits_and_cancels_an_event,
    the_form_offers_regions_for_quotas_and_finds_kims_to_invite,
    the_api_does_what_the_pages_do,
);

/// An event in `region` from `start` (relative to now) lasting `hours`, one session per hour.
pub async fn sample_event(
    store: &Store,
    region: &str,
    start: Duration,
    hours: i64,
    capacity: i64,
    allowed_regions: &str,
) -> i64 {
    let starts_at = Utc::now() + start;
    let sessions = (0..hours)
        .map(|h| NewSession {
            title: format!("Sesi {}", h + 1),
            starts_at: starts_at + Duration::hours(h),
            ends_at: starts_at + Duration::hours(h + 1),
            speakers_json: "[]".into(),
        })
        .collect();
    let e = NewEvent {
        kind: "bimtek".into(),
        title: format!("Bimtek uji {region}"),
        description: "Uji".into(),
        venue: "Aula".into(),
        address: String::new(),
        lat: None,
        lon: None,
        online_url: String::new(),
        starts_at,
        ends_at: starts_at + Duration::hours(hours),
        capacity,
        reg_opens_at: Utc::now() - Duration::days(30),
        reg_closes_at: starts_at + Duration::hours(hours),
        allowed_roles: String::new(),
        allowed_regions: allowed_regions.into(),
        invited_only: false,
        materials_public: false,
        min_attendance: 75,
        region: RegionCode::parse(region).unwrap(),
        created_by: None,
        sessions,
        quotas: Vec::new(),
        invites: Vec::new(),
        materials: Vec::new(),
    };
    store
        .create_event(&AuditContext::system("test"), &e)
        .await
        .unwrap()
}

/// A registration made directly in the store, with a known nonce; returns (id, ticket code).
pub async fn seat(store: &Store, event: i64, user: i64, region: &str) -> (i64, String) {
    let p = store
        .register_for_event(
            &AuditContext::system("test"),
            &NewRegistration {
                event_id: event,
                user_id: user,
                name: format!("Peserta {user}"),
                role: "kim_member".into(),
                region_code: region.into(),
                kim_id: None,
                nonce: format!("nonce-{user}"),
                registered_by: None,
            },
        )
        .await
        .unwrap();
    let code = Ticket::code(
        &web_config().secret.0,
        event,
        p.id,
        &format!("nonce-{user}"),
    );
    (p.id, code)
}

async fn new_user(store: &Store, username: &str, region: &str) -> i64 {
    let user = simpul_store::accounts::NewUser {
        username: username.into(),
        display_name: format!("Warga {username}"),
        email: None,
        password_hash: "x".into(),
        locale: "id".into(),
    };
    store
        .create_user(
            &AuditContext::system("test"),
            &user,
            Role::KimMember,
            &Scope::Region(RegionCode::parse(region).unwrap()),
        )
        .await
        .unwrap()
}

fn location(r: &reqwest::Response) -> String {
    crate::common::header(r.headers(), "location").to_owned()
}

fn today_wib(offset_minutes: i64) -> (String, String) {
    let t = Utc::now().with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        + Duration::minutes(offset_minutes);
    (
        t.format("%Y-%m-%d").to_string(),
        t.format("%H:%M").to_string(),
    )
}

type Wib = chrono::DateTime<chrono::FixedOffset>;

fn wib_day_time(t: Wib) -> (String, String) {
    (
        t.format("%Y-%m-%d").to_string(),
        t.format("%H:%M").to_string(),
    )
}

/// (start, end) of a session that has started and of one that starts in 40 minutes or more, each
/// within one day in WIB (the form takes a session's date once).
fn two_sessions_around_now() -> ((Wib, Wib), (Wib, Wib)) {
    use chrono::{NaiveTime, TimeZone};
    let zone = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let now = Utc::now().with_timezone(&zone);
    let at = |day: chrono::NaiveDate, h: u32, m: u32| {
        zone.from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap()))
            .unwrap()
    };
    let today = now.date_naive();
    let opening = (
        (now - Duration::minutes(20)).max(at(today, 0, 0)),
        (now + Duration::minutes(40)).min(at(today, 23, 59)),
    );
    let mut later = now + Duration::minutes(40);
    if later.time() > NaiveTime::from_hms_opt(22, 0, 0).unwrap() {
        later = at(later.date_naive() + Duration::days(1), 0, 10);
    }
    (opening, (later, later + Duration::minutes(60)))
}

async fn an_organiser_creates_a_forum_and_people_register_check_in_and_evaluate(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    app.login_as("kominfo.jatim").await;
    // The opening has started (check-in opens), the discussion has not; neither crosses midnight
    // in WIB, whatever the hour the test runs at.
    let (opening, discussion) = two_sessions_around_now();
    let (d0, t0) = wib_day_time(opening.0);
    let (_, tm) = wib_day_time(opening.1);
    let (d1, tm1) = wib_day_time(discussion.0);
    let (_, t1) = wib_day_time(discussion.1);
    let r = app
        .post_form(
            "/events",
            &[
                ("kind", "forum"),
                ("title", "Forum Kemitraan Uji"),
                ("description", "Forum untuk KIM"),
                ("venue", "Gedung Negara Grahadi"),
                ("address", "Jl. Gubernur Suryo 7, Surabaya"),
                ("lat", "-7.2635"),
                ("lon", "112.7424"),
                ("start_date", &d0),
                ("start_time", &t0),
                ("end_date", &d1),
                ("end_time", &t1),
                ("capacity", "50"),
                ("quota_each_regency", "2"),
                ("quotas", "Kabupaten Pasuruan = 5"),
                ("session_title", "Pembukaan"),
                ("session_date", &d0),
                ("session_start", &t0),
                ("session_end", &tm),
                (
                    "session_speakers",
                    "Dr. Hendra; Direktur; Kemkomdigi\nRina; Prakirawan; BMKG",
                ),
                ("session_title", "Diskusi"),
                ("session_date", &d1),
                ("session_start", &tm1),
                ("session_end", &t1),
                ("session_speakers", ""),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let id: i64 = location(&r)
        .trim_start_matches("/events/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let quotas = app.store.event_quotas(id).await.unwrap();
    assert_eq!(
        quotas.len(),
        38,
        "two seats for each of the 38 kabupaten/kota"
    );
    assert_eq!(
        quotas
            .iter()
            .find(|q| q.region_code == "35.14")
            .unwrap()
            .seats,
        5
    );
    let sessions = app.store.event_sessions(id).await.unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].speaker_list()[1].institution, "BMKG");
    // The invitation reached the KIM officer of Prigen through the backbone.
    let officer = app.user_id("kim.prigen.ketua").await;
    let notes = app.notifications_at_least(officer, 1).await;
    assert!(
        notes
            .iter()
            .any(|n| n.title.contains("Forum Kemitraan Uji")),
        "{notes:?}"
    );

    // A KIM member registers from the event's page.
    app.new_visitor();
    app.login_as("kim.prigen.anggota").await;
    let (status, html) = app.get_text(&format!("/events/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"register\""));
    let r = app.post_form(&format!("/events/{id}/register"), &[]).await;
    assert_eq!(location(&r), format!("/events/{id}?done=confirmed"));
    // Twice: refused, in words, and still one registration.
    let r = app.post_form(&format!("/events/{id}/register"), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("sudah terdaftar"));
    assert_eq!(app.store.participants(id).await.unwrap().len(), 1);
    let (_, ticket) = app.get_text(&format!("/events/{id}/ticket")).await;
    assert!(ticket.contains("<svg"), "a QR code");
    let code = ticket
        .split("id=\"ticket-code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    // Before attending, no evaluation.
    let r = app
        .post_form(
            &format!("/events/{id}/evaluation"),
            &[(&format!("rating_{}", sessions[0].id), "5")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("hanya untuk peserta yang hadir"));

    // At the door: the first session has started, the second not yet.
    app.new_visitor();
    app.login_as("kominfo.jatim").await;
    let door = format!("/events/{id}/checkin");
    let s0 = sessions[0].id.to_string();
    let s1 = sessions[1].id.to_string();
    let r = app
        .post_form(&door, &[("session", &s0), ("code", &code)])
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("tercatat hadir"), "{html}");
    let r = app
        .post_form(&door, &[("session", &s0), ("code", &code.to_lowercase())])
        .await;
    assert!(r.text().await.unwrap().contains("sudah tercatat hadir"));
    let r = app
        .post_form(&door, &[("session", &s1), ("code", &code)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("belum dimulai"));
    // The phone's queue synced twice counts once.
    let scans = format!(
        "[{{\"id\":\"a\",\"code\":\"{code}\",\"session_id\":{s0}}},{{\"id\":\"b\",\"code\":\"T999-1-0123456789ABCDEF\",\"session_id\":{s0}}}]"
    );
    for _ in 0..2 {
        let r = app
            .post_form(&format!("{door}/sync"), &[("scans", &scans)])
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v[0]["ok"], true);
        assert_eq!(v[0]["first"], false);
        assert_eq!(v[1]["ok"], false);
        assert!(v[1]["message"].as_str().unwrap().contains("acara lain"));
    }
    let people = app.store.participants(id).await.unwrap();
    assert_eq!(
        people[0].sessions,
        vec![sessions[0].id],
        "one check-in, once"
    );

    // The attendee evaluates the session they attended, not the other.
    app.new_visitor();
    app.login_as("kim.prigen.anggota").await;
    let r = app
        .post_form(
            &format!("/events/{id}/evaluation"),
            &[(&format!("rating_{}", sessions[1].id), "4")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_form(
            &format!("/events/{id}/evaluation"),
            &[
                (&format!("rating_{}", sessions[0].id), "5"),
                (&format!("comment_{}", sessions[0].id), "Sangat bermanfaat"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/events/{id}?done=evaluated"));

    // The organiser's report, exports and the calendar file.
    app.new_visitor();
    app.login_as("kominfo.jatim").await;
    let (status, html) = app.get_text(&format!("/events/{id}/report")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sangat bermanfaat") && html.contains("<svg"));
    let (_, csv) = app
        .get_text(&format!("/events/{id}/participants.csv"))
        .await;
    assert!(
        csv.contains("Anggota KIM") && csv.contains("Pembukaan"),
        "{csv}"
    );
    let xlsx = app
        .get(&format!("/events/{id}/participants.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));
    app.new_visitor();
    let (status, ics) = app.get_text(&format!("/events/{id}/event.ics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        ics.contains("BEGIN:VCALENDAR") && ics.contains("Pembukaan"),
        "{ics}"
    );
    app.finish().await;
}

async fn bad_input_is_refused_with_a_message_and_nothing_is_written(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let store = app.store.clone();
    app.login_as("kominfo.kab-pasuruan").await;
    // A form full of mistakes: every field named, nothing created.
    let before = store.events(1000).await.unwrap().len();
    let r = app
        .post_form(
            "/events",
            &[
                ("kind", "pesta"),
                ("title", ""),
                ("description", "x"),
                ("start_date", "2026-13-40"),
                ("start_time", "25:00"),
                ("end_time", "08:00"),
                ("capacity", "-3"),
                ("online_url", "javascript:alert(1)"),
                ("quotas", "Atlantis = 3"),
                ("session_title", "Sesi"),
                ("session_start", "10:00"),
                ("session_end", "09:00"),
                ("session_speakers", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for words in [
        "Pilih jenis acara",
        "Jumlah kursi",
        "http://",
        "Kuota tidak dapat dibaca",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    assert_eq!(store.events(1000).await.unwrap().len(), before);
    // Another office's region: refused.
    let r = app
        .post_form(
            "/events",
            &[("kind", "forum"), ("title", "x"), ("region", "33.74")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Registration after the window closed.
    let closed = sample_event(&store, "35.14", Duration::hours(-3), 1, 10, "").await;
    app.new_visitor();
    app.login_as("kim.prigen.anggota").await;
    let r = app
        .post_form(&format!("/events/{closed}/register"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("sudah ditutup"));
    // Outside the regions allowed.
    let elsewhere = sample_event(&store, "35.14", Duration::days(3), 2, 10, "35.07").await;
    let r = app
        .post_form(&format!("/events/{elsewhere}/register"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not even visible");
    // Over the region's quota: a waiting place, said so.
    let base = sample_event(&store, "35", Duration::days(3), 2, 10, "").await;
    let full = new_user(&store, "tetangga.prigen", "35.14.10").await;
    let quota2 = store
        .create_event(
            &AuditContext::system("test"),
            &NewEvent {
                quotas: vec![("35.14".into(), 1)],
                ..quota_event(&store, base).await
            },
        )
        .await
        .unwrap();
    seat(&store, quota2, full, "35.14.10").await;
    let r = app
        .post_form(&format!("/events/{quota2}/register"), &[])
        .await;
    assert_eq!(location(&r), format!("/events/{quota2}?done=quota"));
    let (_, html) = app.get_text(&location(&r)).await;
    assert!(html.contains("Kuota wilayah Anda sudah penuh"));
    assert!(html.contains("Daftar tunggu"));

    // Forged and foreign tickets, at the door of an event that is running.
    let running = sample_event(&store, "35.14", Duration::minutes(-10), 2, 10, "").await;
    let other = sample_event(&store, "35.14", Duration::minutes(-10), 2, 10, "").await;
    let guest = new_user(&store, "tamu.uji", "35.14.10").await;
    let (_, code) = seat(&store, running, guest, "35.14.10").await;
    let (_, foreign) = seat(&store, other, guest, "35.14.10").await;
    let session = store.event_sessions(running).await.unwrap()[0]
        .id
        .to_string();
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let door = format!("/events/{running}/checkin");
    let forged = format!("{}0000000000000000", &code[..code.len() - 16]);
    for (bad, words) in [
        (forged.as_str(), "Tiket tidak sah"),
        (foreign.as_str(), "acara lain"),
        ("halo", "bukan kode tiket"),
    ] {
        let r = app
            .post_form(&door, &[("session", &session), ("code", bad)])
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(r.text().await.unwrap().contains(words), "{bad}");
    }
    assert!(store
        .participants(running)
        .await
        .unwrap()
        .iter()
        .all(|p| p.sessions.is_empty()));
    // A regency admin cannot work the door of another regency's event.
    let malang = sample_event(&store, "35.07", Duration::minutes(-10), 1, 10, "").await;
    let r = app.get(&format!("/events/{malang}/checkin")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.finish().await;
}

/// The stored event `id` as a new event to write again with other settings.
async fn quota_event(store: &Store, id: i64) -> NewEvent {
    let e = store.event(id).await.unwrap();
    NewEvent {
        kind: e.kind,
        title: format!("{} (kuota)", e.title),
        description: e.description,
        venue: e.venue,
        address: e.address,
        lat: None,
        lon: None,
        online_url: String::new(),
        starts_at: e.starts_at,
        ends_at: e.ends_at,
        capacity: e.capacity,
        reg_opens_at: e.reg_opens_at,
        reg_closes_at: e.reg_closes_at,
        allowed_roles: String::new(),
        allowed_regions: String::new(),
        invited_only: false,
        materials_public: false,
        min_attendance: 75,
        region: RegionCode::parse(&e.region_code).unwrap(),
        created_by: None,
        sessions: vec![NewSession {
            title: "Sesi".into(),
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            speakers_json: "[]".into(),
        }],
        quotas: Vec::new(),
        invites: Vec::new(),
        materials: Vec::new(),
    }
}

async fn three_hundred_people_race_for_the_last_ten_seats(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let store = app.store.clone();
    let ctx = simpul_app::AppCtx::new(store.clone(), web_config())
        .await
        .unwrap();
    let event = sample_event(&store, "35", Duration::days(5), 2, 20, "").await;
    // Ten seats already taken.
    for i in 0..10 {
        let u = new_user(&store, &format!("awal.{i}"), "35.14.10").await;
        seat(&store, event, u, "35.14.10").await;
    }
    let mut actors = Vec::new();
    for i in 0..300 {
        let u = new_user(&store, &format!("balapan.{i}"), "35.07").await;
        actors.push(simpul_app::accounts::actor(&ctx, u).await.unwrap());
    }
    let started = std::time::Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for who in actors {
        let ctx = ctx.clone();
        set.spawn(async move {
            let audit = AuditContext::system("race");
            // A busy database answers 503 and the person taps again: the same registration.
            for _ in 0..20 {
                match simpul_app::events::register::register(&ctx, &who, &audit, event).await {
                    Err(simpul_app::AppError::Unavailable(_)) => {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await
                    }
                    other => return other.map(|p| p.status),
                }
            }
            panic!("the database stayed busy");
        });
    }
    let mut confirmed = 0;
    let mut waiting = 0;
    while let Some(done) = set.join_next().await {
        match done.unwrap().unwrap() {
            RegStatus::Confirmed => confirmed += 1,
            RegStatus::Waitlisted => waiting += 1,
            RegStatus::Cancelled => unreachable!(),
        }
    }
    eprintln!(
        "registration race on {engine:?}: 300 registrations in {:?}",
        started.elapsed()
    );
    assert_eq!((confirmed, waiting), (10, 290));
    let people = store.participants(event).await.unwrap();
    let held = |s: &str| people.iter().filter(|p| p.registration.status == s).count();
    assert_eq!(held("confirmed"), 20);
    assert_eq!(held("waitlisted"), 290);

    // A cancellation moves the first waiting person up, and only one.
    let first_waiting = people
        .iter()
        .filter(|p| p.registration.status == "waitlisted")
        .min_by_key(|p| (p.registration.updated_at, p.registration.id))
        .unwrap()
        .registration
        .clone();
    let leaving = people
        .iter()
        .find(|p| p.registration.status == "confirmed")
        .unwrap();
    let organiser = simpul_app::accounts::actor(&ctx, app.user_id("kominfo.jatim").await)
        .await
        .unwrap();
    let audit = AuditContext::system("test");
    let moved =
        simpul_app::events::register::cancel(&ctx, &organiser, &audit, leaving.registration.id)
            .await
            .unwrap()
            .expect("someone moves up");
    assert_eq!(moved.registration_id, first_waiting.id);
    assert!(simpul_app::events::register::cancel(
        &ctx,
        &organiser,
        &audit,
        leaving.registration.id
    )
    .await
    .unwrap()
    .is_none());
    let people = store.participants(event).await.unwrap();
    assert_eq!(
        people
            .iter()
            .filter(|p| p.registration.status == "confirmed")
            .count(),
        20
    );
    // They are told (a notice queued with the cancellation, sent by the worker).
    let notes = app.notifications_at_least(first_waiting.user_id, 2).await;
    assert!(
        notes.iter().any(|n| n.title.contains("mendapat kursi")),
        "{notes:?}"
    );
    app.finish().await;
}

async fn certificates_are_pdfs_verified_on_a_public_page(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let store = app.store.clone();
    let ctx = AuditContext::system("test");
    let past = sample_event(&store, "35", Duration::days(-2), 4, 10, "").await;
    let member = app.user_id("kim.prigen.anggota").await;
    let officer = app.user_id("kim.prigen.ketua").await;
    let (mine, _) = seat(&store, past, member, "35.14.10").await;
    let (theirs, _) = seat(&store, past, officer, "35.14.10").await;
    let sessions = store.event_sessions(past).await.unwrap();
    for s in &sessions {
        store
            .check_in(&ctx, mine, s.id, s.starts_at, None, "scan")
            .await
            .unwrap();
    }
    // The officer came to one session in four: below 75%.
    store
        .check_in(
            &ctx,
            theirs,
            sessions[0].id,
            sessions[0].starts_at,
            None,
            "scan",
        )
        .await
        .unwrap();
    app.login_as("kim.prigen.anggota").await;
    let (_, html) = app.get_text(&format!("/events/{past}")).await;
    assert!(html.contains("id=\"certificate-link\""));
    let r = app.get(&format!("/events/{past}/certificate.pdf")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        crate::common::header(r.headers(), "content-type"),
        "application/pdf"
    );
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let code = store
        .registration(mine)
        .await
        .unwrap()
        .certificate_code
        .unwrap();
    // Downloaded again: the same code.
    app.get(&format!("/events/{past}/certificate.pdf")).await;
    assert_eq!(
        store
            .registration(mine)
            .await
            .unwrap()
            .certificate_code
            .unwrap(),
        code
    );
    // The profile lists the completed training with its code.
    let (_, list) = app.get_text("/events").await;
    assert!(list.contains(&code));
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    let r = app.get(&format!("/events/{past}/certificate.pdf")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("hadir cukup lama"));
    // Anyone checks the code.
    app.new_visitor();
    let (status, html) = app.get_text(&format!("/sertifikat/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sertifikat ini asli") && html.contains(&format!("Peserta {member}")));
    let (status, _) = app.get_text("/sertifikat/S-000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = app
        .get(&format!("/sertifikat?kode={}", code.to_lowercase()))
        .await;
    assert_eq!(location(&r), format!("/sertifikat/{code}"));
    app.finish().await;
}

/// A KIM member account of `kim` (the officer's list offers it).
async fn new_member(store: &Store, username: &str, kim: i64) -> i64 {
    let user = simpul_store::accounts::NewUser {
        username: username.into(),
        display_name: format!("Warga {username}"),
        email: Some(format!("{username}@example.id")),
        password_hash: "x".into(),
        locale: "id".into(),
    };
    store
        .create_user(
            &AuditContext::system("test"),
            &user,
            Role::KimMember,
            &Scope::Kim(kim),
        )
        .await
        .unwrap()
}

fn participants(ids: &[i64], seats_only: bool) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> =
        ids.iter().map(|i| ("participant", i.to_string())).collect();
    if seats_only {
        f.push(("seats_only", "1".into()));
    }
    f
}

async fn post_pairs(
    app: &TestApp,
    path: &str,
    fields: &[(&'static str, String)],
) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(path, &pairs).await
}

async fn officers_register_their_members_and_offices_their_staff(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let store = app.store.clone();
    let kim = app.demo_officer_kim().await;
    let officer = app.user_id("kim.prigen.ketua").await;
    let a = new_member(&store, "sari.prigen", kim).await;
    let b = new_member(&store, "budi.prigen", kim).await;
    let c = new_member(&store, "tono.prigen", kim).await;
    // Two seats for Kabupaten Pasuruan.
    let base = sample_event(&store, "35", Duration::days(3), 2, 10, "").await;
    let id = store
        .create_event(
            &AuditContext::system("test"),
            &NewEvent {
                quotas: vec![("35.14".into(), 2)],
                ..quota_event(&store, base).await
            },
        )
        .await
        .unwrap();

    // A member cannot register others.
    app.login_as("kim.prigen.anggota").await;
    let r = app.get(&format!("/events/{id}/participants/new")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, html) = app.get_text(&format!("/events/{id}")).await;
    assert!(!html.contains("id=\"register-others\""));

    // The officer picks members of their KIM from the list the page offers.
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    let (_, html) = app.get_text(&format!("/events/{id}")).await;
    assert!(html.contains("id=\"register-others\""), "{html}");
    let (status, html) = app
        .get_text(&format!("/events/{id}/participants/new"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for name in [
        "Warga sari.prigen",
        "Warga budi.prigen",
        "Warga tono.prigen",
    ] {
        assert!(html.contains(name), "{name} offered");
    }
    let path = format!("/events/{id}/participants");
    let r = post_pairs(&app, &path, &participants(&[a, b], true)).await;
    assert_eq!(location(&r), format!("/events/{id}?done=others"));
    let people = store.participants(id).await.unwrap();
    assert_eq!(people.len(), 2);
    for p in &people {
        assert_eq!(p.registration.status, "confirmed");
        assert_eq!(p.registration.registered_by, Some(officer));
        assert_eq!(p.registration.kim_id, Some(kim));
    }
    // Each participant got their ticket.
    let notes = app.notifications_at_least(a, 1).await;
    assert!(
        notes
            .iter()
            .any(|n| n.title.starts_with("Terdaftar") && n.body.contains("Kode tiket: T")),
        "{notes:?}"
    );

    // A duplicate: named, refused, nothing written.
    let r = post_pairs(&app, &path, &participants(&[a, c], true)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Warga sari.prigen: sudah terdaftar di acara ini"),
        "{html}"
    );
    assert!(html.contains("Belum ada yang didaftarkan"));
    assert_eq!(store.participants(id).await.unwrap().len(), 2);
    // Over the quota: refused when everyone must get a seat...
    let r = post_pairs(&app, &path, &participants(&[c], true)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Warga tono.prigen: kuota Kabupaten Pasuruan sudah penuh"),
        "{html}"
    );
    assert_eq!(store.participants(id).await.unwrap().len(), 2);
    // ... or a waiting place when the officer allows it.
    let r = post_pairs(&app, &path, &participants(&[c], false)).await;
    assert_eq!(location(&r), format!("/events/{id}?done=others"));
    let tono = store.registration_of(id, c).await.unwrap().unwrap();
    assert_eq!(tono.status, "waitlisted");
    // Someone who is not the officer's member: refused.
    let stranger = new_user(&store, "orang.lain", "35.14.10").await;
    let r = post_pairs(&app, &path, &participants(&[stranger], true)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("anggota KIM atau staf kantor Anda"));
    assert!(store.registration_of(id, stranger).await.unwrap().is_none());
    // Outside the registration window.
    let closed = sample_event(&store, "35.14", Duration::hours(-3), 1, 10, "").await;
    let r = post_pairs(
        &app,
        &format!("/events/{closed}/participants"),
        &participants(&[b], true),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("sudah ditutup"));
    assert!(store.participants(closed).await.unwrap().is_empty());

    // An office registers its staff.
    let staff = store
        .create_user(
            &AuditContext::system("test"),
            &simpul_store::accounts::NewUser {
                username: "staf.pasuruan".into(),
                display_name: "Staf Diskominfo Pasuruan".into(),
                email: None,
                password_hash: "x".into(),
                locale: "id".into(),
            },
            Role::RegencyAdmin,
            &Scope::Region(RegionCode::parse("35.14").unwrap()),
        )
        .await
        .unwrap();
    let open = sample_event(&store, "35", Duration::days(3), 2, 10, "").await;
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let (_, html) = app
        .get_text(&format!("/events/{open}/participants/new"))
        .await;
    assert!(html.contains("Staf Diskominfo Pasuruan"), "{html}");
    assert!(
        !html.contains("Warga sari.prigen"),
        "KIM members are the officer's to register"
    );
    let r = post_pairs(
        &app,
        &format!("/events/{open}/participants"),
        &participants(&[staff], true),
    )
    .await;
    assert_eq!(location(&r), format!("/events/{open}?done=others"));
    assert_eq!(
        store
            .registration_of(open, staff)
            .await
            .unwrap()
            .unwrap()
            .status,
        "confirmed"
    );
    let audit = store
        .audit_entries(
            &simpul_core::authz::ScopeRegions::All,
            &Default::default(),
            500,
        )
        .await
        .unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "event.register" && e.summary.contains("registered_by")));
    app.finish().await;
}

/// The WIB date and time of `t`.
fn wib(t: chrono::DateTime<Utc>) -> (String, String) {
    let t = t.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap());
    (
        t.format("%Y-%m-%d").to_string(),
        t.format("%H:%M").to_string(),
    )
}

async fn an_organiser_edits_and_cancels_an_event(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let store = app.store.clone();
    let id = sample_event(&store, "35.14", Duration::days(3), 2, 10, "").await;
    let member = app.user_id("kim.prigen.anggota").await;
    let (_, code) = seat(&store, id, member, "35.14.10").await;
    let other = new_user(&store, "peserta.kedua", "35.14.10").await;
    seat(&store, id, other, "35.14.10").await;
    let waiting = new_user(&store, "menunggu.uji", "35.14.10").await;
    app.login_as("kominfo.kab-pasuruan").await;

    // The edit form is the create form, filled in.
    let (status, html) = app.get_text(&format!("/events/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"Bimtek uji 35.14\"") && html.contains("value=\"Sesi 2\""));
    assert!(html.contains(&format!("action=\"/events/{id}/edit\"")));
    let e = store.event(id).await.unwrap();
    let sessions = store.event_sessions(id).await.unwrap();
    let (d0, t0) = wib(e.starts_at);
    let (d1, t1) = wib(e.ends_at);
    let form = |capacity: &'static str| {
        vec![
            ("kind", "workshop".to_string()),
            ("title", "Bimtek diubah".to_string()),
            ("description", "Tempat pindah".to_string()),
            ("venue", "Aula baru".to_string()),
            ("start_date", d0.clone()),
            ("start_time", t0.clone()),
            ("end_date", d1.clone()),
            ("end_time", t1.clone()),
            ("capacity", capacity.to_string()),
        ]
    };
    // Fewer seats than people already seated: refused, in words, nothing changed.
    let r = post_pairs(&app, &format!("/events/{id}/edit"), &form("1")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("tidak boleh kurang dari jumlah peserta"));
    assert_eq!(store.event(id).await.unwrap().title, "Bimtek uji 35.14");
    // A right edit: the agenda left empty is one session (the second goes: nobody checked in
    // to it), and the participants are told.
    let r = post_pairs(&app, &format!("/events/{id}/edit"), &form("2")).await;
    assert_eq!(location(&r), format!("/events/{id}?done=updated"));
    let e = store.event(id).await.unwrap();
    assert_eq!(
        (e.title.as_str(), e.venue.as_str(), e.capacity),
        ("Bimtek diubah", "Aula baru", 2)
    );
    let now_sessions = store.event_sessions(id).await.unwrap();
    assert_eq!(now_sessions.len(), 1);
    assert_eq!(
        now_sessions[0].id, sessions[0].id,
        "the session kept its id"
    );
    let notes = app.notifications_at_least(member, 1).await;
    assert!(
        notes
            .iter()
            .any(|n| n.title == "Acara diubah: Bimtek diubah"),
        "{notes:?}"
    );
    // Full now: a newcomer waits.
    let (wid, _) = seat(&store, id, waiting, "35.14.10").await;
    assert_eq!(store.registration(wid).await.unwrap().status, "waitlisted");

    // Cancelling needs a reason.
    let r = app
        .post_form(&format!("/events/{id}/cancel-event"), &[("reason", " ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(store.event(id).await.unwrap().status, "published");
    let r = app
        .post_form(
            &format!("/events/{id}/cancel-event"),
            &[("reason", "Lokasi terendam banjir")],
        )
        .await;
    assert_eq!(location(&r), format!("/events/{id}?done=event_cancelled"));
    let (_, html) = app.get_text(&location(&r)).await;
    assert!(html.contains("id=\"event-cancelled\"") && html.contains("Lokasi terendam banjir"));
    assert!(!html.contains("id=\"edit-link\""));
    // Participants and the waiting list are told why.
    for who in [member, waiting] {
        let notes = app.notifications_at_least(who, 1).await;
        assert!(
            notes
                .iter()
                .any(|n| n.title == "Acara dibatalkan: Bimtek diubah"
                    && n.body.contains("Lokasi terendam banjir")),
            "{notes:?}"
        );
    }
    // Tickets are refused at the door, in words; the edit form is gone.
    let door = format!("/events/{id}/checkin");
    let r = app
        .post_form(
            &door,
            &[("session", &sessions[0].id.to_string()), ("code", &code)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("dibatalkan: tiket tidak berlaku lagi"));
    let r = app.get(&format!("/events/{id}/edit")).await;
    assert_eq!(location(&r), format!("/events/{id}"));
    let r = post_pairs(&app, &format!("/events/{id}/edit"), &form("5")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(store.event(id).await.unwrap().capacity, 2);
    // Registration is closed.
    app.new_visitor();
    app.login_as("kim.prigen.ketua").await;
    let r = app.post_form(&format!("/events/{id}/register"), &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("sudah dibatalkan"));
    // Another office's event: not this office's to cancel or edit.
    let theirs = sample_event(&store, "35.07", Duration::days(3), 1, 10, "").await;
    app.new_visitor();
    app.login_as("kominfo.kab-pasuruan").await;
    let r = app
        .post_form(
            &format!("/events/{theirs}/cancel-event"),
            &[("reason", "Bukan acara kami")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.get(&format!("/events/{theirs}/edit")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let audit = store
        .audit_entries(
            &simpul_core::authz::ScopeRegions::All,
            &Default::default(),
            500,
        )
        .await
        .unwrap();
    for action in ["event.update", "event.cancel"] {
        assert!(
            audit
                .iter()
                .any(|e| e.action == action && e.object_id == id.to_string()),
            "{action}"
        );
    }
    assert_eq!(store.event(theirs).await.unwrap().status, "published");
    app.finish().await;
}

async fn the_form_offers_regions_for_quotas_and_finds_kims_to_invite(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let store = app.store.clone();
    let kim = app.demo_officer_kim().await;
    let kim_name = store.kim(kim).await.unwrap().name;
    app.login_as("kominfo.jatim").await;
    let (status, html) = app.get_text("/events/new").await;
    assert_eq!(status, StatusCode::OK);
    // A seats box for each kabupaten/kota of the province, by name.
    assert!(html.contains("Kabupaten Pasuruan") && html.contains("name=\"quota_seats\""));
    assert!(!html.contains("name=\"invite_kims\""), "no ids to type");
    // Searching for a KIM keeps what was typed and offers the KIMs found to tick.
    let fragment = kim_name.clone();
    let r = app
        .post_form(
            "/events",
            &[
                ("title", "Bimtek undangan"),
                ("kim_search", fragment.as_str()),
                ("action", "search"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"Bimtek undangan\""));
    assert!(
        html.contains(&format!("name=\"invite_kim\" value=\"{kim}\"")),
        "{fragment}: {html}"
    );
    assert_eq!(
        store
            .events(1000)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.title == "Bimtek undangan")
            .count(),
        0
    );
    let (d, _) = today_wib(60 * 24 * 5);
    let r = app
        .post_form(
            "/events",
            &[
                ("kind", "bimtek"),
                ("title", "Bimtek undangan"),
                ("description", "Hanya KIM yang diundang"),
                ("venue", "Aula"),
                ("start_date", &d),
                ("start_time", "08:00"),
                ("end_date", &d),
                ("end_time", "12:00"),
                ("capacity", "40"),
                ("quota_region", "35.14"),
                ("quota_seats", "3"),
                ("quota_region", "35.07"),
                ("quota_seats", ""),
                ("invited_only", "1"),
                ("invite_kim", &kim.to_string()),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let id: i64 = location(&r)
        .trim_start_matches("/events/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let quotas = store.event_quotas(id).await.unwrap();
    assert_eq!(quotas.len(), 1);
    assert_eq!(
        (quotas[0].region_code.as_str(), quotas[0].seats),
        ("35.14", 3)
    );
    assert_eq!(store.event_invites(id).await.unwrap(), vec![kim]);
    // The edit form shows the quota in its region's box and the invited KIM ticked.
    let (_, html) = app.get_text(&format!("/events/{id}/edit")).await;
    assert!(html.contains(&format!("name=\"invite_kim\" value=\"{kim}\" checked")));
    assert!(html.contains(&kim_name));
    // A region outside the office's province: refused in words.
    let r = app
        .post_form(
            "/events",
            &[
                ("kind", "bimtek"),
                ("title", "x"),
                ("quota_region", "33.74"),
                ("quota_seats", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Kuota tidak dapat dibaca"));
    app.finish().await;
}

/// Everything the pages do, through the API with a token: the organiser edits an event, adds a
/// material, lists the participants and cancels it (twice: the retry changes nothing); a KIM
/// officer registers a member (all or nothing, each person named when refused); an attendee
/// reads their ticket, evaluates and downloads the certificate.
async fn the_api_does_what_the_pages_do(engine: Engine) {
    use reqwest::Method;
    use serde_json::json;
    let app = TestApp::spawn(engine).await;
    let store = app.store.clone();
    let ctx = AuditContext::system("test");
    let kim = app.demo_officer_kim().await;
    let officer = app.api_token("kim.prigen.ketua").await;
    let office = app.api_token("kominfo.kab-pasuruan").await;

    // The officer registers a member of their KIM: their candidates come first.
    let upcoming = sample_event(&store, "35.14", Duration::days(5), 2, 1, "").await;
    let first = new_member(&store, "warga.api.satu", kim).await;
    let second = new_member(&store, "warga.api.dua", kim).await;
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/events/{upcoming}/candidates"),
            &officer,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let people: serde_json::Value = r.json().await.unwrap();
    let ids: Vec<i64> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["user_id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&first) && ids.contains(&second), "{people}");
    // One seat for two, seats only: nobody is registered and the one without a seat is named.
    let path = format!("/api/v1/events/{upcoming}/participants");
    let r = app
        .api(
            Method::POST,
            &path,
            &officer,
            Some(json!({"user_ids": [first, second], "seats_only": true})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        crate::common::header(r.headers(), "content-type"),
        "application/problem+json"
    );
    let problem: serde_json::Value = r.json().await.unwrap();
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("Warga warga.api."),
        "{problem}"
    );
    assert!(store.participants(upcoming).await.unwrap().is_empty());
    // Waiting allowed: one seat, one on the waiting list.
    let r = app
        .api(
            Method::POST,
            &path,
            &officer,
            Some(json!({"user_ids": [first, second], "seats_only": false})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let placed: serde_json::Value = r.json().await.unwrap();
    let statuses: Vec<&str> = placed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["confirmed", "waitlisted"], "{placed}");
    // Again: already registered, named, nothing written.
    let r = app
        .api(
            Method::POST,
            &path,
            &officer,
            Some(json!({"user_ids": [first]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(store.participants(upcoming).await.unwrap().len(), 2);
    // The officer does not see the participant list; the organiser does.
    let r = app.api(Method::GET, &path, &officer, None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.api(Method::GET, &path, &office, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let list: serde_json::Value = r.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let officer_id = app.user_id("kim.prigen.ketua").await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["registered_by"].as_i64() == Some(officer_id)));

    // The organiser edits it: fewer seats than people seated is refused, a right edit saved.
    let e = store.event(upcoming).await.unwrap();
    let (d0, t0) = wib(e.starts_at);
    let (d1, t1) = wib(e.ends_at);
    let edit = |capacity: &str, title: &str| {
        json!({"kind": "workshop", "title": title, "description": "Lewat API", "venue": "Aula",
            "start_date": d0, "start_time": t0, "end_date": d1, "end_time": t1, "capacity": capacity})
    };
    let event_path = format!("/api/v1/events/{upcoming}");
    let r = app
        .api(
            Method::PUT,
            &event_path,
            &office,
            Some(edit("0", "Nol kursi")),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .api(
            Method::PUT,
            &event_path,
            &officer,
            Some(edit("3", "Bukan hak KIM")),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .api(
            Method::PUT,
            &event_path,
            &office,
            Some(edit("2", "Lokakarya lewat API")),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let e = store.event(upcoming).await.unwrap();
    assert_eq!((e.title.as_str(), e.capacity), ("Lokakarya lewat API", 2));
    // A material: a bad link is refused by field, a good one added.
    let materials = format!("/api/v1/events/{upcoming}/materials");
    let r = app
        .api(
            Method::POST,
            &materials,
            &office,
            Some(json!({"title": "Paparan", "url": "javascript:alert(1)"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "url", "{problem}");
    let r = app
        .api(
            Method::POST,
            &materials,
            &office,
            Some(json!({"title": "Paparan", "url": "https://example.org/paparan.pdf"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // Cancelled with a reason; a retry changes nothing; people are told once.
    let cancel = format!("/api/v1/events/{upcoming}/cancellation");
    let r = app
        .api(Method::POST, &cancel, &office, Some(json!({"reason": " "})))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for _ in 0..2 {
        let r = app
            .api(
                Method::POST,
                &cancel,
                &office,
                Some(json!({"reason": "Jalan ke lokasi putus"})),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let e = store.event(upcoming).await.unwrap();
    assert_eq!(e.status, "cancelled");
    let audit = store
        .audit_entries(
            &simpul_core::authz::ScopeRegions::All,
            &Default::default(),
            500,
        )
        .await
        .unwrap();
    let cancels = audit
        .iter()
        .filter(|a| a.action == "event.cancel" && a.object_id == upcoming.to_string())
        .count();
    assert_eq!(cancels, 1);

    // An attendee of a past event: ticket, evaluation, certificate.
    let past = sample_event(&store, "35", Duration::days(-2), 2, 10, "").await;
    let member = app.user_id("kim.prigen.anggota").await;
    let (reg, code) = seat(&store, past, member, "35.14.10").await;
    let attendee = app.api_token("kim.prigen.anggota").await;
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/events/{past}/certificate"),
            &attendee,
            None,
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not checked in yet"
    );
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/events/{past}/ticket"),
            &attendee,
            None,
        )
        .await;
    let ticket: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (ticket["status"].as_str(), ticket["ticket"].as_str()),
        (Some("confirmed"), Some(code.as_str()))
    );
    let sessions = store.event_sessions(past).await.unwrap();
    for s in &sessions {
        store
            .check_in(&ctx, reg, s.id, s.starts_at, None, "scan")
            .await
            .unwrap();
    }
    let evaluation = format!("/api/v1/events/{past}/evaluation");
    let r = app
        .api(
            Method::POST,
            &evaluation,
            &attendee,
            Some(json!({"entries": [{"session_id": sessions[0].id, "rating": "9"}]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .api(
            Method::POST,
            &evaluation,
            &attendee,
            Some(json!({"entries": [
            {"session_id": sessions[0].id, "rating": "5", "comment": "Jelas"},
            {"session_id": sessions[1].id, "rating": "4"}]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["saved"], 2);
    assert_eq!(store.evaluations_of(reg).await.unwrap().len(), 2);
    // Someone not registered: no evaluation, no certificate.
    let r = app
        .api(
            Method::POST,
            &evaluation,
            &officer,
            Some(json!({"entries": []})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/events/{past}/certificate"),
            &attendee,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        crate::common::header(r.headers(), "content-type"),
        "application/pdf"
    );
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    assert!(store
        .registration(reg)
        .await
        .unwrap()
        .certificate_code
        .is_some());
    app.finish().await;
}
