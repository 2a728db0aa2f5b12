//! Live events between the server and open pages: "these people have new notifications" and
//! "public data changed" (render caches drop their pages). On PostgreSQL every instance
//! publishes with `NOTIFY` and listens with `LISTEN`, so an event raised on instance A reaches
//! a browser connected to instance B; on SQLite (one instance per database file) the bus is an
//! in-process broadcast. Events carry no content: a page's stream reads the person's new
//! notifications from the database after the last one it sent, so a missed or repeated event
//! never loses or doubles a notification (and `Last-Event-ID` resumes after a reconnect).

use simpul_store::Store;
use std::sync::Arc;
use tokio::sync::broadcast;

/// An event on the bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// These people have new notifications.
    Notified(Arc<Vec<i64>>),
    /// Public data changed: cached pages are stale.
    Changed,
    /// Events may have been missed (the listener reconnected, a receiver lagged): every
    /// stream checks for new notifications, every cache drops its pages.
    Resync,
}

impl LiveEvent {
    /// The wire form for `NOTIFY` (at most 8,000 bytes: callers split long lists).
    fn encode(&self) -> String {
        match self {
            LiveEvent::Notified(users) => format!(
                "n:{}",
                users
                    .iter()
                    .map(|u| u.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            LiveEvent::Changed => "c".into(),
            LiveEvent::Resync => "r".into(),
        }
    }

    fn decode(s: &str) -> Option<LiveEvent> {
        match s.split_once(':') {
            Some(("n", list)) => Some(LiveEvent::Notified(Arc::new(
                list.split(',').filter_map(|u| u.parse().ok()).collect(),
            ))),
            _ if s == "c" => Some(LiveEvent::Changed),
            _ if s == "r" => Some(LiveEvent::Resync),
            _ => None,
        }
    }
}

/// How long starting waits for the PostgreSQL listener before going on without it.
const READY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Up to this many user ids in one `NOTIFY` payload (well under PostgreSQL's 8,000 bytes).
const IDS_PER_MESSAGE: usize = 500;

#[derive(Clone)]
pub struct LiveBus {
    tx: broadcast::Sender<LiveEvent>,
    store: Option<Store>,
}

impl LiveBus {
    /// A bus for this process only.
    pub fn local() -> LiveBus {
        let (tx, _) = broadcast::channel(4096);
        LiveBus { tx, store: None }
    }

    /// A bus over the store: on PostgreSQL, starts listening for other instances' events
    /// (reconnecting when the connection drops, then telling everyone to resync) and waits,
    /// up to [`READY_WAIT`], until it listens: an instance that serves pages before it hears
    /// the others would fill its caches and then drop them all on the first resync.
    pub async fn start(store: &Store) -> LiveBus {
        let mut bus = LiveBus::local();
        if store.engine() == simpul_store::Engine::Postgres {
            bus.store = Some(store.clone());
            let (ready, listening) = tokio::sync::oneshot::channel();
            tokio::spawn(listen(store.clone(), bus.tx.downgrade(), ready));
            if tokio::time::timeout(READY_WAIT, listening).await.is_err() {
                tracing::warn!("live listener not connected yet; starting without it");
            }
        }
        bus
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }

    /// Publish to every instance (itself included).
    pub async fn publish(&self, event: LiveEvent) {
        let Some(store) = &self.store else {
            let _ = self.tx.send(event);
            return;
        };
        let messages: Vec<String> = match &event {
            LiveEvent::Notified(users) => users
                .chunks(IDS_PER_MESSAGE)
                .map(|c| LiveEvent::Notified(Arc::new(c.to_vec())).encode())
                .collect(),
            other => vec![other.encode()],
        };
        for m in messages {
            if let Err(e) = store.publish_live(&m).await {
                // The database will be asked again by the streams' periodic check.
                tracing::warn!(error = %e, "could not publish a live event; delivering locally");
                let _ = self.tx.send(event.clone());
                return;
            }
        }
    }

    pub async fn notified(&self, users: Vec<i64>) {
        if !users.is_empty() {
            self.publish(LiveEvent::Notified(Arc::new(users))).await;
        }
    }

    pub async fn changed(&self) {
        self.publish(LiveEvent::Changed).await;
    }
}

/// Forward other instances' events to this process's bus until the bus is dropped (the
/// listener holds it weakly: a short-lived context, such as the demo's seeding, does not keep a
/// database connection listening for the rest of the process) or the store is closed.
async fn listen(
    store: Store,
    bus: broadcast::WeakSender<LiveEvent>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut delay = std::time::Duration::from_millis(200);
    let alive =
        |bus: &broadcast::WeakSender<LiveEvent>| bus.upgrade().is_some() && !store.is_closed();
    while alive(&bus) {
        match store.live_listener().await {
            Ok(Some(mut listener)) => {
                delay = std::time::Duration::from_millis(200);
                // Anything published while we were not listening is picked up by a resync; not
                // needed when starting waited for this connection (nothing was served yet).
                let started_listening = ready.take().is_some_and(|r| r.send(()).is_ok());
                if let (false, Some(tx)) = (started_listening, bus.upgrade()) {
                    let _ = tx.send(LiveEvent::Resync);
                }
                loop {
                    let next =
                        tokio::time::timeout(std::time::Duration::from_secs(5), listener.recv())
                            .await;
                    let Some(tx) = bus.upgrade() else { return };
                    match next {
                        Ok(Ok(n)) => {
                            if let Some(event) = LiveEvent::decode(n.payload()) {
                                let _ = tx.send(event);
                            }
                        }
                        Ok(Err(e)) => {
                            tracing::warn!(error = %e, "live listener lost its connection");
                            break;
                        }
                        // Quiet: check that the bus and the store are still there.
                        Err(_) if store.is_closed() => return,
                        Err(_) => {}
                    }
                }
            }
            Ok(None) => return,
            Err(e) => tracing::warn!(error = %e, "live listener cannot connect"),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(std::time::Duration::from_secs(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_the_wire() {
        for e in [
            LiveEvent::Notified(Arc::new(vec![1, 22, 333])),
            LiveEvent::Changed,
            LiveEvent::Resync,
        ] {
            assert_eq!(LiveEvent::decode(&e.encode()), Some(e));
        }
        assert_eq!(LiveEvent::decode("x:1"), None);
    }
}
