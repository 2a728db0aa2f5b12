//! Dissemination's demo: three published packages (stunting prevention from the province to
//! Pasuruan, Kab. Malang and Kota Malang; school enrolment from Kab. Pasuruan to its
//! education KIMs; disaster preparedness for the southern coast), one waiting for review,
//! three weeks of reports from most of the targeted KIMs (one absurd reach flagged), and a
//! program calendar of the province and several kabupaten/kota with some overlaps, one of them
//! resolved. Dates are relative to today, so the demo always looks current. Idempotent: skipped
//! when any package exists.

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simpul_core::audit::AuditContext;
use simpul_core::authz::ScopeRegions;
use simpul_core::dissem::{PackageStatus, Resolved, Review, Target};
use simpul_core::RegionCode;
use simpul_store::dissem::{NewReport, PackageData, ProgramData};
use simpul_store::Store;

struct Package {
    title: &'static str,
    topic: &'static str,
    owner: &'static str,
    targets: &'static str,
    key_messages: &'static str,
    body: &'static str,
    whatsapp: &'static str,
    facebook: &'static str,
    radio: &'static str,
    priority: &'static str,
    /// Days before today it started, and days after today it ends.
    started: i64,
    ends: i64,
}

const PACKAGES: &[Package] = &[
    Package {
        title: "Cegah Stunting: 1000 Hari Pertama Kehidupan",
        topic: "health",
        owner: "35",
        targets: "region:35.14\nregion:35.07\nregion:35.73",
        key_messages: "Stunting dapat dicegah sejak masa kehamilan.\nTimbang dan ukur balita setiap bulan di posyandu.\nBeri ASI eksklusif 6 bulan dan MPASI kaya protein hewani.",
        body: "Satu dari lima balita di Jawa Timur masih mengalami stunting. Masa 1000 hari pertama kehidupan, sejak kehamilan sampai anak berusia dua tahun, menentukan. Ajak ibu hamil memeriksakan kandungan minimal enam kali dan balita datang ke posyandu setiap bulan.",
        whatsapp: "Ayo cegah stunting! 👶 Timbang & ukur balita tiap bulan di posyandu, beri ASI eksklusif 6 bulan dan MPASI dengan telur, ikan atau daging. Info: posyandu terdekat. #JatimCegahStunting",
        facebook: "1000 Hari Pertama Kehidupan menentukan masa depan anak. Yuk, dampingi ibu hamil dan balita di sekitar kita: periksa kehamilan, timbang balita tiap bulan, dan sajikan protein hewani setiap hari. #JatimCegahStunting",
        radio: "Bapak, Ibu, stunting bisa dicegah. Bawa balita ke posyandu setiap bulan untuk ditimbang dan diukur. Berikan ASI eksklusif enam bulan, lalu makanan pendamping dengan telur, ikan atau daging. Sehat anaknya, kuat desanya.",
        priority: "high",
        started: 21,
        ends: 10,
    },
    Package {
        title: "Ayo Sekolah: Pendaftaran Sekolah Gratis Kabupaten Pasuruan",
        topic: "education",
        owner: "35.14",
        targets: "topic:education",
        key_messages: "Pendaftaran SD dan SMP negeri gratis, tanpa pungutan.\nAnak putus sekolah bisa kembali lewat kejar paket.",
        body: "Dinas Pendidikan Kabupaten Pasuruan membuka pendaftaran peserta didik baru. Tidak ada biaya pendaftaran. Warga yang dimintai pungutan dapat melapor ke kantor desa atau Diskominfo.",
        whatsapp: "📚 Pendaftaran SD & SMP negeri di Kab. Pasuruan GRATIS, tanpa pungutan! Anak putus sekolah bisa ikut kejar paket. Tanya di kantor desa. #AyoSekolah",
        facebook: "Pendaftaran sekolah negeri di Kabupaten Pasuruan tidak dipungut biaya. Bantu sebarkan agar tidak ada anak yang tertinggal. #AyoSekolah",
        radio: "Pengumuman: pendaftaran SD dan SMP negeri di Kabupaten Pasuruan gratis. Bila ada yang meminta biaya, laporkan ke kantor desa.",
        priority: "normal",
        started: 14,
        ends: 16,
    },
    Package {
        title: "Siaga Bencana Musim Hujan: Kenali Jalur Evakuasi",
        topic: "disaster",
        owner: "35",
        targets: "region:35.08\nregion:35.07\nregion:35.05\ntopic:disaster",
        key_messages: "Kenali jalur evakuasi dan titik kumpul di desa.\nSiapkan tas siaga: dokumen, obat, senter, air minum.\nIkuti informasi resmi BMKG dan BPBD.",
        body: "Musim hujan meningkatkan risiko banjir dan longsor di wilayah selatan Jawa Timur. KIM diminta membantu warga mengenali jalur evakuasi dan menyiapkan tas siaga.",
        whatsapp: "🌧️ Musim hujan tiba. Kenali jalur evakuasi & titik kumpul desa, siapkan tas siaga (dokumen, obat, senter, air). Info resmi hanya dari BMKG & BPBD. #SiagaBencana",
        facebook: "",
        radio: "Warga yang kami hormati, musim hujan telah tiba. Kenali jalur evakuasi dan titik kumpul di desa Anda, dan siapkan tas siaga berisi dokumen penting, obat, senter dan air minum.",
        priority: "high",
        started: 7,
        ends: 30,
    },
];

