//! A KIM's social-media accounts and website, stored as one canonical https link each.
//!
//! Officers paste whatever they have: `@kimprigen`, `instagram.com/kimprigen/?igsh=...`,
//! `https://m.facebook.com/kimprigen`. One canonical form per account means the same account
//! given twice compares equal, and the public page can link to it safely.

use super::url::{host_is, split_url, Url};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SocialKind {
    Facebook,
    Instagram,
    Tiktok,
    Youtube,
    X,
    WhatsappChannel,
    Website,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SocialError {
    #[error("a link or account name is required")]
    Empty,
    #[error("not a web address: use an http or https link of at most 300 characters")]
    BadUrl,
    #[error("this link is not on the platform chosen")]
    WrongSite,
    #[error("not a valid account name for this platform")]
    BadHandle,
    #[error("this link points to a post or a share page, not to the account")]
    NotAProfile,
}

impl SocialError {
    /// Message-catalogue key for the user's language.
    pub fn message_key(&self) -> &'static str {
        match self {
            SocialError::Empty => "error.required",
            SocialError::BadUrl => "error.social_url",
            SocialError::WrongSite => "error.social_site",
            SocialError::BadHandle => "error.social_handle",
            SocialError::NotAProfile => "error.social_profile",
        }
    }
}

impl SocialKind {
    pub const ALL: [SocialKind; 7] = [
        SocialKind::Facebook,
        SocialKind::Instagram,
        SocialKind::Tiktok,
        SocialKind::Youtube,
        SocialKind::X,
        SocialKind::WhatsappChannel,
        SocialKind::Website,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SocialKind::Facebook => "facebook",
            SocialKind::Instagram => "instagram",
            SocialKind::Tiktok => "tiktok",
            SocialKind::Youtube => "youtube",
            SocialKind::X => "x",
            SocialKind::WhatsappChannel => "whatsapp_channel",
            SocialKind::Website => "website",
        }
    }

    pub fn parse(s: &str) -> Option<SocialKind> {
        SocialKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The domains whose links belong to this platform (their subdomains too).
    fn domains(self) -> &'static [&'static str] {
        match self {
            SocialKind::Facebook => &["facebook.com", "fb.com"],
            SocialKind::Instagram => &["instagram.com"],
            SocialKind::Tiktok => &["tiktok.com"],
            SocialKind::Youtube => &["youtube.com", "youtu.be"],
            SocialKind::X => &["x.com", "twitter.com"],
            SocialKind::WhatsappChannel => &["whatsapp.com"],
            SocialKind::Website => &[],
        }
    }
}

impl fmt::Display for SocialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const MAX_LEN: usize = 300;

/// The canonical link for what was typed into the `kind` field; normalising it again gives the
/// same link.
pub fn normalize_social(kind: SocialKind, input: &str) -> Result<String, SocialError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(SocialError::Empty);
    }
    if s.len() > MAX_LEN {
        return Err(SocialError::BadUrl);
    }
    let link = if kind == SocialKind::Website {
        website(s)?
    } else if is_link(kind, s) {
        let url = split_url(s).map_err(|_| SocialError::BadUrl)?;
        if !kind.domains().iter().any(|d| host_is(&url.host, d)) {
            return Err(SocialError::WrongSite);
        }
        platform_link(kind, &url)?
    } else {
        account_link(kind, s)?
    };
    if link.len() > MAX_LEN {
        return Err(SocialError::BadUrl);
    }
    Ok(link)
}

/// A link rather than an account name: a scheme, a slash, or just the platform's domain.
fn is_link(kind: SocialKind, s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.contains("://")
        || lower.contains('/')
        || lower.contains(':')
        || kind.domains().iter().any(|d| host_is(&lower, d))
}

fn website(s: &str) -> Result<String, SocialError> {
    let url = split_url(s).map_err(|_| SocialError::BadUrl)?;
    // A bare slash says nothing; dropping it keeps `x.org/` and `x.org` the same site.
    let tail = if url.tail == "/" { "" } else { url.tail };
    Ok(format!("{}://{}{}{}", url.scheme, url.host, url.port, tail))
}

/// An account name typed on its own, with or without `@`.
fn account_link(kind: SocialKind, s: &str) -> Result<String, SocialError> {
    let name = s.strip_prefix('@').unwrap_or(s);
    match kind {
        SocialKind::Facebook => facebook_name(name)
            .map(|n| format!("https://www.facebook.com/{n}"))
            .ok_or(SocialError::BadHandle),
        SocialKind::Instagram | SocialKind::Tiktok | SocialKind::X | SocialKind::Youtube => {
            handle_link(kind, name)
        }
        SocialKind::WhatsappChannel | SocialKind::Website => Err(SocialError::BadUrl),
    }
}

fn handle_link(kind: SocialKind, name: &str) -> Result<String, SocialError> {
    let h = handle(kind, name).ok_or(SocialError::BadHandle)?;
    Ok(match kind {
        SocialKind::Instagram => format!("https://www.instagram.com/{h}"),
        SocialKind::Tiktok => format!("https://www.tiktok.com/@{h}"),
        SocialKind::X => format!("https://x.com/{h}"),
        _ => format!("https://www.youtube.com/@{h}"),
    })
}

