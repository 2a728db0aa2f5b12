//! A small wrapper around the `sastrawi` crate that follows PySastrawi's prefix rules where the
//! crate does not.
//!
//! The crate (0.1.1) is a port of Sastrawi, but its meN-/peN- disambiguation differs from the
//! reference: for `menV` and `mengV` it tries the bare vowel form before the recoded one and
//! accepts `mengeV` → `V` first, so "menolak" becomes "olak" (a dictionary word) instead of
//! "tolak" and "mengenal" becomes "nal" instead of "kenal"; and several `ter-`, `meny-`, `peny-`
//! and `pe-` words are left unstemmed. Here the prefix rules of Sastrawi's modified ECS (rules
//! 1–35: be-, te-, me-, pe-, and the plain di-/ke-/se-) are applied in the reference order, after
//! the reference suffix removal (particle, possessive, derivational suffix), with the same root
//! dictionary; the first dictionary root found wins. When these rules find no root, the crate's
//! answer stands (it also handles the rarer infix rules and the "pengembalian akhir" loop).

/// The candidates for removing one derivational prefix from `w`, in Sastrawi's rule order.
fn prefix_candidates(w: &str) -> Vec<String> {
    let b = w.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let cons = |c: u8| c.is_ascii_lowercase() && !vowel(c);
    let rest = |i: usize| w.get(i..).unwrap_or("").to_string();
    let mut out: Vec<String> = Vec::new();
    if w.len() < 4 {
        return out;
    }
    // Plain prefixes.
    for p in ["di", "ke", "se"] {
        if w.starts_with(p) {
            out.push(rest(2));
        }
    }
    if w == "belajar" || w == "pelajar" {
        out.push("ajar".to_string());
    }
    // be-, te-: ber-/ter- before a vowel, before CAP / CAerV, and be-/te- before C1erC2.
    for (p, full) in [("be", "ber"), ("te", "ter")] {
        if !w.starts_with(p) {
            continue;
        }
        if w.starts_with(full) {
            if vowel(at(3)) {
                out.push(rest(3));
                out.push(rest(2));
            } else if cons(at(3)) && at(3) != b'r' {
                out.push(rest(3));
            }
        } else if cons(at(2)) && at(3) == b'e' && at(4) == b'r' && at(2) != b'r' {
            out.push(rest(2));
        }
    }
    // me-
    if w.starts_with("me") {
        let c2 = at(2);
        if matches!(c2, b'l' | b'r' | b'w' | b'y') && vowel(at(3)) {
            out.push(rest(2));
        } else if c2 == b'm' {
            let c3 = at(3);
            // mem{b|f|v}, mempe (mem-pe) and mempA (mem-pA).
            if matches!(c3, b'b' | b'f' | b'v' | b'p') {
                out.push(rest(3));
            } else if vowel(c3) || (c3 == b'r' && vowel(at(4))) {
                out.push(format!("m{}", rest(3)));
                out.push(format!("p{}", rest(3)));
            }
        } else if c2 == b'n' {
            let c3 = at(3);
            if c3 == b'g' {
                let c4 = at(4);
                if matches!(c4, b'g' | b'h' | b'q' | b'k') {
                    out.push(rest(4));
                } else if vowel(c4) {
                    out.push(rest(4));
                    out.push(format!("k{}", rest(4)));
                    if c4 == b'e' {
                        out.push(rest(5));
                    }
                }
            } else if c3 == b'y' && vowel(at(4)) {
                out.push(format!("ny{}", rest(4)));
                out.push(format!("s{}", rest(4)));
            } else if matches!(c3, b'c' | b'd' | b'j' | b's' | b't' | b'z') {
                out.push(rest(3));
            } else if vowel(c3) {
                out.push(format!("n{}", rest(3)));
                out.push(format!("t{}", rest(3)));
            }
        }
    }
    // pe-
    if w.starts_with("pe") {
        let c2 = at(2);
        if matches!(c2, b'w' | b'y') && vowel(at(3)) {
            out.push(rest(2));
        } else if c2 == b'r' {
            if vowel(at(3)) {
                out.push(rest(3));
                out.push(rest(2));
            } else if cons(at(3)) && at(3) != b'r' {
                out.push(rest(3));
            }
        } else if c2 == b'm' {
            let c3 = at(3);
            if matches!(c3, b'b' | b'f' | b'v') {
                out.push(rest(3));
            } else if vowel(c3) || (c3 == b'r' && vowel(at(4))) {
                out.push(format!("m{}", rest(3)));
                out.push(format!("p{}", rest(3)));
            }
        } else if c2 == b'n' {
            let c3 = at(3);
            if c3 == b'g' {
                let c4 = at(4);
                if matches!(c4, b'g' | b'h' | b'q') {
                    out.push(rest(4));
                } else if vowel(c4) {
                    out.push(rest(4));
                    out.push(format!("k{}", rest(4)));
                    if c4 == b'e' {
                        out.push(rest(5));
                    }
                }
            } else if c3 == b'y' && vowel(at(4)) {
                out.push(format!("s{}", rest(4)));
                out.push(format!("ny{}", rest(4)));
            } else if matches!(c3, b'c' | b'd' | b'j' | b'z' | b's' | b't') {
                out.push(rest(3));
            } else if vowel(c3) {
                out.push(format!("n{}", rest(3)));
                out.push(format!("t{}", rest(3)));
            }
        } else if (c2 == b'l' && vowel(at(3)))
            || (cons(c2) && !matches!(c2, b'r' | b'w' | b'y' | b'l' | b'm' | b'n'))
        {
            // pelV (pe-lV) and peCP (pe-CP).
            out.push(rest(2));
        }
    }
    out.retain(|c| c.len() >= 2);
    out
}

