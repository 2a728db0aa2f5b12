//! Page fuzzing: every page the router answers GET for (outside `/api`, which schemathesis
//! fuzzes from the OpenAPI document: `scripts/api-fuzz.sh`), with hostile values in each path
//! and query parameter, anonymously and as the national admin: never a 5xx, never a panic
//! (`TestApp` fails the test on any panic, even one answered with a 500).
//!
//! The table below names each page's query parameters; the test fails when the router has a
//! GET route the table lacks, so a new page cannot be forgotten.

use crate::common::{Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use simpul_core::Scope;
use std::collections::HashMap;

/// A page: its route pattern, a working sample (placeholders in braces are filled from the
/// demo) and the query parameters its handler reads.
struct Page {
    route: &'static str,
    sample: &'static str,
    query: &'static [&'static str],
}

const fn page(route: &'static str, sample: &'static str, query: &'static [&'static str]) -> Page {
    Page {
        route,
        sample,
        query,
    }
}

const DIRECTORY: &[&str] = &["q", "region", "status", "topic", "page"];
const PORTAL: &[&str] = &[
    "q", "region", "kim", "kind", "category", "from", "until", "page",
];
const AUDIT: &[&str] = &["action", "actor", "region", "from", "until", "before"];

const PAGES: &[Page] = &[
    page("/", "/", &[]),
    page("/login", "/login", &["next"]),
    page("/lang/{code}", "/lang/en", &["next"]),
    page("/password/forgot", "/password/forgot", &[]),
    page("/password/reset/{token}", "/password/reset/abc", &[]),
    page("/dashboard", "/dashboard", &[]),
    page("/account/tokens", "/account/tokens", &[]),
    page("/account/password", "/account/password", &["done"]),
    page("/regions", "/regions", &[]),
    page("/regions/search", "/regions/search", &["q"]),
    page("/regions/{code}", "/regions/35.14", &[]),
    page("/admin/users", "/admin/users", &["q", "page"]),
    page("/admin/users/new", "/admin/users/new", &[]),
    page(
        "/admin/users/{id}",
        "/admin/users/{user}",
        &["created", "saved"],
    ),
    page("/admin/groups", "/admin/groups", &[]),
    page("/admin/groups/new", "/admin/groups/new", &["province"]),
    page("/admin/groups/{id}", "/admin/groups/{group}", &[]),
    page("/admin/audit", "/admin/audit", AUDIT),
    page("/admin/audit.csv", "/admin/audit.csv", AUDIT),
    page("/admin/outbox", "/admin/outbox", &[]),
    page("/admin/jobs", "/admin/jobs", &["status", "requeued"]),
    page(
        "/admin/deliveries",
        "/admin/deliveries",
        &["status", "channel", "retried"],
    ),
    page("/admin/gateways", "/admin/gateways", &[]),
    page(
        "/account/notifications",
        "/account/notifications",
        &["done"],
    ),
    page("/kim", "/kim", DIRECTORY),
    page("/kim/new", "/kim/new", PICKER),
    page("/kim/village-picker", "/kim/village-picker", PICKER),
    page("/kim/map", "/kim/map", DIRECTORY),
    page("/kim/map.geojson", "/kim/map.geojson", DIRECTORY),
    page("/kim/stats", "/kim/stats", &["region"]),
    page("/kim/import", "/kim/import", &[]),
    page("/kim/import/{file}", "/kim/import/template.xlsx", &[]),
    page("/kim/export.csv", "/kim/export.csv", DIRECTORY),
    page("/kim/export.xlsx", "/kim/export.xlsx", DIRECTORY),
    page("/kim/import/jobs/{job_id}", "/kim/import/jobs/{job}", &[]),
    page(
        "/kim/{id}",
        "/kim/{kim}",
        &["saved", "created", "duplicate"],
    ),
    page("/kim/{id}/edit", "/kim/{kim}/edit", &[]),
    page("/kim/{id}/files/{slot}", "/kim/{kim}/files/logo", &[]),
    page(
        "/kim/{id}/members",
        "/kim/{kim}/members",
        &["saved", "deleted"],
    ),
    page(
        "/kim/{id}/members/{member}",
        "/kim/{kim}/members/{member}",
        &[],
    ),
    page(
        "/kim/{id}/members/{member}/export",
        "/kim/{kim}/members/{member}/export",
        &[],
    ),
    page("/invite/{token}", "/invite/abc", &[]),
    page("/hoax", "/hoax", &[]),
    page("/hoax/mine", "/hoax/mine", &[]),
    page("/hoax/clarifications", "/hoax/clarifications", &["page"]),
    page("/hoax/clarifications/{id}", "/hoax/clarifications/1", &[]),
    page(
        "/hoax/clarifications/{id}/card.png",
        "/hoax/clarifications/1/card.png",
        &[],
    ),
    page("/hoax/queue", "/hoax/queue", &[]),
    page("/hoax/import", "/hoax/import", &[]),
    page("/hoax/trends", "/hoax/trends", &["days", "saved"]),
    page("/hoax/images/{id}", "/hoax/images/1", &[]),
    page("/hoax/claims/{id}", "/hoax/claims/5", &[]),
    // Emergency alerts
    page("/alerts", "/alerts", &[]),
    page("/alerts/new", "/alerts/new", &[]),
    page("/alerts/{id}", "/alerts/{alert}", &["done"]),
    page("/alerts/{id}/edit", "/alerts/{manualalert}/edit", &[]),
    page("/alerts/{id}/board", "/alerts/{alert}/board", &[]),
    page("/alerts/{id}/board.csv", "/alerts/{alert}/board.csv", &[]),
    page("/alerts/{id}/board.xlsx", "/alerts/{alert}/board.xlsx", &[]),
    page(
        "/alerts/{id}/board.geojson",
        "/alerts/{alert}/board.geojson",
        &[],
    ),
    page(
        "/alerts/{id}/photos/{file}",
        "/alerts/{alert}/photos/1",
        &[],
    ),
    page("/admin/alert-feeds", "/admin/alert-feeds", &["done"]),
    page("/peringatan", "/peringatan", &[]),
    page("/peringatan/feed.atom", "/peringatan/feed.atom", &[]),
    page("/peringatan/{id}", "/peringatan/{alert}", &[]),
    // Dissemination and the program calendar (the demo's first package and program)
    page("/dissem", "/dissem", &[]),
    page("/dissem/new", "/dissem/new", &[]),
    page("/dissem/reach", "/dissem/reach", &["package"]),
    page(
        "/dissem/reach/export",
        "/dissem/reach/export",
        &["package", "format"],
    ),
    page(
        "/dissem/reach/map.geojson",
        "/dissem/reach/map.geojson?package=1",
        &["package"],
    ),
    page("/dissem/{id}", "/dissem/1", &["saved"]),
    page("/dissem/{id}/edit", "/dissem/1/edit", &[]),
    page("/dissem/attachments/{id}", "/dissem/attachments/1", &[]),
    page("/dissem/inbox/{id}", "/dissem/inbox/1", &["done"]),
    page("/dissem/reports/{id}/photo", "/dissem/reports/1/photo", &[]),
    page("/dissem/kims/{id}", "/dissem/kims/{kim}", &[]),
    page("/programs", "/programs", &["month", "region", "saved"]),
    page("/programs/new", "/programs/new", &[]),
    page(
        "/programs/export",
        "/programs/export",
        &["month", "region", "format"],
    ),
    page("/programs/{id}", "/programs/1", &[]),
    page(
        "/programs/office/{code}/calendar.ics",
        "/programs/office/35/calendar.ics",
        &[],
    ),
    page(
        "/programs/region/{code}/calendar.ics",
        "/programs/region/35.14/calendar.ics",
        &[],
    ),
    // Partnership governance
    page("/governance", "/governance", &[]),
    page("/governance/indexes/new", "/governance/indexes/new", &[]),
    page(
        "/governance/indexes/{id}",
        "/governance/indexes/{govindex}",
        &["saved", "queued", "local"],
    ),
    page(
        "/governance/kims/{id}",
        "/governance/kims/{kim}?index={govindex}",
        &["index"],
    ),
    page(
        "/governance/kims/{id}/evidence/{key}",
        "/governance/kims/{kim}/evidence/dissem_reports?index={govindex}",
        &["index"],
    ),
    page(
        "/governance/rankings",
        "/governance/rankings?index={govindex}&region=35",
        &["index", "region", "attention", "page", "sent"],
    ),
    page(
        "/governance/rankings.csv",
        "/governance/rankings.csv?index={govindex}&region=35",
        &["index", "region"],
    ),
    page(
        "/governance/rankings.xlsx",
        "/governance/rankings.xlsx?index={govindex}&region=35",
        &["index", "region"],
    ),
    page("/governance/awards", "/governance/awards", &[]),
    page("/governance/awards/new", "/governance/awards/new", &[]),
    page(
        "/governance/awards/{id}",
        "/governance/awards/{awardopen}",
        &["done"],
    ),
    page(
        "/governance/awards/{id}/score",
        "/governance/awards/{awardopen}/score",
        &["done"],
    ),
    page(
        "/governance/agreements",
        "/governance/agreements",
        &["state"],
    ),
    page(
        "/governance/agreements/new",
        "/governance/agreements/new",
        &[],
    ),
    page(
        "/governance/agreements/{id}",
        "/governance/agreements/{agreement}",
        &["done"],
    ),
    page(
        "/governance/agreements/{id}/documents/{file}",
        "/governance/agreements/{agreement}/documents/{agreementfile}",
        &[],
    ),
    page(
        "/governance/reports",
        "/governance/reports?region=35&period=year",
        &["region", "period", "date"],
    ),
    page(
        "/governance/reports.pdf",
        "/governance/reports.pdf?region=35&period=year",
        &["region", "period", "date"],
    ),
    page(
        "/governance/reports.xlsx",
        "/governance/reports.xlsx?region=35&period=year",
        &["region", "period", "date"],
    ),
    page("/penghargaan/{id}", "/penghargaan/{awardpub}", &[]),
    page(
        "/penghargaan/{id}/sertifikat/{nomination}",
        "/penghargaan/{awardpub}/sertifikat/{winner}",
        &[],
    ),
    // Capacity building
    page("/events", "/events", &[]),
    page("/events/new", "/events/new", &[]),
    page("/events/{id}", "/events/{event}", &["done"]),
    page("/events/{id}/ticket", "/events/{event}/ticket", &[]),
    page("/events/{id}/edit", "/events/{event}/edit", &[]),
    page(
        "/events/{id}/participants/new",
        "/events/{event}/participants/new",
        &[],
    ),
    page(
        "/events/{id}/checkin",
        "/events/{event}/checkin",
        &["session"],
    ),
    page("/events/{id}/evaluation", "/events/{event}/evaluation", &[]),
    page("/events/{id}/report", "/events/{event}/report", &[]),
    page(
        "/events/{id}/participants.csv",
        "/events/{event}/participants.csv",
        &[],
    ),
    page(
        "/events/{id}/participants.xlsx",
        "/events/{event}/participants.xlsx",
        &[],
    ),
    page("/events/{id}/event.ics", "/events/{event}/event.ics", &[]),
    page(
        "/events/{id}/certificate.pdf",
        "/events/{event}/certificate.pdf",
        &[],
    ),
    page("/sertifikat", "/sertifikat", &["kode"]),
    page("/sertifikat/{code}", "/sertifikat/S-000000000000", &[]),
    // Village voices
    page("/portal", "/portal", PORTAL),
    page("/portal/feed.atom", "/portal/feed.atom", PORTAL),
    page("/portal/new", "/portal/new", &["kind"]),
    page("/portal/mine", "/portal/mine", &[]),
    page("/portal/review", "/portal/review", &["done"]),
    page("/portal/posts/{id}", "/portal/posts/1", &["done"]),
    page("/portal/posts/{id}/report", "/portal/posts/1/report", &[]),
    page("/portal/posts/{id}/edit", "/portal/posts/1/edit", &[]),
    page("/portal/photos/{file}", "/portal/photos/1", &[]),
    page("/potensi", "/potensi", PORTAL),
    page("/potensi/map", "/potensi/map", PORTAL),
    page("/potensi/map.geojson", "/potensi/map.geojson", PORTAL),
    page("/sitemap.xml", "/sitemap.xml", &[]),
    page("/aspirasi", "/aspirasi", PICKER),
    page("/aspirasi/desa", "/aspirasi/desa", PICKER),
    page("/aspirasi/lacak", "/aspirasi/lacak", &["kode"]),
    page(
        "/aspirasi/lacak/{code}",
        "/aspirasi/lacak/ASP-DEMA2PRGNJT2",
        &[],
    ),
    page("/aspirations", "/aspirations", &[]),
    page("/aspirations/stats", "/aspirations/stats", &[]),
    page("/aspirations/{id}", "/aspirations/1", &[]),
    page(
        "/aspirations/{id}/photos/{file}",
        "/aspirations/1/photos/1",
        &[],
    ),
    page("/admin/aspiration-routes", "/admin/aspiration-routes", &[]),
    page("/healthz", "/healthz", &[]),
    page("/static/{*path}", "/static/simpul.css", &[]),
];

