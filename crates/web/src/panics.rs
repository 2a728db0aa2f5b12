//! A panic is a bug, even one the catch-panic layer turns into a 500. Every panic is logged
//! with the marker `PANIC` (the API fuzzing script reads the server's log for it) and counted:
//! process-wide by the hook, and per server instance for the panics of its handlers and
//! background tasks, which the integration tests' `TestApp` checks at the end of every test.

use crate::error::AppError;
use axum::response::{IntoResponse, Response};
use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};

/// The word every panic's log line starts with.
pub const MARKER: &str = "PANIC";

static TOTAL: AtomicU64 = AtomicU64::new(0);

/// Install the process-wide hook (once): count, log with the marker, then run the previous
/// hook (the standard message, and the backtrace with `RUST_BACKTRACE=1`).
pub fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            TOTAL.fetch_add(1, Ordering::SeqCst);
            let location = info.location().map(|l| l.to_string()).unwrap_or_default();
            tracing::error!(%location, message = message(info.payload()), "{MARKER}");
            previous(info);
        }));
    });
}

/// Panics in this process since the hook was installed.
pub fn total() -> u64 {
    TOTAL.load(Ordering::SeqCst)
}

fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not a string)")
}

/// The panics of one server instance: handlers (caught by the layer, answered 500) and
/// background tasks (watched by [`PanicCounter::watch`]).
#[derive(Clone, Default, Debug)]
pub struct PanicCounter(Arc<AtomicU64>);

impl PanicCounter {
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    fn record(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    /// Count a panic of a background task (it would otherwise end silently).
    pub fn watch<T: Send + 'static>(&self, task: tokio::task::JoinHandle<T>) {
        let counter = self.clone();
        tokio::spawn(async move {
            if let Err(e) = task.await {
                if e.is_panic() {
                    counter.record();
                }
            }
        });
    }
}

impl tower_http::catch_panic::ResponseForPanic for PanicCounter {
    type ResponseBody = axum::body::Body;

    fn response_for_panic(&mut self, err: Box<dyn Any + Send + 'static>) -> Response {
        self.record();
        AppError::Internal(format!("panic: {}", message(&*err))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("boom")
    }

    async fn worker() {
        panic!("worker")
    }

    #[tokio::test]
    async fn a_handler_panic_is_answered_500_and_counted() {
        install_hook();
        let before = total();
        let counter = PanicCounter::default();
        let app = Router::new().route("/boom", get(boom)).layer(
            tower_http::catch_panic::CatchPanicLayer::custom(counter.clone()),
        );
        let request = Request::get("/boom").body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(counter.count(), 1);
        assert!(total() > before);
    }

    #[tokio::test]
    async fn a_background_task_panic_is_counted() {
        let counter = PanicCounter::default();
        counter.watch(tokio::spawn(worker()));
        for _ in 0..100 {
            if counter.count() == 1 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the task's panic was not counted");
    }
}
