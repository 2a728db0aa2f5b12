//! Links in forwarded messages, canonicalised so the same article matches however it was shared:
//! `http`/`https`, `www.`/`m.`/`amp.` hosts, AMP paths, tracking parameters (`utm_*`, `fbclid`,
//! ...), parameter order, trailing slashes and fragments make no difference; `youtu.be/X` is
//! `youtube.com/watch?v=X`.
//!
//! A canonical link is a comparison key, never something we link to: the original text is what
//! a person sees.

/// Longest link we look at; longer ones are cut (they are noise or an attack).
const MAX_LINK: usize = 2_000;

/// Query parameters that only say who shared a link, where, or how.
fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || matches!(
            k.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "igshid"
                | "igsh"
                | "si"
                | "s"
                | "ref"
                | "ref_src"
                | "ref_url"
                | "mc_cid"
                | "mc_eid"
                | "_ga"
                | "feature"
                | "share"
                | "shared"
                | "amp"
                | "outputtype"
                | "wa"
                | "from"
                | "source"
                | "mibextid"
        )
}

fn is_link_start(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    w.starts_with("http://") || w.starts_with("https://") || w.starts_with("www.")
}

/// Top-level domains common enough in Indonesian chat that a bare `kompas.com/x` or `bit.ly/x`
/// counts as a link: the generic and Indonesian ones (`.co.id`, `.my.id`, `.web.id`, `.go.id`
/// end in `id`), the shorteners' (`bit.ly`, `s.id`, `wa.me`, `t.me`), and the cheap TLDs that
/// phishing and fake-aid pages use most (`.online`, `.site`, `.xyz`, `.top`, `.click`, `.icu`,
/// `.buzz`, the old free `.tk`/`.ml`/`.cf`/`.gq`, ...). Not `.ga` or `.in`: in chat "ga" is
/// "tidak" and "in" a word, and a missing space after a full stop must not make a link.
const BARE_TLDS: &[&str] = &[
    "com", "id", "net", "org", "ly", "me", "io", "co", "info", "site", "xyz", "gl", "link", "news",
    "online", "top", "click", "club", "shop", "store", "vip", "icu", "buzz", "cyou", "space",
    "website", "biz", "cc", "tk", "ml", "cf", "gq", "pw", "ws", "asia", "app", "dev", "page",
    "bid", "loan", "tv", "lat", "sbs", "cfd", "mobi", "pro", "tech", "digital", "email", "monster",
];

