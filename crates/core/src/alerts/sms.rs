//! The short form of an alert: one SMS of 160 GSM-7 characters (3GPP TS 23.038). A character
//! outside the GSM-7 alphabet would switch the whole message to UCS-2 and 70 characters, so
//! the short form is folded into GSM-7 (curly quotes, dashes, ellipsis to their plain forms,
//! anything else dropped) and cut at a word when it is too long.

/// Septets in one SMS.
pub const SMS_SEPTETS: usize = 160;

const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Characters of the extension table: two septets each (escape + char).
const EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// Septets `text` takes in GSM-7, or `None` when a character is not in the alphabet.
pub fn gsm7_len(text: &str) -> Option<usize> {
    text.chars().try_fold(0usize, |n, c| {
        if BASIC.contains(c) {
            Some(n + 1)
        } else if EXTENDED.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    })
}

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        '‘' | '’' | '`' | '´' => "'",
        '“' | '”' => "\"",
        '–' | '—' | '−' => "-",
        '…' => "...",
        '\t' => " ",
        '°' => "",
        _ => return None,
    })
}

/// `text` in GSM-7, at most `max` septets, cut at a word with "..." when longer.
pub fn short_form(text: &str, max: usize) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        if gsm7_len(c.encode_utf8(&mut [0; 4])).is_some() {
            folded.push(c);
        } else if let Some(s) = fold_char(c) {
            folded.push_str(s);
        }
    }
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    if gsm7_len(&folded).unwrap_or(usize::MAX) <= max {
        return folded;
    }
    let budget = max.saturating_sub(3);
    let mut out = String::new();
    let mut used = 0;
    for word in folded.split(' ') {
        let sep = usize::from(!out.is_empty());
        let w = gsm7_len(word).unwrap_or(usize::MAX);
        if used + sep + w > budget {
            if out.is_empty() {
                // One enormous word: cut it by characters.
                for c in word.chars() {
                    let n = gsm7_len(c.encode_utf8(&mut [0; 4])).unwrap_or(2);
                    if used + n > budget {
                        break;
                    }
                    out.push(c);
                    used += n;
                }
            }
            break;
        }
        if sep == 1 {
            out.push(' ');
        }
        out.push_str(word);
        used += sep + w;
    }
    out.push_str("...");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_septets_and_refuses_other_alphabets() {
        assert_eq!(gsm7_len("Gempa M5,1"), Some(10));
        assert_eq!(gsm7_len("€5"), Some(3));
        assert_eq!(gsm7_len("gempa — kuat"), None);
        assert_eq!(gsm7_len("日本"), None);
    }

    #[test]
    fn short_forms_fold_and_fit_one_sms() {
        assert_eq!(short_form("“Awas” — gempa…", 160), "\"Awas\" - gempa...");
        let long = "Gempa kuat ".repeat(30);
        let s = short_form(&long, 160);
        assert!(gsm7_len(&s).unwrap() <= 160, "{s}");
        assert!(s.ends_with("..."));
        let s = short_form(&"x".repeat(400), 160);
        assert_eq!(gsm7_len(&s), Some(160));
    }

    proptest::proptest! {
        #[test]
        fn any_text_fits(text in "\\PC{0,400}") {
            let s = short_form(&text, SMS_SEPTETS);
            proptest::prop_assert!(gsm7_len(&s).is_some_and(|n| n <= SMS_SEPTETS));
        }
    }
}
