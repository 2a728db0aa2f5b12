//! From a forwarded chat message to the words the matcher compares.
//!
//! Real messages arrive as "INFO PENTING!!! bantuan b4nsos 3,5 jt cair bsk, sebarkan ke grup
//! sebelah 🙏🙏": capitals, emoji, elongated letters, digits for letters, chat abbreviations,
//! Javanese or Madurese words, amounts written five ways, forwarding boilerplate. Each step below
//! removes one kind of difference that does not change what the message claims, so that two
//! messages making the same claim end with the same words, and two making different claims
//! ("vaksin mengandung chip", "vaksin mengandung babi") keep the word that differs.
//!
//! Steps, in order: links out (canonicalised separately, see [`super::url`]); lower case;
//! amounts to plain numbers; words split on anything that is not a letter or digit; digit
//! reduplication ("anak2" → "anak anak") and digits inside words ("b4nj1r" → "banjir");
//! elongated letters ("bangeeet" → "banget"); chat slang ([`slang.tsv`]) and Javanese/Madurese
//! ([`lexicon.tsv`], diacritics folded) to Indonesian, and regional words made of a known root
//! and Javanese/Madurese affixes taken apart ("dipunpindah", "panganna", "getihe", "nyebabaghi");
//! forwarding boilerplate and stop words out; Sastrawi stemming; Indonesian synonyms
//! ([`synonyms.tsv`]: "umur" is compared as "usia", "sopir" as "kemudi").
//!
//! Negations ("tidak", "bukan", "belum", "jangan") are kept: "vaksin aman" and "vaksin tidak
//! aman" are different claims. But "without" written as a negation ("ora nganggo jaminan", "gak
//! usah tes", "ndak perlu KTP") is "tanpa", and "sebelum" (before) is never stemmed to "belum".
//! A prohibition is one form however written ("dilarang", "tidak boleh", "ora oleh metu", "ta'
//! olle nyoblos", "jangan", "ojo"): "larang", itself a negation for the matcher.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Longest word worth stemming or keeping; anything longer is noise (a hash, a base64 run).
const MAX_WORD: usize = 40;

fn table(src: &'static str) -> HashMap<&'static str, &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.trim(), b.trim()))
        .collect()
}

/// Chat abbreviations and slang → Indonesian.
fn slang() -> &'static HashMap<&'static str, &'static str> {
    static T: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    T.get_or_init(|| table(include_str!("slang.tsv")))
}

/// Indonesian roots that say the same as another (`synonyms.tsv`), after [`ROOT_SYNONYMS`].
fn synonyms() -> &'static HashMap<&'static str, &'static str> {
    static T: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    T.get_or_init(|| table(include_str!("synonyms.tsv")))
}

/// Javanese and Madurese → Indonesian (documented in `lexicon.tsv`); a word written with the
/// Madurese diacritics (`bâdâ`, `ollè`) is also there folded (`bada`, `olle`), and a longer one
/// without its apostrophe (`eberri`), unless that form is an entry of its own.
fn lexicon() -> &'static HashMap<String, &'static str> {
    static T: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    T.get_or_init(|| {
        let raw = table(include_str!("lexicon.tsv"));
        let mut out: HashMap<String, &'static str> =
            raw.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        for (k, v) in &raw {
            let folded = fold(k);
            if folded != *k {
                out.entry(folded.clone()).or_insert(v);
            }
            // Written without the glottal stop's apostrophe ("eberri" for "èberri'"), for words
            // of four letters or more: "ta", "ja", "bi" would be other words.
            let bare: String = folded.chars().filter(|c| !is_apostrophe(*c)).collect();
            if bare != folded && bare.chars().count() >= 4 {
                out.entry(bare).or_insert(v);
            }
        }
        out
    })
}

/// Madurese and Javanese diacritics folded to plain letters (`â` → `a`, `è` → `e`), as most
/// people type them on a phone.
pub fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'â' | 'à' | 'á' | 'ä' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            _ => c,
        })
        .collect()
}

/// Words that carry no claim: function words, and what people wrap a forward in ("Diteruskan",
/// "Sebarkan!!", "dari grup sebelah", "tolong cek benar tidak"). Compared after slang mapping
/// and before stemming. Negations are deliberately absent.
const STOP: &[&str] = &[
    // Connectives, particles and question words of the forwarder's own sentences (2026-11-30,
    // before the seventeenth held-out set was run): what a claim asserts is not in them.
    "makanya",
    "kan",
    "tadi",
    // "mau" is "akan" ("mau meletus", "mau ditutup"), or Javanese "tadi"; "tidak mau" is read
    // as "tolak" before stop words are dropped.
    "mau",
    "sini",
    "situ",
    "sana",
    "siapa",
    "mana",
    "yang",
    "di",
    "ke",
    "dari",
    "dan",
    "atau",
    "ini",
    "itu",
    "ada",
    "untuk",
    "dengan",
    "pada",
    "adalah",
    "akan",
    "sudah",
    "juga",
    "saja",
    "lagi",
    "sangat",
    "karena",
    "kalau",
    "jika",
    "agar",
    "supaya",
    "oleh",
    "dalam",
    "para",
    "pun",
    "lah",
    "kah",
    "nya",
    "si",
    "sang",
    "the",
    "a",
    "of",
    "tapi",
    "tetapi",
    "sama",
    "seperti",
    "tentang",
    "bahwa",
    "kami",
    "kita",
    "saya",
    "kamu",
    "anda",
    "mereka",
    "dia",
    "ia",
    "beliau",
    "semua",
    "sekarang",
    "hari",
    "segera",
    "cepat",
    "mohon",
    "tolong",
    "harap",
    "hati",
    "waspada",
    "penting",
    "informasi",
    "berita",
    "info",
    "terbaru",
    "terkini",
    "heboh",
    "viral",
    "viralkan",
    "sebarkan",
    "sebarluaskan",
    "bagikan",
    "share",
    "diteruskan",
    "teruskan",
    "forwarded",
    "forward",
    "fw",
    "fwd",
    "copas",
    "copy",
    "paste",
    "broadcast",
    "bc",
    "grup",
    "group",
    "sebelah",
    "cek",
    "benar",
    "kabarnya",
    "katanya",
    "lho",
    "loh",
    "deh",
    "dong",
    "sih",
    "kok",
    "ya",
    "yah",
    "nih",
    "tuh",
    "wah",
    "wow",
    "astaga",
    "innalillahi",
    "subhanallah",
    "masyaallah",
    "bapak",
    "ibu",
    "saudara",
    "sekalian",
    "warga",
    "teman",
    "kawan",
    "semoga",
    "bermanfaat",
    "amin",
    "aamiin",
    "terima",
    "kasih",
    "makasih",
    "kawal",
    "hoax",
    "rp",
    "sebanyak",
    "banyak",
    "orang",
    "masih",
    "bisa",
    "jadi",
    "telah",
    "baru",
    "pernah",
    "sedang",
    "lalu",
    "kemudian",
    "maka",
    "hal",
    "sebuah",
    "satu",
    "setiap",
    "tiap",
    "berikut",
    "yaitu",
    "yakni",
    "menurut",
    "hingga",
    "sampai",
    "bagi",
    "tersebut",
    "secara",
    // "buat" is chat "untuk" (and the stem of "membuat"), as weightless as "untuk".
    "buat",
    // "tanggal 15 Desember" is "15 Desember"; "per hari" is "sehari"; "saat", "ketika",
    // "langsung", "cukup" ("cukup isi data", "langsung cair") add nothing to a claim.
    "tanggal",
    "per",
    "saat",
    "ketika",
    "langsung",
    "cukup",
    // A light verb ("kena stroke", "keno campak", "dikenai denda"), "only", "then", the
    // forwarder's "awas!".
    "kena",
    "hanya",
    "terus",
    "awas",
    // The forwarder's feelings and calls: "siap-siap", "ngeri", "serius", "geger".
    "siap",
    "ngeri",
    "serius",
    "geger",
    // Attribution and emphasis: "kata Kemensos", "dijamin", "pasti lulus", "walaupun".
    "kata",
    "jamin",
    "pasti",
    "walaupun",
    "meskipun",
    "daripada",
    "dulu",
    // The forwarder's questions and wonder ("piye iki?", "yoopo?", "tenan?", "malah kenek").
    "bagaimana",
    "kenapa",
    "mengapa",
    "apa",
    "malah",
    "sungguh",
];

/// Words after which "tidak" asks rather than denies ("benar tidak?").
const QUESTION_BEFORE_NOT: &[&str] = &["benar", "betul", "atau", "apa", "ya", "asli", "valid"];

/// Words that turn a claim into its opposite; never dropped, never fuzzily matched.
/// "larang" is a prohibition however written ("dilarang", "tidak boleh", "ora oleh", "ta' olle",
/// "jangan", "ojo"): one form, so the wordings agree with each other and still clash with a
/// message without it.
pub const NEGATIONS: &[&str] = &["tidak", "bukan", "belum", "jangan", "larang"];

/// "kalau tidak", "jika belum" ("nek ora", "mon ta'", "lek gak", "menawi mboten", "kalo blm"):
/// the sanction of a duty ("Kudu nglunasi sakdurunge 15 Januari. Nek ora, kursine dicoret",
/// "diblokir kalau tidak daftar"), marked with this word before the negation ("kalautidak
/// tidak daftar"), or written as this word alone where it closes its clause ("Nek ora,"),
/// where it is no question tag. The matcher reads such a negation as the duty, not as a denial
/// of the claim (see `sanction_agrees` in the matcher).
pub const SANCTION: &str = "kalautidak";

/// Words that after a negation make a prohibition: "tidak boleh", "ora oleh", "ora entuk",
/// "mboten angsal", "ta' olle" are all "dilarang".
const PERMIT_AFTER_NOT: &[&str] = &[
    "boleh", "oleh", "olle", "olih", "entuk", "antuk", "angsal", "kenging", "pareng",
];

/// "To allow" in Indonesian, Javanese and Madurese: after a negation a prohibition, as "tidak
/// boleh" is ("tidak mengizinkan warga menjual", "ora ngidini", "ta' ngidinnaghi").
const ALLOW: &[&str] = &[
    "mengizinkan",
    "izinkan",
    "diizinkan",
    "mengijinkan",
    "diijinkan",
    "ngizinkan",
    "ngidini",
    "diidini",
    "ngidinaghi",
    "ngidinnaghi",
    "ngidinagi",
    "eidinaghi",
    "èidinaghi",
];

fn is_stop(w: &str) -> bool {
    static S: OnceLock<std::collections::HashSet<&str>> = OnceLock::new();
    S.get_or_init(|| STOP.iter().copied().collect()).contains(w)
}

/// The Sastrawi stemmer (Nazief-Adriani with the Sastrawi dictionary).
///
/// Why the `sastrawi` crate: it is a port of the reference PHP Sastrawi (the same algorithm and
/// the same 29,000-word root dictionary as PySastrawi), with the reference test cases, pure Rust,
/// and small (regex plus two tiny crates). We call only `stem_word` on words we have already
/// lower-cased and reduced to ASCII letters: its sentence tokenizer unwraps on some input.
struct Sastrawi {
    stemmer: sastrawi::Stemmer<'static>,
    dictionary: &'static sastrawi::Dictionary,
}

fn sastrawi() -> &'static Sastrawi {
    static S: OnceLock<Sastrawi> = OnceLock::new();
    S.get_or_init(|| {
        let dictionary: &'static sastrawi::Dictionary =
            Box::leak(Box::new(sastrawi::Dictionary::new()));
        Sastrawi {
            stemmer: sastrawi::Stemmer::new(dictionary),
            dictionary,
        }
    })
}

/// Is this an Indonesian root word (in the Sastrawi dictionary)?
/// A word of the chat or regional lexicons, or a stop word.
pub fn is_known_word(w: &str) -> bool {
    lexicon().contains_key(w) || slang().contains_key(w) || is_stop(w)
}

pub fn is_root_word(w: &str) -> bool {
    sastrawi().dictionary.find(&w.to_string())
}

/// The Sastrawi stem of one lower-case word; other words (digits, non-ASCII) unchanged. The
/// prefix rules follow PySastrawi ([`super::stem`]); the `sastrawi` crate answers when they find
/// no root.
pub fn stem(word: &str) -> String {
    if word.len() < 3 || word.len() > MAX_WORD || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    // "sebelum" (before) is not "belum" (not yet), a negation.
    if KEEP_UNSTEMMED.contains(&word) {
        return word.to_string();
    }
    if let Some(root) = super::stem::rule_stem(word, &is_root_word) {
        return root;
    }
    let mut w = word.to_string();
    sastrawi().stemmer.stem_word(&mut w);
    if w.is_empty() {
        word.to_string()
    } else {
        w
    }
}

/// Roots that say the same as another, after stemming, so that "yang punya motor" and "pemilik
/// motor", "stop" and "berhenti" agree.
const ROOT_SYNONYMS: &[(&str, &str)] = &[
    ("murid", "siswa"),
    ("ranking", "peringkat"),
    ("pakai", "guna"),
    ("punya", "milik"),
    ("stop", "henti"),
    ("harus", "wajib"),
    ("suruh", "minta"),
    ("pukul", "jam"),
    ("waktu", "saat"),
    // "dinonaktifkan kecuali daftar ulang" says "those who do not register" ("yang tidak
    // mendaftar ulang", "kalo gk daftar ulang"): a negation, and a clash with a text without one.
    // ("kecuali SPBU tol" makes an exception: no duty's [`SANCTION`].)
    ("kecuali", "tidak"),
    // "diundur" is postponed: "ditunda".
    ("undur", "tunda"),
    ("pekan", "minggu"),
    ("biaya", "bayar"),
    // A balance, a quota "hangus" is lost: "ilang", "hilang".
    ("hangus", "hilang"),
];

/// Words the stemmer must leave alone: their stem would be a negation or a stop word of another
/// meaning ("sebelum" → "belum").
const KEEP_UNSTEMMED: &[&str] = &["sebelum", "sebelumnya"];

