//! Village voices in the demo: East Java posts (UMKM products, Bromo's sunrise and Prigen's
//! waterfalls, culture, farming, crafts), published, waiting for review, sent back and hidden;
//! re-shares that make good practice; a routing rule; and citizens' aspirations in every state.

use anyhow::Result;
use chrono::{Duration, Utc};
use simpul_app::portal::content;
use simpul_core::audit::AuditContext;
use simpul_core::RegionCode;
use simpul_store::portal::{NewAspiration, NewPhoto, NewPost};
use simpul_store::registry::KimFilter;
use simpul_store::Store;

/// A demo photo: a landscape-ish gradient, in both sizes (drawn once per process: every test
/// server seeds the demo).
fn photo(alt: &str, caption: &str) -> NewPhoto {
    static PICTURES: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    let seed = 30u8;
    let draw = |w: u32, h: u32| {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let sky = y < h / 2;
            let v = (x * 255 / w) as u8;
            if sky {
                image::Rgb([120u8.wrapping_add(seed), 170, 220u8.wrapping_sub(v / 4)])
            } else {
                image::Rgb([40u8.wrapping_add(v / 3), 110u8.wrapping_add(seed), 60])
            }
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70)
            .encode_image(&img)
            .expect("a demo picture encodes");
        out
    };
    let (small, large) = PICTURES.get_or_init(|| (draw(480, 320), draw(720, 480)));
    NewPhoto {
        small: small.clone(),
        large: large.clone(),
        width: 720,
        height: 480,
        caption: caption.into(),
        alt: alt.into(),
    }
}

struct Demo {
    regency: &'static str,
    kind: &'static str,
    category: &'static str,
    title: &'static str,
    body: &'static str,
    topics: &'static str,
    place: &'static str,
    price: &'static str,
    hours: &'static str,
    contact: &'static str,
    point: Option<(f64, f64)>,
    photo: Option<(&'static str, &'static str)>,
}

const POSTS: &[Demo] = &[
    Demo {
        regency: "35.14.10",
        kind: "potential",
        category: "tourism",
        title: "Air Terjun Kakek Bodo, sejuk di kaki Gunung Welirang",
        body: "Air terjun setinggi sekitar **30 meter** di kawasan wisata Tretes, Prigen. Jalan setapak yang teduh, udara sejuk, dan warung warga di pintu masuk.\n\n- Parkir luas untuk bus\n- Cocok untuk keluarga\n- Bawa jaket, sore hari dingin",
        topics: "wisata alam, air terjun, Tretes",
        place: "Air Terjun Kakek Bodo",
        price: "Tiket Rp15.000",
        hours: "07.00–16.00 WIB setiap hari",
        contact: "Pokdarwis Prigen 0343 000 111",
        point: Some((-7.6866, 112.6296)),
        photo: Some(("Air terjun jatuh di antara tebing hijau berhutan", "Air Terjun Kakek Bodo di musim hujan")),
    },
    Demo {
        regency: "35.14.10",
        kind: "potential",
        category: "umkm",
        title: "Keripik talas dan susu perah Prigen, oleh-oleh khas Tretes",
        body: "Kelompok usaha ibu-ibu PKK membuat keripik talas renyah tanpa pengawet, dijual bersama susu segar dari peternak sapi perah di lereng Arjuno.",
        topics: "UMKM, oleh-oleh, susu",
        place: "Sentra Oleh-oleh Prigen",
        price: "Rp15.000–Rp35.000",
        hours: "08.00–20.00 WIB",
        contact: "WA 0812 3456 7000",
        point: Some((-7.6922, 112.6351)),
        photo: Some(("Bungkus keripik talas berjajar di meja kayu", "Keripik talas siap dikemas")),
    },
    Demo {
        regency: "35.13",
        kind: "potential",
        category: "tourism",
        title: "Menyambut matahari terbit Bromo dari Penanjakan",
        body: "Dari Desa Wonokitri dan Ngadisari, jip warga mengantar wisatawan ke Penanjakan sebelum subuh. Setelah matahari terbit, kunjungi lautan pasir dan kawah Bromo.\n\nHormati adat Tengger: pada hari raya Yadnya Kasada sebagian jalur ditutup.",
        topics: "Bromo, Tengger, wisata",
        place: "Penanjakan Bromo",
        price: "Sewa jip Rp600.000 per mobil",
        hours: "Mulai 03.00 WIB",
        contact: "Paguyuban Jip Wonokitri",
        point: Some((-7.9025, 112.9530)),
        photo: Some(("Kaldera Bromo berkabut saat matahari terbit", "Pemandangan dari Penanjakan")),
    },
    Demo {
        regency: "35.07",
        kind: "potential",
        category: "farming",
        title: "Petik apel dan kopi Poncokusumo",
        body: "Kebun apel warga terbuka untuk wisata petik sendiri. Kopi robusta dan arabika lereng Semeru diolah di rumah produksi desa.",
        topics: "apel, kopi, agrowisata",
        place: "Kebun Apel Poncokusumo",
        price: "Rp25.000 per orang, apel dibayar per kilo",
        hours: "08.00–15.00 WIB",
        contact: "Gapoktan Poncokusumo",
        point: Some((-8.0403, 112.7840)),
        photo: Some(("Pohon apel berbuah merah di kebun", "Kebun apel menjelang panen")),
    },
    Demo {
        regency: "35.10",
        kind: "news",
        category: "culture",
        title: "Anak-anak desa berlatih tari Gandrung setiap Minggu",
        body: "Sanggar desa membuka latihan tari **Gandrung** gratis untuk anak-anak. Pelatih dari Dewan Kesenian Blambangan hadir dua kali sebulan.",
        topics: "budaya, tari, Banyuwangi",
        place: "",
        price: "",
        hours: "",
        contact: "",
        point: None,
        photo: Some(("Penari cilik berkostum Gandrung berlatih di pendapa", "Latihan di pendapa desa")),
    },
    Demo {
        regency: "35.71",
        kind: "success",
        category: "crafts",
        title: "Kisah sukses: tenun ikat Bandar Kidul tembus pasar ekspor",
        body: "Berawal dari lima perajin, kampung tenun kini mempekerjakan puluhan warga. Pemasaran daring yang dilatih KIM membuka pesanan dari luar negeri.",
        topics: "tenun, UMKM, ekspor",
        place: "",
        price: "",
        hours: "",
        contact: "",
        point: None,
        photo: None,
    },
    Demo {
        regency: "35.08",
        kind: "success",
        category: "farming",
        title: "Panen raya pisang agung, petani Senduro tersenyum",
        body: "Harga pisang agung stabil setelah kelompok tani menjual langsung ke pasar kota lewat koperasi desa.",
        topics: "pisang, pertanian, koperasi",
        place: "",
        price: "",
        hours: "",
        contact: "",
        point: None,
        photo: None,
    },
    Demo {
        regency: "35.29",
        kind: "event_report",
        category: "crafts",
        title: "Laporan kegiatan: pelatihan batik tulis Madura untuk pemuda",
        body: "Dua puluh pemuda desa mengikuti pelatihan batik tulis tiga hari. Karya terbaik dipamerkan di balai desa.",
        topics: "batik, pelatihan, pemuda",
        place: "",
        price: "",
        hours: "",
        contact: "",
        point: None,
        photo: None,
    },
];

