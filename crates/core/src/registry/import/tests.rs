use super::*;
use crate::registry::{KimStatus, Topic};
use chrono::NaiveDate;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

#[test]
fn office_headers_are_recognised() {
    let f = |h: &str| match recognise(h) {
        Recognised::Field(f) => Some(f.key()),
        _ => None,
    };
    assert_eq!(f("Desa/Kelurahan"), Some("desa"));
    assert_eq!(f("DESA / KEL."), Some("desa"));
    assert_eq!(f("Kab/Kota"), Some("kabupaten_kota"));
    assert_eq!(f("Kabupaten/Kota"), Some("kabupaten_kota"));
    assert_eq!(f("No. HP"), Some("telepon"));
    assert_eq!(f("No HP Ketua"), Some("telepon_ketua"));
    assert_eq!(f("Nomor SK"), Some("no_sk"));
    assert_eq!(f("Tgl SK"), Some("tanggal_sk"));
    assert_eq!(f("Nama Ketua"), Some("ketua"));
    assert_eq!(f("nama_kim"), Some("nama_kim"));
    assert_eq!(f("Nama KIM"), Some("nama_kim"));
    assert_eq!(recognise("No"), Recognised::Ignore);
    assert_eq!(recognise("No."), Recognised::Ignore);
    assert_eq!(recognise(""), Recognised::Ignore);
    assert_eq!(recognise("Jumlah Anggota"), Recognised::Ignore);
    assert_eq!(recognise("Warna Favorit"), Recognised::Unknown);
}

#[test]
fn every_label_and_key_reads_back_as_its_field() {
    for field in Field::ALL {
        assert_eq!(
            recognise(field.label()),
            Recognised::Field(field),
            "{field:?}"
        );
        assert_eq!(
            recognise(field.key()),
            Recognised::Field(field),
            "{field:?}"
        );
        assert_eq!(Field::from_key(field.key()), Some(field));
    }
}

#[test]
fn aliases_do_not_collide() {
    let mut seen = std::collections::HashMap::new();
    for field in Field::ALL {
        for alias in field.aliases() {
            if let Some(other) = seen.insert(*alias, field) {
                panic!("{alias} means both {other:?} and {field:?}");
            }
        }
    }
}

#[test]
fn indonesian_dates() {
    assert_eq!(parse_date_id("12/03/2021"), d(2021, 3, 12));
    assert_eq!(parse_date_id("2/3/21"), d(2021, 3, 2));
    assert_eq!(parse_date_id("2-3-21"), d(2021, 3, 2));
    assert_eq!(parse_date_id("12.03.2021"), d(2021, 3, 12));
    assert_eq!(parse_date_id("12 Maret 2021"), d(2021, 3, 12));
    assert_eq!(parse_date_id("12 maret 2021"), d(2021, 3, 12));
    assert_eq!(parse_date_id("Jumat, 12 Maret 2021"), d(2021, 3, 12));
    assert_eq!(parse_date_id("12-Mar-21"), d(2021, 3, 12));
    assert_eq!(parse_date_id("1 Agustus 1998"), d(1998, 8, 1));
    assert_eq!(parse_date_id("5 Agt 2020"), d(2020, 8, 5));
    assert_eq!(parse_date_id("28 Pebruari 2020"), d(2020, 2, 28));
    assert_eq!(parse_date_id("2021-03-12"), d(2021, 3, 12));
    assert_eq!(parse_date_id("2021-03-12 00:00:00"), d(2021, 3, 12));
    assert_eq!(parse_date_id("2021/03/12"), d(2021, 3, 12));
    // Month-first only when it cannot be day-first.
    assert_eq!(parse_date_id("03/25/2021"), d(2021, 3, 25));
    // Excel serial day numbers (a date cell saved into a CSV as a number).
    assert_eq!(parse_date_id("44267"), d(2021, 3, 12));
    assert_eq!(parse_date_id("2019"), None);
    assert_eq!(parse_date_id("31/02/2021"), None);
    assert_eq!(parse_date_id("kemarin"), None);
    assert_eq!(parse_date_id("12 Maretan 2021"), None);
    assert_eq!(normalize_date(" 1/5/2019 "), "2019-05-01");
    assert_eq!(normalize_date("entah"), "entah");
}

