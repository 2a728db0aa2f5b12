//! The application context: what every use case needs, whoever calls it (a page, the JSON API,
//! a command-line tool, a background job). Cheap to clone.

use crate::i18n::Catalog;
use crate::regions_cache::RegionCache;
use simpul_store::Store;
use std::sync::Arc;

/// Settings of an installation, resolved by the binary from flags, environment and file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Public base URL used in mails (password reset links), e.g. `https://simpul.example.go.id`.
    pub base_url: String,
    /// Mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// How long a login lasts.
    pub session_ttl: chrono::Duration,
    /// Failed logins allowed per account, and per IP address, within `throttle_window`.
    pub max_failures_per_account: i64,
    pub max_failures_per_ip: i64,
    pub throttle_window: chrono::Duration,
    /// Whether mail leaves through SMTP; when false, mails stay in the outbox for admins.
    pub smtp_enabled: bool,
    /// Map tile URL template (e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`); empty
    /// draws KIM points without a base map (offline).
    pub map_tiles: String,
    pub map_attribution: String,
    /// A KIM with no activity for this long is marked inactive by the scheduled job.
    pub kim_inactive_after: chrono::Duration,
    /// The installation secret from which personal-data encryption keys derive.
    pub secret: Secret,
    /// How long a worker holds a claimed job without a heartbeat before another may rerun it.
    pub job_lease: chrono::Duration,
    /// Whether this instance runs a job worker (`--no-worker` leaves jobs to others).
    pub run_jobs: bool,
    /// Jobs one worker runs at once (a long import does not hold up deliveries).
    pub job_concurrency: usize,
    /// The contact push services may use to reach the operator (VAPID `sub`, a `mailto:` URL).
    pub push_subject: String,
    /// Verdict labels of the hoax clearing house (HOAKS, DISINFORMASI, MISINFORMASI, FAKTA).
    pub hoax_labels: simpul_core::hoax::LabelSet,
    /// Emergency alerts: the earthquake radius rule, escalation delays, feed limits.
    pub alerts: crate::alerts::AlertsConfig,
}

/// A secret that never prints.
#[derive(Clone, Default)]
pub struct Secret(pub Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            session_ttl: chrono::Duration::hours(12),
            max_failures_per_account: 5,
            max_failures_per_ip: 30,
            throttle_window: chrono::Duration::minutes(15),
            smtp_enabled: false,
            map_tiles: String::new(),
            map_attribution: String::new(),
            kim_inactive_after: chrono::Duration::days(180),
            secret: Secret(b"simpul-development-secret".to_vec()),
            job_lease: chrono::Duration::seconds(60),
            run_jobs: true,
            job_concurrency: 4,
            push_subject: "mailto:admin@simpul.invalid".into(),
            hoax_labels: Default::default(),
            alerts: crate::alerts::AlertsConfig::default(),
        }
    }
}

/// The store, configuration, message catalogue, personal-data cipher, region index and the job
/// queue's wake-up signal, shared by all callers of the services.
#[derive(Clone)]
pub struct AppCtx {
    pub store: Store,
    pub config: Arc<Config>,
    pub catalog: Arc<Catalog>,
    pub cipher: simpul_core::secrets::FieldCipher,
    pub regions: RegionCache,
    /// Wakes this instance's job worker when a caller queues a job.
    pub jobs_wake: Arc<tokio::sync::Notify>,
    /// Live events to open pages and caches, across instances.
    pub live: crate::live::LiveBus,
    /// SMTP, when configured (otherwise mail stays in the outbox for the administrators).
    pub mailer: Option<Arc<crate::mail::Mailer>>,
    /// The HTTP client for Web Push and gateway webhooks (timeouts set once here).
    pub http: reqwest::Client,
    /// The Web Push key pair, once loaded (see `push_keys`).
    pub vapid: Arc<std::sync::OnceLock<Arc<simpul_delivery::push::VapidKeys>>>,
    /// Registry counts per region while nothing changed (see `stats::counts`).
    pub stats_cache: crate::stats::StatsCache,
    /// The hoax clearing house's matching index and labels.
    pub hoax: crate::hoax::HoaxState,
}

impl AppCtx {
    pub async fn new(store: Store, config: Config) -> Result<AppCtx, simpul_store::StoreError> {
        let regions = RegionCache::load(&store).await?;
        let store_for_bus = store.clone();
        let hoax = crate::hoax::HoaxState::new(config.hoax_labels.clone());
        Ok(AppCtx {
            cipher: simpul_core::secrets::FieldCipher::from_secret(&config.secret.0),
            store,
            config: Arc::new(config),
            catalog: Arc::new(Catalog::load()),
            regions,
            jobs_wake: Arc::new(tokio::sync::Notify::new()),
            live: crate::live::LiveBus::start(&store_for_bus).await,
            mailer: None,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .connect_timeout(std::time::Duration::from_secs(5))
                .build()
                .expect("HTTP client (rustls) builds"),
            vapid: Default::default(),
            stats_cache: Default::default(),
            hoax,
        })
    }

    /// Send mail through this SMTP server.
    pub fn with_mailer(mut self, mailer: Option<crate::mail::Mailer>) -> AppCtx {
        self.mailer = mailer.map(Arc::new);
        self
    }
}