/// The village picker's fields (the registration form and its htmx fragment).
const PICKER: &[&str] = &[
    "village",
    "v_province",
    "v_regency",
    "v_district",
    "village_q",
    "village_pick",
];

/// What goes on the wire (already percent-encoded where needed).
fn hostile_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        "%00%01%02%07%08%0B%0C%0D%0A%09%1B%7F",
        "%C2%80%C2%9F",
        "%FF%FE%FD",
        "%C3%28",
        "%ED%A0%80",
        "%",
        "%ZZ",
        "%25%",
        "0",
        "-1",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "99999999999999999999999999999999999999",
        "1e308",
        "NaN",
        "%2B262142-12-31",
        "+262142-12-31",
        "-262143-01-01",
        "262142-12-31T23:59:59Z",
        "9999-12-31",
        "0000-00-00",
        "2026-02-30",
        "35.99.99.9999",
        "35.14.10.1007.1",
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "%2E%2E",
        "'%20OR%201=1--",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%E2%80%AE%F0%9F%98%80",
        "https:%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "%5C%5Cevil.example",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("a".repeat(8 * 1024));
    v.push("%E2%80%AE".repeat(1024));
    v.push("9".repeat(100 * 1024));
    v
}

/// The demo's values for the samples' placeholders.
async fn targets(app: &TestApp) -> HashMap<&'static str, String> {
    let store = &app.store;
    let officer = app.user_id("kim.prigen.ketua").await;
    let kim = store
        .grants_of(officer)
        .await
        .unwrap()
        .into_iter()
        .find_map(|g| match g.scope {
            Scope::Kim(k) => Some(k),
            _ => None,
        })
        .unwrap();
    let member = store.members_of(kim).await.unwrap()[0].id;
    let group = store.groups(None).await.unwrap()[0].id;
    let owner = app.user_id("nasional").await;
    let job = store
        .enqueue_job(
            "kim_import",
            &serde_json::json!({"file_id": 0, "commit": false}),
            Some(owner),
        )
        .await
        .unwrap();
    let event =
        crate::events::sample_event(store, "35", chrono::Duration::days(-1), 3, 20, "").await;
    let (govindex, _) = crate::governance::sample_indexes(app, "35").await;
    let awards = store.gov_awards().await.unwrap();
    let open = awards.iter().find(|a| a.status == "open").unwrap().id;
    let published = awards.iter().find(|a| a.status == "published").unwrap().id;
    let winner = store
        .gov_nominations(published)
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.place == Some(1))
        .unwrap()
        .id;
    let [agreement, _, agreementfile] =
        crate::governance_agreements::sample_agreement(app, "35.14").await;
    HashMap::from([
        ("agreement", agreement.to_string()),
        ("agreementfile", agreementfile.to_string()),
        ("awardopen", open.to_string()),
        ("awardpub", published.to_string()),
        ("winner", winner.to_string()),
        ("govindex", govindex.to_string()),
        ("event", event.to_string()),
        ("kim", kim.to_string()),
        ("member", member.to_string()),
        (
            "user",
            app.user_id("kominfo.kab-pasuruan").await.to_string(),
        ),
        ("group", group.to_string()),
        ("job", job.to_string()),
        (
            "alert",
            store
                .alert_by_identifier("bmkg-demo-pasuruan")
                .await
                .unwrap()
                .expect("the demo's alert")
                .id
                .to_string(),
        ),
    ])
}

