//! "Notifikasi": a person's notifications, how each kind of message reaches them (app, push on
//! this phone's browser, e-mail, the office's messaging gateway), their contact for those
//! channels, "send me a test", and the live stream (`/live`, server-sent events) that shows a
//! new notification on any open page.

use super::{render_with_status, Page};
use crate::csrf::RequestCtx;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{CsrfForm, PathParam, SessionUser};
use crate::pages::Empty;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use simpul_app::live::LiveEvent;
use simpul_app::notify::{self, KindSettings};
use simpul_core::notify::{Channel, Kind};
use simpul_store::notify::{DeliveryFilter, DeliveryRecord, Notification, PushSubscription};
use std::collections::VecDeque;
use std::time::Duration;

/// One row of the settings table.
struct KindRow {
    kind: &'static str,
    protected: bool,
    digest: bool,
    /// (channel, chosen, available)
    channels: Vec<(&'static str, bool, bool)>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage<'a> {
    page: Page<'a>,
    items: Vec<Notification>,
    rows: Vec<KindRow>,
    email: String,
    phone: String,
    email_error: Option<&'a str>,
    phone_error: Option<&'a str>,
    subscriptions: Vec<PushSubscription>,
    vapid_key: String,
    push_js: &'static str,
    deliveries: Vec<DeliveryRecord>,
    notice: Option<&'a str>,
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    done: Option<String>,
}

fn notice_key(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "saved" => Some("notify.saved"),
        "contact" => Some("notify.contact_saved"),
        "test" => Some("notify.test_sent"),
        "push" => Some("notify.push_added"),
        "push-removed" => Some("notify.push_removed"),
        "read" => Some("notify.all_read"),
        _ => None,
    }
}

fn rows(
    settings: &[KindSettings],
    available: &[Channel],
    errors: &[FieldError],
    page: &Page,
) -> Vec<KindRow> {
    settings
        .iter()
        .map(|s| KindRow {
            kind: s.kind.as_str(),
            protected: s.kind.is_protected(),
            digest: s.digest,
            channels: Channel::ALL
                .iter()
                .map(|c| {
                    (
                        c.as_str(),
                        s.channels.contains(c) || *c == Channel::App,
                        available.contains(c),
                    )
                })
                .collect(),
            error: errors
                .iter()
                .find(|e| e.field == notify::kind_field(s.kind))
                .map(|e| page.t.get(e.key).to_owned()),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    ctx: &RequestCtx,
    user: &crate::CurrentUser,
    status: StatusCode,
    notice: Option<&'static str>,
    override_settings: Option<Vec<KindSettings>>,
    errors: &[FieldError],
    contact: Option<(&str, &str)>,
) -> AppResult<Response> {
    let (settings, available) = notify::settings(state, user).await?;
    let settings = override_settings.unwrap_or(settings);
    let page = Page::new(state, ctx, Some(user));
    let user_row = state.store.user(user.actor.user_id).await?;
    let phone = simpul_app::accounts::own_phone(state, user).await?;
    let deliveries = state
        .store
        .deliveries(
            &DeliveryFilter {
                user_id: Some(user.actor.user_id),
                ..Default::default()
            },
            8,
        )
        .await?;
    let field = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| page.t.get(e.key))
    };
    let (email_error, phone_error) = (field("email"), field("phone"));
    let (email, phone) = match contact {
        Some((e, p)) => (e.to_owned(), p.to_owned()),
        None => (
            user_row.email.unwrap_or_default(),
            phone.unwrap_or_default(),
        ),
    };
    let rows = rows(&settings, &available, errors, &page);
    render_with_status(
        status,
        NotificationsPage {
            items: state.store.notifications(user.actor.user_id, 30).await?,
            rows,
            email,
            phone,
            email_error,
            phone_error,
            subscriptions: state.store.push_subscriptions(user.actor.user_id).await?,
            vapid_key: simpul_app::push_keys::public_key(state).await?,
            push_js: &crate::assets::PUSH_JS.url,
            deliveries,
            notice,
            page,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> AppResult<Response> {
    show(
        &state,
        &ctx,
        &user,
        StatusCode::OK,
        notice_key(q.done.as_deref()),
        None,
        &[],
        None,
    )
    .await
}

/// The settings form: for each kind, the channels ticked (`alert=push&alert=email`) and
/// whether to batch into a digest (`program_digest=1`).
#[derive(serde::Deserialize, Default)]
pub struct SettingsInput {
    #[serde(default)]
    alert: Vec<String>,
    #[serde(default)]
    program: Vec<String>,
    #[serde(default)]
    hoax: Vec<String>,
    #[serde(default)]
    event: Vec<String>,
    #[serde(default)]
    account: Vec<String>,
    #[serde(default)]
    program_digest: Option<String>,
    #[serde(default)]
    hoax_digest: Option<String>,
    #[serde(default)]
    event_digest: Option<String>,
    #[serde(default)]
    account_digest: Option<String>,
}

impl SettingsInput {
    fn choices(&self) -> Vec<(Kind, Vec<Channel>, bool)> {
        let parse =
            |v: &[String]| -> Vec<Channel> { v.iter().filter_map(|c| Channel::parse(c)).collect() };
        vec![
            (Kind::Alert, parse(&self.alert), false),
            (
                Kind::Program,
                parse(&self.program),
                self.program_digest.is_some(),
            ),
            (Kind::Hoax, parse(&self.hoax), self.hoax_digest.is_some()),
            (Kind::Event, parse(&self.event), self.event_digest.is_some()),
            (
                Kind::Account,
                parse(&self.account),
                self.account_digest.is_some(),
            ),
        ]
    }
}

pub async fn save(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<SettingsInput>,
) -> AppResult<Response> {
    let choices = input.choices();
    match notify::save_settings(&state, &user, &user.audit(&ctx), &choices).await {
        Ok(()) => Ok(Redirect::to("/account/notifications?done=saved").into_response()),
        Err(AppError::Invalid(errors)) => {
            // Show what the person ticked, not what was saved before.
            let typed = choices
                .into_iter()
                .map(|(kind, mut channels, digest)| {
                    channels.push(Channel::App);
                    KindSettings {
                        kind,
                        channels,
                        digest,
                        saved: false,
                    }
                })
                .collect();
            show(
                &state,
                &ctx,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(typed),
                &errors,
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ContactInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

pub async fn contact(
    State(state): State<AppState>,
    ctx: RequestCtx,
    SessionUser(user): SessionUser,
    CsrfForm(input): CsrfForm<ContactInput>,
) -> AppResult<Response> {
    match simpul_app::accounts::set_contact(
        &state,
        &user,
        &user.audit(&ctx),
        &input.email,
        &input.phone,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account/notifications?done=contact").into_response()),
        Err(AppError::Invalid(errors)) => {
            show(
                &state,
                &ctx,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                None,
                &errors,
                Some((&input.email, &input.phone)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn test(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    notify::send_test(&state, &user).await?;
    Ok(Redirect::to("/account/notifications?done=test").into_response())
}

pub async fn mark_read(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    state
        .store
        .mark_notifications_read(user.actor.user_id)
        .await?;
    Ok(Redirect::to("/account/notifications?done=read").into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct SubscriptionInput {
    #[serde(default)]
    endpoint: String,
    #[serde(default)]
    p256dh: String,
    #[serde(default)]
    auth: String,
}

/// A browser's push subscription, posted by `push.js` through the page's form.
pub async fn subscribe(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    headers: HeaderMap,
    CsrfForm(input): CsrfForm<SubscriptionInput>,
) -> AppResult<Response> {
    let sub =
        simpul_delivery::push::Subscription::parse(&input.endpoint, &input.p256dh, &input.auth)
            .map_err(|_| AppError::invalid("endpoint", "notify.error_subscription"))?;
    let agent: String = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    state
        .store
        .save_push_subscription(
            user.actor.user_id,
            &sub.endpoint,
            &sub.p256dh,
            &sub.auth,
            &agent,
        )
        .await?;
    Ok(Redirect::to("/account/notifications?done=push").into_response())
}

pub async fn unsubscribe(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    PathParam(id): PathParam<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    if !state
        .store
        .delete_push_subscription(user.actor.user_id, id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/account/notifications?done=push-removed").into_response())
}

/// What the stream sends for one notification.
#[derive(serde::Serialize)]
struct LiveNotification<'a> {
    id: i64,
    title: &'a str,
    body: &'a str,
    link: &'a str,
    priority: &'a str,
    unread: i64,
}

struct Stream {
    state: AppState,
    user_id: i64,
    last: i64,
    events: tokio::sync::broadcast::Receiver<LiveEvent>,
    ready: VecDeque<Event>,
    check: bool,
    shutdown: Option<tokio::sync::watch::Receiver<bool>>,
}

/// `/live`: the signed-in person's new notifications as server-sent events. Each event's id is
/// the notification's, so a reconnecting browser (`Last-Event-ID`) gets what it missed.
pub async fn live(
    State(state): State<AppState>,
    SessionUser(user): SessionUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    let user_id = user.actor.user_id;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| *v >= 0);
    let last = match resume {
        Some(id) => id,
        None => state.store.latest_notification_id(user_id).await?,
    };
    let start = Stream {
        events: state.live.subscribe(),
        shutdown: state.shutdown.clone(),
        state,
        user_id,
        last,
        ready: VecDeque::new(),
        // A resumed stream first sends what was missed.
        check: resume.is_some(),
    };
    let stream = futures_util::stream::unfold(start, |mut s| async move {
        loop {
            if let Some(e) = s.ready.pop_front() {
                return Some((Ok::<Event, std::convert::Infallible>(e), s));
            }
            if s.check {
                s.check = false;
                match s
                    .state
                    .store
                    .notifications_after(s.user_id, s.last, 50)
                    .await
                {
                    Ok(items) if !items.is_empty() => {
                        let unread = s
                            .state
                            .store
                            .unread_notifications(s.user_id)
                            .await
                            .unwrap_or(0);
                        for n in items {
                            s.last = n.id;
                            let data = LiveNotification {
                                id: n.id,
                                title: &n.title,
                                body: &n.body,
                                link: &n.link,
                                priority: &n.priority,
                                unread,
                            };
                            let json = serde_json::to_string(&data).unwrap_or_default();
                            s.ready.push_back(
                                Event::default()
                                    .event("notification")
                                    .id(n.id.to_string())
                                    .data(json),
                            );
                        }
                        // There may be more than one page of them.
                        s.check = true;
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::debug!(error = %e, "live stream could not read notifications")
                    }
                }
            }
            // Wait for an event about this person; re-check now and then regardless, in case
            // an event was lost between instances.
            let stopping = async {
                match s.shutdown.as_mut() {
                    Some(rx) => {
                        let _ = rx.wait_for(|stop| *stop).await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let next = tokio::select! {
                next = tokio::time::timeout(Duration::from_secs(30), s.events.recv()) => next,
                _ = stopping => return None,
            };
            match next {
                Ok(Ok(LiveEvent::Notified(users))) => s.check = users.contains(&s.user_id),
                Ok(Ok(LiveEvent::Changed)) => {}
                Ok(Ok(LiveEvent::Resync)) | Err(_) => s.check = true,
                Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => s.check = true,
                Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => return None,
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response())
}
