//! Live notifications over server-sent events: a notification appears on an open stream
//! without reloading, also when it was made on another instance (PostgreSQL LISTEN/NOTIFY),
//! and a stream that reconnects with `Last-Event-ID` gets what it missed.

use crate::common::{web_config, Engine, TestApp};
use crate::on_both_engines;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

on_both_engines!(a_notification_appears_on_the_open_stream_and_a_reconnect_loses_nothing);

/// One server-sent event: its id and data.
#[derive(Debug)]
struct Sse {
    id: i64,
    data: serde_json::Value,
}

struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, last_event_id: Option<i64>) -> Stream {
        let mut req = app.client.get(app.url("/live"));
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let response = req.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            crate::common::header(response.headers(), "content-type"),
            "text/event-stream"
        );
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next `notification` event, waiting at most `max`.
    async fn next(&mut self, max: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + max;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = None;
                let mut event = "";
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = v.parse().ok();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data = serde_json::from_str(v).ok();
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        event = if v == "notification" {
                            "notification"
                        } else {
                            ""
                        };
                    }
                }
                if let (Some(id), Some(data), "notification") = (id, data, event) {
                    return Some(Sse { id, data });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await;
            match chunk {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }
}

async fn a_notification_appears_on_the_open_stream_and_a_reconnect_loses_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.login_as("kim.prigen.ketua").await;
    let mut stream = Stream::open(&app, None).await;
    // Nothing old is replayed to a fresh stream.
    assert!(stream.next(Duration::from_millis(300)).await.is_none());
    let sent = Instant::now();
    assert_eq!(
        app.post_form("/account/notifications/test", &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let first = stream
        .next(Duration::from_secs(5))
        .await
        .expect("the notification arrives on the open stream");
    assert!(sent.elapsed() < Duration::from_secs(5));
    assert_eq!(first.data["title"], "Percobaan notifikasi Simpul");
    assert_eq!(first.data["unread"], 1);
    drop(stream);

    // While the page is away, two more arrive; reconnecting after the first gets both.
    app.post_form("/account/notifications/test", &[]).await;
    app.post_form("/account/notifications/test", &[]).await;
    let mut again = Stream::open(&app, Some(first.id)).await;
    let a = again
        .next(Duration::from_secs(5))
        .await
        .expect("missed one");
    let b = again
        .next(Duration::from_secs(5))
        .await
        .expect("missed two");
    assert!(first.id < a.id && a.id < b.id);
    assert!(
        again.next(Duration::from_millis(300)).await.is_none(),
        "nothing twice"
    );
    app.assert_no_panic();
    app.finish().await;
}

/// Two instances on one PostgreSQL: the event made on A reaches the browser on B.
#[tokio::test]
async fn a_notification_made_on_one_instance_reaches_a_stream_on_another() {
    if crate::common::postgres_url().is_none() {
        eprintln!("PostgreSQL not configured; skipped");
        return;
    }
    let a = TestApp::spawn(Engine::Postgres).await;
    let b = TestApp::attach(Engine::Postgres, a.db_url(), web_config(), None).await;
    b.login_as("kim.prigen.ketua").await;
    a.login_as("kim.prigen.ketua").await;
    let mut stream = Stream::open(&b, None).await;
    // Let B's listener settle (it resyncs once when it connects).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = Instant::now();
    assert_eq!(
        a.post_form("/account/notifications/test", &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let event = stream
        .next(Duration::from_secs(5))
        .await
        .expect("the notification made on A arrives on B");
    let took = sent.elapsed();
    eprintln!("cross-instance live delivery took {took:?}");
    assert!(took < Duration::from_secs(5));
    assert_eq!(event.data["title"], "Percobaan notifikasi Simpul");
    b.assert_no_panic();
    a.assert_no_panic();
    drop(stream);
    b.finish().await;
    a.finish().await;
}