/// A KIM people can see in this region: the demo officer's own in Prigen, elsewhere the first
/// active or verified one.
async fn kim_in(store: &Store, regency: &str) -> Result<Option<i64>> {
    if regency == "35.14.10" {
        if let Some(user) = store.user_by_username("kim.prigen.ketua").await? {
            let own = store
                .grants_of(user.id)
                .await?
                .into_iter()
                .find_map(|g| match g.scope {
                    simpul_core::Scope::Kim(k) => Some(k),
                    _ => None,
                });
            if own.is_some() {
                return Ok(own);
            }
        }
    }
    let filter = KimFilter {
        region: Some(RegionCode::parse(regency)?),
        statuses: vec!["active".into(), "verified".into()],
        ..Default::default()
    };
    Ok(store
        .search_kims(&filter, 1, 0)
        .await?
        .0
        .first()
        .map(|k| k.id))
}

fn new_post(d: &Demo, kim_id: i64, publish: bool) -> NewPost {
    NewPost {
        kim_id,
        author_id: None,
        kind: d.kind.into(),
        category: d.category.into(),
        title: d.title.into(),
        body_md: d.body.into(),
        body_html: content::render(d.body),
        summary: content::plain_text(d.body, 220),
        topics: d.topics.into(),
        place_name: d.place.into(),
        price_range: d.price.into(),
        opening_hours: d.hours.into(),
        contact: d.contact.into(),
        lat: d.point.map(|p| p.0),
        lon: d.point.map(|p| p.1),
        publish,
        photos: d
            .photo
            .map(|(alt, caption)| vec![photo(alt, caption)])
            .unwrap_or_default(),
        terms: content::index_terms(
            d.title,
            d.place,
            &content::plain_text(d.body, 20_000),
            d.topics,
        ),
    }
}

