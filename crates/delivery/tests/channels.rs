//! Each channel end to end on loopback: the real sending code against the receivers in
//! `simpul_delivery::testing`, which decrypt and verify as the real far ends do.

use std::time::Duration;

use http::StatusCode;
use simpul_delivery::push::{self, PushOptions, Subscription, Urgency, VapidKeys};
use simpul_delivery::testing::{PushEndpoint, WebhookReceiver};
use simpul_delivery::webhook::{self, Refusal, WebhookSecret};
use simpul_delivery::{client, unix_now, Outcome};

const CONTACT: &str = "mailto:admin@simpul.example";

async fn push_to(endpoint: &PushEndpoint, vapid: &VapidKeys, payload: &[u8]) -> Outcome {
    push::send(
        &client(),
        vapid,
        CONTACT,
        &endpoint.subscription(),
        payload,
        &PushOptions::default(),
    )
    .await
}

#[tokio::test]
async fn a_push_arrives_decrypted_with_its_headers() {
    let vapid = VapidKeys::generate();
    let endpoint = PushEndpoint::start(&vapid.public_key()).await;
    let payload = r#"{"title":"Peringatan dini","body":"Banjir di Sukolilo"}"#.as_bytes();
    let options = PushOptions {
        topic: Some("alert-42".into()),
        ttl: Duration::from_secs(3600),
        ..PushOptions::urgent()
    };
    let outcome = push::send(
        &client(),
        &vapid,
        CONTACT,
        &endpoint.subscription(),
        payload,
        &options,
    )
    .await;
    assert_eq!(
        outcome,
        Outcome::Delivered,
        "refused: {:?}",
        endpoint.refused()
    );

    let received = endpoint.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].plaintext, payload);
    assert_eq!(received[0].urgency.as_deref(), Some("high"));
    assert_eq!(received[0].ttl, Some(3600));
    assert_eq!(received[0].topic.as_deref(), Some("alert-42"));
    assert_eq!(received[0].claims.aud, endpoint.audience());
    assert_eq!(received[0].claims.sub, CONTACT);
    assert_eq!(Urgency::default().as_str(), "normal");
}

#[tokio::test]
async fn the_largest_payload_arrives_and_a_larger_one_fails_before_sending() {
    let vapid = VapidKeys::generate();
    let endpoint = PushEndpoint::start(&vapid.public_key()).await;
    let largest = vec![b'x'; push::MAX_PAYLOAD];
    assert_eq!(
        push_to(&endpoint, &vapid, &largest).await,
        Outcome::Delivered
    );
    assert_eq!(endpoint.plaintexts(), vec![largest]);

    let outcome = push_to(&endpoint, &vapid, &vec![b'x'; push::MAX_PAYLOAD + 1]).await;
    assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome:?}");
    let outcome = push_to(&endpoint, &vapid, &vec![b'x'; 5000]).await;
    assert!(
        outcome
            .reason()
            .unwrap()
            .contains("over the 3993-byte limit"),
        "{outcome:?}"
    );
    assert_eq!(endpoint.requests(), 1, "nothing oversized was sent");
}

#[tokio::test]
async fn an_expired_subscription_is_gone() {
    let vapid = VapidKeys::generate();
    let endpoint = PushEndpoint::start(&vapid.public_key()).await;
    endpoint.answer_next(1, StatusCode::GONE);
    endpoint.answer_next(1, StatusCode::NOT_FOUND);
    let gone = push_to(&endpoint, &vapid, b"hello").await;
    assert!(matches!(gone, Outcome::Gone { .. }), "{gone:?}");
    assert!(gone.reason().unwrap().contains("410"), "{gone:?}");
    assert_eq!(
        push_to(&endpoint, &vapid, b"hello").await.category(),
        "gone"
    );
    assert!(endpoint.received().is_empty());
}

#[tokio::test]
async fn a_push_service_refusal_is_not_retried() {
    let vapid = VapidKeys::generate();
    let endpoint = PushEndpoint::start(&vapid.public_key()).await;
    endpoint.answer_next(1, StatusCode::BAD_REQUEST);
    endpoint.answer_next(1, StatusCode::PAYLOAD_TOO_LARGE);
    for _ in 0..2 {
        let outcome = push_to(&endpoint, &vapid, b"hello").await;
        assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome:?}");
    }
    endpoint.answer_next(1, StatusCode::TOO_MANY_REQUESTS);
    assert!(push_to(&endpoint, &vapid, b"hello").await.is_retryable());
    assert!(endpoint.received().is_empty());
}

