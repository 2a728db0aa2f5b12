//! Where the browser may be sent back to after logging in or switching language: a path on this
//! site, and nothing a browser could read as another site.
//!
//! Browsers drop tabs and line breaks inside URLs and read `\` as `/`, so `/\t/evil.example`
//! and `/\evil.example` both become `//evil.example`, another host. Only visible ASCII other than
//! `\` is accepted, which also makes every accepted path a valid `Location` header value.

use std::fmt;

/// A same-origin absolute path (with its query), safe to redirect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

/// Longer than any page of ours, with its filters, ever is.
const MAX_LEN: usize = 2_000;

impl LocalPath {
    pub fn parse(s: &str) -> Option<LocalPath> {
        let b = s.as_bytes();
        let local = b.first() == Some(&b'/')
            && !matches!(b.get(1), Some(b'/' | b'\\'))
            && b.len() <= MAX_LEN
            && b.iter().all(|&c| c.is_ascii_graphic() && c != b'\\');
        local.then(|| LocalPath(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocalPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        for ok in [
            "/",
            "/dashboard",
            "/kim?q=prigen&page=2",
            "/kim/12#members",
            "/a/b//c",
        ] {
            assert_eq!(LocalPath::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_is_refused() {
        for bad in [
            "",
            "dashboard",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\u{0b}/x",
            "/\u{7f}",
            "/\u{a0}/evil.example",
            "/\u{2028}",
            "/ü",
            "https://evil.example",
            "\\\\evil.example",
            "/x\\y",
        ] {
            assert_eq!(LocalPath::parse(bad), None, "{bad:?}");
        }
        assert!(LocalPath::parse(&format!("/{}", "a".repeat(MAX_LEN))).is_none());
    }

    proptest! {
        #[test]
        fn an_accepted_path_cannot_leave_the_site(s in any::<String>()) {
            if let Some(p) = LocalPath::parse(&s) {
                let b = p.as_str().as_bytes();
                prop_assert_eq!(b[0], b'/');
                prop_assert!(!matches!(b.get(1), Some(b'/' | b'\\')));
                // What a browser strips or reinterprets is never there.
                prop_assert!(b.iter().all(|c| c.is_ascii_graphic() && *c != b'\\'));
                prop_assert_eq!(p.as_str(), s.as_str());
            }
        }

        #[test]
        fn any_blank_or_control_before_a_second_slash_is_refused(
            gap in "[\\t\\n\\r \\x0b\\x0c\\x00-\\x1f\\x7f\\u{85}\\u{a0}\\u{2028}\\\\]{1,4}",
            host in "[a-z]{1,10}\\.[a-z]{2,3}",
        ) {
            let (inside, before) = (format!("/{gap}/{host}"), format!("{gap}//{host}"));
            prop_assert!(LocalPath::parse(&inside).is_none());
            prop_assert!(LocalPath::parse(&before).is_none());
        }
    }
}
