//! Notifications as the domain sees them: what kind of message it is, how urgent, and the
//! channels a person can choose for each kind. The rules that protect people live here: urgent
//! alerts always reach the app and at least one more channel the person can receive; the app
//! channel can never be switched off.

use std::fmt;

/// A kind of message; a person chooses channels per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Emergency alerts (earthquakes, floods).
    Alert,
    /// Government program information to disseminate.
    Program,
    /// Hoax clarifications.
    Hoax,
    /// Forums, trainings, workshops.
    Event,
    /// The person's own account and KIM (invitations, approvals, verification).
    Account,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Alert,
        Kind::Program,
        Kind::Hoax,
        Kind::Event,
        Kind::Account,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Alert => "alert",
            Kind::Program => "program",
            Kind::Hoax => "hoax",
            Kind::Event => "event",
            Kind::Account => "account",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The channels a person gets when they have chosen nothing for this kind.
    pub fn default_channels(self) -> Vec<Channel> {
        match self {
            Kind::Alert => vec![
                Channel::App,
                Channel::Push,
                Channel::Email,
                Channel::Gateway,
            ],
            Kind::Program | Kind::Hoax => vec![Channel::App, Channel::Push],
            Kind::Event | Kind::Account => vec![Channel::App, Channel::Email],
        }
    }

    /// Urgent kinds cannot be switched off: the app always, and one more channel.
    pub fn is_protected(self) -> bool {
        self == Kind::Alert
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a notification reaches a person. Live updates (server-sent events) are how the app
/// channel shows itself on an open page, not a channel of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// The notification list in the web app (always on).
    App,
    /// Web Push to the browsers the person subscribed.
    Push,
    Email,
    /// The office's messaging gateway (a signed webhook a WhatsApp/SMS/Telegram relay reads).
    Gateway,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::App,
        Channel::Push,
        Channel::Email,
        Channel::Gateway,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::App => "app",
            Channel::Push => "push",
            Channel::Email => "email",
            Channel::Gateway => "gateway",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Channels stored as a comma-separated list; unknown names are skipped.
    pub fn parse_list(s: &str) -> Vec<Channel> {
        let mut out: Vec<Channel> = s
            .split(',')
            .filter_map(|c| Channel::parse(c.trim()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn list(channels: &[Channel]) -> String {
        channels
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How urgent one message is. Urgent messages bypass rate limits and digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    Low,
    Normal,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        [Priority::Low, Priority::Normal, Priority::Urgent]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// Why a choice of channels is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefError {
    /// An urgent kind needs one channel besides the app that this person can receive.
    ProtectedNeedsAnotherChannel,
}

impl PrefError {
    pub fn message_key(self) -> &'static str {
        match self {
            PrefError::ProtectedNeedsAnotherChannel => "notify.error_protected",
        }
    }
}

/// A person's channel choice for one kind, checked: the app is always included; for protected
/// kinds at least one other channel that the person can actually receive (`available`) must be
/// chosen, unless they can receive none (then the app alone is all there is).
pub fn checked_channels(
    kind: Kind,
    chosen: &[Channel],
    available: &[Channel],
) -> Result<Vec<Channel>, PrefError> {
    let mut out: Vec<Channel> = chosen.to_vec();
    out.push(Channel::App);
    out.sort();
    out.dedup();
    if kind.is_protected() {
        let others_available = available.iter().any(|c| *c != Channel::App);
        let others_chosen = out
            .iter()
            .any(|c| *c != Channel::App && available.contains(c));
        if others_available && !others_chosen {
            return Err(PrefError::ProtectedNeedsAnotherChannel);
        }
    }
    Ok(out)
}

/// The channels a message of `kind` goes out on for a person who chose `chosen` (their saved
/// choice, or the kind's default) and can receive `available`. The app always; for protected
/// kinds, when none of the chosen channels besides the app is available, every available one
/// (an alert must reach the person one more way if there is any).
pub fn effective_channels(kind: Kind, chosen: &[Channel], available: &[Channel]) -> Vec<Channel> {
    let mut out: Vec<Channel> = chosen
        .iter()
        .copied()
        .filter(|c| available.contains(c) || *c == Channel::App)
        .collect();
    out.push(Channel::App);
    if kind.is_protected() && !out.iter().any(|c| *c != Channel::App) {
        out.extend(available.iter().copied());
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Channel::*;

    #[test]
    fn names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(
            Channel::parse_list("email, push,bogus,push"),
            vec![Push, Email]
        );
        assert_eq!(Channel::list(&[App, Email]), "app,email");
    }

    #[test]
    fn the_app_channel_cannot_be_switched_off() {
        assert_eq!(
            checked_channels(Kind::Program, &[], &[App, Email]).unwrap(),
            vec![App]
        );
        assert_eq!(
            effective_channels(Kind::Program, &[Email], &[App]),
            vec![App],
            "no e-mail address: the app remains"
        );
    }

    #[test]
    fn urgent_alerts_need_a_second_channel_when_one_exists() {
        assert_eq!(
            checked_channels(Kind::Alert, &[App], &[App, Email]),
            Err(PrefError::ProtectedNeedsAnotherChannel)
        );
        assert_eq!(
            checked_channels(Kind::Alert, &[Push], &[App, Email]),
            Err(PrefError::ProtectedNeedsAnotherChannel),
            "a push choice without a subscribed browser does not count"
        );
        assert_eq!(
            checked_channels(Kind::Alert, &[Email], &[App, Email]).unwrap(),
            vec![App, Email]
        );
        assert_eq!(
            checked_channels(Kind::Alert, &[], &[App]).unwrap(),
            vec![App]
        );
    }

    #[test]
    fn an_alert_falls_back_to_every_available_channel() {
        assert_eq!(
            effective_channels(Kind::Alert, &[Gateway], &[App, Push, Email]),
            vec![App, Push, Email]
        );
        assert_eq!(
            effective_channels(Kind::Event, &[Gateway], &[App, Push]),
            vec![App]
        );
    }
}
