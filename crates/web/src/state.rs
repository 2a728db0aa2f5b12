//! What every handler holds: the application context plus what only the HTTP layer needs.

use simpul_app::{AppCtx, Config};
use std::ops::Deref;

/// Everything a handler needs; cheap to clone. Derefs to the [`AppCtx`] the services take.
#[derive(Clone)]
pub struct AppState {
    pub app: AppCtx,
    pub(crate) metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// This instance's panics (handlers and background tasks).
    pub panics: crate::panics::PanicCounter,
    /// Flips when the server shuts down: open live streams end then (a graceful shutdown
    /// waits for every open response).
    pub shutdown: Option<tokio::sync::watch::Receiver<bool>>,
    /// Anonymous renders of the public pages (see `public_cache`).
    pub public_cache: crate::public_cache::PublicCache,
}

impl Deref for AppState {
    type Target = AppCtx;
    fn deref(&self) -> &AppCtx {
        &self.app
    }
}

impl AppState {
    pub async fn new(
        store: simpul_store::Store,
        config: Config,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> Result<AppState, simpul_store::StoreError> {
        let app = AppCtx::new(store, config).await?;
        Ok(AppState {
            public_cache: crate::public_cache::PublicCache::start(&app),
            app,
            metrics,
            panics: Default::default(),
            shutdown: None,
        })
    }
}