fn fill(sample: &str, t: &HashMap<&'static str, String>) -> String {
    let mut s = sample.to_owned();
    for (k, v) in t {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Every URL of one page: the sample, then each path parameter and each query parameter in
/// turn set to each hostile value (the others left working).
fn urls(p: &Page, t: &HashMap<&'static str, String>, values: &[String]) -> Vec<String> {
    let sample = fill(p.sample, t);
    let route: Vec<&str> = p.route.split('/').collect();
    let segments: Vec<&str> = sample.split('/').collect();
    assert_eq!(route.len(), segments.len(), "sample of {}", p.route);
    let mut out = vec![sample.clone()];
    for (i, part) in route.iter().enumerate() {
        if !part.starts_with('{') {
            continue;
        }
        for v in values {
            let mut s = segments.clone();
            s[i] = v;
            out.push(s.join("/"));
        }
    }
    for q in p.query {
        for v in values {
            out.push(format!("{sample}?{q}={v}"));
            // Twice, and beside an unknown parameter: the parsers must not mind.
            out.push(format!("{sample}?{q}={v}&{q}={v}&zz={v}"));
        }
    }
    out
}

/// GET routes that are no page: the live event stream (never ends; tested in live.rs) and the
/// service worker script (a fixed file).
const NOT_PAGES: [&str; 4] = ["/live", "/sw.js", "/favicon.ico", "/alerts/{id}/live"];

#[tokio::test]
async fn the_table_lists_every_page_of_the_router() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let mut missing = Vec::new();
    for route in simpul_web::route_paths() {
        if route.starts_with("/api/")
            || PAGES.iter().any(|p| p.route == route)
            || NOT_PAGES.contains(&route)
        {
            continue;
        }
        // Routes without GET (forms' targets) answer 405 to it whatever the parameters.
        let path = route.replace(['{', '}', '*'], "");
        let status = app.get(&path).await.status();
        if status != StatusCode::METHOD_NOT_ALLOWED {
            missing.push(route);
        }
    }
    for p in PAGES {
        assert!(
            simpul_web::route_paths().contains(&p.route),
            "{} is in the table but not in the router",
            p.route
        );
    }
    assert!(
        missing.is_empty(),
        "GET routes missing from the page fuzzing table (tests/it/page_fuzz.rs): {missing:?}"
    );
    app.finish().await;
}

/// A GET written on the socket, for URIs too long for the client library: the status code.
async fn raw_get(base: &str, path: &str, cookie: &str) -> Result<u16, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .await
        .map_err(|e| e.to_string())?;
    let line = String::from_utf8_lossy(&head);
    line.get(9..12)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {line:?}"))
}

