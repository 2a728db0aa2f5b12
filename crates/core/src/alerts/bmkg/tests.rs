use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../../simpul/tests/fixtures/alerts/", $name))
    };
}

fn ok(body: &str) -> Vec<Quake> {
    parse_document(body)
        .unwrap()
        .into_iter()
        .map(|q| q.unwrap())
        .collect()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn autogempa_json_and_xml_read_the_same_single_event() {
    let json = ok(fixture!("autogempa.json"));
    let xml = ok(fixture!("autogempa.xml"));
    assert_eq!(json, xml);
    let q = &json[0];
    assert_eq!(q.at, utc("2026-11-29T03:21:30Z"));
    assert_eq!((q.lat, q.lon), (-7.72, 112.83));
    assert_eq!(q.magnitude, 5.1);
    assert_eq!(q.depth_km, 10.0);
    assert_eq!(q.felt.len(), 2);
    assert_eq!(
        q.felt[0],
        Felt {
            mmi: 3,
            place: "Pasuruan".into()
        }
    );
    assert_eq!(q.shakemap.as_deref(), Some("20261129102130.mmi.jpg"));
    assert!(!q.tsunami_possible());
    assert_eq!(q.event_key(), "bmkg-20261129032130");
}

#[test]
fn lists_read_every_entry_in_both_forms() {
    let json = ok(fixture!("gempaterkini.json"));
    assert_eq!(json.len(), 3);
    // 22:05:12 WIT is 13:05:12 UTC; 14:47:03 WITA is 06:47:03 UTC.
    assert_eq!(json[1].at, utc("2026-11-28T13:05:12Z"));
    assert_eq!(json[2].at, utc("2026-11-27T06:47:03Z"));
    let xml = ok(fixture!("gempaterkini.xml"));
    assert_eq!(xml[..], json[..2]);
    let felt = ok(fixture!("gempadirasakan.json"));
    assert_eq!(
        felt[0].felt[0],
        Felt {
            mmi: 4,
            place: "Pasuruan".into()
        }
    );
    assert_eq!(ok(fixture!("gempadirasakan.xml"))[0], felt[0]);
}

#[test]
fn local_times_are_read_in_their_zone_when_datetime_is_missing() {
    let doc = |jam: &str| {
        format!(
            r#"{{"Infogempa":{{"gempa":{{"Tanggal":"29 Nov 2026","Jam":"{jam}","Coordinates":"-7.72,112.83","Magnitude":"5.1","Kedalaman":"10 km","Wilayah":"Pasuruan"}}}}}}"#
        )
    };
    let at = |jam: &str| parse_document(&doc(jam)).unwrap().remove(0);
    assert_eq!(at("10:21:30 WIB").unwrap().at, utc("2026-11-29T03:21:30Z"));
    assert_eq!(at("10:21:30 WITA").unwrap().at, utc("2026-11-29T02:21:30Z"));
    assert_eq!(at("10:21:30 WIT").unwrap().at, utc("2026-11-29T01:21:30Z"));
    assert_eq!(
        at("10:21:30 CEST"),
        Err(BmkgError::UnknownZone("CEST".into()))
    );
    assert_eq!(at("10:21:30"), Err(BmkgError::UnknownZone(String::new())));
    // Older documents wrote "29-Nov-26" and Indonesian month names.
    let old = doc("10:21:30 WIB").replace("29 Nov 2026", "29-Des-26");
    assert_eq!(
        parse_document(&old).unwrap()[0].as_ref().unwrap().at,
        utc("2026-12-29T03:21:30Z")
    );
}

#[test]
fn decimal_commas_and_hemispheres_are_read() {
    let doc = r#"{"Infogempa":{"gempa":{"DateTime":"2026-11-29T03:21:30+00:00","Coordinates":"-7,72,112,83","Lintang":"7,72 LS","Bujur":"112,83 BT","Magnitude":"5,1","Kedalaman":"10,5 km","Wilayah":"Pasuruan"}}}"#;
    let q = ok(doc).remove(0);
    assert_eq!(
        (q.lat, q.lon, q.magnitude, q.depth_km),
        (-7.72, 112.83, 5.1, 10.5)
    );
    // Only Lintang/Bujur: the signs come from LS/LU and BT/BB.
    let doc = r#"{"Infogempa":{"gempa":{"DateTime":"2026-11-29T03:21:30+00:00","Lintang":"2.10 LU","Bujur":"96.80 BT","Magnitude":"6.0","Kedalaman":"30 km","Wilayah":"Aceh"}}}"#;
    let q = ok(doc).remove(0);
    assert_eq!((q.lat, q.lon), (2.10, 96.80));
    // A pair written longitude first is put right by Lintang/Bujur.
    let doc = r#"{"Infogempa":{"gempa":{"DateTime":"2026-11-29T03:21:30+00:00","Coordinates":"112.83,-7.72","Lintang":"7.72 LS","Bujur":"112.83 BT","Magnitude":"5.1","Kedalaman":"10 km","Wilayah":"Pasuruan"}}}"#;
    assert_eq!(ok(doc)[0].lat, -7.72);
}

#[test]
fn bad_entries_are_typed_errors_and_do_not_spoil_the_list() {
    let doc = r#"{"Infogempa":{"gempa":[
        {"DateTime":"2026-11-29T03:21:30+00:00","Coordinates":"-7.72,112.83","Kedalaman":"10 km","Wilayah":"Pasuruan"},
        {"DateTime":"2026-11-29T03:21:30+00:00","Coordinates":"-97.72,112.83","Magnitude":"5.1","Kedalaman":"10 km","Wilayah":"X"},
        {"DateTime":"2026-11-29T03:21:30+00:00","Coordinates":"-7.72,112.83","Lintang":"1.00 LU","Bujur":"112.83 BT","Magnitude":"5.1","Kedalaman":"10 km","Wilayah":"X"},
        {"DateTime":"2026-11-29T03:21:30+00:00","Coordinates":"-7.72,112.83","Magnitude":"lima","Kedalaman":"10 km","Wilayah":"X"},
        {"DateTime":"2026-11-29T03:21:30+00:00","Coordinates":"-7.72,112.83","Magnitude":"5.1","Kedalaman":"10 km","Wilayah":"Pasuruan"}
    ]}}"#;
    let r = parse_document(doc).unwrap();
    assert_eq!(r[0], Err(BmkgError::Missing("Magnitude")));
    assert!(matches!(r[1], Err(BmkgError::OutOfRange(..))));
    assert_eq!(r[2], Err(BmkgError::Disagree));
    assert!(matches!(
        r[3],
        Err(BmkgError::Invalid {
            field: "Magnitude",
            ..
        })
    ));
    assert!(r[4].is_ok());
    for bad in [
        "",
        "{}",
        "[]",
        "<html>Service Unavailable</html>",
        r#"{"Infogempa":{"gempa":7}}"#,
        "{\"Infogempa\":{\"gempa\":{",
    ] {
        assert!(parse_document(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn the_same_event_in_several_feeds_is_one_and_more_detail_updates_it() {
    let auto = ok(fixture!("autogempa.json")).remove(0);
    let terkini = ok(fixture!("gempaterkini.json"));
    let dirasakan = ok(fixture!("gempadirasakan.json"));
    assert!(auto.same_event(&terkini[0]));
    assert!(auto.same_event(&dirasakan[0]));
    assert!(!auto.same_event(&terkini[1]));
    assert!(!auto.same_event(&dirasakan[1]));

    // The list's rounder report adds nothing a KIM would notice.
    let mut event = auto.clone();
    assert!(!event.merge(&terkini[0]));
    assert_eq!(event, auto);
    // The felt list brings more places and a higher intensity, and its magnitude.
    assert!(event.merge(&dirasakan[0]));
    assert_eq!(event.felt.len(), 3);
    assert_eq!(event.max_mmi(), 4);
    assert_eq!(event.magnitude, 5.0);
    // An older automatic report arriving afterwards changes nothing.
    let after = event.clone();
    assert!(!event.merge(&auto));
    assert_eq!(event, after);
    // Seen again: nothing.
    assert!(!event.merge(&dirasakan[0]));
}

proptest::proptest! {
    #[test]
    fn no_document_makes_the_parser_panic(body in "\\PC{0,300}") {
        let _ = parse_document(&body);
    }

    #[test]
    fn any_valid_entry_round_trips_its_numbers(lat in -11.0f64..6.0, lon in 95.0f64..141.0, m in 1.0f64..9.5) {
        let doc = format!(r#"{{"Infogempa":{{"gempa":{{"DateTime":"2026-11-29T03:21:30+00:00","Coordinates":"{lat:.2},{lon:.2}","Magnitude":"{m:.1}","Kedalaman":"10 km","Wilayah":"X"}}}}}}"#);
        let q = parse_document(&doc).unwrap().remove(0).unwrap();
        proptest::prop_assert!((q.lat - lat).abs() < 0.006 && (q.lon - lon).abs() < 0.006);
    }
}
