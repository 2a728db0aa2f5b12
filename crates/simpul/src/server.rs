//! Start-up and the HTTP server: connect, migrate, load regions, seed the demo, serve until
//! SIGINT/SIGTERM, then drain in-flight requests and stop the workers.

use crate::config::Settings;
use anyhow::{Context, Result};
use simpul_app::mail::Mailer;
use simpul_app::Config;
use simpul_store::Store;
use simpul_web::AppState;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Connect and bring the schema up to date.
pub async fn open_store(database_url: &str) -> Result<Store> {
    let store = Store::connect(database_url).await.with_context(|| {
        format!(
            "cannot open database {}",
            simpul_store::connect::redact(database_url)
        )
    })?;
    store.migrate().await.context("database migration failed")?;
    Ok(store)
}

/// The web settings that follow from the resolved configuration.
pub fn web_config(settings: &Settings) -> Config {
    Config {
        base_url: settings.base_url.clone(),
        secure_cookies: settings.secure_cookies,
        smtp_enabled: settings.smtp_url.is_some(),
        secret: simpul_app::Secret(settings.secret_key.clone()),
        map_tiles: settings.map_tiles.clone(),
        map_attribution: settings.map_attribution.clone(),
        kim_inactive_after: chrono::Duration::days(settings.kim_inactive_days),
        job_lease: chrono::Duration::seconds(settings.job_lease_secs),
        run_jobs: settings.run_jobs,
        push_subject: format!("mailto:{}", settings.smtp_from),
        ..Config::default()
    }
}

/// A running server: its addresses and a handle to stop it.
pub struct Running {
    pub addr: SocketAddr,
    /// Where `/metrics` is served, if anywhere.
    pub metrics_addr: Option<SocketAddr>,
    /// Panics of this instance's handlers and background tasks (a test fails on any).
    pub panics: simpul_web::panics::PanicCounter,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<()>>,
}

impl Running {
    pub async fn stop(self) -> Result<()> {
        let _ = self.stop.send(true);
        self.task.await?
    }
}

/// Bind and serve in the background (used by `serve` and by the integration tests).
pub async fn spawn(
    store: Store,
    web: Config,
    listen: SocketAddr,
    metrics_listen: Option<SocketAddr>,
    mailer: Option<Mailer>,
) -> Result<Running> {
    simpul_web::panics::install_hook();
    let metrics = simpul_web::install_metrics_recorder();
    let mut state = AppState::new(store.clone(), web, Some(metrics)).await?;
    state.app = state.app.with_mailer(mailer);
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let metrics_addr = match metrics_listen {
        Some(at) => Some(serve_metrics(state.clone(), at, stopped.clone()).await?),
        None => None,
    };
    state.shutdown = Some(stopped.clone());
    let panics = state.panics.clone();
    // The portal's search terms follow the normaliser of this build (a no-op when they do).
    {
        let app = state.app.clone();
        panics.watch(tokio::spawn(async move {
            match simpul_app::portal::reindex_if_normaliser_changed(&app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(posts = n, "portal search terms re-indexed"),
                Err(e) => tracing::error!(error = ?e, "portal re-index failed"),
            }
        }));
    }
    if state.config.run_jobs {
        panics.watch(tokio::spawn(simpul_app::jobs::worker(
            state.app.clone(),
            stopped.clone(),
        )));
    }
    let app = simpul_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let mut signal = stopped.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = signal.wait_for(|s| *s).await;
            })
            .await
            .context("server failed")
    });
    Ok(Running {
        addr,
        metrics_addr,
        panics,
        stop,
        task,
    })
}

/// `/metrics` on its own address (an internal interface, reachable by the monitoring only).
async fn serve_metrics(
    state: AppState,
    at: SocketAddr,
    mut stopped: watch::Receiver<bool>,
) -> Result<SocketAddr> {
    let listener = TcpListener::bind(at)
        .await
        .with_context(|| format!("cannot listen on {at} for metrics"))?;
    let addr = listener.local_addr()?;
    let app = simpul_web::metrics_router(state);
    tokio::spawn(async move {
        let stop = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::error!(error = ?e, "metrics server failed");
        }
    });
    Ok(addr)
}

/// `simpul serve`: run until `shutdown` resolves.
pub async fn serve(settings: Settings, shutdown: impl Future<Output = ()>) -> Result<()> {
    let store = open_store(&settings.database_url).await?;
    let started = std::time::Instant::now();
    let loaded = crate::regions_data::ensure_loaded(&store, |_, _| {}).await?;
    if loaded > 0 {
        tracing::info!(
            regions = loaded,
            ms = started.elapsed().as_millis() as u64,
            "official regions loaded"
        );
    }
    let demo = if settings.demo {
        Some(crate::demo::seed(&store).await?)
    } else {
        None
    };
    store.analyze().await?;
    let mailer = match &settings.smtp_url {
        Some(url) => Some(Mailer::new(url, &settings.smtp_from)?),
        None => None,
    };
    if demo.is_some() {
        let ctx = simpul_app::AppCtx::new(store.clone(), web_config(&settings)).await?;
        crate::demo::seed_notifications(&ctx).await?;
    }
    let running = spawn(
        store.clone(),
        web_config(&settings),
        settings.listen,
        settings.metrics_listen,
        mailer,
    )
    .await?;
    println!("Simpul listening on http://{}", running.addr);
    if let Some(at) = running.metrics_addr {
        println!("Metrics on http://{at}/metrics");
    }
    println!(
        "Database: {} ({})",
        store.engine().as_str(),
        simpul_store::connect::redact(&settings.database_url)
    );
    if let Some(accounts) = demo {
        println!(
            "\nDemo accounts (password for all: {}):",
            crate::demo::DEMO_PASSWORD
        );
        for a in accounts {
            println!(
                "  {:<28} {:<18} {}",
                a.username,
                a.role.as_str(),
                a.scope_label
            );
        }
    }
    shutdown.await;
    tracing::info!("shutting down: finishing in-flight requests");
    running.stop().await?;
    store.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