/// The platform's username rules, lower-cased (all four treat names case-insensitively).
fn handle(kind: SocialKind, name: &str) -> Option<String> {
    let (len, extra, dot_rules): (std::ops::RangeInclusive<usize>, &str, bool) = match kind {
        SocialKind::Instagram => (1..=30, "._", true),
        SocialKind::Tiktok => (2..=24, "._", true),
        SocialKind::X => (1..=15, "_", false),
        SocialKind::Youtube => (3..=30, "._-", true),
        _ => return None,
    };
    let lower = name.to_ascii_lowercase();
    let ok = len.contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
        && !(dot_rules && (name.starts_with('.') || name.ends_with('.') || name.contains("..")))
        && !reserved_paths(kind).contains(&lower.as_str());
    ok.then_some(lower)
}

/// First path segments that are the platform's own pages, not accounts: a handle cannot be one,
/// or its link would not normalise to itself.
fn reserved_paths(kind: SocialKind) -> &'static [&'static str] {
    match kind {
        SocialKind::Instagram => &["p", "reel", "reels", "tv", "explore", "stories", "accounts"],
        SocialKind::X => &[
            "home", "i", "intent", "search", "hashtag", "share", "explore",
        ],
        _ => &[],
    }
}

/// Facebook usernames: letters, digits and dots, at least 5 long; case kept as typed. Not ending
/// in `.php`, which `facebook_link` takes for a script (`sharer.php`), so that the link made
/// here normalises to itself.
fn facebook_name(name: &str) -> Option<&str> {
    let ok = (5..=50).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && !is_php(name);
    ok.then_some(name)
}

fn is_php(segment: &str) -> bool {
    segment.to_ascii_lowercase().ends_with(".php")
}

fn platform_link(kind: SocialKind, url: &Url<'_>) -> Result<String, SocialError> {
    let segments: Vec<&str> = url.path.split('/').filter(|s| !s.is_empty()).collect();
    let first = *segments.first().ok_or(SocialError::NotAProfile)?;
    let second = segments.get(1).copied().unwrap_or("");
    let not_profile = || reserved_paths(kind).contains(&first.to_ascii_lowercase().as_str());
    match kind {
        SocialKind::Instagram => {
            if not_profile() {
                return Err(SocialError::NotAProfile);
            }
            handle_link(kind, first.strip_prefix('@').unwrap_or(first))
        }
        SocialKind::Tiktok => {
            let name = first.strip_prefix('@').ok_or(SocialError::NotAProfile)?;
            handle_link(kind, name)
        }
        SocialKind::X => {
            if not_profile() {
                return Err(SocialError::NotAProfile);
            }
            handle_link(kind, first.strip_prefix('@').unwrap_or(first))
        }
        SocialKind::Youtube => youtube_link(url, first, second),
        SocialKind::Facebook => facebook_link(url, &segments),
        SocialKind::WhatsappChannel => {
            let id_ok = (10..=40).contains(&second.len())
                && second.bytes().all(|b| b.is_ascii_alphanumeric());
            if first != "channel" || !id_ok {
                return Err(SocialError::NotAProfile);
            }
            Ok(format!("https://whatsapp.com/channel/{second}"))
        }
        SocialKind::Website => Err(SocialError::BadUrl),
    }
}

fn youtube_link(url: &Url<'_>, first: &str, second: &str) -> Result<String, SocialError> {
    let is_id = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b))
    };
    let video = |id: &str| {
        is_id(id, 11)
            .then(|| format!("https://www.youtube.com/watch?v={id}"))
            .ok_or(SocialError::NotAProfile)
    };
    if host_is(&url.host, "youtu.be") {
        return video(first);
    }
    if let Some(name) = first.strip_prefix('@') {
        return handle_link(SocialKind::Youtube, name);
    }
    match first {
        "channel" if second.starts_with("UC") && is_id(second, 24) => {
            Ok(format!("https://www.youtube.com/channel/{second}"))
        }
        "c" | "user" if path_segment_ok(second) && second.len() <= 100 => {
            Ok(format!("https://www.youtube.com/{first}/{second}"))
        }
        "watch" => video(query_value(url.query, "v").unwrap_or("")),
        "shorts" | "live" => video(second),
        _ => Err(SocialError::NotAProfile),
    }
}

/// Pages, groups and `profile.php?id=` links; query strings (tracking) are dropped.
fn facebook_link(url: &Url<'_>, segments: &[&str]) -> Result<String, SocialError> {
    if segments[0].eq_ignore_ascii_case("profile.php") {
        let id = query_value(url.query, "id").unwrap_or("");
        if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SocialError::NotAProfile);
        }
        return Ok(format!("https://www.facebook.com/profile.php?id={id}"));
    }
    // sharer.php, login.php, story.php, ...: not an account.
    if is_php(segments[0]) || segments.len() > 4 {
        return Err(SocialError::NotAProfile);
    }
    if !segments.iter().all(|s| path_segment_ok(s)) {
        return Err(SocialError::BadHandle);
    }
    Ok(format!("https://www.facebook.com/{}", segments.join("/")))
}

fn path_segment_ok(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-%".contains(&b))
}

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

#[cfg(test)]
mod tests;
