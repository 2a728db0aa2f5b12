//! Topics, statuses and consent as offices write them in Bahasa Indonesia (and the registry's
//! own slugs and English names, which an export or the API may carry).

use crate::registry::{KimStatus, Topic};
use chrono::NaiveDate;

fn fold(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Indonesian name the template and the export write for a topic.
pub fn topic_word(topic: Topic) -> &'static str {
    match topic {
        Topic::Health => "Kesehatan",
        Topic::Education => "Pendidikan",
        Topic::Disaster => "Kebencanaan",
        Topic::Economy => "Ekonomi & UMKM",
        Topic::Agriculture => "Pertanian",
        Topic::Tourism => "Pariwisata",
        Topic::Culture => "Budaya",
        Topic::Social => "Sosial",
        Topic::Governance => "Pemerintahan",
        Topic::Environment => "Lingkungan Hidup",
        Topic::DigitalLiteracy => "Literasi Digital",
    }
}

/// One topic as written: "Kesehatan", "ekonomi & umkm", "UMKM", "literasi digital", "health".
pub fn parse_topic_word(text: &str) -> Option<Topic> {
    let w = fold(text);
    if let Some(t) = Topic::ALL
        .into_iter()
        .find(|t| fold(t.as_str()) == w || fold(topic_word(*t)) == w)
    {
        return Some(t);
    }
    Some(match w.as_str() {
        "health" | "kesehatan masyarakat" | "posyandu" => Topic::Health,
        "pendidikan dan kebudayaan" => Topic::Education,
        "bencana" | "penanggulangan bencana" | "kebencanaan dan iklim" => Topic::Disaster,
        "ekonomi" | "umkm" | "ekonomi kreatif" | "ukm" | "economy" => Topic::Economy,
        "perkebunan" | "peternakan" | "perikanan" | "pertanian dan peternakan" => {
            Topic::Agriculture
        }
        "wisata" | "desa wisata" => Topic::Tourism,
        "kebudayaan" | "seni budaya" | "seni dan budaya" | "seni" => Topic::Culture,
        "kemasyarakatan" | "sosial kemasyarakatan" => Topic::Social,
        "pemerintahan desa" | "tata kelola" | "pelayanan publik" => Topic::Governance,
        "lingkungan" | "kebersihan" | "lingkungan dan kebersihan" => Topic::Environment,
        "digital" | "literasi" | "teknologi informasi" | "ti" | "tik" | "internet" => {
            Topic::DigitalLiteracy
        }
        _ => return None,
    })
}

/// A topics cell split into its topics: commas, semicolons, slashes, new lines or " dan ".
/// Each item is returned as the registry slug when known, otherwise as typed (so the check
/// names it).
pub fn split_topics(cell: &str) -> Vec<String> {
    cell.split([',', ';', '/', '\n', '|'])
        .flat_map(|part| {
            // "Kesehatan dan Pendidikan" is two topics; "Seni dan Budaya" is one.
            match parse_topic_word(part) {
                Some(t) => vec![t.as_str().to_owned()],
                None => part.split(" dan ").map(str::to_owned).collect(),
            }
        })
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .map(|t| match parse_topic_word(&t) {
            Some(topic) => topic.as_str().to_owned(),
            None => t.to_lowercase(),
        })
        .collect()
}

/// The Indonesian word the export writes for a status (read back by [`parse_status_word`]).
pub fn status_word(status: KimStatus) -> &'static str {
    match status {
        KimStatus::Draft => "Draf",
        KimStatus::Submitted => "Diajukan",
        KimStatus::Verified => "Terverifikasi",
        KimStatus::Active => "Aktif",
        KimStatus::Inactive => "Tidak aktif",
        KimStatus::Dissolved => "Bubar",
        KimStatus::Rejected => "Ditolak",
    }
}

/// A status as written: "Aktif", "Tidak Aktif", "Terverifikasi", "Diajukan", "draft", ...
pub fn parse_status_word(text: &str) -> Option<KimStatus> {
    let w = fold(text);
    if let Some(s) = KimStatus::parse(&w) {
        return Some(s);
    }
    Some(match w.as_str() {
        "draf" | "konsep" => KimStatus::Draft,
        "diajukan" | "pengajuan" | "menunggu verifikasi" | "belum diverifikasi" | "baru" => {
            KimStatus::Submitted
        }
        "terverifikasi" | "diverifikasi" | "sudah diverifikasi" | "terdaftar" => {
            KimStatus::Verified
        }
        "aktif" => KimStatus::Active,
        "tidak aktif" | "nonaktif" | "non aktif" | "vakum" | "pasif" => KimStatus::Inactive,
        "bubar" | "dibubarkan" => KimStatus::Dissolved,
        "ditolak" => KimStatus::Rejected,
        _ => return None,
    })
}

/// A consent cell: a date (when it was given), "ya"/"sudah"/"setuju" (given, on `today`), or
/// nothing (empty, "tidak", "belum", or anything else: consent is never guessed).
pub fn parse_consent(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let w = fold(text);
    match w.as_str() {
        "ya" | "y" | "iya" | "sudah" | "setuju" | "bersedia" | "yes" | "true" | "1" | "ada" => {
            Some(today)
        }
        _ => super::parse_date_id(text).filter(|d| *d <= today),
    }
}
