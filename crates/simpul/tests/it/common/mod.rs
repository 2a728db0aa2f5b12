//! `TestApp`: Simpul on a free port with a fresh database, speaking in user actions.
//!
//! Every test gets its own database, copied from a template that already holds the whole
//! country's regions and the East Java demo (SQLite: a file copy; PostgreSQL: `CREATE DATABASE
//! ... TEMPLATE`), so a test starts in milliseconds. PostgreSQL runs when
//! `SIMPUL_TEST_POSTGRES_URL` is set (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
#![allow(dead_code)]

pub mod smtp;

use reqwest::header::HeaderMap;
use reqwest::{Client, Response, StatusCode};
use simpul::server::{spawn, Running};
use simpul_app::mail::Mailer;
use simpul_app::Config;
use simpul_store::Store;
use sqlx::Connection;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::OnceCell;

pub const PASSWORD: &str = simpul::demo::DEMO_PASSWORD;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Run a test body against SQLite, and against PostgreSQL when configured.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Engine::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::postgres_url().is_none() {
                    eprintln!("SIMPUL_TEST_POSTGRES_URL not set: PostgreSQL variant not run");
                    return;
                }
                super::$name($crate::common::Engine::Postgres).await
            }
        }
    )*};
}

pub fn postgres_url() -> Option<String> {
    std::env::var("SIMPUL_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Identifies the template's content: every migration and the demo data.
fn template_version() -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for engine in ["sqlite", "postgres"] {
        let dir = root.join("../store/migrations").join(engine);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            h.update(std::fs::read(f).unwrap());
        }
    }
    for f in ["src/demo.rs", "src/demo"] {
        let path = root.join(f);
        if path.is_file() {
            h.update(std::fs::read(path).unwrap());
        } else if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            for f in files {
                h.update(std::fs::read(f).unwrap());
            }
        }
    }
    hex::encode(&h.finalize()[..6])
}

async fn prepare(url: &str) {
    let store = simpul::server::open_store(url)
        .await
        .expect("template database opens");
    simpul::regions_data::ensure_loaded(&store, |_, _| {})
        .await
        .expect("regions load");
    simpul::demo::seed(&store).await.expect("demo seeds");
    store.close().await;
}

static SQLITE_TEMPLATE: OnceCell<std::path::PathBuf> = OnceCell::const_new();
static PG_TEMPLATE: OnceCell<String> = OnceCell::const_new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

async fn sqlite_template() -> std::path::PathBuf {
    SQLITE_TEMPLATE
        .get_or_init(|| async {
            let path = std::env::temp_dir()
                .join(format!("simpul-test-template-{}.db", template_version()));
            if !path.exists() {
                let tmp = path.with_extension(format!("tmp{}", std::process::id()));
                let url = format!("sqlite://{}", tmp.display());
                prepare(&url).await;
                // Fold the WAL into the main file so one file copy is a complete database.
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&mut conn)
                    .await
                    .unwrap();
                sqlx::query("PRAGMA journal_mode=DELETE")
                    .execute(&mut conn)
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                std::fs::rename(&tmp, &path).unwrap();
            }
            path
        })
        .await
        .clone()
}

fn pg_url_for(db: &str) -> String {
    let base = postgres_url().expect("postgres configured");
    let (prefix, _) = base.rsplit_once('/').expect("URL has a database part");
    format!("{prefix}/{db}")
}

pub async fn pg_admin() -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&postgres_url().unwrap())
        .await
        .expect("PostgreSQL reachable at SIMPUL_TEST_POSTGRES_URL")
}

