//! Just enough URL splitting for the links KIMs give: scheme, host, port, path and query.
//!
//! Deliberately narrow: ASCII only, http(s) only, no user info (`https://bank.com@evil.example`),
//! no characters that would need escaping in HTML. A link that needs more than that is not one a
//! KIM profile should carry.

/// Why a link was refused (the caller maps it to its own error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadUrl;

/// A web address split into its parts; `host` is lower-cased, the rest is kept as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url<'a> {
    pub scheme: &'static str,
    /// `https://` or `http://` was written out (a bare `example.org/x` gets `https`).
    pub explicit_scheme: bool,
    pub host: String,
    /// `:8080`, or empty.
    pub port: &'a str,
    /// Everything after the host and port: path, query and fragment.
    pub tail: &'a str,
    pub path: &'a str,
    pub query: &'a str,
}

const FORBIDDEN: &str = "<>\"'`{}|\\^";

pub(crate) fn split_url(s: &str) -> Result<Url<'_>, BadUrl> {
    if s.chars()
        .any(|c| !c.is_ascii_graphic() || FORBIDDEN.contains(c))
    {
        return Err(BadUrl);
    }
    let (scheme, rest) = if has_prefix(s, "https://") {
        ("https", &s[8..])
    } else if has_prefix(s, "http://") {
        ("http", &s[7..])
    } else if looks_like_other_scheme(s) {
        return Err(BadUrl);
    } else {
        ("https", s)
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (host, port) = match authority.find(':') {
        None => (authority, ""),
        Some(i) => {
            let digits = &authority[i + 1..];
            if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(BadUrl);
            }
            (&authority[..i], &authority[i..])
        }
    };
    let host = host.to_ascii_lowercase();
    if !is_valid_host(&host) {
        return Err(BadUrl);
    }
    let before_fragment = tail.split('#').next().unwrap_or("");
    let (path, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));
    Ok(Url {
        scheme,
        explicit_scheme: rest.len() < s.len(),
        host,
        port,
        tail,
        path,
        query,
    })
}

/// `javascript:`, `data:`, `mailto:`, ...: a name before a colon with no dot in it (a dot would
/// make it a host with a port, like `kim.example.org:8080`).
fn looks_like_other_scheme(s: &str) -> bool {
    s.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-')
    })
}

fn has_prefix(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Dotted DNS name of letters, digits and hyphens whose last label has a letter (so neither an
/// IP address nor a number like `3.14` passes).
fn is_valid_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|l| l.bytes().any(|b| b.is_ascii_lowercase()))
}

/// True when `host` is `domain` or one of its subdomains (`m.facebook.com`, not `evilfacebook.com`).
pub(crate) fn host_is(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|sub| sub.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_links() {
        let u = split_url("HTTPS://Www.Example.ORG:8080/a/b?x=1#top").unwrap();
        assert_eq!(u.scheme, "https");
        assert!(u.explicit_scheme);
        assert_eq!(u.host, "www.example.org");
        assert_eq!(u.port, ":8080");
        assert_eq!(u.tail, "/a/b?x=1#top");
        assert_eq!((u.path, u.query), ("/a/b", "x=1"));
        let bare = split_url("kimprigen.desa.id").unwrap();
        assert!(!bare.explicit_scheme);
        assert_eq!((bare.scheme, bare.tail), ("https", ""));
    }

    #[test]
    fn refuses_dangerous_or_odd_links() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "mailto:a@b.id",
            "ftp://example.org",
            "https://bank.go.id@evil.example",
            "https://example.org/<script>",
            "https://exa mple.org",
            "https://éxample.org",
            "https://localhost/",
            "https://192.168.1.1/",
            "https://-x.org",
            "https://x..org",
            "https://x.org:",
            "https://x.org:123456",
            "//x.org",
            "",
        ] {
            assert_eq!(split_url(bad), Err(BadUrl), "{bad:?}");
        }
    }

    #[test]
    fn subdomains_but_not_lookalikes() {
        assert!(host_is("facebook.com", "facebook.com"));
        assert!(host_is("m.facebook.com", "facebook.com"));
        assert!(!host_is("evilfacebook.com", "facebook.com"));
        assert!(!host_is("facebook.com.evil.id", "facebook.com"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = split_url(&s);
        }
    }
}
