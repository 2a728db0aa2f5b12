use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../../simpul/tests/fixtures/alerts/", $name))
    };
}

#[test]
fn reads_every_info_block_language_and_area_kind() {
    let m = parse(fixture!("bpbd-banjir.cap.xml")).unwrap();
    assert_eq!(m.identifier, "BPBD-JATIM-2026-1129-001");
    assert_eq!(m.msg_type, MsgType::Alert);
    assert_eq!(m.infos.len(), 2);
    let id = &m.infos[0];
    assert_eq!(id.language, "id-ID");
    assert_eq!(id.hazard, Hazard::Flood);
    assert_eq!(id.severity, Severity::Severe);
    assert_eq!(id.areas[0].polygons.len(), 1);
    assert!(id.areas[0].polygons[0].contains(-7.69, 112.63));
    assert_eq!(
        id.areas[0].geocodes,
        vec![("KEMENDAGRI".into(), "35.14.10".into())]
    );
    assert_eq!(
        id.expires.unwrap(),
        DateTime::parse_from_rfc3339("2026-11-29T23:00:00Z").unwrap()
    );
    let en = &m.infos[1];
    assert_eq!(en.language, "en-US");
    assert_eq!(en.areas[0].circles[0].radius_km, 12.0);
}

#[test]
fn updates_and_cancels_carry_their_references() {
    let u = parse(fixture!("bpbd-banjir-update.cap.xml")).unwrap();
    assert_eq!(u.msg_type, MsgType::Update);
    assert_eq!(u.references[0].1, "BPBD-JATIM-2026-1129-001");
    let c = parse(fixture!("bpbd-banjir-cancel.cap.xml")).unwrap();
    assert_eq!(c.msg_type, MsgType::Cancel);
    assert_eq!(c.references.len(), 2);
    let no_refs = fixture!("bpbd-banjir-cancel.cap.xml")
        .lines()
        .filter(|l| !l.contains("<references>"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(matches!(
        parse(&no_refs),
        Err(CapError::NoReferences("cancel"))
    ));
}

#[test]
fn refuses_what_is_not_a_conforming_cap_1_2_message() {
    let open_polygon = fixture!("bpbd-banjir.cap.xml").replace(
        "-7.75,112.55 -7.60,112.55</polygon>",
        "-7.75,112.55 -7.61,112.55</polygon>",
    );
    assert!(parse(&open_polygon).is_err());
    let crossing = fixture!("bpbd-banjir.cap.xml").replace(
        "-7.60,112.55 -7.60,112.75 -7.75,112.75 -7.75,112.55 -7.60,112.55",
        "-7.60,112.55 -7.60,112.75 -7.75,112.55 -7.75,112.75 -7.60,112.55",
    );
    assert!(matches!(
        parse(&crossing),
        Err(CapError::Area(crate::alerts::AreaError::SelfCrossing))
    ));
    assert!(parse("<alert/>").is_err());
    assert!(parse("not xml at all").is_err());
    assert!(matches!(
        parse(&" ".repeat(MAX_BYTES + 1)),
        Err(CapError::TooLarge)
    ));
}

#[test]
fn what_simpul_writes_reads_back_the_same() {
    let mut m = parse(fixture!("bpbd-banjir.cap.xml")).unwrap();
    m.identifier = "simpul-alert-7".into();
    m.sender = "simpul@simpul.test".into();
    let xml = to_xml(&m).unwrap();
    assert!(xml.starts_with("<?xml"));
    let back = parse(&xml).unwrap();
    assert_eq!(back, m);
}