/// Remove up to three prefixes, depth first in rule order; the first dictionary root wins.
fn remove_prefixes(w: &str, depth: usize, is_root: &dyn Fn(&str) -> bool) -> Option<String> {
    if depth == 0 {
        return None;
    }
    let candidates = prefix_candidates(w);
    if let Some(c) = candidates.iter().find(|c| is_root(c)) {
        return Some(c.clone());
    }
    candidates
        .iter()
        .find_map(|c| remove_prefixes(c, depth - 1, is_root))
}

fn strip_any<'a>(w: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes
        .iter()
        .find_map(|s| w.strip_suffix(s).filter(|r| r.len() >= 3))
}

/// The root Sastrawi's prefix and suffix rules find for `w` in the dictionary, if any.
pub fn rule_stem(w: &str, is_root: &dyn Fn(&str) -> bool) -> Option<String> {
    if is_root(w) {
        return Some(w.to_string());
    }
    // Confixes where the prefix goes first (be-lah, be-an, me-i, di-i, pe-i, ter-i).
    let prefix_first = (w.starts_with("be") && (w.ends_with("lah") || w.ends_with("an")))
        || ((w.starts_with("me") || w.starts_with("di") || w.starts_with("pe"))
            && w.ends_with('i'))
        || (w.starts_with("ter") && w.ends_with('i'));
    if prefix_first {
        if let Some(r) = remove_prefixes(w, 3, is_root) {
            return Some(r);
        }
    }
    // Suffixes, each step checked against the dictionary.
    let mut bases: Vec<String> = vec![w.to_string()];
    let mut cur = w.to_string();
    for set in [
        &["lah", "kah", "tah", "pun"][..],
        &["ku", "mu", "nya"][..],
        &["kan", "an", "i"][..],
    ] {
        if let Some(r) = strip_any(&cur, set) {
            if is_root(r) {
                return Some(r.to_string());
            }
            cur = r.to_string();
            bases.push(cur.clone());
        }
    }
    // Prefixes of the most stripped form first, then with the suffixes given back; "-kan" may
    // have been "-k" + "-an" ("pendidikan" → "didik", "pemasukan" → "masuk").
    let last = bases.len() - 1;
    for (i, base) in bases.iter().enumerate().rev() {
        if let Some(r) = remove_prefixes(base, 3, is_root) {
            return Some(r);
        }
        if i == last && i > 0 && bases[i - 1].ends_with("kan") {
            let before = &bases[i - 1];
            let k = &before[..before.len() - 2];
            if let Some(r) = remove_prefixes(k, 3, is_root) {
                return Some(r);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::normalize::{is_root_word, stem};

    #[test]
    fn men_and_meng_recode_like_pysastrawi() {
        assert_eq!(stem("menolak"), "tolak");
        assert_eq!(stem("mengenal"), "kenal");
        assert_eq!(stem("penolakan"), "tolak");
        assert_eq!(stem("menyebarkan"), "sebar");
        assert_eq!(stem("terdaftar"), "daftar");
        assert_eq!(stem("mengandung"), "kandung");
        assert_eq!(stem("dibagikan"), "bagi");
        assert_eq!(stem("memukul"), "pukul");
        assert_eq!(stem("pendidikan"), "didik");
        assert_eq!(stem("menyala"), "nyala");
        assert_eq!(stem("penyaluran"), "salur");
        assert!(is_root_word("tolak"));
    }
}
