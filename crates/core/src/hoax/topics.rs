//! The topic of a claim, for trends: the first topic whose key words (stemmed) the claim uses
//! most. Rough on purpose: a verifier's judgement is not needed to see that a message about
//! "bansos" is about aid.

/// (topic code, stemmed key words). Catalogue labels: `hoax.topic.<code>`. Words are compared
/// after stemming, so the stems are listed too ("pemilu" → "milu", "pelabuhan" → "labuh").
pub const TOPICS: &[(&str, &[&str])] = &[
    ("vaccines", &["vaksin", "imunisasi", "booster", "suntik"]),
    (
        "health",
        &[
            "sembuh",
            "obat",
            "kanker",
            "covid",
            "virus",
            "penyakit",
            "rebus",
            "minum",
            "racun",
            "sakit",
            "demam",
            "kesehatan",
            "sehat",
        ],
    ),
    (
        "aid",
        &[
            "bansos", "bantu", "blt", "subsidi", "pupuk", "token", "pulsa", "gratis", "prakerja",
            "tunai", "sembako",
        ],
    ),
    (
        "disasters",
        &[
            "gempa", "tsunami", "banjir", "letus", "gunung", "bmkg", "longsor", "gerhana",
            "bendung", "bencana",
        ],
    ),
    (
        "scams",
        &[
            "lowong",
            "kerja",
            "beasiswa",
            "cpns",
            "rekrutmen",
            "loker",
            "gaji",
            "transfer",
            "rekening",
            "otp",
            "biaya",
        ],
    ),
    (
        "infrastructure",
        &[
            "tol",
            "jembatan",
            "tutup",
            "pdam",
            "listrik",
            "jalan",
            "pasar",
            "bandara",
            "pelabuhan",
            "labuh",
        ],
    ),
    (
        "elections",
        &[
            "pemilu", "milu", "coblos", "kpu", "suara", "tps", "calon", "pilkada", "caleg",
            "bawaslu",
        ],
    ),
];

/// The topic of a message's words, or `None`.
pub fn topic_of(words: &[String]) -> Option<&'static str> {
    let mut best: Option<(&str, usize)> = None;
    for (topic, keys) in TOPICS {
        let n = words.iter().filter(|w| keys.contains(&w.as_str())).count();
        if n > 0 && best.is_none_or(|(_, b)| n > b) {
            best = Some((topic, n));
        }
    }
    best.map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hoax::normalize::claim_words;

    #[test]
    fn claims_get_the_topic_of_their_key_words() {
        assert_eq!(
            topic_of(&claim_words("Vaksin covid mengandung chip")),
            Some("vaccines")
        );
        assert_eq!(
            topic_of(&claim_words("bansos 600rb cair besok")),
            Some("aid")
        );
        assert_eq!(
            topic_of(&claim_words("Jembatan Suramadu ditutup")),
            Some("infrastructure")
        );
        assert_eq!(topic_of(&claim_words("kucing lucu sekali")), None);
        assert_eq!(
            topic_of(&claim_words("hasil pemilu diubah")),
            Some("elections")
        );
        assert_eq!(
            topic_of(&claim_words("pelabuhan ketapang ditutup")),
            Some("infrastructure")
        );
    }
}