/// The words of a message after every step above, in message order (duplicates kept: the
/// order feeds the near-duplicate shingles). Links are not included: see [`super::url`].
pub fn claim_words(text: &str) -> Vec<String> {
    let without_links = super::url::strip_links(text);
    // "50%" is "50 persen" (not a number that runs into the next: "diskon 50% 3 bulan").
    let lowered = dash_dates(&without_links.to_lowercase()).replace('%', " persen ");
    let acronyms = acronyms_in(&without_links);
    let mut out = Vec::new();
    let raw: Vec<String> = split_words(&lowered);
    let raw = in_days(clock_times(join_amounts(numerals(join_phone_numbers(
        dates(roman_numerals(courtesies(raw))),
    )))));
    let mut prev = String::new();
    // The next word was read together with this one ("paling tidak").
    let mut skip_next = false;
    // Whether the last word kept is a negation that a "without" phrase may turn into "tanpa".
    let mut last_not = false;
    // A word a negation was read together with ("ora iso liwat" is "tutup"): dropped when it
    // comes, in the same clause.
    let mut absorb: Option<String> = None;
    // Words of a chat group's name still to drop (see below).
    let mut group_name = 0;
    for (i, token) in raw.iter().enumerate() {
        if token == CLAUSE {
            last_not = false;
            absorb = None;
            group_name = 0;
            continue;
        }
        if group_name > 0 {
            group_name -= 1;
            continue;
        }
        // "1 KK" ("1 KK cuma boleh beli 2 tabung") is "per KK", as "setiap KK" is written.
        if token == "1"
            && raw
                .get(i + 1)
                .is_some_and(|n| matches!(map_word(n).as_str(), "kartu keluarga" | "keluarga"))
        {
            continue;
        }
        // The chat group a message came from or goes to ("dr grup paguyuban kelas 3", "sebarkan
        // ke grup wali murid", "di grup rt srengat katanya ..."): forwarding, as "grup sebelah"
        // is. Its name is dropped: the rest of the clause when that is short, else two words.
        if GROUP.contains(&token.as_str()) {
            let rest = raw[i + 1..].iter().take_while(|t| *t != CLAUSE).count();
            group_name = if rest <= 4 { rest } else { 2 };
            continue;
        }
        // Javanese "tak" is "I" doing it ([`tak_is_i`]), not the Indonesian "tak" (not).
        if token == "tak"
            && tak_is_i(
                i.checked_sub(1).map(|k| raw[k].as_str()),
                raw.get(i + 1).map(String::as_str),
            )
        {
            continue;
        }
        // A negation that closes a clause after other words asks ("ini resmi bukan?", "pungli
        // bukan sih", "bener ta gak?", "bhender ta'?"), and "bukannya" opening one is "isn't
        // it": neither denies anything the message says. A negation alone ("Tidak.") denies.
        // "Nek ora," closing a clause is a duty's sanction, not a tag: [`SANCTION`] alone.
        let conditional = i > 0 && CONDITIONAL.contains(&map_word(&raw[i - 1]).as_str());
        if tag_negation(&raw, i) {
            if conditional && matches!(map_word(token).as_str(), "tidak" | "belum") {
                out.push(SANCTION.to_string());
                last_not = false;
            }
            continue;
        }
        // Malangan "kera" (walikan of "arek", folks) calling the readers: "Kera Ngalam, ...",
        // "Ati-ati kera-kera". Elsewhere it is the monkey ("ratusan kera turun").
        let heads = i == 0 || raw[i - 1] == CLAUSE;
        let calls = |n: Option<&String>| {
            n.is_some_and(|n| {
                n == CLAUSE || n == "kera" || VOCATIVE_AFTER_KERA.contains(&n.as_str())
            })
        };
        if token == "kera"
            && ((heads && calls(raw.get(i + 1)))
                || raw.get(i + 1).is_some_and(|n| n == "kera")
                || (i > 0 && raw[i - 1] == "kera"))
        {
            continue;
        }
        // Javanese "oleh", "entuk", Madurese "olle" after a negation forbid before a verb ("ora
        // oleh metu", "ta' olle nyoblos") but deny having before a noun ("ora oleh bansos").
        // Asked only after "oleh", "olle", ... (it maps and stems the next word).
        // ("ora oleh gawe ngombe", "gak oleh nggo masak": "for" before the verb.)
        let verb_next = || {
            raw.get(i + 1).is_some_and(|n| looks_like_verb(n))
                || (raw.get(i + 1).is_some_and(|n| {
                    ["gawe", "nggo", "kanggo", "dinggo", "buat", "untuk"].contains(&n.as_str())
                }) && raw.get(i + 2).is_some_and(|n| looks_like_verb(n)))
        };
        for word in unleet(token) {
            let word = unelongate(&word);
            // "DPT" in capitals is the vaccine or the voters' list, not chat "dpt" ("dapat").
            let mapped = if acronyms.contains(&word.as_str()) {
                word.clone()
            } else {
                map_word(&word)
            };
            // Madurese "lagghu'" is "besok", but "sabbân lagghu" is every morning.
            let mapped = if mapped == "besok"
                && i > 0
                && ["tiap", "setiap"].contains(&map_word(&raw[i - 1]).as_str())
            {
                "pagi".to_string()
            } else {
                mapped
            };
            let permit = {
                let plain: String = word.chars().filter(|c| !is_apostrophe(*c)).collect();
                let plain = fold(&plain);
                plain == "boleh"
                    || plain == "pareng"
                    || ALLOW.contains(&plain.as_str())
                    || (PERMIT_AFTER_NOT.contains(&plain.as_str()) && verb_next())
            };
            let parts: Vec<&str> = mapped.split(' ').collect();
            for (k, w) in parts.iter().copied().enumerate() {
                // What follows in the clause (this word's other parts, then the next words).
                let ahead = || {
                    parts[k + 1..]
                        .iter()
                        .map(|p| p.to_string())
                        .chain(
                            raw[i + 1..]
                                .iter()
                                .take_while(|t| *t != CLAUSE)
                                .flat_map(|t| {
                                    map_word(t)
                                        .split(' ')
                                        .map(str::to_string)
                                        .collect::<Vec<_>>()
                                }),
                        )
                        .take(5)
                        .collect::<Vec<String>>()
                };
                if skip_next {
                    skip_next = false;
                    prev = w.to_string();
                    continue;
                }
                // "paling tidak", "paling gak", "paling sedikit" (at least): "minimal".
                if w == "paling"
                    && matches!(
                        ahead().first().map(String::as_str),
                        Some("tidak" | "sedikit")
                    )
                {
                    skip_next = true;
                    prev = w.to_string();
                    last_not = false;
                    out.push("minimal".to_string());
                    continue;
                }
                // Javanese "mari" after a word is "sembuh" ("cepet mari", "iso mari"); heading a
                // clause it is Indonesian "let us" ("Mari kita sebarkan"), dropped.
                let opens_clause = k == 0 && (i == 0 || raw[i - 1] == CLAUSE);
                if w == "mari" && opens_clause {
                    prev = w.to_string();
                    continue;
                }
                let w = if w == "mari" { "sembuh" } else { w };
                // "kalau tidak" ("nek ora", "mon ta'", "lek gak", "menawi mboten", "kalo blm"):
                // a duty's sanction, [`SANCTION`].
                if (w == "tidak" || w == "belum") && CONDITIONAL.contains(&prev.as_str()) {
                    out.push(SANCTION.to_string());
                }
                let w = negation_in_context(w, &ahead);
                // Javanese "larang" is "mahal" after a price ("regane larang"); anywhere else it
                // is the Indonesian "larang" (ban): "KEMENAG LARANG AZAN".
                // Javanese "larang" (expensive) closes its clause ("regane larang", "tambah
                // larang rek", "sakdurunge larang"); the Indonesian ban has an object ("KEMENAG
                // LARANG AZAN"), and "dilarang", "nglarang" are always the ban.
                // So does "larang pol", "larang temen": very dear.
                let w = if w == "larang"
                    && token == "larang"
                    && ahead().iter().all(|n| {
                        n.is_empty()
                            || n == DROP
                            || is_stop(n)
                            || INTENSIFIERS.contains(&n.as_str())
                    }) {
                    "mahal"
                } else {
                    w
                };
                // Javanese "tak larang" is "I forbid" ("langsung tak larang jajan"): the
                // forwarder's own advice, "jangan".
                let w = if w == "larang" && i > 0 && raw[i - 1] == "tak" {
                    ADVICE
                } else {
                    w
                };
                if let Some(a) = &absorb {
                    if stem(w) == *a {
                        absorb = None;
                        prev = w.to_string();
                        continue;
                    }
                }
                // A negation read with what follows it ([`negated_phrase`]).
                let w = match negated_phrase(w, &ahead) {
                    Some((said, with)) => {
                        absorb = with;
                        said
                    }
                    None => w,
                };
                // "diminta tidak membeli", "dihimbau tidak": asked not to, the same as "jangan".
                // So is "mengimbau warga agar tidak mengangkat": the request a word or two before.
                let asked = |p: &str| ["minta", "imbau", "harap", "mohon", "suruh"].contains(&p);
                let w = if w == "tidak"
                    && (asked(stem(&prev).as_str())
                        || out.iter().rev().take(2).any(|p: &String| asked(p.as_str())))
                {
                    "larang"
                } else {
                    w
                };
                // "tidak boleh", "ora oleh", "ta' olle": a prohibition, the same as "dilarang".
                if (permit || w == "boleh") && last_not && prev == "tidak" {
                    out.pop();
                    // "ta' ollè maso'", "ora oleh mlebu", "gak oleh liwat": closed, "tutup", as
                    // "dilarang masuk" is (see [`negated_phrase`]).
                    let entering = ahead()
                        .first()
                        .map(|n| stem(n))
                        .filter(|n| ["masuk", "lewat", "lintas"].contains(&n.as_str()));
                    if let Some(n) = entering {
                        absorb = Some(n);
                        out.push("tutup".to_string());
                        prev = "tutup".to_string();
                    } else {
                        out.push("larang".to_string());
                        prev = "larang".to_string();
                    }
                    last_not = false;
                    continue;
                }
                // "bener gak?", "betul tidak", "asli apa nggak": a question, not a negation.
                let asks = w == "tidak" && QUESTION_BEFORE_NOT.contains(&prev.as_str());
                // "ora nganggo jaminan", "gak usah tes", "ndak perlu KTP", "ta' parlo": not a
                // denial but "without" ("tanpa jaminan"); "tanpa perlu" is "tanpa".
                let without = WITHOUT_AFTER_NOT.contains(&w)
                    && ((last_not && prev == "tidak") || prev == "tanpa");
                prev = w.to_string();
                if without {
                    if last_not {
                        out.pop();
                        out.push("tanpa".to_string());
                    }
                    prev = "tanpa".to_string();
                    last_not = false;
                    continue;
                }
                last_not = false;
                if asks || w.is_empty() || w == DROP || is_stop(w) || w.chars().count() > MAX_WORD {
                    continue;
                }
                if w.chars().count() == 1 && !w.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                // "meninggal" (and its typos "mninggal", "maninggal") is "mati", not the stem
                // "tinggal" ("live").
                let s = if w.ends_with("ninggal") {
                    "mati".to_string()
                } else {
                    stem(w)
                };
                let s = match ROOT_SYNONYMS.iter().find(|(a, _)| *a == s) {
                    Some((_, b)) => b.to_string(),
                    None => match synonyms().get(s.as_str()) {
                        Some(b) => b.to_string(),
                        None => s,
                    },
                };
                // "bulan datang" (Madurese "bulân dâteng", krama "wulan ngajeng") is "bulan depan".
                let s = if s == "datang"
                    && out.last().is_some_and(|p: &String| {
                        ["bulan", "minggu", "tahun", "pekan"].contains(&p.as_str())
                    }) {
                    "depan".to_string()
                } else {
                    s
                };
                // "jangan" (and "ojo", "ja'", "jgn") forbids: "dilarang"; at the head of a
                // clause it may be the forwarder's own advice, "jangan" (see the matcher).
                // "jangan" (and "ojo", "ja'", "jgn") is the imperative: the forwarder's advice to
                // the reader ("Anake ojok ditinggal", "jgn melaut"), kept as "jangan" for the
                // matcher, which reads it as a prohibition only against a known text that forbids
                // something. "dilarang", "tidak boleh" are "larang" (see above).
                if !is_stop(&s) {
                    last_not = s == "tidak";
                    out.push(s);
                }
            }
        }
    }
    out
}

/// A fingerprint of this normaliser: its code and its word lists. Two builds that could write a
/// text's words differently have different signatures (so may two that differ only in a
/// comment: a harmless extra re-index). The portal stores it beside its search terms and
/// re-indexes its posts when it changes.
pub fn signature() -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in [
        include_str!("normalize.rs"),
        include_str!("lexicon.tsv"),
        include_str!("slang.tsv"),
        include_str!("synonyms.tsv"),
        include_str!("stem.rs"),
    ] {
        hash.update(part.as_bytes());
    }
    hex::encode(&hash.finalize()[..8])
}

/// The words of each clause of a message (split at ".", ",", ";", "!", "?" and new lines, not
/// inside a number such as "3.500.000" or "3,5"), normalised as [`claim_words`] does; clauses
/// left without words are dropped. The matcher uses them to tell the forwarder's own asides
/// ("Ndang didaftarke mbahmu.", "Tenan pora iki?", ", isi penuh sekarang") from the claim they
/// forward.
pub fn claim_clauses(text: &str) -> Vec<Clause> {
    let without_links = super::url::strip_links(text);
    let chars: Vec<char> = without_links.chars().collect();
    let mut clauses = Vec::new();
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        let inside_number = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if matches!(c, '.' | ',' | ';' | '!' | '?' | '\n') && !inside_number {
            clauses.push((chars[start..i].iter().collect::<String>(), c == '?'));
            start = i + 1;
        }
    }
    clauses.push((chars[start..].iter().collect::<String>(), false));
    let mut clauses = clauses
        .iter()
        .map(|(s, asks)| Clause {
            words: claim_words(s),
            asks: *asks,
            qualifies: split_words(&s.to_lowercase())
                .iter()
                .any(|w| QUALIFIERS.contains(&fold(&unelongate(w)).as_str())),
            urges: split_words(&s.to_lowercase())
                .first()
                .is_some_and(|w| urges(w)),
            personal: {
                let words = split_words(&s.to_lowercase());
                words.iter().any(|w| {
                    let w = fold(w);
                    FIRST_PERSON.contains(&w.as_str()) || my_own(&w)
                }) || speaks_as_i(&words)
            },
        })
        .filter(|c| !c.words.is_empty())
        .collect::<Vec<Clause>>();
    // A clause that opens with a negation right after the forwarder spoke of themselves goes
    // on speaking of them ("Ana' sengko' ghi' kènè', ta' èbâkta ka posyandu ghellu", "Lombok
    // reang isih ijo kabeh, durung panen").
    for k in 1..clauses.len() {
        if clauses[k - 1].personal
            && !clauses[k].personal
            && clauses[k]
                .words
                .first()
                .is_some_and(|w| w == "tidak" || w == "belum")
        {
            clauses[k].personal = true;
        }
    }
    clauses
}

/// A clause of a message ([`claim_clauses`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clause {
    /// Its words, as [`claim_words`] gives them.
    pub words: Vec<String>,
    /// It restricts, qualifies or judges what the message says ("hanya di Madura", "khusus PNS",
    /// "tapi tetap buka", "itu hoaks", "gratis"), with words the normaliser may drop as filler.
    pub qualifies: bool,
    /// It ends with a question mark: the forwarder asks ("sopo sing nduwe info resmi??", "ada yg
    /// tau kebenarannya?").
    pub asks: bool,
    /// The forwarder speaks of themselves ("Aku wis daftar mau bengi", "Mbahku wis ngemasi
    /// klambi", "Isun oleh kabar teka sedulur").
    pub personal: bool,
    /// It opens by urging the reader to do something ("segera urus sblm antre panjang", "ayo
    /// ngungsi", "amankan perahu!!", "batalkan rencana liburan ke Punung"): the forwarder's call
    /// to act on the claim.
    pub urges: bool,
}

