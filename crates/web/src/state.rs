use crate::i18n::Catalog;
use crate::regions_cache::RegionCache;
use simpul_store::Store;
use std::sync::Arc;

/// Settings the HTTP layer needs, resolved by the binary from flags, environment and file.
#[derive(Debug, Clone)]
pub struct WebConfig {
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
}

/// A secret that never prints.
#[derive(Clone, Default)]
pub struct Secret(pub Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
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
        }
    }
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub catalog: Arc<Catalog>,
    pub cipher: simpul_core::secrets::FieldCipher,
    pub(crate) regions: RegionCache,
    /// Wakes this instance's job worker when a request queues a job.
    pub(crate) jobs_wake: Arc<tokio::sync::Notify>,
    pub(crate) metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// This instance's panics (handlers and background tasks).
    pub panics: crate::panics::PanicCounter,
}

impl AppState {
    pub async fn new(
        store: Store,
        config: WebConfig,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> Result<AppState, simpul_store::StoreError> {
        let regions = RegionCache::load(&store).await?;
        Ok(AppState {
            cipher: simpul_core::secrets::FieldCipher::from_secret(&config.secret.0),
            store,
            config: Arc::new(config),
            catalog: Arc::new(Catalog::load()),
            regions,
            jobs_wake: Arc::new(tokio::sync::Notify::new()),
            metrics,
            panics: Default::default(),
        })
    }
}
