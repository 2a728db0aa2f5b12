//! Page numbers from URLs. Every list reads `?page=` through [`PageNumber`], so none can wrap a
//! huge number around to page 1 or overflow its offset: any 64-bit integer is clamped to a
//! page; a number beyond 64 bits is refused (the API documents `page` as int64, and API
//! fuzzing flags a server that accepts what its document rules out).

use serde::{Deserialize, Deserializer, Serialize};

/// A 1-based page number, between 1 and [`PageNumber::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PageNumber(i64);

impl PageNumber {
    /// Far past the last page of any list (the directory counts up to 1,000 matches).
    pub const MAX: i64 = 100_000;

    pub fn new(n: i64) -> PageNumber {
        PageNumber(n.clamp(1, Self::MAX))
    }

    /// A 64-bit integer written in decimal; `None` if it is not one. Empty is page 1.
    pub fn parse(s: &str) -> Option<PageNumber> {
        let s = s.trim();
        if s.is_empty() {
            return Some(PageNumber(1));
        }
        let (negative, digits) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i128 = digits.parse().ok()?;
        let n = i64::try_from(if negative { -n } else { n }).ok()?;
        Some(PageNumber::new(n))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// Rows to skip before this page; cannot overflow, as the number is clamped.
    pub fn offset(self, page_size: i64) -> i64 {
        (self.0 - 1).saturating_mul(page_size)
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        PageNumber(1)
    }
}

impl<'de> Deserialize<'de> for PageNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = PageNumber;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a page number")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<PageNumber, E> {
                Ok(PageNumber::new(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<PageNumber, E> {
                i64::try_from(n)
                    .map(PageNumber::new)
                    .map_err(|_| E::custom("page must be a whole number"))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<PageNumber, E> {
                PageNumber::parse(s).ok_or_else(|| E::custom("page must be a whole number"))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn out_of_range_numbers_are_clamped_not_wrapped() {
        let p = |s: &str| PageNumber::parse(s).map(PageNumber::get);
        assert_eq!(p("9223372036854775807"), Some(PageNumber::MAX));
        assert_eq!(p("9223372036854775808"), None, "beyond int64");
        assert_eq!(p("99999999999999999999999999"), None);
        assert_eq!(p("-9223372036854775808"), Some(1));
        assert_eq!(p("0"), Some(1));
        assert_eq!(p(""), Some(1));
        assert_eq!(p("3"), Some(3));
        assert_eq!(p("+3"), Some(3));
        assert_eq!(p("abc"), None);
        assert_eq!(p("1e3"), None);
        assert_eq!(p("-"), None);
        assert_eq!(
            PageNumber::new(PageNumber::MAX).offset(50),
            (PageNumber::MAX - 1) * 50
        );
    }

    #[derive(Deserialize)]
    struct Q {
        page: Option<PageNumber>,
    }

    #[test]
    fn reads_from_a_query_string_and_json() {
        let q: Q = serde_json::from_str(r#"{"page": 9223372036854775807}"#).unwrap();
        assert_eq!(q.page.unwrap().get(), PageNumber::MAX);
        assert!(serde_json::from_str::<Q>(r#"{"page": 18446744073709551615}"#).is_err());
        let q: Q = serde_json::from_str(r#"{"page": "7"}"#).unwrap();
        assert_eq!(q.page.unwrap().get(), 7);
    }

    proptest! {
        #[test]
        fn every_integer_lands_on_a_page(n in any::<i64>()) {
            let p = PageNumber::parse(&n.to_string()).unwrap();
            prop_assert_eq!(p.get(), n.clamp(1, PageNumber::MAX));
            prop_assert!(p.offset(i64::MAX) >= 0);
        }

        #[test]
        fn beyond_64_bits_is_refused(n in any::<i128>()) {
            let fits = i64::try_from(n).is_ok();
            prop_assert_eq!(PageNumber::parse(&n.to_string()).is_some(), fits);
        }

        #[test]
        fn anything_else_is_refused_or_a_page(s in "\\PC{0,30}") {
            if let Some(p) = PageNumber::parse(&s) {
                prop_assert!((1..=PageNumber::MAX).contains(&p.get()));
            }
        }
    }
}