/// Words that open a clause urging the reader ([`Clause::urges`]).
const URGE_HEADS: &[&str] = &[
    "segera",
    "buruan",
    "ayo",
    "ayok",
    "yuk",
    "yok",
    "cepat",
    "cepet",
    "cepetan",
    "ndang",
    "enggal",
    "gek",
    "monggo",
    "mangga",
    "silakan",
    "silahkan",
    "tolong",
    "pastikan",
    "harap",
    "mohon",
    "sebaiknya",
    "mending",
    "mendingan",
    // Imperatives without "-kan": "cek beras di rumah", "ganti knalpot standar", "stok skrg",
    // "jemput anak tepat waktu", "hindari jalur tsb".
    "cek",
    "ganti",
    "stok",
    "jemput",
    "antar",
    "hindari",
    "jauhi",
    "kunjungi",
    "cuci",
    "simpan",
    "borong",
    "isi",
];

/// Whether a clause's first word urges: an urging word, or an imperative in "-kan" or "-lah"
/// ("amankan", "batalkan", "siapkan", "kunjungilah") that no passive or active prefix opens.
fn urges(first: &str) -> bool {
    let w = fold(&unelongate(first));
    URGE_HEADS.contains(&w.as_str())
        || ((w.ends_with("kan") || w.ends_with("lah"))
            && w.chars().count() >= 7
            && !["di", "me", "ter", "ber", "pe", "se", "ke"]
                .iter()
                .any(|p| w.starts_with(p)))
}

/// The forwarder speaking of themselves, in Indonesian chat, Javanese (ngoko, krama, Osing,
/// Malangan) and Madurese. Not "saya": an office's statement says "saya" too ("Saya pastikan
/// vaksin itu aman"), and its words are never an aside.
const FIRST_PERSON: &[&str] = &[
    "aku",
    "gue",
    "gw",
    "ane",
    "isun",
    "ayas",
    "kula",
    "kulo",
    "kaula",
    "kaule",
    "sengko",
    "sengko'",
    // Madurese "tang" (my: "tang embo'", "tang kanca"), "-ku" written apart ("Nduk-ku"),
    // Osing "reang" (I).
    "tang",
    "reang",
    "ku",
    "engko'",
    "anakku",
    "omahku",
    "mbahku",
    "bapakku",
    "ibukku",
    "emakku",
    "bojoku",
    "adikku",
    "adhikku",
    "dulurku",
    "tanggaku",
    "tonggoku",
    "keluargaku",
    "rumahku",
    // The forwarder's neighbours, as a source or as people they know ("kata tetangga di
    // durenan", "anak tetanggaku"), and "we" ("kita mau ke museum angkut bulan juni").
    "tetangga",
    "tonggo",
    "tatangga",
    "kita",
];

/// Whether the forwarder speaks as "I" with the Javanese "tak" ([`tak_is_i`]): "gak tak
/// olehi", "tak kon nolak", "tak buwang kabeh".
fn speaks_as_i(words: &[String]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        w == "tak"
            && tak_is_i(
                i.checked_sub(1).map(|k| words[k].as_str()),
                words.get(i + 1).map(String::as_str),
            )
    })
}

/// Whether "tak", between these words, is the Javanese "I" doing something, not the
/// Indonesian "tak" (not) of "tak bisa", "tak ada": before a Javanese word of the lexicon ("tak
/// gowo", "tak kon"), a word with a Javanese verb's suffix ("tak klaimno", "tak daftarne") or
/// "larang" ("tak larang jajan", I forbid), or after a negation ("ora tak olehi", "kadit tak
/// ijini": I do not).
fn tak_is_i(prev: Option<&str>, next: Option<&str>) -> bool {
    prev.is_some_and(|p| map_word(p) == "tidak")
        || next.is_some_and(|n| {
            (lexicon().contains_key(n) && !slang().contains_key(n))
                || javanese_verb_form(n)
                || n == "larang"
        })
}

/// A word with the first-person "-ku" on a known word: "putuku", "montorku", "simbokku" (not
/// "buku", "laku").
fn my_own(w: &str) -> bool {
    w.strip_suffix("ku").is_some_and(|base| {
        base.chars().count() >= 3
            && (lexicon().contains_key(base)
                || slang().contains_key(base)
                || is_root_word(base)
                || (base.chars().count() >= 5 && is_root_word(&stem(base))))
    })
}

/// Words that make a clause qualify a claim rather than comment on it ([`Clause::qualifies`]).
const QUALIFIERS: &[&str] = &[
    "hanya", "cuma", "cuman", "mung", "mong", "coma", "khusus", "kecuali", "kejaba", "kajaba",
    "tapi", "tetapi", "tp", "namun", "nanging", "tetap", "tetep", "teteb", "hoaks", "hoax", "hoak",
    "palsu", "bohong", "resmi", "gratis", "tanpa", "bukan",
];

/// A negation read with the words around it, as a phrase that says it without one:
/// - "tidak"/"larang" before "lewat" ("ta' bisa lebât", "gak oleh liwat", "dilarang melintas"),
///   and "larang" before "masuk", say the road is closed: "tutup"; "tidak" before "jalan",
///   "operasi", "layar" says a service stopped: "henti";
/// - "tidak jadi" ("gak sido", "ora sida", "ta' dhaddhi") is "batal"; "tidak mau" ("gak gelem")
///   is "tolak";
/// - "tidak" before reaching an amount ("gak tekan 5 yuto", "ta' sampè' 5 juta") is "bawah";
/// - "tidak" or "belum" ending its clause ("bener gak?", "tenan pora?", "wis durung?") asks, and is
///   dropped.
///
/// Gives the word said and the following word it was read with (dropped when it comes).
fn negated_phrase(
    w: &str,
    ahead: &dyn Fn() -> Vec<String>,
) -> Option<(&'static str, Option<String>)> {
    let w = match w {
        "tidak" => "tidak",
        // "wis durung?", "udah belum?": a question tag.
        "belum"
            if ahead()
                .iter()
                .all(|n| is_stop(n) || n.is_empty() || n == DROP) =>
        {
            return Some((DROP, None))
        }
        _ if stem(w) == "larang" => "larang",
        _ => return None,
    };
    let all = ahead();
    // "gak tekan 5 yuto", "ta' sampè' 5 juta", "ora nyampek limang yuto": under that amount.
    if w == "tidak"
        && all.len() > 1
        && REACH.contains(&all[0].as_str())
        && all[1].bytes().next().is_some_and(|b| b.is_ascii_digit())
    {
        return Some(("bawah", Some(stem(&all[0]))));
    }
    let next: Vec<String> = all
        .iter()
        .filter(|n| {
            !n.is_empty()
                && n.as_str() != DROP
                && (!is_stop(n) || n.as_str() == "mau")
                && !["bisa", "dapat"].contains(&n.as_str())
        })
        .map(|n| stem(n))
        .collect();
    let first = next.first().map(String::as_str).unwrap_or("");
    // "melarang truk pasir melintas": closed to them, as "dilarang melintas" is.
    if w == "larang" {
        if let Some(passing) = next
            .iter()
            .take(3)
            .find(|n| ["lewat", "lintas"].contains(&n.as_str()))
        {
            return Some(("tutup", Some(passing.clone())));
        }
    }
    match first {
        "lewat" | "lintas" | "lalu" => return Some(("tutup", Some(first.to_string()))),
        // Not running, not operating, not sailing: stopped ("kapal ta' ajâlân", "bus ora
        // operasi", "ta' alajar").
        "jalan" | "operasi" | "layar"
            if w == "tidak" && all.first().is_some_and(|n| stem(n) == first) =>
        {
            return Some(("henti", Some(first.to_string())))
        }
        "masuk" if w == "larang" => return Some(("tutup", Some("masuk".to_string()))),
        _ => {}
    }
    if w != "tidak" {
        return None;
    }
    if ["jadi", "sido", "sida"].contains(&first) {
        return Some(("batal", Some(first.to_string())));
    }
    // "tidak layak (huni)" names a kind of house, as "RTLH" does: no negation of the claim.
    if first == "layak" && all.first().is_some_and(|n| stem(n) == "layak") {
        return Some(("taklayak", Some("layak".to_string())));
    }
    // "gak manut", "ta' noro'", "tidak patuh": disobeys, "langgar".
    if ["ikut", "manut", "patuh", "taat", "turut", "nurut"].contains(&first) {
        return Some(("langgar", Some(first.to_string())));
    }
    // "ta' coma knalpotta", "gak mek knalpote", "tidak hanya": "bukan hanya".
    if all.first().is_some_and(|n| n == "hanya") {
        return Some(("bukan", None));
    }
    // "gak iso duwe anak", "ta' andi' ana'", "tidak bisa punya anak": infertile, "mandul".
    if ["punya", "milik", "duwe", "andi"].contains(&first)
        && next.get(1).is_some_and(|n| n == "anak")
    {
        return Some(("mandul", Some(first.to_string())));
    }
    // "gak gelem", "tidak mau", "ta' endha'": refuses, "tolak".
    if ["mau", "gelem", "sudi", "endak"].contains(&first) {
        return Some(("tolak", Some(first.to_string())));
    }
    // "gak bener", "tidak benar": not true, a denial, not a question tag.
    if all
        .first()
        .is_some_and(|n| ["benar", "betul", "leres", "bhender"].contains(&n.as_str()))
    {
        return None;
    }
    if next.is_empty() {
        return Some((DROP, None));
    }
    None
}

/// Who "kera" heading a clause calls ("Kera Ngalam", "Kera SMK ...").
const VOCATIVE_AFTER_KERA: &[&str] = &["ngalam", "malang", "batu", "smk", "sma", "smp", "arema"];

/// Words that make what comes before them stronger ("larang pol", "mahal banget").
const INTENSIFIERS: &[&str] = &[
    "pol", "banget", "sekali", "pisan", "temen", "tenan", "nemen", "ongghu",
];

/// A prohibition at the head of a clause of a message: [`claim_words`] writes it "jangan", any
/// other "larang". Against a known text that forbids something the matcher reads it as that
/// prohibition ("larang"); against one that forbids nothing as the forwarder's advice to the
/// reader ("Ojok sampek kelewatan", "jgn mau disuntik", "ojo budhal mrono", "tak larang
/// jajan"), not the claim's negation.
pub const ADVICE: &str = "jangan";

/// "If" (every regional and chat "if" maps to "kalau"): a negation after it states a duty's
/// sanction, [`SANCTION`].
const CONDITIONAL: &[&str] = &["kalau", "jika", "bila", "apabila"];

/// Words for reaching an amount, after a negation ([`negated_phrase`]).
const REACH: &[&str] = &["sampai", "tekan", "capai", "mencapai", "dapat", "nyampai"];

/// A negation that says something else in its clause: "tidak ... lagi" ("ora didol maneh", "no
/// longer") is "henti", as "berhenti dijual" is written; "tidak ada (lagi)" closing a clause
/// ("stok solar tadha'", "anggarane ora ono") is "habis"; "belum" before a number or "bawah" ("durung 18
/// taun", "ghi' bâbâ 18 taon") is "bawah", as "di bawah 18 tahun" is written; "lebih" and
/// "kurang" before a number are "atas" and "bawah".
fn negation_in_context<'a>(w: &'a str, ahead: &dyn Fn() -> Vec<String>) -> &'a str {
    match w {
        "tidak" => {
            let next = ahead();
            let first = next.first().map(String::as_str).unwrap_or("");
            if first == "ada" && next[1..].iter().all(|n| n == "lagi") {
                "habis"
            } else if next
                .iter()
                .take_while(|n| *n != "tidak")
                .any(|n| n == "lagi")
                && !PERMIT_AFTER_NOT.contains(&first)
                && !WITHOUT_AFTER_NOT.contains(&first)
            {
                // "ora ana maneh sepur", "tidak ada lagi kereta": no more, stopped.
                "henti"
            } else {
                w
            }
        }
        // "lebih (dari) 60 tahun" is "di atas 60 tahun", "kurang dari 5 juta" "di bawah".
        "lebih" | "kurang" => {
            let next = ahead();
            let number = next
                .iter()
                .find(|n| *n != "dari" && *n != "saking")
                .is_some_and(|n| n.bytes().next().is_some_and(|b| b.is_ascii_digit()));
            match (w, number) {
                ("lebih", true) => "atas",
                ("kurang", true) => "bawah",
                _ => w,
            }
        }
        "belum" => {
            let next = ahead();
            let first = next.first().map(String::as_str).unwrap_or("");
            if first == "bawah" || first.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
                "bawah"
            } else {
                w
            }
        }
        // "tanpa henti" (nonstop) is "tidak berhenti", as "gak mandeg" says it.
        "tanpa" if ahead().first().is_some_and(|n| stem(n) == "henti") => "tidak",
        _ => w,
    }
}

/// A Javanese verb with the suffix of "I will do it to" ("klaimno", "daftarne", "terusake",
/// "kirimke"), not an Indonesian root word.
fn javanese_verb_form(word: &str) -> bool {
    const SUFFIXES: &[&str] = &["kno", "kne", "ake", "no", "ne", "ke"];
    word.len() >= 5
        && word.bytes().all(|b| b.is_ascii_lowercase())
        && SUFFIXES.iter().any(|s| word.ends_with(s))
        && !is_root_word(word)
}

/// Particles that may follow a question's closing negation ("bukan sih", "gak ya", "ta' ya").
const TAG_PARTICLES: &[&str] = &[
    "sih", "seh", "ya", "yah", "ta", "to", "toh", "kah", "kan", "rek", "lur", "cak", "yo", "ye",
    "dong", "deh", "nih", "iki", "iku", "reya", "jiya",
];

/// Whether the negation at `i` of the split words is a question's tag: the last word of its
/// clause but for [`TAG_PARTICLES`], after at least one other word ("resmi bukan?"), or
/// "bukannya" opening a clause.
fn tag_negation(raw: &[String], i: usize) -> bool {
    let t = raw[i].as_str();
    let starts = i == 0 || raw[i - 1] == CLAUSE;
    if starts && matches!(t, "bukannya" | "bukane" | "bukanne" | "bkne") {
        return true;
    }
    if starts || !matches!(map_word(t).as_str(), "tidak" | "bukan" | "belum") {
        return false;
    }
    raw[i + 1..]
        .iter()
        .take_while(|w| *w != CLAUSE)
        .all(|w| TAG_PARTICLES.contains(&w.as_str()))
}

