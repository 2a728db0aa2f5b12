//! CAP index feeds: the Atom (or RSS 2.0) documents alerting authorities publish to list their
//! current CAP messages, one entry per message with a link to the CAP XML, as WMO's register of
//! alerting authorities and Google Public Alerts expect ("CAP feed"). Simpul reads the links
//! and then each CAP document on its own ([`super::cap::parse`]).
//!
//! Read with quick-xml's streaming reader (no DOM, no entity expansion beyond XML's five), with
//! limits on size and entries. A link is taken from an entry's `link` with
//! `type="application/cap+xml"` when there is one, else its `rel="alternate"` (or only) link;
//! RSS items give their `link`. Relative links are resolved by the caller against the feed URL.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Largest index read.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// At most this many entries are taken from one index (the first ones: feeds list the newest
/// first).
pub const MAX_ENTRIES: usize = 50;

/// One listed CAP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// Where the CAP document is (possibly relative to the feed).
    pub link: String,
    /// The entry's id (Atom `id`, RSS `guid`), when given.
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("index too large")]
    TooLarge,
    #[error("not an Atom or RSS document: {0}")]
    Invalid(String),
}

/// Whether a document looks like an index rather than a CAP message (its root element).
pub fn is_index(xml: &str) -> bool {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = e.local_name();
                return matches!(name.as_ref(), b"feed" | b"rss" | b"RDF");
            }
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
    }
}

#[derive(Default)]
struct Pending {
    cap_link: Option<String>,
    alternate: Option<String>,
    any_link: Option<String>,
    id: Option<String>,
}

impl Pending {
    fn finish(self) -> Option<IndexEntry> {
        let link = self.cap_link.or(self.alternate).or(self.any_link)?;
        Some(IndexEntry { link, id: self.id })
    }
}