#[tokio::test]
async fn a_push_service_error_is_retried_and_then_delivered() {
    let vapid = VapidKeys::generate();
    let endpoint = PushEndpoint::start(&vapid.public_key()).await;
    endpoint.answer_next(1, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(push_to(&endpoint, &vapid, b"one").await.is_retryable());
    assert_eq!(push_to(&endpoint, &vapid, b"one").await, Outcome::Delivered);
    assert_eq!(endpoint.plaintexts(), vec![b"one".to_vec()]);
}

#[tokio::test]
async fn a_slow_push_service_times_out_into_a_retry() {
    let vapid = VapidKeys::generate();
    let endpoint = PushEndpoint::start(&vapid.public_key()).await;
    endpoint.misbehave_next(
        1,
        simpul_delivery::testing::Misbehave::Stall(Duration::from_secs(2)),
    );
    let options = PushOptions {
        timeout: Duration::from_millis(300),
        ..PushOptions::default()
    };
    let outcome = push::send(
        &client(),
        &vapid,
        CONTACT,
        &endpoint.subscription(),
        b"late",
        &options,
    )
    .await;
    assert!(outcome.is_retryable(), "{outcome:?}");
    assert!(
        outcome.reason().unwrap().contains("timed out"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_push_signed_with_another_key_is_refused() {
    let vapid = VapidKeys::generate();
    let endpoint = PushEndpoint::start(&VapidKeys::generate().public_key()).await;
    let outcome = push_to(&endpoint, &vapid, b"hello").await;
    assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome:?}");
    assert!(endpoint.received().is_empty());
    assert_eq!(endpoint.refused().len(), 1);
    assert!(
        endpoint.refused()[0].contains("VAPID"),
        "{:?}",
        endpoint.refused()
    );
}

#[tokio::test]
async fn a_subscription_with_broken_keys_is_gone_without_a_request() {
    let vapid = VapidKeys::generate();
    let endpoint = PushEndpoint::start(&vapid.public_key()).await;
    let broken = Subscription {
        p256dh: "AAAA".into(),
        ..endpoint.subscription()
    };
    let outcome = push::send(
        &client(),
        &vapid,
        CONTACT,
        &broken,
        b"hello",
        &PushOptions::default(),
    )
    .await;
    assert!(matches!(outcome, Outcome::Gone { .. }), "{outcome:?}");
    assert_eq!(endpoint.requests(), 0);
}

fn secret() -> WebhookSecret {
    WebhookSecret::generate()
}

#[tokio::test]
async fn a_webhook_is_delivered_once_with_a_valid_signature() {
    let secret = secret();
    let receiver = WebhookReceiver::start(secret.clone()).await;
    let body = br#"{"kind":"alert","text":"Banjir"}"#;
    let outcome = webhook::send(&client(), &receiver.url(), &secret, "n-1:webhook", body).await;
    assert_eq!(
        outcome,
        Outcome::Delivered,
        "refused: {:?}",
        receiver.refused()
    );
    let accepted = receiver.accepted();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].delivery_id, "n-1:webhook");
    assert_eq!(accepted[0].body, body);
    assert!(unix_now().abs_diff(accepted[0].timestamp) < 5);
}

#[tokio::test]
async fn a_webhook_signed_with_the_wrong_secret_is_refused_and_not_retried() {
    let receiver = WebhookReceiver::start(secret()).await;
    let outcome = webhook::send(&client(), &receiver.url(), &secret(), "n-1", b"{}").await;
    assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome:?}");
    assert!(outcome.reason().unwrap().contains("401"), "{outcome:?}");
    assert_eq!(receiver.refused(), vec![Refusal::BadSignature]);
    assert!(receiver.accepted().is_empty());
}