pub async fn seed(store: &Store, ctx: &AuditContext) -> Result<()> {
    if !store.portal_sitemap(1).await?.is_empty() {
        return Ok(());
    }
    let mut published = Vec::new();
    for d in POSTS {
        let Some(kim) = kim_in(store, d.regency).await? else {
            continue;
        };
        let id = store
            .portal_create_post(ctx, &new_post(d, kim, true))
            .await?;
        published.push((id, kim, d.regency));
    }
    // Good practice: Bromo and Kakek Bodo are re-shared by KIMs of other kabupaten/kota.
    let sharers: Vec<i64> = {
        let mut v = Vec::new();
        for r in ["35.07", "35.10", "35.09", "35.78"] {
            if let Some(k) = kim_in(store, r).await? {
                v.push(k);
            }
        }
        v
    };
    for (id, kim, regency) in published.iter().take(3) {
        let n = if *regency == "35.13" { 3 } else { 2 };
        for s in sharers.iter().filter(|s| *s != kim).take(n) {
            let _ = store.portal_reshare(ctx, *id, *s, None).await;
        }
    }
    // The Prigen KIM: one post waiting for review, one sent back with a note; a hidden one.
    if let Some(prigen) = kim_in(store, "35.14.10").await? {
        let pending = Demo {
            regency: "35.14.10",
            kind: "news",
            category: "public",
            title: "Kerja bakti membersihkan saluran irigasi sebelum musim tanam",
            body: "Warga tiga dusun bergotong royong membersihkan saluran irigasi sepanjang dua kilometer.",
            topics: "gotong royong, irigasi",
            place: "",
            price: "",
            hours: "",
            contact: "",
            point: None,
            photo: None,
        };
        store
            .portal_create_post(ctx, &new_post(&pending, prigen, false))
            .await?;
        let back = Demo {
            title: "Pasar Minggu desa makin ramai",
            body: "Pasar Minggu pagi kini diikuti lebih banyak pedagang.",
            topics: "pasar",
            ..pending
        };
        let id = store
            .portal_create_post(ctx, &new_post(&back, prigen, false))
            .await?;
        store
            .portal_review(
                ctx,
                id,
                false,
                "Tambahkan foto dan jam buka pasar, lalu kirim lagi.",
            )
            .await?;
        let hidden = Demo {
            title: "Promo pinjaman cepat tanpa jaminan",
            body: "Hubungi nomor ini untuk pinjaman cepat.",
            topics: "",
            ..pending
        };
        let id = store
            .portal_create_post(ctx, &new_post(&hidden, prigen, true))
            .await?;
        store
            .portal_report(ctx, id, "spam", "Iklan pinjaman online")
            .await?;
        store
            .portal_set_hidden(ctx, id, true, "Iklan, bukan kabar desa.")
            .await?;
    }
    if let Some(bromo) = kim_in(store, "35.13").await? {
        let region = RegionCode::parse("35.13")?;
        store.portal_set_trusted(ctx, bromo, &region, true).await?;
    }
    // Routing: health aspirations anywhere in East Java go to the provincial office.
    let jatim = RegionCode::parse("35")?;
    store
        .aspiration_route_add(ctx, "health", &jatim, &jatim, 5)
        .await?;
    // The posts' search terms are this build's: nothing to re-index at start.
    simpul_app::portal::mark_terms_current(store).await?;
    seed_aspirations(store, ctx).await
}

async fn seed_aspirations(store: &Store, ctx: &AuditContext) -> Result<()> {
    let now = Utc::now();
    let cases: [(&str, &str, &str, &str, i64); 5] = [
        ("ASP-DEMA2PRGNJT2", "infrastructure", "35.14", "Jalan desa menuju Dusun Ledug berlubang besar dan membahayakan pengendara motor di malam hari.", 6),
        ("ASP-DEMA3MKNG234", "health", "35.07", "Posyandu di dusun kami belum punya timbangan bayi yang layak.", 4),
        ("ASP-DEMA4JMBR234", "education", "35.09", "Atap ruang kelas SD negeri bocor setiap hujan deras.", 3),
        ("ASP-DEMA5SBY2345", "environment", "35.78", "Sampah menumpuk di tepi sungai dekat jembatan kampung.", 10),
        ("ASP-DEMA6KMJNG23", "social", "35.08", "Warga lansia belum terdaftar bantuan sosial padahal sudah mengurus berkas.", 12),
    ];
    let mut ids = Vec::new();
    for (code, category, regency, text, age_days) in cases {
        let created = now - Duration::days(age_days);
        let office = if category == "health" { "35" } else { regency };
        let id = store
            .aspiration_create(
                ctx,
                &NewAspiration {
                    code: code.into(),
                    category: category.into(),
                    description: text.into(),
                    region_code: regency.into(),
                    regency_code: regency.into(),
                    office_code: office.into(),
                    contact_sealed: String::new(),
                    kim_id: None,
                    submitted_by: None,
                    due_at: created + Duration::days(if category == "health" { 5 } else { 7 }),
                    photos: Vec::new(),
                },
            )
            .await?;
        ids.push(id);
    }
    // Received (Prigen) stays as is; Malang's is forwarded; Jember's answered; Surabaya's closed;
    // Lumajang's is overdue and escalated to the province.
    store
        .aspiration_act(
            ctx,
            ids[1],
            "forward",
            "Diteruskan ke Dinas Kesehatan Kabupaten Malang.",
            Some((&RegionCode::parse("35.07")?, now + Duration::days(3))),
            None,
        )
        .await?;
    store
        .aspiration_act(
            ctx,
            ids[2],
            "answer",
            "Perbaikan atap dijadwalkan bulan depan melalui dana BOS dan APBD.",
            None,
            None,
        )
        .await?;
    store
        .aspiration_act(
            ctx,
            ids[3],
            "answer",
            "Petugas kebersihan telah mengangkut sampah.",
            None,
            None,
        )
        .await?;
    store
        .aspiration_act(ctx, ids[3], "close", "Selesai.", None, None)
        .await?;
    store
        .aspiration_escalate(ctx, ids[4], &RegionCode::parse("35")?)
        .await?;
    Ok(())
}