/// A Javanese or Madurese verb, by its active nasal prefix ("nyoblos", "ngombe", "mlebu",
/// "nggawa") or one of the common verbs without it.
fn looks_like_verb(word: &str) -> bool {
    const VERBS: &[&str] = &[
        "turu", "tuku", "teka", "lunga", "adol", "dodol", "ajual", "atugas", "tugas", "alako",
        "alakoh", "abayar", "entar", "kerja", "kerjo", "sekolah", "keluar", "masuk", "donor",
        "pakai", "dipakai", "bayar", "jual", "beli", "ikut", "datang", "pergi", "pulang", "kaloar",
        "toron", "ongga", "atemmo", "alajar",
    ];
    // What people are forbidden to do, said in Indonesian once the regional word is mapped
    // ("kalowar", "dâteng", "dodolan", "mlebu").
    const DOINGS: &[&str] = &[
        "keluar",
        "masuk",
        "datang",
        "pergi",
        "pulang",
        "jual",
        "beli",
        "lewat",
        "makan",
        "minum",
        "pakai",
        "ikut",
        "kerja",
        "sekolah",
        "bayar",
        "layar",
        "naik",
        "turun",
        "jalan",
        "mandi",
        "buang",
        "bakar",
        "pasang",
        "coblos",
        "pilih",
        "ambil",
        "bawa",
        "kirim",
        "main",
        "tidur",
        "dagang",
        "melaut",
        "berangkat",
        "mudik",
        "ziarah",
        "nonton",
        "renang",
        "parkir",
    ];
    let folded = fold(word);
    ["ng", "ny", "m", "n"]
        .iter()
        .any(|p| word.starts_with(p) && word.len() > p.len() + 2)
        || VERBS.contains(&word)
        || VERBS.contains(&folded.as_str())
        || DOINGS.contains(&stem(&map_word(&folded)).as_str())
}

/// The [`ACRONYMS`] written in capitals in a message that is not itself mostly capitals.
fn acronyms_in(text: &str) -> Vec<&'static str> {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    if upper * 2 >= letters {
        return Vec::new();
    }
    let words = split_words(text);
    ACRONYMS
        .iter()
        .copied()
        .filter(|a| {
            words
                .iter()
                .any(|w| w.to_lowercase() == *a && w.to_uppercase() == *w)
        })
        .collect()
}

/// Chat abbreviations that, written in capitals, are an office's or a list's name: "DPT" (the
/// DPT vaccine, the voters' list) is no "dpt" ("dapat"), "BKN" (the civil service agency) no "bkn"
/// ("bukan").
const ACRONYMS: &[&str] = &["dpt", "bkn"];

/// The mapping of a word the lexicons drop ("dll", "wkwk").
const DROP: &str = "-";

/// Words that after a negation say "without": "tidak pakai", "ora usah", "ndak perlu".
const WITHOUT_AFTER_NOT: &[&str] = &["pakai", "usah", "perlu", "butuh", "memakai", "dipakai"];

/// A chat group, in the words of [`claim_words`]'s forwarding boilerplate.
const GROUP: &[&str] = &["grup", "group", "grub", "grupe", "grupku"];

/// Number words and their context, before amounts are joined: Javanese and Madurese numerals and
/// multipliers ("limang yuto", "telung ewu", "tello' ebu") become digits and "juta"/"ribu";
/// "sak"/"se"/"sa" before a multiplier is one ("sak yuto", "sejuta"); "smp" before a number is
/// "sampai" ("smp 50jt"), otherwise the school level, and so is "sd" between two numbers; "rek" after "no" is "rekening" (otherwise the
/// Surabaya address "rek", dropped).
fn numerals(tokens: Vec<String>) -> Vec<String> {
    let tokens = split_spoken_compounds(tokens);
    let numeric = |m: &str| {
        (!m.is_empty() && m.bytes().all(|b| b.is_ascii_digit())) || multiplier(m).is_some()
    };
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut skip_next = false;
    let mut skip_tokens = 0;
    for (i, t) in tokens.iter().enumerate() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if skip_tokens > 0 {
            skip_tokens -= 1;
            continue;
        }
        if t == CLAUSE {
            out.push(t.clone());
            continue;
        }
        let next = tokens.get(i + 1).map(|n| map_word(n));
        let next_is_multiplier = next.as_deref().is_some_and(|n| multiplier(n).is_some());
        let starts_digit = |s: Option<&String>| {
            s.is_some_and(|n| n.bytes().next().is_some_and(|b| b.is_ascii_digit()))
        };
        // "sajam" is "per hour" after an amount ("150 kilo sajam"); anywhere else "senjata
        // tajam", a sharp weapon ("ngèbâ sajam", "nggowo sajam"), as the lexicon reads it.
        let weapon = t == "sajam" && !(ends_with_amount(&out) || counts_something(&out));
        if let Some(unit) = one_unit(t).filter(|_| !weapon) {
            // After an amount it is "per": "200 ewu sedino" is "200 ribu per hari"; so after a
            // count of something ("rong tabung sewulan", "limang liter sedina").
            let one = if ends_with_amount(&out) || counts_something(&out) {
                "per"
            } else {
                "1"
            };
            out.extend([one.to_string(), unit]);
            continue;
        }
        match t.as_str() {
            // "salah satu", "sala sèttong", "salah siji": "one of", not a number.
            "satu" | "settong" | "siji" | "setunggal"
                if out
                    .last()
                    .is_some_and(|p| matches!(p.as_str(), "salah" | "sala" | "saleh")) =>
            {
                continue;
            }
            "sak" | "se" | "sa" | "setunggal" | "settong" | "siji" if next_is_multiplier => {
                out.push("1".to_string());
                continue;
            }
            // "sak wulan", "se minggu", "sa taon": one (after an amount, "per", dropped).
            "sak" | "se" | "sa" if next.as_deref().is_some_and(|n| TIME_UNITS.contains(&n)) => {
                if !ends_with_amount(&out) && !counts_something(&out) {
                    out.push("1".to_string());
                }
                continue;
            }

            "sejuta" | "sayuta" | "sajuta" => {
                out.extend(["1".to_string(), "juta".to_string()]);
                continue;
            }
            "seribu" | "saebu" => {
                out.extend(["1".to_string(), "ribu".to_string()]);
                continue;
            }
            // "50 rebuan", "seket ewuan" (a note of 50 thousand), "ratusan juta": the amount.
            "ribuan" | "rebuan" | "ewuan" | "ebuan" | "rbuan" if ends_with_amount(&out) => {
                out.push("ribu".to_string());
                continue;
            }
            "jutaan" | "yutoan" | "yutaan" if ends_with_amount(&out) => {
                out.push("juta".to_string());
                continue;
            }
            // "150 kilo sajam": kilometres, when a time unit or "per" follows.
            "kilo"
                if ends_with_amount(&out)
                    && (next.as_deref().is_some_and(|n| {
                        n == "per" || TIME_UNITS.contains(&n) || one_unit(n).is_some()
                    }) || tokens.get(i + 1).is_some_and(|n| one_unit(n).is_some())) =>
            {
                out.push("kilometer".to_string());
                continue;
            }
            // "salah satu" (one of) counts nothing.
            "satu" | "siji" | "settong" | "sittong" | "setunggal"
                if out.last().is_some_and(|p| map_word(p) == "salah") =>
            {
                continue;
            }
            // "ke-1", Madurese "kapèng sèttong": the first.
            "ke" | "kapeng" | "kapèng" if next.as_deref() == Some("1") => {
                out.push("pertama".to_string());
                skip_next = true;
                continue;
            }
            // "umur sewidak munggah": 60 and above.
            "munggah" | "minggah" if out.last().is_some_and(|p| is_digits(p)) => {
                out.push("atas".to_string());
                continue;
            }
            // "tahun 93": 1993 ("taun 05": 2005).
            "tahun" | "taun" | "taon" | "thn" | "th"
                if tokens
                    .get(i + 1)
                    .is_some_and(|n| n.len() == 2 && is_digits(n)) =>
            {
                out.push("tahun".to_string());
                out.push(full_year(&tokens[i + 1]));
                skip_next = true;
                continue;
            }
            // "tahun sebelum 97", "th sblm 97": a year too.
            "tahun" | "taun" | "taon" | "thn" | "th"
                if tokens.get(i + 1).is_some_and(|n| {
                    matches!(map_word(n).as_str(), "sebelum" | "setelah" | "sesudah")
                }) && tokens
                    .get(i + 2)
                    .is_some_and(|n| n.len() == 2 && is_digits(n)) =>
            {
                out.push("tahun".to_string());
                out.push(map_word(&tokens[i + 1]));
                out.push(full_year(&tokens[i + 2]));
                skip_tokens = 2;
                continue;
            }
            // "thn 61 sampe 97": the second year after "sampai" as the first was written.
            t2 if t2.len() == 2
                && is_digits(t2)
                && out.len() >= 2
                && map_word(&out[out.len() - 1]) == "sampai"
                && is_year(&out[out.len() - 2]) =>
            {
                out.push(full_year(t2));
                continue;
            }
            // Madurese "pa' ratos" (four hundred), "pa' polo" (forty): "pa'" is "empa'" there.
            "pa" | "pa'"
                if next
                    .as_deref()
                    .is_some_and(|n| HUNDREDS.contains(&n) || TENS.contains(&n)) =>
            {
                out.push("4".to_string());
                continue;
            }
            // Krama "nyuwun sewu" (excuse me) counts nothing.
            "nyuwun" if tokens.get(i + 1).is_some_and(|n| n == "sewu") => {
                skip_next = true;
                continue;
            }
            "smp" if starts_digit(tokens.get(i + 1)) => {
                out.push("sampai".to_string());
                continue;
            }
            // "1 sd 5 Desember" is "sampai dengan"; "SD 3 Gondanglegi" is a school.
            "sd" if starts_digit(tokens.get(i + 1)) && i > 0 && starts_digit(tokens.get(i - 1)) => {
                out.push("sampai".to_string());
                continue;
            }
            "rek" => {
                let after_no =
                    i > 0 && matches!(tokens[i - 1].as_str(), "no" | "nomor" | "nmr" | "nomer");
                out.push(if after_no { "rekening" } else { DROP }.to_string());
                continue;
            }
            _ => {}
        }
        let m = map_word(t);
        if numeric(&m) && !t.bytes().any(|b| b.is_ascii_digit()) {
            out.push(m);
        } else {
            out.push(t.clone());
        }
    }
    out
}

/// A digit and its power of ten written as one word ("pitungpuluh", "rongpuluh", "duaratos",
/// "limangatus", "pettongpolo", "telungewu") as two, so that [`amount_at`] reads it as it reads
/// "pitung puluh": "satus pitungpuluh limang ewu" is 175.000. A word the lexicons know whole
/// ("rongatus", "selawe") stays as it is.
fn split_spoken_compounds(tokens: Vec<String>) -> Vec<String> {
    const POWERS: &[&str] = &[
        "puluh", "polo", "poloh", "dasa", "ratus", "ratos", "atus", "atos", "belas", "welas",
        "bellas", "ewu", "rebu", "ebu", "ribu", "yuto", "yuta", "juta",
    ];
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        // Only a word that ends with a power is looked up (most words end with none).
        let split = POWERS
            .iter()
            .find_map(|p| {
                let head = t.strip_suffix(p).filter(|h| h.len() >= 2)?;
                let digit = map_word(head);
                let one_to_nine = digit.len() == 1 && digit != "0" && is_digits(&digit);
                one_to_nine.then(|| (head.to_string(), p.to_string()))
            })
            .filter(|_| {
                let whole = map_word(&t);
                whole == t || !is_digits(&whole)
            });
        match split {
            Some((head, power)) => out.extend([head, power]),
            None => out.push(t),
        }
    }
    out
}

/// "97" as a year: 1997 ("05": 2005).
fn full_year(yy: &str) -> String {
    let yy: u32 = yy.parse().unwrap_or(0);
    format!("{}", if yy >= 50 { 1900 + yy } else { 2000 + yy })
}

fn is_year(t: &str) -> bool {
    t.len() == 4 && t.parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y))
}

/// The words kept end with a count of something ("2 tabung", "5 liter"): a "se-" unit after
/// them is "per" ("2 tabung sebulan").
fn counts_something(out: &[String]) -> bool {
    matches!(out, [.., n, thing] if is_digits(n) && !is_digits(thing) && thing != "per")
}