/// Replays sent by hand: the same signed request twice, and an old one.
#[tokio::test]
async fn replays_are_refused_by_id_and_by_age() {
    let secret = secret();
    let receiver = WebhookReceiver::start(secret.clone()).await;
    let http = client();
    let post =
        |signed: webhook::SignedHeaders| signed.apply(http.post(receiver.url()).body("{}")).send();

    let fresh = webhook::sign(&secret, "n-7", unix_now(), b"{}");
    assert_eq!(post(fresh.clone()).await.unwrap().status(), 200);
    let replay = post(fresh).await.unwrap();
    assert_eq!(replay.status(), 200, "a duplicate is acknowledged…");
    assert_eq!(replay.text().await.unwrap(), "duplicate");
    assert_eq!(receiver.accepted().len(), 1, "…but not acted on twice");

    let old = webhook::sign(&secret, "n-8", unix_now() - 6 * 60, b"{}");
    assert_eq!(post(old).await.unwrap().status(), 400);
    assert_eq!(receiver.accepted().len(), 1);
    let refused = receiver.refused();
    assert!(refused[0].is_duplicate());
    assert!(
        matches!(refused[1], Refusal::OutsideWindow { .. }),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_failing_gateway_is_retried_and_a_refusing_one_is_not() {
    let secret = secret();
    let receiver = WebhookReceiver::start(secret.clone()).await;
    let (http, url) = (client(), receiver.url());
    let send = || webhook::send(&http, &url, &secret, "n-2", b"{}");

    receiver.answer_next(1, StatusCode::INTERNAL_SERVER_ERROR);
    let outcome = send().await;
    assert_eq!(
        outcome,
        Outcome::Retry {
            reason: "endpoint unavailable: 500 Internal Server Error: told to answer so".into(),
            after: None
        }
    );

    receiver.answer_next(1, StatusCode::BAD_REQUEST);
    assert_eq!(send().await.category(), "failed");
    receiver.answer_next(1, StatusCode::GONE);
    assert_eq!(send().await.category(), "gone");
    assert!(receiver.accepted().is_empty());

    assert_eq!(send().await, Outcome::Delivered);
    assert_eq!(receiver.accepted().len(), 1);
}

#[tokio::test]
async fn a_gateway_that_answers_too_late_gets_the_retry_but_acts_once() {
    let secret = secret();
    let receiver = WebhookReceiver::start(secret.clone()).await;
    receiver.stall_next(1, Duration::from_secs(2));
    let (http, url) = (client(), receiver.url());
    let attempt =
        |timeout| webhook::send_with_timeout(&http, &url, &secret, "n-3", b"{\"n\":3}", timeout);

    let first = attempt(Duration::from_millis(300)).await;
    assert!(first.is_retryable(), "{first:?}");
    assert!(first.reason().unwrap().contains("timed out"), "{first:?}");

    assert_eq!(attempt(Duration::from_secs(5)).await, Outcome::Delivered);
    assert_eq!(
        receiver.bodies(),
        vec![b"{\"n\":3}".to_vec()],
        "delivered once"
    );
    assert_eq!(receiver.requests(), 2);
}

#[tokio::test]
async fn unreachable_and_misconfigured_webhooks() {
    let secret = secret();
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let outcome = webhook::send(
        &client(),
        &format!("http://127.0.0.1:{port}/hook"),
        &secret,
        "n-4",
        b"{}",
    )
    .await;
    assert!(outcome.is_retryable(), "{outcome:?}");
    assert!(
        outcome.reason().unwrap().starts_with("could not connect"),
        "{outcome:?}"
    );

    let outcome = webhook::send(&client(), "not a url", &secret, "n-4", b"{}").await;
    assert_eq!(outcome.category(), "gone");
    let outcome = webhook::send(&client(), "ftp://example.org/x", &secret, "n-4", b"{}").await;
    assert_eq!(outcome.category(), "gone");
    let outcome = webhook::send(&client(), "http://127.0.0.1:9/x", &secret, "bad id", b"{}").await;
    assert_eq!(outcome.category(), "failed");
}

#[tokio::test]
async fn rate_limited_gateways_say_when_to_come_back() {
    // The receiver does not send Retry-After, so check it against a bare axum server.
    use axum::{http::HeaderValue, response::IntoResponse, Router};
    let app = Router::new().fallback(|| async {
        let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from_static("90"));
        response
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let outcome = webhook::send(&client(), &url, &secret(), "n-5", b"{}").await;
    assert_eq!(
        outcome,
        Outcome::Retry {
            reason: "endpoint unavailable: 429 Too Many Requests".into(),
            after: Some(Duration::from_secs(90))
        }
    );
    server.abort();
}