async fn pg_template() -> String {
    PG_TEMPLATE
        .get_or_init(|| async {
            let name = format!("simpul_tpl_{}", template_version());
            let mut admin = pg_admin().await;
            // One creator at a time across test processes.
            sqlx::query("SELECT pg_advisory_lock(424242)")
                .execute(&mut admin)
                .await
                .unwrap();
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                    .bind(&name)
                    .fetch_one(&mut admin)
                    .await
                    .unwrap();
            if !exists {
                let building = format!("{name}_building");
                sqlx::query(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {building}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                prepare(&pg_url_for(&building)).await;
                sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
            }
            sqlx::query("SELECT pg_advisory_unlock(424242)")
                .execute(&mut admin)
                .await
                .unwrap();
            admin.close().await.unwrap();
            name
        })
        .await
        .clone()
}

/// A fresh database for one test, removed by `TestDb::drop_db`.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let template = sqlite_template().await;
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("simpul.db");
                std::fs::copy(template, &path).unwrap();
                TestDb {
                    url: format!("sqlite://{}", path.display()),
                    pg_name: None,
                    _dir: Some(dir),
                }
            }
            Engine::Postgres => {
                let template = pg_template().await;
                let name = format!(
                    "simpul_t_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let mut admin = pg_admin().await;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                TestDb {
                    url: pg_url_for(&name),
                    pg_name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    /// An empty target for a restore: SQLite, a file not yet created in a fresh directory;
    /// PostgreSQL, a new database without tables.
    pub async fn empty(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                TestDb {
                    url: format!("sqlite://{}", dir.path().join("simpul.db").display()),
                    pg_name: None,
                    _dir: Some(dir),
                }
            }
            Engine::Postgres => {
                let name = format!(
                    "simpul_t_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let mut admin = pg_admin().await;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE template0"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                TestDb {
                    url: pg_url_for(&name),
                    pg_name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    pub async fn drop_db(self) {
        if let Some(name) = &self.pg_name {
            let mut admin = pg_admin().await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .unwrap();
            admin.close().await.unwrap();
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub store: Store,
    pub engine: Engine,
    running: Option<Running>,
    db: Option<TestDb>,
    /// The server's panic count: any panic fails the test, even one answered with a 500.
    panics: simpul_web::panics::PanicCounter,
}

pub fn web_config() -> Config {
    Config {
        base_url: "http://simpul.test".into(),
        ..Config::default()
    }
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> TestApp {
        Self::spawn_with(engine, web_config(), None).await
    }

    pub async fn spawn_with(engine: Engine, web: Config, mailer: Option<Mailer>) -> TestApp {
        let db = TestDb::new(engine).await;
        let mut app = Self::attach(engine, &db.url, web, mailer).await;
        app.db = Some(db);
        app
    }

    /// Another server instance on an existing database (multi-instance tests).
    pub async fn attach(engine: Engine, url: &str, web: Config, mailer: Option<Mailer>) -> TestApp {
        let store = simpul::server::open_store(url).await.unwrap();
        let any_port = "127.0.0.1:0".parse().unwrap();
        let running = spawn(store.clone(), web, any_port, Some(any_port), mailer)
            .await
            .unwrap();
        let (client, jar) = new_client();
        TestApp {
            base: format!("http://{}", running.addr),
            client,
            jar,
            store,
            engine,
            panics: running.panics.clone(),
            running: Some(running),
            db: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The metrics address (`--metrics-listen`), apart from the site.
    pub fn metrics_url(&self) -> String {
        let running = self.running.as_ref().expect("running");
        format!(
            "http://{}/metrics",
            running.metrics_addr.expect("metrics served")
        )
    }

    /// Forget cookies: a new visitor.
    pub fn new_visitor(&mut self) {
        let (client, jar) = new_client();
        self.client = client;
        self.jar = jar;
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// The CSRF cookie value, fetching a page first if the visitor has none yet.
    pub async fn csrf(&self) -> String {
        if let Some(v) = self.cookie("simpul_csrf") {
            return v;
        }
        self.get("/login").await;
        self.cookie("simpul_csrf")
            .expect("CSRF cookie is set on first visit")
    }

    /// The visitor's cookies as a `Cookie` header value (empty when none).
    pub fn cookie_header(&self) -> String {
        use reqwest::cookie::CookieStore;
        self.jar
            .cookies(&self.base.parse().unwrap())
            .and_then(|h| h.to_str().ok().map(str::to_owned))
            .unwrap_or_default()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let header = self.jar.cookies(&self.base.parse().unwrap())?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// Submit a form with the CSRF token, as the browser would.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf().await;
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
        body.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post_form("/login", &[("username", username), ("password", password)])
            .await
    }

    /// Log in with the demo password and check it worked.
    pub async fn login_as(&self, username: &str) {
        let r = self.login(username, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login as {username}");
        assert!(self.cookie("simpul_session").is_some());
    }

    pub async fn api_token(&self, username: &str) -> String {
        let r = self
            .client
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "token for {username}");
        r.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }

    /// An office's messaging gateway saved by its admin (`admin`, for `region`), sending and
    /// receiving, relaying to `url`. Returns the new secret (None when one was kept).
    pub async fn office_gateway(&self, admin: &str, region: &str, url: &str) -> Option<String> {
        let ctx = simpul_app::AppCtx::new(self.store.clone(), web_config())
            .await
            .unwrap();
        let admin = simpul_app::accounts::actor(&ctx, self.user_id(admin).await)
            .await
            .unwrap();
        simpul_app::operations::save_gateway(
            &ctx,
            &admin,
            &simpul_core::audit::AuditContext::system("test"),
            region,
            url,
            true,
            false,
        )
        .await
        .unwrap()
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        self.store
            .user_by_username(username)
            .await
            .unwrap()
            .expect("user exists")
            .id
    }

    /// Fail the test if the server panicked (the log above shows where, marked `PANIC`).
    /// `user_id`'s notifications once at least `n` exist (notices decided inside a store
    /// transaction arrive through a queued job a moment later); panics after ten seconds.
    pub async fn notifications_at_least(
        &self,
        user_id: i64,
        n: usize,
    ) -> Vec<simpul_store::notify::Notification> {
        for _ in 0..100 {
            let notes = self.store.notifications(user_id, 200).await.unwrap();
            if notes.len() >= n {
                return notes;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("user {user_id} did not get {n} notifications");
    }

    pub fn assert_no_panic(&self) {
        let n = self.panics.count();
        assert!(n == 0, "the server panicked {n} time(s): see `PANIC` above");
    }

    /// The KIM of the demo officer `kim.prigen.ketua` (the one in Prigen).
    pub async fn demo_officer_kim(&self) -> i64 {
        let user = self.user_id("kim.prigen.ketua").await;
        self.store
            .grants_of(user)
            .await
            .unwrap()
            .into_iter()
            .find_map(|g| match g.scope {
                simpul_core::Scope::Kim(id) => Some(id),
                _ => None,
            })
            .expect("the demo officer has a KIM")
    }

    /// Invite a member from the members page as the signed-in visitor; returns the path of the
    /// invitation link the page shows its sender.
    pub async fn invite(&self, kim: i64, member: i64) -> String {
        let html = self
            .post_form(&format!("/kim/{kim}/members/{member}/invite"), &[])
            .await
            .text()
            .await
            .unwrap();
        html.split("<code id=\"invite-link\">")
            .nth(1)
            .expect("the invitation link is shown to its sender")
            .split('<')
            .next()
            .unwrap()
            .trim_start_matches("http://simpul.test")
            .to_owned()
    }

    /// Stop the server and drop the test database.
    pub async fn finish(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.unwrap();
        }
        self.assert_no_panic();
        self.store.close().await;
        if let Some(db) = self.db.take() {
            db.drop_db().await;
        }
    }

    pub fn db_url(&self) -> &str {
        &self.db.as_ref().expect("owns its database").url
    }
}

impl Drop for TestApp {
    /// A test that ends without `finish` is checked too (unless it is already failing).
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.assert_no_panic();
        }
    }
}

pub fn new_client() -> (Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    // Connections are kept alive and reused, as gateways and phones do: a refusal answered
    // before its upload was read must say `Connection: close` (see `unread_body.rs`), or the next
    // request on that connection fails.
    let client = Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (client, jar)
}

pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// An exported workbook's first sheet as text cells, the header row first (read with the same
/// reader that imports offices' spreadsheets).
pub fn xlsx_cells(bytes: &[u8]) -> Vec<Vec<String>> {
    use simpul_core::sheet;
    let table = sheet::read_table(bytes, sheet::Format::Xlsx, &sheet::Limits::default())
        .expect("a readable workbook");
    std::iter::once(table.headers)
        .chain(table.rows.into_iter().map(|r| r.cells))
        .collect()
}
