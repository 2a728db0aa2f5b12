//! Rich but safe text: a limited Markdown rendered on the server and sanitised.
//!
//! The author's text is parsed by `pulldown-cmark`; raw HTML in it is turned into visible text
//! (never passed through), images are dropped (photos are uploaded, resized and described with
//! alt text separately), and the rendered HTML goes through `ammonia` with an allow-list of
//! a few tags and `http`, `https` and `mailto` links only, each marked `nofollow ugc noopener`.
//! So whatever arrives, no script, event handler, style or `javascript:` link survives.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

/// The tags a post's text may use.
const TAGS: &[&str] = &[
    "p",
    "br",
    "strong",
    "em",
    "del",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "h3",
    "h4",
    "code",
    "pre",
    "hr",
];

/// Render the author's Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH);
    let mut in_image = 0usize;
    let events = parser.filter_map(|e| match e {
        // Raw HTML is shown as the text it is, never interpreted.
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Image { .. }) => {
            in_image += 1;
            None
        }
        Event::End(TagEnd::Image) => {
            in_image = in_image.saturating_sub(1);
            None
        }
        // Headings are demoted below the page's own (h1 title, h2 sections).
        Event::Start(Tag::Heading { level, .. }) => Some(Event::Start(Tag::Heading {
            level: level
                .max(pulldown_cmark::HeadingLevel::H3)
                .min(pulldown_cmark::HeadingLevel::H4),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(
            level
                .max(pulldown_cmark::HeadingLevel::H3)
                .min(pulldown_cmark::HeadingLevel::H4),
        ))),
        other if in_image > 0 => match other {
            Event::Text(_) => None,
            o => Some(o),
        },
        other => Some(other),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    sanitize(&html)
}

/// The allow-list sanitiser every rendered post goes through.
pub fn sanitize(html: &str) -> String {
    let tags: HashSet<&str> = TAGS.iter().copied().collect();
    let mut attrs: HashMap<&str, HashSet<&str>> = HashMap::new();
    attrs.insert("a", ["href"].into_iter().collect());
    ammonia::Builder::empty()
        .tags(tags)
        .tag_attributes(attrs)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// The plain text of the Markdown (for summaries, previews and the search index): at most
/// `max` characters, cut at a word.
pub fn plain_text(markdown: &str, max: usize) -> String {
    let mut out = String::new();
    for e in Parser::new(markdown) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    let text: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) if i > max / 2 => format!("{}…", &cut[..i]),
        _ => format!("{cut}…"),
    }
}

/// The search index of a post: stemmed words (the hoax analyser's normalisation and Sastrawi
/// stemming) with their weight, title and place name counting three times.
pub fn index_terms(title: &str, place: &str, text: &str, topics: &str) -> Vec<(String, i64)> {
    use simpul_core::hoax::normalize::claim_words;
    let mut weights: HashMap<String, i64> = HashMap::new();
    for w in claim_words(title).into_iter().chain(claim_words(place)) {
        *weights.entry(w).or_default() += 3;
    }
    for w in claim_words(text).into_iter().chain(claim_words(topics)) {
        *weights.entry(w).or_default() += 1;
    }
    let mut out: Vec<(String, i64)> = weights
        .into_iter()
        .filter(|(w, _)| w.chars().count() <= 40)
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_script_survives() {
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[klik](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg onload=alert(1)>",
            "<iframe src=//evil.example></iframe>",
            "![x](https://evil.example/a.png \"t\")",
            "<style>body{display:none}</style>",
            "[a](  JaVaScRiPt:alert(1))",
            "<<script>script>alert(1)<</script>/script>",
        ] {
            let html = render(hostile);
            let lower = html.to_lowercase();
            for tag in ["<script", "<img", "<iframe", "<svg", "<style"] {
                assert!(!lower.contains(tag), "{hostile} → {html}");
            }
            // No tag carries an attribute other than a link's href and rel (escaped text may
            // show the hostile words, harmlessly).
            for tag in lower.split('<').skip(1) {
                let inside = tag.split('>').next().unwrap_or_default();
                assert!(!inside.contains("javascript:"), "{hostile} → {html}");
                for attr in inside.split_whitespace().skip(1) {
                    assert!(
                        attr.starts_with("href=")
                            || attr.starts_with("rel=")
                            || !attr.contains('='),
                        "{hostile} → {html}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_limited_markdown_renders() {
        let html = render(
            "# Judul\n\n**Kopi** dan *keripik* dari [desa](https://desa.id).\n\n- satu\n- dua",
        );
        assert!(html.contains("<h3>Judul</h3>"), "{html}");
        assert!(html.contains("<strong>Kopi</strong>"));
        assert!(html.contains("<em>keripik</em>"));
        assert!(
            html.contains(
                "<a href=\"https://desa.id\" rel=\"nofollow ugc noopener noreferrer\">desa</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<li>satu</li>"));
    }

    #[test]
    fn summaries_and_terms() {
        assert_eq!(
            plain_text("**Kopi** Prigen\n\nenak", 100),
            "Kopi Prigen enak"
        );
        assert!(plain_text(&"kata ".repeat(100), 30).ends_with('…'));
        let terms = index_terms(
            "Air terjun Kakek Bodo",
            "",
            "Pemandangan yang menakjubkan",
            "wisata",
        );
        let get = |t: &str| terms.iter().find(|(w, _)| w == t).map(|x| x.1);
        assert_eq!(get("terjun"), Some(3));
        assert_eq!(get("wisata"), Some(1));
    }
}
