//! The hoax clearing house's demo: published clarifications of hoaxes that keep coming back in
//! East Java (their Javanese- and Madurese-flavoured variants are answered at once), an open
//! claim reported many times from several kabupaten/kota, and a few fresh reports in the demo
//! fact-checker's queue. Idempotent: skipped when any claim exists.

use anyhow::Result;
use simpul_core::audit::AuditContext;
use simpul_core::hoax::ClaimStatus;
use simpul_core::RegionCode;
use simpul_store::hoax::{Clarification, NewReport, Placement};
use simpul_store::Store;

/// (text, label, summary, explanation, sources, region)
const PUBLISHED: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Vaksin covid mengandung microchip untuk melacak warga yang sudah divaksin",
        "hoaks",
        "Vaksin covid tidak mengandung microchip. Isi setiap vaksin diperiksa BPOM dan tidak ada alat pelacak di dalamnya.",
        "Pesan ini beredar sejak 2021 dengan berbagai versi. Jarum suntik vaksin terlalu kecil untuk dilewati chip pelacak, dan chip tanpa baterai tidak bisa mengirim lokasi.\n\nBPOM memeriksa komposisi setiap vaksin yang diberi izin penggunaan darurat.",
        "https://www.pom.go.id\nhttps://www.kemkes.go.id",
        "35.07",
    ),
    (
        "BLT BBM sebesar 3,5 juta per keluarga cair besok di kantor desa tanpa syarat",
        "hoaks",
        "Tidak ada BLT BBM Rp3,5 juta tanpa syarat. Bantuan resmi disalurkan kepada keluarga terdaftar di DTKS melalui kantor pos atau bank.",
        "Besaran dan jadwal bantuan langsung tunai diumumkan Kementerian Sosial. Pesan yang meminta warga datang ke kantor desa untuk mencairkan bantuan tanpa syarat tidak berasal dari pemerintah.",
        "https://kemensos.go.id",
        "35.14",
    ),
    (
        "BMKG memprediksi gempa magnitudo 9 dan tsunami besar melanda pantai selatan Jawa Timur malam ini",
        "hoaks",
        "BMKG tidak pernah memprediksi waktu gempa. Gempa belum bisa diramalkan oleh siapa pun.",
        "Yang dipublikasikan BMKG adalah skenario terburuk untuk kesiapsiagaan, bukan ramalan. Informasi resmi hanya dari kanal BMKG.",
        "https://www.bmkg.go.id",
        "35.08",
    ),
    (
        "Jembatan Suramadu ditutup untuk sepeda motor mulai hari Senin karena retak",
        "disinformasi",
        "Jembatan Suramadu tetap dibuka untuk sepeda motor. Foto retakan yang beredar adalah jembatan lain.",
        "Balai jalan nasional memastikan tidak ada penutupan. Pemeriksaan rutin dilakukan malam hari dengan penutupan satu lajur sementara.",
        "",
        "35.26",
    ),
];

/// An open claim reported again and again: (text, region).
const SPREADING: &[(&str, &str)] = &[
    (
        "Air PDAM mati total tiga hari di seluruh Surabaya mulai besok, segera tampung air",
        "35.78",
    ),
    (
        "air pdam mati total 3 hari di seluruh surabaya mulai bsk, tampung air!!",
        "35.78",
    ),
    (
        "Banyu PDAM mati total telung dina nang kabeh Surabaya wiwit sesuk, tampung banyu",
        "35.15",
    ),
    (
        "AIR PDAM MATI TOTAL 3 HARI DI SELURUH SURABAYA MULAI BESOK. Sebarkan!!",
        "35.25",
    ),
    (
        "air pdam mati total tiga hari seluruh surabaya mulai besok tampung air ya",
        "35.78",
    ),
    (
        "Diteruskan: air PDAM mati total 3 hari di seluruh Surabaya mulai besok",
        "35.15",
    ),
    // Grouped here by its words, but another claim: the verifier splits it off.
    (
        "Air PDAM di Sidoarjo keruh karena perbaikan pipa, warga diminta merebus air dulu",
        "35.15",
    ),
];

/// Fresh single reports waiting in the queue: (text, region).
const FRESH: &[(&str, &str)] = &[
    ("Lowongan kerja Pertamina tanpa tes untuk lulusan SMA, kirim biaya pendaftaran Rp 250 ribu ke rekening panitia", "35.09"),
    ("Telur palsu dari plastik beredar di pasar tradisional Jember", "35.09"),
];

fn report(text: &str, region: &str) -> NewReport {
    NewReport {
        body: text.to_string(),
        links: String::new(),
        image_hashes: String::new(),
        channel: "web",
        region_code: RegionCode::parse(region).ok(),
        reporter_id: None,
        reporter_email: None,
        gateway_region: None,
        gateway_sender: None,
        images: Vec::new(),
    }
}

fn topic(text: &str) -> Option<String> {
    let words = simpul_core::hoax::normalize::claim_words(text);
    simpul_core::hoax::topics::topic_of(&words).map(str::to_string)
}

pub async fn seed(store: &Store, ctx: &AuditContext) -> Result<()> {
    let any = store
        .hoax_claims(&simpul_core::ScopeRegions::All, &ClaimStatus::ALL, 1)
        .await?;
    if !any.is_empty() {
        return Ok(());
    }
    let checker = store
        .user_by_username("cekfakta.jatim")
        .await?
        .map(|u| u.id);
    for (text, label, summary, explanation, sources, region) in PUBLISHED {
        let (id, _) = store
            .hoax_add_report(
                ctx,
                &report(text, region),
                &Placement::NewClaim {
                    title: text.to_string(),
                    topic: topic(text),
                },
            )
            .await?;
        let claim = store.hoax_claim(id).await?;
        store
            .hoax_move(
                ctx,
                &claim,
                ClaimStatus::InReview,
                checker,
                "hoax.take",
                serde_json::json!({}),
            )
            .await?;
        let claim = store.hoax_claim(id).await?;
        let verdict = Clarification {
            claim_id: id,
            label: label.to_string(),
            summary: summary.to_string(),
            explanation: explanation.to_string(),
            sources: sources.to_string(),
            author_id: checker,
            reviewer_id: None,
            published_at: None,
            updated_at: chrono::Utc::now(),
        };
        store
            .hoax_save_verdict(ctx, &claim, &verdict, ClaimStatus::Published, None)
            .await?;
    }
    let mut open: Option<i64> = None;
    for (text, region) in SPREADING {
        let placement = match open {
            None => Placement::NewClaim {
                title: SPREADING[0].0.to_string(),
                topic: topic(text),
            },
            Some(claim_id) => Placement::Group {
                claim_id,
                similarity: 0.9,
            },
        };
        let (id, _) = store
            .hoax_add_report(ctx, &report(text, region), &placement)
            .await?;
        open = Some(id);
    }
    for (text, region) in FRESH {
        store
            .hoax_add_report(
                ctx,
                &report(text, region),
                &Placement::NewClaim {
                    title: text.to_string(),
                    topic: topic(text),
                },
            )
            .await?;
    }
    Ok(())
}