proptest! {
    #[test]
    fn every_day_reads_back_in_every_written_form(days in 0u64..60_000) {
        let date = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Days::new(days);
        for fmt in ["%d/%m/%Y", "%-d-%-m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d-%b-%Y"] {
            let text = date.format(fmt).to_string();
            prop_assert_eq!(parse_date_id(&text), Some(date), "{}", text);
        }
        let months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                      "September", "Oktober", "November", "Desember"];
        use chrono::Datelike;
        let id = format!("{} {} {}", date.day(), months[date.month0() as usize], date.year());
        prop_assert_eq!(parse_date_id(&id), Some(date), "{}", id);
    }

    #[test]
    fn any_text_is_safe(s in "\\PC{0,40}") {
        let _ = parse_date_id(&s);
        let _ = recognise(&s);
        let _ = split_topics(&s);
        let _ = parse_status_word(&s);
    }
}

#[test]
fn topics_and_statuses_in_bahasa_indonesia() {
    assert_eq!(parse_topic_word("Kesehatan"), Some(Topic::Health));
    assert_eq!(parse_topic_word("ekonomi & umkm"), Some(Topic::Economy));
    assert_eq!(parse_topic_word("UMKM"), Some(Topic::Economy));
    assert_eq!(
        parse_topic_word("Literasi Digital"),
        Some(Topic::DigitalLiteracy)
    );
    assert_eq!(
        parse_topic_word("digital_literacy"),
        Some(Topic::DigitalLiteracy)
    );
    assert_eq!(
        split_topics("Kesehatan dan Pendidikan; Seni dan Budaya, wisata"),
        ["health", "education", "culture", "tourism"]
    );
    assert_eq!(
        split_topics("health, agriculture"),
        ["health", "agriculture"]
    );
    assert_eq!(split_topics("Memancing"), ["memancing"]);
    for t in Topic::ALL {
        assert_eq!(parse_topic_word(topic_word(t)), Some(t));
    }
    assert_eq!(parse_status_word("Aktif"), Some(KimStatus::Active));
    assert_eq!(parse_status_word("Tidak Aktif"), Some(KimStatus::Inactive));
    assert_eq!(
        parse_status_word("TERVERIFIKASI"),
        Some(KimStatus::Verified)
    );
    assert_eq!(parse_status_word("Diajukan"), Some(KimStatus::Submitted));
    assert_eq!(parse_status_word("draft"), Some(KimStatus::Draft));
    assert_eq!(parse_status_word("tutup"), None);
    assert_eq!(parse_status_word(""), None);
}

#[test]
fn consent_is_never_guessed() {
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(parse_consent("Ya", today), Some(today));
    assert_eq!(parse_consent("12/01/2026", today), d(2026, 1, 12));
    assert_eq!(parse_consent("", today), None);
    assert_eq!(parse_consent("tidak", today), None);
    assert_eq!(parse_consent("belum", today), None);
    assert_eq!(parse_consent("01/01/2030", today), None);
}

#[test]
fn example_row_and_similar_rows() {
    assert!(is_template_example("KIM Contoh Sumber Rejeki", ""));
    assert!(is_template_example(
        "KIM Sumber Rejeki",
        "kim.sumberrejeki@example.id"
    ));
    assert!(!is_template_example("KIM Sumber Rejeki", ""));
    let mut rows = SimilarRows::new();
    assert_eq!(rows.add("35.14.10.2001", "KIM Prigen Maju", 2), None);
    assert_eq!(rows.add("35.14.10.2002", "KIM Prigen Maju", 3), None);
    assert_eq!(rows.add("35.14.10.2001", "Kim Prigen-Maju", 4), Some(2));
    assert_eq!(rows.add("35.14.10.2001", "KIM Lereng Arjuno", 5), None);
}
