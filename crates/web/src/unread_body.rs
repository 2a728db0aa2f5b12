//! A request answered before its body was read ends its connection, and says so.
//!
//! Many refusals come before the body is read: a photo upload by someone who may not add one
//! (403, 409), a body over the route's limit (413), a bad token. hyper cannot reuse such a
//! connection (the unread bytes are still on it) and closes it after the response, but without a
//! `Connection: close` header a client that keeps connections alive (a messaging gateway, a
//! script, a phone's HTTP stack) may already have sent its next request on it and gets a broken
//! connection instead of an answer. This layer watches the request body; when the response is
//! ready and the body has not been read to its end, it adds `Connection: close`, so the client
//! opens a new connection for its next request. Reading the whole body first instead would make
//! every refusal cost the upload's bandwidth, which on a rural connection is the thing to spare.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Body as HttpBody, Frame, SizeHint};

/// A request body that notes when it has been read to its end.
struct Watched {
    inner: Body,
    ended: Arc<AtomicBool>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        // The end is seen when the stream says so, or when its last byte was read (a multipart
        // parser stops after the closing boundary without asking for more).
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.ended.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The middleware: see the module documentation.
pub async fn close_if_unread(req: Request, next: Next) -> Response {
    let ended = Arc::new(AtomicBool::new(false));
    let req = req.map(|inner| {
        if inner.is_end_stream() {
            ended.store(true, Ordering::Relaxed);
        }
        Body::new(Watched {
            inner,
            ended: ended.clone(),
        })
    });
    let mut response = next.run(req).await;
    if !ended.load(Ordering::Relaxed) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route(
                "/read",
                post(|body: Bytes| async move { body.len().to_string() }),
            )
            .route(
                "/refuse",
                post(|| async { axum::http::StatusCode::FORBIDDEN }),
            )
            .layer(axum::middleware::from_fn(close_if_unread))
    }

    async fn connection(path: &str, body: Body) -> Option<String> {
        let req = Request::post(path).body(body).unwrap();
        let res = app().oneshot(req).await.unwrap();
        res.headers()
            .get(header::CONNECTION)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    #[tokio::test]
    async fn a_body_left_unread_closes_the_connection_and_a_read_one_does_not() {
        let upload = || Body::from(vec![7u8; 300_000]);
        assert_eq!(
            connection("/refuse", upload()).await.as_deref(),
            Some("close")
        );
        assert_eq!(connection("/read", upload()).await, None);
        // No body at all: nothing was left unread.
        assert_eq!(connection("/refuse", Body::empty()).await, None);
    }
}