/// (theme, topic, office, regions, start offset from the first of this month in days, length
/// in days, channels, budget line)
type ProgramRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    &'static str,
    &'static str,
);

const PROGRAMS: &[ProgramRow] = &[
    (
        "Bulan Timbang Jatim",
        "health",
        "35",
        "35",
        0,
        30,
        "kim,radio,social_media",
        "2.16.02 Komunikasi Publik",
    ),
    (
        "Gerakan Posyandu Pasuruan",
        "health",
        "35.14",
        "35.14",
        9,
        10,
        "kim,event",
        "1.02.02 Kesehatan Masyarakat",
    ),
    (
        "Kampung Siaga Bencana Lumajang",
        "disaster",
        "35.08",
        "35.08",
        3,
        20,
        "kim,event",
        "1.05.03 Penanggulangan Bencana",
    ),
    (
        "Sosialisasi PPDB Kab. Malang",
        "education",
        "35.07",
        "35.07",
        12,
        6,
        "kim,radio",
        "",
    ),
    (
        "Literasi Digital Surabaya",
        "digital_literacy",
        "35.78",
        "35.78",
        5,
        14,
        "social_media,event",
        "2.16.03 Aptika",
    ),
    (
        "Festival Wisata Banyuwangi",
        "tourism",
        "35.10",
        "35.10",
        15,
        4,
        "social_media,outdoor",
        "",
    ),
    (
        "Pasar Murah UMKM Pasuruan",
        "economy",
        "35.14",
        "35.14.10",
        18,
        2,
        "kim",
        "",
    ),
    (
        "Pekan Anti Hoaks Jatim",
        "digital_literacy",
        "35",
        "35.14,35.07,35.73",
        40,
        7,
        "kim,social_media",
        "2.16.02 Komunikasi Publik",
    ),
];

const CHANNELS: [&str; 6] = [
    "whatsapp", "whatsapp", "facebook", "meeting", "mosque", "radio",
];