/// The CAP messages an Atom or RSS index lists, in document order, at most [`MAX_ENTRIES`].
pub fn parse_index(xml: &str) -> Result<Vec<IndexEntry>, IndexError> {
    if xml.len() > MAX_BYTES {
        return Err(IndexError::TooLarge);
    }
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut root_seen = false;
    let mut entry: Option<Pending> = None;
    // The element whose text is being read inside an entry (`id`, `guid`, RSS `link`).
    let mut text_of: Option<&'static str> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| IndexError::Invalid(e.to_string()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name();
                let name = name.as_ref();
                if !root_seen {
                    if !matches!(name, b"feed" | b"rss" | b"RDF") {
                        return Err(IndexError::Invalid("root element".into()));
                    }
                    root_seen = true;
                    continue;
                }
                match (name, entry.as_mut()) {
                    (b"entry" | b"item", None) if !empty => entry = Some(Pending::default()),
                    (b"link", Some(p)) => {
                        let mut href = None;
                        let mut rel = None;
                        let mut kind = None;
                        for a in e.attributes().flatten() {
                            let v = a
                                .decode_and_unescape_value(&reader)
                                .map_err(|e| IndexError::Invalid(e.to_string()))?
                                .trim()
                                .to_string();
                            match a.key.local_name().as_ref() {
                                b"href" => href = Some(v),
                                b"rel" => rel = Some(v),
                                b"type" => kind = Some(v),
                                _ => {}
                            }
                        }
                        match href {
                            Some(h) if kind.as_deref() == Some("application/cap+xml") => {
                                p.cap_link.get_or_insert(h);
                            }
                            Some(h) if rel.as_deref().is_none_or(|r| r == "alternate") => {
                                p.alternate.get_or_insert(h);
                            }
                            Some(h) => {
                                p.any_link.get_or_insert(h);
                            }
                            // RSS: the link is the element's text.
                            None if !empty => text_of = Some("link"),
                            None => {}
                        }
                    }
                    (b"id" | b"guid", Some(_)) if !empty => text_of = Some("id"),
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let (Some(which), Some(p)) = (text_of, entry.as_mut()) {
                    let v = t
                        .unescape()
                        .map_err(|e| IndexError::Invalid(e.to_string()))?
                        .trim()
                        .to_string();
                    if !v.is_empty() {
                        match which {
                            "link" => {
                                p.any_link.get_or_insert(v);
                            }
                            _ => {
                                p.id.get_or_insert(v);
                            }
                        }
                    }
                }
            }
            Event::CData(t) => {
                if let (Some("link"), Some(p)) = (text_of, entry.as_mut()) {
                    let v = String::from_utf8_lossy(&t).trim().to_string();
                    if !v.is_empty() {
                        p.any_link.get_or_insert(v);
                    }
                }
            }
            Event::End(e) => {
                text_of = None;
                if matches!(e.local_name().as_ref(), b"entry" | b"item") {
                    if let Some(found) = entry.take().and_then(Pending::finish) {
                        out.push(found);
                        if out.len() >= MAX_ENTRIES {
                            break;
                        }
                    }
                }
            }
            Event::DocType(_) => return Err(IndexError::Invalid("DOCTYPE".into())),
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(IndexError::Invalid("empty document".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of an alerting authority's Atom index (as the WMO register lists them).
    const ATOM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://signature.bmkg.go.id/alert/feed</id>
  <title>BMKG CAP</title>
  <updated>2026-11-29T02:00:00+07:00</updated>
  <link rel="self" href="https://signature.bmkg.go.id/alert/feed.xml"/>
  <entry>
    <id>urn:oid:2.49.0.1.360.0.2026.11.29.1</id>
    <title>Hujan lebat disertai angin kencang</title>
    <link rel="alternate" type="text/html" href="https://bmkg.go.id/peringatan/1"/>
    <link rel="related" type="application/cap+xml" href="/alert/CJI20261129001_alert.xml"/>
  </entry>
  <entry>
    <id>urn:oid:2.49.0.1.360.0.2026.11.29.2</id>
    <link href="https://signature.bmkg.go.id/alert/2.xml"/>
  </entry>
  <entry><title>no link at all</title></entry>
</feed>"#;

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>CAP</title>
  <item><title>Banjir</title><link>https://example.org/cap/a.xml</link><guid>a-1</guid></item>
  <item><title>Angin</title><link><![CDATA[ https://example.org/cap/b.xml ]]></link></item>
</channel></rss>"#;

    #[test]
    fn atom_entries_prefer_the_cap_link() {
        assert!(is_index(ATOM));
        let got = parse_index(ATOM).unwrap();
        assert_eq!(
            got,
            vec![
                IndexEntry {
                    link: "/alert/CJI20261129001_alert.xml".into(),
                    id: Some("urn:oid:2.49.0.1.360.0.2026.11.29.1".into())
                },
                IndexEntry {
                    link: "https://signature.bmkg.go.id/alert/2.xml".into(),
                    id: Some("urn:oid:2.49.0.1.360.0.2026.11.29.2".into())
                },
            ]
        );
    }

    #[test]
    fn rss_items_give_their_link_text() {
        assert!(is_index(RSS));
        let got = parse_index(RSS).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].link, "https://example.org/cap/a.xml");
        assert_eq!(got[0].id.as_deref(), Some("a-1"));
        assert_eq!(got[1].link, "https://example.org/cap/b.xml");
    }

    #[test]
    fn a_cap_message_is_not_an_index_and_hostile_documents_are_refused() {
        assert!(!is_index(
            r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>"#
        ));
        assert!(parse_index("<html><body>oops</body></html>").is_err());
        assert!(parse_index("").is_err());
        // Cut off mid-entry: nothing half-read is listed.
        assert!(parse_index("<feed><entry><link href='a'/>").map_or(true, |v| v.is_empty()));
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><feed></feed>"#;
        assert!(parse_index(bomb).is_err());
        assert_eq!(
            parse_index(&"x".repeat(MAX_BYTES + 1)),
            Err(IndexError::TooLarge)
        );
        let many: String = (0..200)
            .map(|i| format!("<entry><link href='https://e.org/{i}.xml'/></entry>"))
            .collect();
        assert_eq!(
            parse_index(&format!("<feed>{many}</feed>")).unwrap().len(),
            MAX_ENTRIES
        );
    }
}