fn is_digits(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// Slang, then Javanese/Madurese; apostrophes kept only for the lexicon's Madurese words;
/// diacritics folded; lastly a regional word whose root is known under a Javanese or Madurese
/// affix ([`regional_affixes`]).
fn map_word(word: &str) -> String {
    // A lexicon word's Indonesian may itself be chat Indonesian ("seda" → "meninggal" → "mati").
    let then_slang = |m: &str| slang().get(m).copied().unwrap_or(m).to_string();
    if let Some(m) = lexicon().get(word) {
        return then_slang(m);
    }
    let plain: String = word.chars().filter(|c| !is_apostrophe(*c)).collect();
    if let Some(m) = slang().get(plain.as_str()) {
        return (*m).to_string();
    }
    if let Some(m) = lexicon().get(plain.as_str()) {
        return then_slang(m);
    }
    let folded = fold(word);
    if folded != word {
        if let Some(m) = lexicon().get(folded.as_str()) {
            return then_slang(m);
        }
    }
    let plain = fold(&plain);
    if let Some(m) = slang()
        .get(plain.as_str())
        .or_else(|| lexicon().get(plain.as_str()))
    {
        return (*m).to_string();
    }
    if let Some(m) = regional_affixes(&plain) {
        return then_slang(&m);
    }
    plain
}

/// An Indonesian word: a root of the Sastrawi dictionary, or a word Sastrawi stems to one.
fn known_indonesian(w: &str) -> bool {
    is_root_word(w) || {
        let s = stem(w);
        s != w && is_root_word(&s)
    }
}

/// Passive and possessive prefixes of Javanese (krama `dipun-`, `kok-`/`tak-`/`dak-`, `di-`,
/// the nasal `nge-` of short roots and loans: "ngewajibno", "ngelunasi") and Madurese (`e-`,
/// causative `ma-`: "mabius"), tried longest first.
const REGIONAL_PREFIXES: &[&str] = &[
    "dipun", "dipon", "kok", "tak", "dak", "nge", "di", "ma", "e", "",
];
/// Suffixes: Javanese possessive `-ipun`/`-nipun`/`-ne`/`-e`, causative `-ake`/`-aken`/`-ke`/
/// `-kake`/`-kne`/`-kno`/`-no`, locative `-i`/`-ni` ("diombeni"), imperative `-en` ("tusuken");
/// Madurese possessive `-na`/`-nga`, causative `-aghi`/`-agi`; the chat `-in` ("nyembuhin"), and
/// `-nya`/`-mu`/`-ku` on a chat word the stemmer does not know ("ongkirnya", "poktanku").
/// Longest first, so "tandane" is "tanda", not "tandan".
const REGIONAL_SUFFIXES: &[&str] = &[
    "nipun", "ipun", "kaken", "aken", "kake", "aghi", "kne", "kno", "ake", "nga", "agi", "ke",
    "ne", "na", "no", "ni", "en", "nya", "in", "mu", "ku", "e", "i", "",
];

/// A Javanese or Madurese word made of a known root and regional affixes ("dipunpindah",
/// "panganna", "bansossa", "getihe", "nyebabaghi", "ngumumke", "epotong") → the root in
/// Indonesian ("pindah", "pangan", "bansos", "darah", "sebab", "umum", "potong"). Only for a
/// word that is neither in the lexicons nor Indonesian, and only when what remains is a known
/// word (a lexicon entry, or an Indonesian root of four letters or more), so an Indonesian word
/// is never taken apart.
fn regional_affixes(w: &str) -> Option<String> {
    if w.len() < 5 || !w.bytes().all(|b| b.is_ascii_lowercase()) || is_root_word(w) {
        return None;
    }
    if known_indonesian(w) {
        // The stemmer reads an Indonesian word in it ("pitike" → "pit", "lengene" → "lenge"):
        // only a Javanese word of the lexicon with a possessive ending is taken apart
        // ("pitik" + "e" is "ayam", "lengen" + "e" is "lengan").
        return ["ne", "e", "mu", "ku"].iter().find_map(|suffix| {
            let base = w.strip_suffix(suffix).filter(|b| b.len() >= 4)?;
            lexicon().get(base).map(|m| (*m).to_string())
        });
    }
    // A word of the lexicon under the affixes first ("pitike" is "pitik" + "e", not "piti" +
    // "ke"; "lengene" "lengen" + "e"), then an Indonesian root.
    for prefix in REGIONAL_PREFIXES {
        let Some(rest) = w.strip_prefix(prefix) else {
            continue;
        };
        if let Some(m) = REGIONAL_SUFFIXES.iter().find_map(|suffix| {
            let base = rest.strip_suffix(suffix).filter(|b| b.len() >= 4)?;
            lexicon().get(base).or_else(|| slang().get(base))
        }) {
            return Some((*m).to_string());
        }
    }
    for prefix in REGIONAL_PREFIXES {
        let Some(rest) = w.strip_prefix(prefix) else {
            continue;
        };
        for suffix in REGIONAL_SUFFIXES {
            // A root that ends in "k" before "-no", "-ne", "-ake" ("suntikno" is "suntik" +
            // "no", not "sunti" + "kno").
            if let Some(keeps_k) = suffix
                .strip_prefix('k')
                .filter(|s| s.len() >= 2)
                .and_then(|s| rest.strip_suffix(s))
                .filter(|b| b.len() >= 4)
            {
                if let Some(found) = regional_base(keeps_k, prefix.is_empty(), false) {
                    return Some(found);
                }
            }
            let Some(base) = rest.strip_suffix(suffix) else {
                continue;
            };
            if base.len() < 3 {
                continue;
            }
            let only_nasal = prefix.is_empty() && suffix.is_empty();
            if let Some(found) = regional_base(base, prefix.is_empty(), only_nasal) {
                return Some(found);
            }
        }
        // Madurese possessive after a consonant doubles it: "bansossa", "honorra".
        let b = rest.as_bytes();
        if b.len() >= 6
            && b[b.len() - 1] == b'a'
            && b[b.len() - 2] == b[b.len() - 3]
            && !b"aeiou".contains(&b[b.len() - 2])
        {
            let base = &rest[..rest.len() - 2];
            return Some(
                lexicon()
                    .get(base)
                    .map_or_else(|| base.to_string(), |m| (*m).to_string()),
            );
        }
    }
    None
}

/// The Indonesian word for what remains after the affixes: a lexicon entry, or an Indonesian
/// root (four letters or more); with `nasal`, also the Javanese/Madurese active nasal prefix
/// taken off ("nerjang" → "terjang", "nyebab" → "sebab", "mbayar" → "bayar", "ngumum" →
/// "umum"). With `only_nasal`, nothing but the nasal prefix was taken off.
fn regional_base(base: &str, nasal: bool, only_nasal: bool) -> Option<String> {
    if !only_nasal {
        if let Some(m) = lexicon().get(base).or_else(|| slang().get(base)) {
            return Some((*m).to_string());
        }
        if base.len() >= 4 && known_indonesian(base) {
            return Some(base.to_string());
        }
    }
    if !nasal {
        return None;
    }
    // Before a vowel the nasal replaces the root's first consonant ("nerjang" ← "terjang",
    // "nyebab" ← "sebab"; "ng" also stands before a vowel-initial root: "ngumum" ← "umum");
    // before a consonant it is only put in front ("mbayar", "ndandani", "nggawe").
    const NASALS: &[(&str, &[&str])] = &[
        ("ng", &["", "k", "g"]),
        ("ny", &["s", "c"]),
        ("m", &["p", "w"]),
        ("n", &["t"]),
    ];
    for (nasal_prefix, initials) in NASALS {
        let Some(rest) = base.strip_prefix(nasal_prefix) else {
            continue;
        };
        let before_vowel = rest.starts_with(['a', 'e', 'i', 'o', 'u']);
        let initials: &[&str] = if before_vowel { initials } else { &[""] };
        for initial in initials {
            let root = format!("{initial}{rest}");
            if root.len() < 4 {
                continue;
            }
            if let Some(m) = lexicon().get(root.as_str()) {
                return Some((*m).to_string());
            }
            if is_root_word(&root) {
                return Some(root);
            }
        }
        // "ng" matched: do not also read it as "n" + "g...".
        return None;
    }
    None
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}' || c == '`'
}

/// Split into words: runs of letters and digits, keeping `.` and `,` between two digits (amounts)
/// and an apostrophe after a letter (Madurese "ta'", "jha'", and inside a word: "ca'na", "jum'at";
/// [`map_word`] finds a word with or without it).
fn split_words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        let keep = c.is_alphanumeric()
            || ((c == '.' || c == ',' || c == '/')
                && prev.is_ascii_digit()
                && next.is_ascii_digit())
            || (is_apostrophe(c) && prev.is_alphabetic() && !next.is_ascii_digit());
        if keep {
            cur.push(if is_apostrophe(c) { '\'' } else { c });
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if CLAUSE_ENDS.contains(&c) && out.last().is_some_and(|t| t != CLAUSE) {
            out.push(CLAUSE.to_string());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The token [`split_words`] puts where a clause ends (punctuation or a new line), so that a
/// prohibition at the head of a clause can be told from one inside it. Never a word.
const CLAUSE: &str = "|";
const CLAUSE_ENDS: &[char] = &[
    '.', ',', '!', '?', ';', ':', '\n', '\u{2014}', '\u{2013}', '(', ')', '"', '\u{201c}',
    '\u{201d}',
];

/// "28-12", "15-01" (a day and a month joined by a dash) written with a slash, as [`dates`]
/// reads it; longer digit runs ("0852-3014-6619") and impossible dates are left alone.
fn dash_dates(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digits_before = |i: usize| {
        chars[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let digits_after = |i: usize| {
        chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let number = |from: usize, len: usize| -> u32 {
        chars[from..from + len]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    };
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        // "02:00", "14:30": a time written as "02.00", "14.30" are.
        if c == ':' && (1..=2).contains(&digits_before(i)) && digits_after(i) == 2 {
            out.push('.');
            continue;
        }
        if c == '-' && i > 0 {
            let (b, a) = (digits_before(i), digits_after(i));
            let alone = |at: Option<&char>| at.is_none_or(|c| !c.is_ascii_digit() && *c != '-');
            // Only after a word that announces a date ("batas 28-12", "per 15-01"): "kelas 1-6",
            // "usia 6-12 tahun" are ranges.
            let before: String = chars[..i - b].iter().collect();
            let cue = before
                .split(|c: char| !c.is_alphanumeric())
                .rfind(|w| !w.is_empty())
                .is_some_and(|w| DATE_CUES.contains(&w));
            if cue
                && (1..=2).contains(&b)
                && (1..=2).contains(&a)
                && alone(if i > b { chars.get(i - b - 1) } else { None })
                && alone(chars.get(i + a + 1))
                && (1..=31).contains(&number(i - b, b))
                && (1..=12).contains(&number(i + 1, a))
            {
                out.push('/');
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Words after which "28-12" is a date ([`dash_dates`]).
const DATE_CUES: &[&str] = &[
    "tgl",
    "tanggal",
    "tangal",
    "per",
    "batas",
    "mulai",
    "mulae",
    "wiwit",
    "sebelum",
    "sblm",
    "sampai",
    "smp",
    "hingga",
    "sampe",
    "sampek",
    "tekan",
    "sakdurunge",
    "sabelunna",
    "deadline",
];

/// Krama courtesies that are no part of what a message says: "nuwun sewu", "nyuwun sewu"
/// ("excuse me"; "sewu" is also a thousand).
fn courtesies(tokens: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if ["nuwun", "nyuwun", "nuwon", "nyuwon"].contains(&tokens[i].as_str())
            && tokens.get(i + 1).is_some_and(|n| n == "sewu")
        {
            i += 2;
            continue;
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// A Roman numeral after what it numbers ("golongan I", "tahap II", "kelas IV") is that number,
/// as "golongan siji", "tahap 2" say it.
fn roman_numerals(mut tokens: Vec<String>) -> Vec<String> {
    const ROMAN: &[&str] = &["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"];
    const NUMBERED: &[&str] = &[
        "golongan",
        "gol",
        "tahap",
        "kelas",
        "gelombang",
        "jilid",
        "sesi",
        "putaran",
        "level",
        "zona",
        "ring",
        "daop",
        "kategori",
    ];
    for i in 1..tokens.len() {
        if NUMBERED.contains(&tokens[i - 1].as_str()) {
            if let Some(n) = ROMAN.iter().position(|r| *r == tokens[i]) {
                tokens[i] = (n + 1).to_string();
            }
        }
    }
    tokens
}

/// A date written with slashes ("15/12", "15/12/2025") or a shortened month ("15 des") in words
/// ("15 desember 2025"), as claims write it; other slashed numbers are split ("24/7" → "24 7").
fn dates(tokens: Vec<String>) -> Vec<String> {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maret",
        "april",
        "mei",
        "juni",
        "juli",
        "agustus",
        "september",
        "oktober",
        "november",
        "desember",
    ];
    const SHORT: [(&str, usize); 14] = [
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("jun", 6),
        ("jul", 7),
        ("agt", 8),
        ("agu", 8),
        ("ags", 8),
        ("sep", 9),
        ("sept", 9),
        ("okt", 10),
        ("nov", 11),
        ("des", 12),
    ];
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    for t in tokens {
        // "15 des", "1 jan": a month shortened after a day.
        let after_day = out
            .last()
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|d| (1..=31).contains(&d));
        if let Some(&(_, m)) = SHORT.iter().find(|(s, _)| after_day && *s == t) {
            out.push(MONTHS[m - 1].to_string());
            continue;
        }
        if !t.contains('/') {
            out.push(t);
            continue;
        }
        let parts: Vec<&str> = t.split('/').collect();
        let num = |p: &str| p.parse::<u32>().ok();
        match (
            parts.len(),
            num(parts[0]),
            parts.get(1).and_then(|p| num(p)),
        ) {
            (2 | 3, Some(d @ 1..=31), Some(m @ 1..=12))
                if parts.iter().all(|p| !p.is_empty() && p.len() <= 4) =>
            {
                out.push(d.to_string());
                out.push(MONTHS[m as usize - 1].to_string());
                if let Some(y) = parts.get(2) {
                    let y = if y.len() == 2 {
                        format!("20{y}")
                    } else {
                        y.to_string()
                    };
                    out.push(y);
                }
            }
            _ => out.extend(
                parts
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            ),
        }
    }
    out
}

/// Words after which digit groups are a bank account's number ([`join_phone_numbers`]).
const ACCOUNT_WORDS: &[&str] = &[
    "rekening", "rek", "norek", "bri", "bni", "bca", "mandiri", "bsi", "btn", "bank", "jatim",
    "cimb", "danamon", "permata", "va",
];

/// Digit groups of a phone number ("0857 3312 4490", "0857-3312-4490", "+62 857 3312 4490")
/// joined into one number, the international prefix written as the trunk "0"
/// ("085733124490"): the claim's number, however it was grouped.
fn join_phone_numbers(tokens: Vec<String>) -> Vec<String> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        // A bank account number in groups ("BNI 1209 3847 56", "BRI 0041-01-038562-50-7")
        // after the bank's name or "rekening": one number, however it was grouped.
        let account = (i.saturating_sub(3)..i).any(|k| ACCOUNT_WORDS.contains(&tokens[k].as_str()));
        if account && digits(t) && t.len() <= 6 {
            let mut joined = t.clone();
            let mut j = i + 1;
            // ("MANDIRI 144-00-2198836-1": a group of up to eight digits.)
            while j < tokens.len() && digits(&tokens[j]) && tokens[j].len() <= 8 {
                joined.push_str(&tokens[j]);
                j += 1;
            }
            if j > i + 1 && (8..=20).contains(&joined.len()) {
                out.push(joined);
                i = j;
                continue;
            }
        }
        if digits(t) && (t.starts_with("08") || t.starts_with("62")) && t.len() <= 5 {
            let mut joined = t.clone();
            let mut j = i + 1;
            while j < tokens.len() && digits(&tokens[j]) && (2..=5).contains(&tokens[j].len()) {
                if joined.len() + tokens[j].len() > 14 {
                    break;
                }
                joined.push_str(&tokens[j]);
                j += 1;
            }
            if j > i + 1 && (10..=14).contains(&joined.len()) {
                if let Some(rest) = joined.strip_prefix("62") {
                    joined = format!("0{rest}");
                }
                out.push(joined);
                i = j;
                continue;
            }
        }
        if let Some(rest) = t
            .strip_prefix("62")
            .filter(|r| digits(r) && r.starts_with('8'))
        {
            if (9..=12).contains(&rest.len()) {
                out.push(format!("0{rest}"));
                i += 1;
                continue;
            }
        }
        out.push(t.clone());
        i += 1;
    }
    out
}

/// Amounts to plain numbers: "3,5 jt", "3.5 juta", "Rp 3.500.000", "rp3500000", "3500rb" all
/// become "3500000"; hundreds ("lima ratus ribu", "limang atus ewu", "lema' atos ebu") and
/// amounts said in parts ("1 juta 500 ribu", "sajuta lema ratus ebu") are one number too; "Rp"
/// itself is a stop word.
fn join_amounts(tokens: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].strip_prefix("rp").unwrap_or(&tokens[i]);
        // "M6,5", "m7.2": a magnitude.
        if let Some(n) = t
            .strip_prefix('m')
            .filter(|n| n.contains(['.', ',']))
            .and_then(parse_number)
            .filter(|n| (1.0..10.0).contains(n))
        {
            out.push("magnitudo".to_string());
            out.push(format_number(n));
            i += 1;
            continue;
        }
        if let Some(n) = t.strip_suffix('x').and_then(parse_number) {
            // "3x sehari": three times.
            out.push(format_number(n));
            out.push("kali".to_string());
            i += 1;
            continue;
        }
        let Some((mut value, mut scale, used)) = amount_at(&tokens, i) else {
            // "2m" near a height: "2 meter"; "60th", "20km", "3kg": the number and its unit.
            match t.strip_suffix('m').and_then(parse_number) {
                Some(n) if metres(&tokens, i, "m") => {
                    out.push(format_number(n));
                    out.push("meter".to_string());
                }
                _ => match inline_unit(t) {
                    Some((n, unit)) => {
                        out.push(format_number(n));
                        out.push(unit.to_string());
                    }
                    None => out.push(tokens[i].clone()),
                },
            }
            i += 1;
            continue;
        };
        i += used;
        if scale == METRE {
            out.push(format_number(value));
            out.push("meter".to_string());
            continue;
        }
        // "20 km" is a distance ("km" alone is chat "kamu").
        if scale == 1.0 && tokens.get(i).is_some_and(|n| n == "km") {
            out.push(format_number(value));
            out.push("kilometer".to_string());
            i += 1;
            continue;
        }
        // "1 juta 500 ribu": a part with a smaller multiplier adds to the amount; so do spoken
        // hundreds after "juta" (meaning thousands: "rong yuto limang atus" = 2,5 juta) and after
        // a round thousand ("sewu limang atus" = 1.500).
        loop {
            match amount_at(&tokens, i) {
                Some((v, s, u)) if scale >= 1e3 && (1e3..scale).contains(&s) => {
                    value += v;
                    scale = s;
                    i += u;
                }
                // Hundreds said or written ("limang atus", "rongatus" = "200").
                Some((v, s, u)) if scale >= 1e6 && s <= 100.0 && (100.0..1e3).contains(&v) => {
                    value += v * 1e3;
                    scale = 1e3;
                    i += u;
                }
                Some((v, s, u))
                    if value >= 1e3
                        && value % 1e3 == 0.0
                        && scale < 1e6
                        && s <= 100.0
                        && (100.0..1e3).contains(&v) =>
                {
                    value += v;
                    scale = 100.0;
                    i += u;
                }
                _ => break,
            }
        }
        out.push(format_number(value));
    }
    out
}

/// One amount starting at token `i`: a number with its multiplier inline ("500rb") or in the
/// words after it, hundreds first ("5 ratus ribu"). (value, the last multiplier, tokens used).
fn amount_at(tokens: &[String], i: usize) -> Option<(f64, f64, usize)> {
    let t = tokens.get(i)?;
    let t = t.strip_prefix("rp").unwrap_or(t);
    // "3500rb", "3,5jt": number and multiplier in one word.
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .filter(|&p| p > 0);
    let (num, unit_inline) = match split {
        Some(p) => (&t[..p], Some(&t[p..])),
        None => (t, None),
    };
    let mut value = parse_number(num)?;
    // "7 koma 2" (magnitude), "3 koma 5 juta": a decimal said in words.
    if unit_inline.is_none()
        && tokens.get(i + 1).is_some_and(|t| t == "koma")
        && tokens
            .get(i + 2)
            .is_some_and(|t| t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
    {
        value = parse_number(&format!("{num}.{}", tokens[i + 2]))?;
        let mut used = 3;
        let mut scale = 1.0;
        if let Some(m) = tokens.get(i + used).and_then(|n| multiplier(n)) {
            value *= m;
            scale = m;
            used += 1;
        }
        return Some((value, scale, used));
    }
    if let Some(u) = unit_inline {
        if metres(tokens, i, u) {
            return None;
        }
        let m = multiplier(u)?;
        return Some((value * m, m, 1));
    }
    // A spoken number: terms, each a number times "ratus" or "puluh" or alone, summed while each
    // is smaller than the one before ("pitung atus seket" = 750, "rong puluh lima" = 25).
    let mut used = 1;
    let mut scale = 1.0;
    let term = |v: f64, at: usize| match tokens.get(at).map(String::as_str) {
        Some(h) if HUNDREDS.contains(&h) => (v * 100.0, 1),
        Some(t) if TENS.contains(&t) => (v * 10.0, 1),
        // "lima belas", Madurese "lema' bellas": the teens.
        Some(t) if TEENS.contains(&t) && (1.0..10.0).contains(&v) => (v + 10.0, 1),
        _ => (v, 0),
    };
    let (first, extra) = term(value, i + 1);
    if extra > 0 {
        scale = if first >= value * 100.0 { 100.0 } else { 10.0 };
    }
    value = first;
    used += extra;
    let mut last = first;
    // A round hundred said in one word ("satus", "rongatus" = "200") goes on like "ratus":
    // "satus seket ewu" = 150.000.
    // So does a round ten said in one word ("seket limo" = 55, "sewidak limo yuto" = 65 juta,
    // Madurese "sapolo lema'" = 15) before a single digit.
    let round_ten = extra == 0
        && first % 10.0 == 0.0
        && (10.0..100.0).contains(&first)
        && tokens
            .get(i + 1)
            .is_some_and(|t| t.len() == 1 && t.bytes().all(|b| (b'1'..=b'9').contains(&b)));
    let mut spoken =
        extra > 0 || round_ten || (first % 100.0 == 0.0 && (100.0..1e3).contains(&first));
    while spoken {
        let Some(n) = tokens
            .get(i + used)
            .filter(|t| t.bytes().all(|b| b.is_ascii_digit()) && t.len() <= 3)
            .and_then(|t| t.parse::<f64>().ok())
        else {
            break;
        };
        let (v, extra) = term(n, i + used + 1);
        if v >= last || v == 0.0 {
            break;
        }
        value += v;
        last = v;
        used += 1 + extra;
        // A round ten in one word goes on too: "satus sewidak limang ewu" = 165.000.
        spoken = extra > 0 || (extra == 0 && v % 10.0 == 0.0 && (10.0..100.0).contains(&v));
    }
    // "rong setengah yuto", "dua setengah juta": and a half.
    if value < 1e3
        && tokens
            .get(i + used)
            .is_some_and(|t| HALF.contains(&t.as_str()))
        && tokens.get(i + used + 1).is_some_and(|t| {
            let unit = map_word(t);
            multiplier(&unit).is_some()
                || MEASURES.contains(&unit.as_str())
                || TIME_UNITS.contains(&unit.as_str())
        })
    {
        value += 0.5;
        used += 1;
    }
    if let Some(m) = tokens.get(i + used).and_then(|n| multiplier(n)) {
        if metres(tokens, i, &tokens[i + used]) {
            // Consumed here and written by the caller as "meter" (see `join_amounts`).
            return Some((value, METRE, used + 1));
        }
        value *= m;
        scale = m;
        used += 1;
        // "telung yuto setengah": and half a million.
        if m >= 1e3
            && tokens
                .get(i + used)
                .is_some_and(|t| HALF.contains(&t.as_str()))
        {
            value += m / 2.0;
            used += 1;
        }
    }
    Some((value, scale, used))
}

/// A number with a unit of time, distance or weight in one word ("60th", "2thn", "20km",
/// "3kg", "3hr") → (the number, the unit as written out).
fn inline_unit(t: &str) -> Option<(f64, &'static str)> {
    const UNITS: &[(&str, &str)] = &[
        ("th", "tahun"),
        ("thn", "tahun"),
        ("tahun", "tahun"),
        ("hr", "hari"),
        ("hari", "hari"),
        ("bln", "bulan"),
        ("bulan", "bulan"),
        ("mgg", "minggu"),
        ("minggu", "minggu"),
        ("jam", "jam"),
        ("km", "kilometer"),
        ("kg", "kg"),
        ("va", "va"),
        ("kva", "kva"),
        ("kwh", "kwh"),
        ("kwp", "kwp"),
        ("gb", "gb"),
        ("lt", "liter"),
        ("kilo", "kg"),
    ];
    let p = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
    let n = parse_number(&t[..p])?;
    let unit = UNITS.iter().find(|(u, _)| *u == &t[p..])?.1;
    Some((n, unit))
}

/// The "multiplier" [`amount_at`] reports for a number in metres.
const METRE: f64 = -1.0;

/// "m" after a number is a length, not "miliar", when a height, depth or distance comes just
/// before it ("tsunami 20 M", "banjir setinggi 2 m", "radius 5m").
fn metres(tokens: &[String], i: usize, unit: &str) -> bool {
    const LENGTHS: &[&str] = &[
        "tinggi",
        "setinggi",
        "ukuran",
        "sepanjang",
        "buaya",
        "ular",
        "pohon",
        "tingginya",
        "tsunami",
        "banjir",
        "gelombang",
        "ombak",
        "radius",
        "jarak",
        "dalam",
        "kedalaman",
        "sedalam",
        "panjang",
        "lebar",
        "jauh",
        "air",
        "lahar",
        "retak",
        "retakan",
        "rob",
        "surut",
        "amblas",
        "ambles",
        "longsor",
    ];
    unit == "m"
        && !tokens[i].starts_with("rp")
        && (i.saturating_sub(3)..i).any(|j| LENGTHS.contains(&tokens[j].as_str()))
}

/// The last token kept is an amount (a number, or a multiplier such as "ewu"), or a unit of
/// measure right after one ("150 km sak jam").
fn ends_with_amount(out: &[String]) -> bool {
    let amount = |p: &String| {
        let w = map_word(p);
        p.bytes().next().is_some_and(|b| b.is_ascii_digit())
            || multiplier(&w).is_some()
            || HUNDREDS.contains(&w.as_str())
            || TENS.contains(&w.as_str())
    };
    match out {
        [.., n, unit] if MEASURES.contains(&map_word(unit).as_str()) => amount(n),
        // "patang yuto setengah sewulan": and a half.
        [.., n, half] if HALF.contains(&half.as_str()) => amount(n),
        [.., last] => amount(last),
        [] => false,
    }
}

/// A time of day on the 24-hour clock, as official texts write it: "jam 10 malam" ("jam sepuluh
/// bengi") is "jam 22 malam", "jam 3 sore" "jam 15 sore", "jam 1 siang" "jam 13 siang", "jam 12
/// malam" "jam 0 malam". Hours already past twelve, and mornings, stay.
fn clock_times(tokens: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        // An hour is a number or "setengah"; only then is the word before it looked up.
        let maybe_hour =
            tokens[i].bytes().all(|b| b.is_ascii_digit()) || HALF.contains(&tokens[i].as_str());
        let after_clock = maybe_hour
            && out
                .last()
                .is_some_and(|p| matches!(map_word(p).as_str(), "jam" | "pukul" | "tabuh"));
        let Some((hour, minutes, used)) = after_clock.then(|| clock_at(&tokens, i)).flatten()
        else {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        };
        let part = tokens.get(i + used).map(|t| map_word(t));
        let late = match (part.as_deref(), hour) {
            (Some("malam"), 12) => 0,
            (Some("malam"), 6..=11) | (Some("sore"), 1..=6) | (Some("siang"), 1..=4) => hour + 12,
            _ => hour,
        };
        out.push(format_number(f64::from(late) + f64::from(minutes) / 100.0));
        i += used;
        // Madurese "lagghu'" is "besok" and, after an hour, the morning: "jam 7 lagghu".
        if part.as_deref() == Some("besok") && hour < 12 {
            out.push("pagi".to_string());
            i += 1;
        }
    }
    out
}

/// The time said at token `i` after "jam": (hour, minutes, tokens used). "3" is (3, 0); "2 lewat
/// seprapat" (2, 15) and "2 lewat 15 menit" (2, 15), as "pukul 02.15" is written; "setengah
/// 10" (9, 30), half before ten, as Indonesian and Javanese say it.
fn clock_at(tokens: &[String], i: usize) -> Option<(u32, u32, usize)> {
    let hour_at = |k: usize| {
        tokens
            .get(k)
            .and_then(|t| t.parse::<u32>().ok())
            .filter(|h| (0..=24).contains(h))
    };
    if HALF.contains(&tokens[i].as_str()) {
        let h = hour_at(i + 1).filter(|h| *h >= 1)?;
        return Some((h - 1, 30, 2));
    }
    let hour = hour_at(i)?;
    let past = tokens
        .get(i + 1)
        .is_some_and(|t| matches!(map_word(t).as_str(), "lewat" | "lebih"));
    if past {
        match tokens.get(i + 2).map(String::as_str) {
            Some("seprapat" | "seperempat" | "saprapat") => return Some((hour, 15, 3)),
            Some(m) => {
                if let Some(m) = m.parse::<u32>().ok().filter(|m| (1..60).contains(m)) {
                    let minute_word = tokens.get(i + 3).is_some_and(|t| t == "menit");
                    return Some((hour, m, 3 + usize::from(minute_word)));
                }
            }
            None => {}
        }
    }
    Some((hour, 0, 1))
}

/// Days counted in weeks and months, as people say a closure or a deadline: "tujuh hari" is
/// "1 minggu" ("seminggu"), "90 hari" "3 bulan", "30 hari" "1 bulan" ("sak wulan"); and hours
/// in days: "24 jam" is "1 hari" ("sak dino").
fn in_days(mut tokens: Vec<String>) -> Vec<String> {
    for i in 0..tokens.len().saturating_sub(1) {
        let Ok(n) = tokens[i].parse::<u32>() else {
            continue;
        };
        let unit = map_word(&tokens[i + 1]);
        // "24 jam" is "1 hari" ("sak dino").
        if unit == "jam" && n >= 24 && n % 24 == 0 {
            tokens[i] = (n / 24).to_string();
            tokens[i + 1] = "hari".to_string();
            continue;
        }
        if !(7..=366).contains(&n) || unit != "hari" {
            continue;
        }
        let (count, unit) = if n % 30 == 0 {
            (n / 30, "bulan")
        } else if n % 7 == 0 {
            (n / 7, "minggu")
        } else {
            continue;
        };
        tokens[i] = count.to_string();
        tokens[i + 1] = unit.to_string();
    }
    tokens
}

/// Units of measure an amount may carry before "per" ("150 km sajam", "20 ribu sekilo").
const MEASURES: &[&str] = &["km", "kilometer", "kg", "kilo", "meter", "liter", "lembar"];

/// "One" and a unit of time in one word: Indonesian "sebulan", "seminggu", Javanese "sewulan",
/// "sedino", "sesasi", Madurese "sabulân", "saminggu" → ("1", the unit), as "1 bulan" is written
/// (after an amount, "per" and the unit); so are a weight and a volume ("sekilo", "seliter"),
/// a plot, a cylinder and a dose ("sabidang", "satabung", "sedosis": "Rp1,5 juta per bidang").
fn one_unit(t: &str) -> Option<String> {
    const UNITS: &[&str] = &["kg", "liter", "bidang", "tabung", "dosis"];
    // "sakilo" is "sa" + "kilo", not "sak" + "ilo": each prefix is tried.
    ["sak", "se", "sa"].iter().find_map(|p| {
        let rest = t.strip_prefix(p).filter(|r| r.len() >= 3)?;
        let unit = map_word(rest);
        (TIME_UNITS.contains(&unit.as_str()) || UNITS.contains(&unit.as_str())).then_some(unit)
    })
}

/// "Half", in a number ("rong setengah yuto", Madurese "sajuta satengnga", "jam setengah
/// sepuluh").
const HALF: &[&str] = &["setengah", "tengah", "satengah", "satengnga", "setengnga"];

/// Units of time that "se-" / "sak" / "sa" make "one" of.
const TIME_UNITS: &[&str] = &[
    "hari", "minggu", "bulan", "tahun", "jam", "pekan", "semester",
];

/// "Ten" after a number: Indonesian "puluh", Javanese "puluh", krama "dasa", Madurese "polo".
const TENS: &[&str] = &["puluh", "polo", "poloh", "dasa"];
const TEENS: &[&str] = &["belas", "bellas", "bellâs", "welas"];

/// "Hundred" after a number: Indonesian "ratus", Javanese "atus", Madurese "atos"/"ratos".
const HUNDREDS: &[&str] = &["ratus", "atus", "atos", "ratos"];

fn multiplier(w: &str) -> Option<f64> {
    match w {
        "rb" | "ribu" | "k" | "rebu" | "ewu" | "ebu" | "rbu" => Some(1e3),
        "jt" | "juta" | "jeti" | "yuta" | "yuto" => Some(1e6),
        "m" | "miliar" | "milyar" | "em" => Some(1e9),
        "t" | "triliun" => Some(1e12),
        _ => None,
    }
}

/// "3.500.000" (dots or commas grouping thousands), "3,5" and "3.5" (a decimal part).
fn parse_number(s: &str) -> Option<f64> {
    if s.is_empty() || !s.bytes().next()?.is_ascii_digit() || s.len() > 24 {
        return None;
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let groups: Vec<&str> = s.split(['.', ',']).collect();
    if groups.len() == 1 {
        return s.parse().ok();
    }
    let thousands = groups[1..].iter().all(|g| g.len() == 3) && groups[0].len() <= 3;
    if thousands {
        return groups.concat().parse().ok();
    }
    if groups.len() == 2 {
        return format!("{}.{}", groups[0], groups[1]).parse().ok();
    }
    None
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e18 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// "anak2" → ["anak", "anak"]; digits standing for letters inside a word ("b4nj1r" → "banjir",
/// "h0aks" → "hoaks"); words that are numbers, or start or end with digits ("covid19", "5g"),
/// are kept as written.
fn unleet(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        return vec![token.to_string()];
    }
    if chars.len() > 2 && chars[chars.len() - 1] == '2' && chars[chars.len() - 2].is_alphabetic() {
        let base: String = chars[..chars.len() - 1].iter().collect();
        let base = unleet(&base).concat();
        return vec![base.clone(), base];
    }
    let mut out = String::with_capacity(token.len());
    for (i, &c) in chars.iter().enumerate() {
        let inside = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_alphabetic()
            && chars[i + 1].is_alphabetic();
        let mapped = if inside {
            match c {
                '4' => 'a',
                '1' => 'i',
                '0' => 'o',
                '3' => 'e',
                '5' => 's',
                '7' => 't',
                '6' => 'g',
                '8' => 'b',
                _ => c,
            }
        } else {
            c
        };
        out.push(mapped);
    }
    vec![out]
}

/// Letters repeated three or more times become one ("bangeeet" → "banget", "hoaxxx" → "hoax");
/// a doubled letter is halved only when the word is not a root word but the halved one is
/// ("paniik" → "panik", while "maaf" and "saat" stay).
pub fn unelongate(word: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(word.len());
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut j = i;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        let run = j - i;
        if c.is_alphabetic() && run >= 3 {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(c, run));
        }
        i = j;
    }
    let once: String = out.iter().collect();
    if has_double(&once) && !is_known(&once) {
        let halved = halve_doubles(&once);
        if is_known(&halved) {
            return halved;
        }
    }
    once
}

fn is_known(w: &str) -> bool {
    is_root_word(w) || slang().contains_key(w) || lexicon().contains_key(w) || {
        let s = stem(w);
        s != w && is_root_word(&s)
    }
}

fn has_double(w: &str) -> bool {
    let b = w.as_bytes();
    b.windows(2)
        .any(|p| p[0] == p[1] && p[0].is_ascii_alphabetic())
}

fn halve_doubles(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut prev = None;
    for c in w.chars() {
        if Some(c) == prev && c.is_alphabetic() {
            continue;
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> String {
        claim_words(s).join(" ")
    }

    #[test]
    fn case_emoji_punctuation_and_elongation_disappear() {
        assert_eq!(
            words("VAKSIN mengandung CHIP!!! 😱😱"),
            words("vaksiiin mengandung chiiip")
        );
        assert_eq!(unelongate("bangeeet"), "banget");
        assert_eq!(unelongate("maaf"), "maaf");
        assert_eq!(unelongate("paniik"), "panik");
    }

    #[test]
    fn digits_for_letters_and_reduplication() {
        assert_eq!(words("b4nj1r bandang"), words("banjir bandang"));
        assert_eq!(unleet("anak2"), vec!["anak", "anak"]);
        assert_eq!(unleet("covid19"), vec!["covid19"]);
        assert_eq!(unleet("5g"), vec!["5g"]);
    }

    #[test]
    fn slang_and_regional_words_map_to_indonesian() {
        assert_eq!(words("vaksin tdk aman"), words("vaksin ora aman"));
        assert_eq!(words("vaksin tdk aman"), words("vaksin mboten aman"));
        assert_eq!(words("vaksin tdk aman"), words("vaksin ta' aman"));
        assert_eq!(
            words("wong sing wis divaksin"),
            words("orang yg sdh divaksin")
        );
        assert_eq!(
            words("oreng se ampon divaksin"),
            words("orang yang sudah divaksin")
        );
    }

    #[test]
    fn negation_is_kept() {
        assert_ne!(words("vaksin aman"), words("vaksin tidak aman"));
        assert!(claim_words("vaksin gak aman").contains(&"tidak".to_string()));
    }

    #[test]
    fn without_written_as_a_negation_is_tanpa() {
        let want = words("pinjaman tanpa jaminan");
        for s in [
            "pinjaman ora nganggo jaminan",
            "pinjaman gak usah jaminan",
            "pinjaman ndak perlu jaminan",
            "pinjaman tidak pakai jaminan",
            "pinjaman mboten ngangge jaminan",
            "pinjaman ta' parlo jaminan",
            "pinjaman tanpa perlu jaminan",
        ] {
            assert_eq!(words(s), want, "{s}");
        }
        // A plain denial stays one.
        assert!(claim_words("vaksin ora aman").contains(&"tidak".to_string()));
    }

    #[test]
    fn sebelum_is_not_belum() {
        assert_eq!(stem("sebelum"), "sebelum");
        assert!(!claim_words("mengungsi sebelum jam 12").contains(&"belum".to_string()));
        assert_eq!(
            words("ngungsi sakdurunge jam 12"),
            words("mengungsi sblm jam 12")
        );
        assert!(claim_words("bansos belum cair").contains(&"belum".to_string()));
    }

    #[test]
    fn spoken_numbers_written_as_one_word_and_days_in_weeks_are_read() {
        assert_eq!(words("satus pitungpuluh limang ewu"), words("Rp175.000"));
        assert_eq!(words("satus sewidak limang ewu"), words("165 ribu"));
        assert_eq!(words("dua juta duaratos seket rebu"), words("Rp2.250.000"));
        assert_eq!(
            words("tello' ratos pettong polo lema' rebu"),
            words("375 ribu")
        );
        assert_eq!(words("pa' ratos lèma' polo rebu"), words("450 ribu"));
        assert_eq!(words("tutup seminggu"), words("tutup tujuh hari"));
        assert_eq!(words("ditutup 3 bulan"), words("ditutup 90 hari"));
        assert_eq!(
            words("meletus sak dino maneh"),
            words("meletus dalam 24 jam")
        );
        assert_eq!(words("rong tabung sewulan"), words("2 tabung per bulan"));
        assert_eq!(
            words("jam loro liwat seprapat bengi"),
            words("pukul 02.15 malam")
        );
        assert_eq!(
            words("jam setengah sepuluh bengi"),
            words("pukul 21.30 malam")
        );
        assert_eq!(
            words("sertifikat th sblm 97"),
            words("sertifikat tahun sebelum 1997")
        );
        assert_eq!(words("thn 61 sampe 97"), words("tahun 1961 sampai 1997"));
        // "50%" does not run into the number after it.
        assert_eq!(
            words("diskon 50% 3 bulan"),
            words("diskon 50 persen 3 bulan")
        );
        // An account number however it is grouped; a phone number in a chat link.
        assert_eq!(
            words("rekening BNI 1209 3847 56"),
            words("rekening BNI 1209384756")
        );
        assert_eq!(
            words("rekening BRI 0041-01-038562-50-7"),
            words("ke rekening bri 004101038562507")
        );
        assert_eq!(
            words("wa.me/6283851729064?text=daftar%20yatim"),
            words("0838-5172-9064")
        );
    }

    #[test]
    fn a_question_tag_and_the_javanese_tak_are_no_negation() {
        assert!(!words("ini resmi bgn bukan?").contains("bukan"));
        assert!(!words("ini pungli bukan sih").contains("bukan"));
        assert!(!words("bhender ta'?").contains("tidak"));
        assert!(!words("kate tak klaimno").contains("tidak"));
        // A negation inside the clause, or alone, still denies.
        assert!(words("itu bukan dari bpjs").contains("bukan"));
        assert!(words("vaksin tidak aman").contains("tidak"));
        // "not allowed" is a prohibition.
        assert_eq!(
            words("Pamarènta ta' ngidinnaghi ajhuwâl berras curah"),
            words("pemerintah melarang menjual beras curah")
        );
    }

    #[test]
    fn regional_affixes_find_the_lexicon_word_before_an_indonesian_root() {
        assert_eq!(words("pitike mati"), words("ayam mati"));
        assert_eq!(words("lengene njendol"), words("lengan benjol"));
        assert_eq!(words("ngewajibno"), words("wajib"));
        assert_eq!(words("tusuken"), words("tusuk"));
    }

    #[test]
    fn regional_numbers_join_amounts() {
        assert_eq!(words("limang yuto"), words("5 juta"));
        // Madurese "and a half", and "sajam": per hour after a speed, else a sharp weapon.
        assert_eq!(words("sajuta satengnga"), words("1,5 juta"));
        assert_eq!(words("pètto' juta satengnga"), words("7,5 juta"));
        assert_eq!(
            words("saratos lèma' polo kilo sajam"),
            words("150 km per jam")
        );
        assert_eq!(words("ngèbâ sajam"), words("bawa senjata tajam"));
        // "Nuwun sewu" is "excuse me", no thousand; an account number in groups of up to eight
        // digits is one number.
        assert_eq!(words("Nuwun sewu, BLT cair"), words("BLT cair"));
        assert_eq!(words("sewu rupiah"), words("1000 rupiah"));
        assert_eq!(
            words("MANDIRI 144-00-2198836-1"),
            words("Mandiri 1440021988361")
        );
        // "1 KK" is "per KK"; a crocodile's "4m" is metres.
        assert_eq!(words("1 KK cuma 2 tabung"), words("setiap KK 2 tabung"));
        assert_eq!(words("buaya 4m"), words("buaya 4 meter"));
        assert_eq!(words("telung ewu"), words("Rp 3.000"));
        assert_eq!(words("sak yuto"), words("1 juta"));
        assert_eq!(words("sejuta"), words("1 jt"));
        assert_eq!(words("tello' ebu"), words("3 ribu"));
        assert_eq!(words("pinjaman smp 50jt"), words("pinjaman sampai 50 juta"));
        assert!(claim_words("lulusan smp").contains(&"smp".to_string()));
        assert_eq!(words("kirim ke no rek"), words("kirim ke nomor rekening"));
        assert_eq!(words("ayo rek daftar"), words("ayo daftar"));
        assert_eq!(words("sembako, beras dll wkwk"), words("sembako beras"));
    }

    #[test]
    fn regional_affixes_are_taken_apart() {
        assert_eq!(words("dipunpindah"), words("dipindah"));
        assert_eq!(words("bansos panganna"), words("bansos pangan"));
        assert_eq!(words("bansossa"), words("bansos"));
        assert_eq!(words("getihe"), words("darah"));
        assert_eq!(words("tandane"), words("tanda"));
        assert_eq!(words("nyebabaghi"), words("menyebabkan"));
        assert_eq!(words("BMKG ngumumke"), words("BMKG mengumumkan"));
        assert_eq!(words("honorra epotong"), words("honor dipotong"));
        assert_eq!(words("lahar nerjang desa"), words("lahar menerjang desa"));
        assert_eq!(words("nyembuhin"), words("menyembuhkan"));
        assert_eq!(words("mbayar"), words("bayar"));
        // "n" before a vowel replaces "t": "nilang" is "tilang", not "ilang" ("hilang").
        assert!(claim_words("polisi nilang").contains(&"tilang".to_string()));
        // Indonesian words are never taken apart.
        assert_eq!(words("kucing"), "kucing");
        assert_eq!(words("bensin vaksin"), "bensin vaksin");
        assert_eq!(words("bâdâ"), words("bada"));
    }

    #[test]
    fn the_signature_is_a_short_stable_hash() {
        let s = signature();
        assert_eq!(s.len(), 16);
        assert!(s.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(s, signature());
    }

    #[test]
    fn prohibitions_are_one_form() {
        let want = words("mulai besok warga dilarang keluar rumah");
        for s in [
            "mulai besok warga tidak boleh keluar rumah",
            "mulai besok warga gak boleh keluar rumah",
            "wiwit sesuk warga ora oleh metu omah",
            "mulai besok warga ta' olle kaloar romah",
        ] {
            assert_eq!(words(s), want, "{s}");
        }
        // The imperative is one form too, "jangan", which the matcher reads as this prohibition
        // against a text that forbids something.
        assert_eq!(
            words("wiwit sesuk warga ojo metu omah"),
            words("mulai besok warga jangan keluar rumah")
        );
        // Javanese "larang" after a price is "mahal"; anywhere else the Indonesian ban.
        assert_eq!(words("regane larang"), "harga mahal");
        assert_eq!(words("KEMENAG LARANG AZAN"), "menteri agama larang azan");
        // Not getting something is not a prohibition.
        assert!(claim_words("ora oleh bansos").contains(&"tidak".to_string()));
        // The permission itself still clashes with the prohibition.
        assert!(!claim_words("warga boleh keluar rumah").contains(&"larang".to_string()));
        assert!(NEGATIONS.contains(&"larang"));
    }

    #[test]
    fn a_negation_is_read_with_the_word_it_goes_with() {
        // Not passable: closed.
        for s in [
            "Suramadu ta' bisa lebât",
            "Suramadu gak iso liwat",
            "Suramadu dilarang dilewati",
            "Suramadu tidak bisa dilewati",
        ] {
            assert_eq!(words(s), "suramadu tutup", "{s}");
        }
        assert_eq!(words("kendaraan dilarang masuk"), "kendara tutup");
        // ...but not coming to school is no closure.
        assert_eq!(words("siswa tidak masuk"), "siswa tidak masuk");
        // Not happening: cancelled.
        assert_eq!(words("pilkades gak sido"), words("pilkades batal"));
        assert_eq!(words("pilkades ora sida"), words("pilkades batal"));
        // A question tag asks; it denies nothing.
        assert_eq!(words("BLT cair, tenan pora? bener gak?"), "blt cair");
        assert_eq!(words("BLT cair, percoyo ora?"), "blt cair percaya");
        assert_eq!(words("Tenan ora iki lur?"), words("tenan"));
        // Numbers as the claims write them.
        assert_eq!(words("jam sepuluh bengi"), words("jam 22 malam"));
        assert_eq!(words("jam 3 sore"), words("jam 15 sore"));
        assert_eq!(words("jam 12 malam"), words("jam 0 malam"));
        assert_eq!(words("jam 8 pagi"), "jam 8 pagi");
        assert_eq!(words("uang palsu 50 rebuan"), words("uang palsu Rp50.000"));
        assert_eq!(words("angin 150 kilo sajam"), words("angin 150 km/jam"));
        assert_eq!(words("salah satu virus"), "salah virus");
        assert_eq!(
            words("air rebusan kapèng sèttong"),
            words("air rebusan pertama")
        );
        assert_eq!(words("kesepuluh jari"), words("10 jari"));
        assert_eq!(words("batas 28-12"), words("batas 28 desember"));
        assert_eq!(words("mulai 15-01"), words("mulai 15 januari"));
        assert_eq!(words("kelas 1-6"), "kelas 1 6");
        assert_eq!(
            words("kapal ta' ajâlân sabulân"),
            words("kapal berhenti 1 bulan")
        );
        assert_eq!(words("gaji telung yuto setengah"), words("gaji 3,5 juta"));
        assert_eq!(words("pitungatus seket ewu"), words("750 ribu"));
        assert_eq!(words("umur sewidak munggah"), words("umur 60 ke atas"));
        assert_eq!(words("koin tahun 93"), words("koin tahun 1993"));
        assert_eq!(
            words("rumah gk layak huni"),
            words("rumah tidak layak huni")
        );
        assert!(!words("rumah tidak layak huni").contains("tidak"));
        assert_eq!(words("Nyuwun sewu, BLT cair"), words("BLT cair"));
        assert_eq!(words("tigang atus seket ewu"), words("350 ribu"));
        assert_eq!(
            words("nelayan ta' olle alajar"),
            words("nelayan dilarang berlayar")
        );
        assert_eq!(words("anakku durung tak gowo"), words("anak belum bawa"));
        assert_eq!(words("tak bisa lewat"), words("tutup"));
        assert_eq!(
            words("Kera Ngalam, salju mudhun. Ati-ati kera-kera"),
            words("Malang salju turun")
        );
        assert_eq!(
            words("Ratusan kera turun dari Raung"),
            "ratus kera turun raung"
        );
        // Who speaks of themselves: "aku", "isun", a known word with "-ku"; not "buku".
        let personal = |t: &str| claim_clauses(&format!("BLT cair. {t}"))[1].personal;
        assert!(personal("Montorku pajeke mati rong taun"));
        assert!(personal("Isun wedi"));
        assert!(!personal("Buku nikah lawas"));
        assert!(!personal("Saya pastikan aman"));
        assert_eq!(
            words("BPOM sdh larang beredar"),
            words("BPOM sudah melarang beredar")
        );
        assert_eq!(words("WA 0852-3014-6619"), words("WA 085230146619"));
        assert_eq!(words("lima belas juta"), words("15 juta"));
        assert_eq!(words("lema' bellas juta"), words("15 juta"));
        assert_eq!(words("gempa 7 koma 2"), words("gempa 7,2"));
        assert_eq!(words("limo setengah kilo"), words("5,5 kg"));
        assert_eq!(words("Tambah larang rek"), words("tambah mahal"));
        assert_eq!(
            words("Anakku gak gelem divaksin"),
            words("anak tolak vaksin")
        );
        assert_eq!(
            words("NIK diblokir. Keluargamu wis durung?"),
            words("NIK diblokir keluarga")
        );
        assert_eq!(
            words("Cak, BKN mbukak CPNS jalur khusus"),
            words("Badan BKN membuka CPNS jalur khusus").replace("badan ", "")
        );
        assert_eq!(words("seratus orang"), words("100 orang"));
        // Not reaching an amount: under it.
        for s in [
            "gaji gak tekan 5 yuto",
            "gaji ta' sampè' 5 juta",
            "gaji gak nyampek 5 juta",
        ] {
            assert_eq!(words(s), words("gaji di bawah 5 juta"), "{s}");
        }
        // A duty's sanction: "kalau tidak" marked, and not dropped as a question tag where it
        // closes its clause.
        assert_eq!(
            words("Nek ora, kursine dicoret"),
            format!("{SANCTION} kursi coret")
        );
        assert_eq!(
            words("Mon ta', kursina ècoret"),
            words("Nek ora, kursine dicoret")
        );
        assert_eq!(
            words("diblokir kalau tidak daftar"),
            format!("nonaktif {SANCTION} tidak daftar")
        );
        assert_eq!(words("bener gak?"), words("bener?"));
        // "unless" is "those who do not".
        assert_eq!(
            words("dinonaktifkan kecuali daftar ulang"),
            words("dinonaktifkan yang tidak daftar ulang")
        );
        assert_eq!(words("kajâbâ daftar ulang"), words("kecuali daftar ulang"));
        // "gak bener" denies; "ora ana maneh sepur" is stopped; "tak larang" is the
        // forwarder's advice; "larang pol" is very dear; "ora oleh gawe ngombe" forbids;
        // "ta' andi' ana'" is infertile.
        assert_eq!(words("sepur mandeg gak bener"), "kereta henti tidak");
        assert_eq!(words("sepur mandeg bener gak?"), "kereta henti");
        assert_eq!(words("ora ana maneh sepur"), words("berhenti kereta"));
        assert_eq!(words("tak larang jajan"), words("jangan jajan"));
        assert!(words("larang pol").starts_with("mahal"));
        assert_eq!(words("gak oleh gawe ngombe"), words("dilarang minum"));
        assert_eq!(words("ta' andi' ana'"), words("gak iso duwe anak"));
        assert!(words("tidak bisa punya anak").starts_with("mandul"));
        assert_eq!(words("ta' coma knalpotta"), words("bukan hanya knalpot"));
        // Not allowed in is closed; asked not to is forbidden; not obeying is breaking a rule;
        // "ora tak olehi" is the forwarder's own refusal.
        assert_eq!(
            words("wisatawan ta' ollè maso'"),
            words("wisatawan ditutup")
        );
        assert_eq!(
            words("Polres mengimbau warga agar tidak mengangkat telepon"),
            words("Polres imbau warga dilarang mengangkat telepon")
        );
        assert_eq!(
            words("khatib sing gak manut"),
            words("khatib yang melanggar")
        );
        assert_eq!(words("ora tak olehi disuntik"), words("tidak disuntik"));
        assert_eq!(
            words("tol gratis golongan I"),
            words("tol gratis golongan siji")
        );
        // "tidak ... lagi" is "henti" only when no other negation comes between.
        assert_eq!(
            words("HP se ta' 5G ta' bisa èangghuy pole"),
            "ponsel tidak 5g henti guna"
        );
    }

    #[test]
    fn a_prohibition_heading_a_clause_is_written_jangan() {
        // The forwarder's advice to the reader; the matcher decides what it is against each
        // claim (a prohibition against a claim that forbids, otherwise left out).
        assert_eq!(
            words("BLT cair akhir bulan. Ojok sampek kelewatan!"),
            "blt cair akhir bulan jangan lewat"
        );
        assert_eq!(
            words("vaksin bikin mandul, jgn mau disuntik"),
            "vaksin mandul jangan suntik"
        );
        // Inside a clause too: "Anake ojok ditinggal", "jgn dibelanjakan" advise the reader.
        assert_eq!(
            words("Ibu-ibu, anake ojok ditinggal"),
            words("anak jangan tinggal")
        );
        // "dilarang" is the prohibition itself.
        assert!(claim_words("mulai besok pasar dilarang buka").contains(&"larang".to_string()));
    }

    #[test]
    fn phone_numbers_dates_and_units_are_written_one_way() {
        let want = words("WA 085733124490");
        for s in [
            "WA 0857 3312 4490",
            "WA 0857-3312-4490",
            "WA +62 857-3312-4490",
            "WA 6285733124490",
        ] {
            assert_eq!(words(s), want, "{s}");
        }
        // Digits that are not a phone number are not joined.
        assert_eq!(words("RT 03 RW 05"), "rt 3 rw 5");
        assert_eq!(words("meletus 15/12"), words("meletus 15 Desember"));
        assert_eq!(
            words("ditutup mulai 15 des"),
            words("ditutup mulai 15 Desember")
        );
        assert!(claim_words("dana des cair").contains(&"des".to_string()));
        assert_eq!(words("lansia 60th"), words("lansia 60 tahun"));
        assert_eq!(
            words("KK paling gak limang taun"),
            words("KK paling sedikit 5 tahun")
        );
        assert_eq!(
            words("hujan badai gak mandeg"),
            words("hujan badai tanpa henti")
        );
        assert_eq!(
            words("Lek kenek odol, cepet mari"),
            words("kena pasta gigi cepat sembuh")
        );
        assert_eq!(
            words("Mari kita sebarkan: vaksin aman"),
            words("vaksin aman")
        );
        let asked_not = claim_words("warga diminta tidak membeli tahu");
        assert!(
            asked_not.contains(&"larang".to_string()) && !asked_not.contains(&"tidak".to_string())
        );
        assert_eq!(words("radius 20km"), words("radius 20 km"));
        assert_eq!(words("radius 20 km"), words("radius 20 kilometer"));
        assert_eq!(words("tsunami 20 M"), words("tsunami 20 meter"));
        assert_eq!(words("hadiah 2 M"), words("hadiah 2 miliar"));
        assert_eq!(words("tutup sebulan"), words("tutup 1 bulan"));
        assert_eq!(words("tutup sak wulan"), words("tutup 1 bulan"));
        assert_eq!(
            words("gaji 30 juta sebulan"),
            words("gaji 30 juta per bulan")
        );
        assert_eq!(
            words("bayaran 200 ewu sedino"),
            words("gaji 200 ribu per hari")
        );
    }

    #[test]
    fn amounts_said_in_parts_are_one_number() {
        let want = words("Rp1.500.000");
        for s in [
            "1 juta 500 ribu",
            "sajuta lema ratus ebu",
            "sejuta limang atus ewu",
            "1,5 jt",
        ] {
            assert_eq!(words(s), want, "{s}");
        }
        assert_eq!(words("lima ratus ribu"), words("500rb"));
        assert_eq!(words("pitung atus seket ewu"), words("750 ribu"));
        assert_eq!(words("telung atus seket ewu"), words("Rp350.000"));
        assert_eq!(words("rong puluh ewu"), words("20rb"));
        assert_eq!(words("duwa' polo ebu"), words("20 ribu"));
        assert_eq!(words("limolas ewu"), words("15 ribu"));
        assert_eq!(words("sewu limang atus"), words("1.500"));
        assert_eq!(words("rong yuto limang atus"), words("2,5 juta"));
        assert_eq!(words("sak yuto rongatus"), words("1,2 juta"));
        assert_eq!(words("satus seket ewu"), words("150rb"));
        assert_eq!(words("rong setengah yuto"), words("2,5 juta"));
        assert_eq!(words("dua setengah juta"), words("Rp2.500.000"));
        assert_eq!(words("setengah hektare"), "tengah hektare");
        assert_eq!(words("sajuta lèma' ratos"), words("1,5 juta"));
        assert_eq!(words("empa' ratos saeket rebu"), words("450 ribu"));
        // Digits side by side are separate numbers ("tahun 2024 15 Desember").
        assert_eq!(words("2024 15"), "2024 15");
        // A smaller part without a multiplier is another number.
        assert_eq!(words("1 juta 3 kali"), "1000000 3 kali");
    }

    #[test]
    fn dpt_in_capitals_is_the_acronym() {
        assert!(claim_words("Imunisasi DPT di posyandu").contains(&"dpt".to_string()));
        assert_eq!(words("warga dpt bansos"), words("warga dapat bansos"));
        assert_eq!(words("WARGA DPT BANSOS"), words("warga dapat bansos"));
    }

    #[test]
    fn chat_abbreviations() {
        assert_eq!(
            words("mulai bln dpn smua"),
            words("mulai bulan depan semua")
        );
        assert_eq!(words("daftar dl"), words("daftar dulu"));
    }

    #[test]
    fn amounts_written_five_ways_are_one_number() {
        let want = vec!["3500000".to_string()];
        for s in [
            "3,5 jt",
            "3.5 juta",
            "Rp 3.500.000",
            "rp3500000",
            "3500rb",
            "Rp3,5jt",
        ] {
            assert_eq!(claim_words(s), want, "{s}");
        }
        assert_eq!(claim_words("600 ribu"), vec!["600000"]);
        assert_ne!(words("bantuan 600 ribu"), words("bantuan 300 ribu"));
    }

    #[test]
    fn forwarding_boilerplate_is_dropped() {
        assert_eq!(
            words("Diteruskan. INFO PENTING!! Sebarkan ke grup sebelah: vaksin mengandung chip"),
            words("vaksin mengandung chip")
        );
        // The chat group's name goes with it: the rest of a short clause, else two words.
        assert_eq!(
            words("vaksin mengandung chip, sebarkan ke grup wali murid kelas 6"),
            words("vaksin mengandung chip")
        );
        assert_eq!(
            words("di grup rt srengat katanya ada maling pake gas bius"),
            words("ada maling pake gas bius")
        );
    }

    #[test]
    fn stemming_joins_affixed_forms() {
        assert_eq!(stem("mengandung"), "kandung");
        assert_eq!(stem("dibagikan"), "bagi");
        // A root ending in "k" before the Javanese "-no" ("suntikno"), not "-kno".
        assert_eq!(words("disuntikno"), words("disuntik"));
        // Madurese "sabbân lagghu" is every morning; "lagghu'" alone tomorrow.
        assert_eq!(words("sabbân lagghu"), words("setiap pagi"));
        assert_eq!(
            words("pemerintah membagikan bantuan"),
            words("pemerintah bagi bantuan")
        );
    }

    #[test]
    fn the_word_that_differs_survives() {
        let a = claim_words("vaksin mengandung chip");
        let b = claim_words("vaksin mengandung babi");
        assert_ne!(a, b);
        assert!(a.contains(&"chip".to_string()) && b.contains(&"babi".to_string()));
    }

    #[test]
    fn hostile_text_does_not_panic() {
        for s in [
            "\\\\\\",
            "\u{0}\u{1}\u{7f}",
            "<script>alert(1)</script>",
            "&amp;&lt;",
            "9999999999999999999999999 jt",
            "1.2.3.4.5",
            "ــــ ﷽ 𝔥𝔬𝔞𝔵",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            let _ = claim_words(s);
        }
    }
}