fn is_bare_link(word: &str) -> bool {
    let host = word.split(['/', '?', '#']).next().unwrap_or("");
    let Some((name, tld)) = host.rsplit_once('.') else {
        return false;
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && BARE_TLDS.contains(&tld.to_ascii_lowercase().as_str())
        && name.bytes().any(|b| b.is_ascii_alphabetic())
}

fn trim_punct(w: &str) -> &str {
    w.trim_matches(|c: char| {
        matches!(
            c,
            '(' | ')' | '[' | ']' | '"' | '\'' | '<' | '>' | ',' | '!' | '.' | '*' | '_'
        )
    })
}

/// The links in a message, as written.
pub fn find_links(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(trim_punct)
        .filter(|w| w.is_ascii() && (is_link_start(w) || is_bare_link(w)))
        .collect()
}

/// The message without its links (for the word matcher).
pub fn strip_links(text: &str) -> String {
    text.split_whitespace()
        .filter_map(|w| {
            let t = trim_punct(w);
            if !(t.is_ascii() && (is_link_start(t) || is_bare_link(t))) {
                return Some(w.to_string());
            }
            // A chat link to a phone ("wa.me/6283851729064?text=daftar") names the number the
            // claim gives as text ("WA 0838-5172-9064"): it stays, as that number.
            whatsapp_number(t)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The phone number of a WhatsApp chat link (`wa.me/62…`, `api.whatsapp.com/send?phone=62…`).
fn whatsapp_number(link: &str) -> Option<String> {
    let canonical = canonical_link(link)?;
    let digits = if let Some(rest) = canonical.strip_prefix("wa.me/") {
        rest.split(['/', '?']).next()?
    } else if canonical.starts_with("api.whatsapp.com/send") {
        canonical
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix("phone="))?
    } else {
        return None;
    };
    let digits = digits.trim_start_matches('+');
    ((9..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_string())
}

/// The canonical form of a link: `host/path?sorted&params`, lower-case host without `www.`,
/// `m.` or `amp.`, no scheme, no fragment, no tracking parameters, no AMP suffix, no trailing
/// slash. `None` when it is not a web link.
pub fn canonical_link(link: &str) -> Option<String> {
    let link = &link[..floor_char_boundary(link, MAX_LINK)];
    let lower = link.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &link[8..]
    } else if lower.starts_with("http://") {
        &link[7..]
    } else if lower.contains("://") {
        return None;
    } else {
        link
    };
    let rest = rest.split('#').next().unwrap_or("");
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let mut host = authority
        .rsplit('@')
        .next()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if host.is_empty() || !host.contains('.') {
        return None;
    }
    for prefix in ["www.", "m.", "mobile.", "amp."] {
        if let Some(h) = host.strip_prefix(prefix) {
            host = h.to_string();
        }
    }
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, q),
        None => (tail, ""),
    };
    let mut path = path.trim_end_matches('/').to_string();
    for amp in ["/amp", ".amp"] {
        if let Some(p) = path.strip_suffix(amp) {
            path = p.trim_end_matches('/').to_string();
        }
    }
    if let Some(p) = path.strip_prefix("/amp/") {
        path = format!("/{p}");
    }
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !is_tracking(p.split('=').next().unwrap_or("")))
        .map(str::to_string)
        .collect();
    if host == "youtu.be" && path.len() > 1 {
        let id = path[1..].to_string();
        host = "youtube.com".into();
        path = "/watch".into();
        params.push(format!("v={id}"));
    }
    params.sort_unstable();
    params.dedup();
    let mut out = host;
    out.push_str(&path);
    if !params.is_empty() {
        out.push('?');
        out.push_str(&params.join("&"));
    }
    Some(out)
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The canonical forms of every link in a message, without repeats.
pub fn canonical_links(text: &str) -> Vec<String> {
    let mut out: Vec<String> = find_links(text)
        .into_iter()
        .filter_map(canonical_link)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_article_shared_five_ways_is_one_link() {
        let want = canonical_link("https://www.kompas.com/tren/read/2024/bansos").unwrap();
        assert_eq!(want, "kompas.com/tren/read/2024/bansos");
        for l in [
            "http://kompas.com/tren/read/2024/bansos/",
            "https://m.kompas.com/tren/read/2024/bansos?utm_source=wa&utm_medium=share",
            "https://amp.kompas.com/tren/read/2024/bansos/amp",
            "kompas.com/tren/read/2024/bansos?fbclid=IwAR123#comments",
            "HTTPS://WWW.KOMPAS.COM/tren/read/2024/bansos?amp=1",
        ] {
            assert_eq!(canonical_link(l).as_deref(), Some(want.as_str()), "{l}");
        }
    }

    #[test]
    fn meaningful_parameters_stay_and_are_ordered() {
        assert_eq!(
            canonical_link("https://example.id/a?b=2&a=1&utm_campaign=x").unwrap(),
            "example.id/a?a=1&b=2"
        );
        assert_ne!(
            canonical_link("https://example.id/a?id=1"),
            canonical_link("https://example.id/a?id=2")
        );
        assert_eq!(
            canonical_link("https://youtu.be/abc123?si=zz").unwrap(),
            canonical_link("https://www.youtube.com/watch?v=abc123&feature=share").unwrap()
        );
    }

    #[test]
    fn links_are_found_in_chat_text_and_removed_from_words() {
        let text = "Cek (https://bit.ly/3xYz) dan kompas.com/x, bukan file.pdf ya!!";
        assert_eq!(
            find_links(text),
            vec!["https://bit.ly/3xYz", "kompas.com/x"]
        );
        assert_eq!(strip_links(text), "Cek dan bukan file.pdf ya!!");
        assert_eq!(canonical_link("javascript://x"), None);
        assert_eq!(canonical_link("ftp://x.com"), None);
    }

    #[test]
    fn bare_links_on_phishing_tlds_are_links() {
        for (text, want) in [
            ("cek bsu-kemnaker.online ya", "bsu-kemnaker.online"),
            ("daftar di banpres.site/form", "banpres.site/form"),
            ("prakerja.my.id", "prakerja.my.id"),
            (
                "bantuan-pln.co.id/klaim?utm_source=wa",
                "bantuan-pln.co.id/klaim",
            ),
            ("hadiah.click", "hadiah.click"),
            ("subsidi.top/daftar", "subsidi.top/daftar"),
        ] {
            assert_eq!(canonical_links(text), vec![want.to_string()], "{text}");
        }
        assert!(canonical_links("sudah.ga bisa").is_empty());
        assert!(canonical_links("ditutup.besok pagi").is_empty());
    }
}