pub async fn seed(store: &Store, ctx: &AuditContext) -> Result<()> {
    if !store
        .dissem_packages(&ScopeRegions::All, None, 1)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let today = chrono::Utc::now().date_naive();
    let mut rng = StdRng::seed_from_u64(13);
    for p in PACKAGES {
        let owner = RegionCode::parse(p.owner)?;
        let mut captions = serde_json::Map::new();
        for (c, text) in [
            ("whatsapp", p.whatsapp),
            ("facebook", p.facebook),
            ("radio", p.radio),
        ] {
            if !text.is_empty() {
                captions.insert(c.into(), text.into());
            }
        }
        let data = PackageData {
            title: p.title.into(),
            topic: p.topic.into(),
            key_messages: p.key_messages.into(),
            body: p.body.into(),
            captions: serde_json::Value::Object(captions).to_string(),
            video_link: String::new(),
            targets: p.targets.into(),
            starts_on: today - Duration::days(p.started),
            ends_on: today + Duration::days(p.ends),
            priority: p.priority.into(),
            owner_region: Some(owner.clone()),
        };
        let id = store.dissem_create(ctx, &data, &[], None).await?;
        let record = store.dissem_package(id).await?;
        store
            .dissem_move(ctx, &record, PackageStatus::Published)
            .await?;
        let targets = Target::parse_list(p.targets);
        let kims = store
            .dissem_resolve(&Resolved::of(&targets), Some(&owner))
            .await?;
        let added = store.dissem_add_targets(id, &kims).await?;
        // The demo does not flood inboxes: treated as told at publication.
        store.dissem_mark_notified(id, &added).await?;
        for (kim, regency) in &kims {
            // About two KIMs in three have reported, one to three times.
            if rng.gen_range(0..3) == 0 {
                continue;
            }
            for _ in 0..rng.gen_range(1..4) {
                let channel = CHANNELS[rng.gen_range(0..CHANNELS.len())];
                let reach = match channel {
                    "meeting" => rng.gen_range(20..150),
                    "mosque" => rng.gen_range(80..600),
                    "radio" => rng.gen_range(300..4_000),
                    "facebook" => rng.gen_range(50..2_500),
                    _ => rng.gen_range(30..400),
                };
                let day = today - Duration::days(rng.gen_range(0..p.started.max(1)));
                let report = NewReport {
                    package_id: id,
                    kim_id: *kim,
                    regency_code: regency.clone(),
                    channel,
                    reported_on: day,
                    reach,
                    link: if channel == "facebook" {
                        format!(
                            "https://facebook.com/kim.desa/posts/{}",
                            rng.gen_range(1000..9999)
                        )
                    } else {
                        String::new()
                    },
                    review: Review::Ok,
                    photo: None,
                    author_id: None,
                };
                store.dissem_add_report(ctx, &report).await?;
            }
        }
        // One absurd reach, flagged for the office to review.
        if let Some((kim, regency)) = kims.get(3) {
            let report = NewReport {
                package_id: id,
                kim_id: *kim,
                regency_code: regency.clone(),
                channel: "whatsapp",
                reported_on: today,
                reach: 1_000_000,
                link: "https://wa.me/c/6281234567890".into(),
                review: Review::Flagged,
                photo: None,
                author_id: None,
            };
            store.dissem_add_report(ctx, &report).await?;
        }
    }
    // A partner's draft waiting for the province.
    let draft = PackageData {
        title: "Waspada Gelombang Tinggi Pantai Selatan".into(),
        topic: "disaster".into(),
        key_messages: "Hindari aktivitas di pantai saat peringatan gelombang tinggi.\nIkuti informasi BMKG Maritim.".into(),
        body: String::new(),
        captions: "{}".into(),
        video_link: String::new(),
        targets: "region:35.10\nregion:35.09\nregion:35.07".into(),
        starts_on: today,
        ends_on: today + Duration::days(14),
        priority: "high".into(),
        owner_region: Some(RegionCode::parse("35")?),
    };
    let id = store.dissem_create(ctx, &draft, &[], None).await?;
    let record = store.dissem_package(id).await?;
    store
        .dissem_move(ctx, &record, PackageStatus::Review)
        .await?;

    // The program calendar.
    let first = NaiveDate::from_ymd_opt(
        chrono::Datelike::year(&today),
        chrono::Datelike::month(&today),
        1,
    )
    .expect("first of the month");
    let mut ids = Vec::new();
    for (theme, topic, office, regions, start, days, channels, budget) in PROGRAMS {
        let data = ProgramData {
            theme: (*theme).into(),
            topic: (*topic).into(),
            starts_on: first + Duration::days(*start),
            ends_on: first + Duration::days(start + days - 1),
            regions: (*regions).into(),
            owner_region: Some(RegionCode::parse(office)?),
            channels: (*channels).into(),
            budget_line: (*budget).into(),
        };
        ids.push(store.program_save(ctx, None, &data, None).await?);
    }
    // The province and Pasuruan agreed that the two health programs complement each other.
    store
        .program_decide(
            ctx,
            ids[0],
            ids[1],
            "accept",
            "Posyandu Pasuruan menjadi bagian Bulan Timbang",
            None,
        )
        .await?;
    Ok(())
}