on_both_engines!(every_page_survives_hostile_parameters);

async fn every_page_survives_hostile_parameters(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let t = targets(&app).await;
    let values = hostile_values();
    let all: Vec<String> = PAGES.iter().flat_map(|p| urls(p, &t, &values)).collect();
    let mut failures = Vec::new();
    let mut sent = 0;
    for admin in [false, true] {
        app.new_visitor();
        if admin {
            app.login_as("nasional").await;
        }
        // Four requests in flight at a time: the machine is shared.
        for chunk in all.chunks(4) {
            let mut set = tokio::task::JoinSet::new();
            for path in chunk {
                let request = app.client.get(app.url(path));
                let (path, addr, cookie) = (path.clone(), app.base.clone(), app.cookie_header());
                set.spawn(async move {
                    // Past 64 KiB a URI is more than reqwest will send: written by hand.
                    let status = if path.len() > 60_000 {
                        raw_get(&addr, &path, &cookie).await
                    } else {
                        request
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                            .map_err(|e| e.to_string())
                    };
                    (path, status)
                });
            }
            while let Some(done) = set.join_next().await {
                let (path, status) = done.unwrap();
                sent += 1;
                if !matches!(status, Ok(s) if s < 500) {
                    let shown: String = path.chars().take(160).collect();
                    failures.push(format!("admin={admin} GET {shown}: {status:?}"));
                }
            }
        }
    }
    eprintln!("page fuzzing: {sent} requests on {engine:?}");
    assert!(
        failures.is_empty(),
        "{} failing requests:\n{}",
        failures.len(),
        failures.join("\n")
    );
    app.finish().await;
}
