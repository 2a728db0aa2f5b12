//! Word lists generated content is drawn from: what East Java's KIMs actually write about
//! (village news, products, places, events), in Bahasa Indonesia, so the search index and the
//! portal's pages hold text like the real one.

use rand::rngs::StdRng;
use rand::Rng;

pub fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}

/// Dissemination packages: the campaigns offices send to KIMs.
pub const PACKAGE_SUBJECTS: [&str; 16] = [
    "Cegah Stunting: Timbang Balita Setiap Bulan",
    "Waspada Demam Berdarah di Musim Hujan",
    "Ayo Daftar Sekolah Rakyat",
    "Kenali Hoaks Pinjaman Daring",
    "Siaga Banjir dan Tanah Longsor",
    "Imunisasi Campak dan Rubela Gratis",
    "Pajak Kendaraan: Pemutihan Denda",
    "Pendaftaran Bantuan Pangan Non Tunai",
    "Gerakan Menanam Pohon di Lahan Kritis",
    "Literasi Digital untuk Orang Tua",
    "Pekan Vaksinasi Ternak",
    "Lomba Desa Wisata Jawa Timur",
    "Cek Kesehatan Gratis di Puskesmas",
    "Program Kartu Tani dan Pupuk Bersubsidi",
    "Pencegahan Perkawinan Anak",
    "Pemilahan Sampah dari Rumah",
];

pub const PACKAGE_TOPICS: [&str; 8] = [
    "health",
    "education",
    "disaster",
    "economy",
    "agriculture",
    "tourism",
    "social",
    "governance",
];

/// (post kind, share in per mille).
pub const POST_KINDS: [(&str, u32); 4] = [
    ("news", 450),
    ("potential", 200),
    ("success", 150),
    ("event_report", 200),
];

pub const CATEGORIES: [&str; 6] = ["public", "umkm", "tourism", "culture", "farming", "crafts"];

/// Subjects of news and event reports.
pub const HAPPENINGS: [&str; 24] = [
    "Posyandu balita",
    "Kerja bakti membersihkan saluran air",
    "Panen raya padi",
    "Pelatihan literasi digital",
    "Festival budaya desa",
    "Pasar UMKM akhir pekan",
    "Sosialisasi pencegahan stunting",
    "Musyawarah perencanaan pembangunan desa",
    "Pengaspalan jalan desa",
    "Peresmian bank sampah",
    "Pertemuan kelompok tani",
    "Lomba kebersihan antar RT",
    "Pengajian akbar",
    "Donor darah bersama PMI",
    "Pelatihan membatik untuk pemuda",
    "Vaksinasi ternak sapi",
    "Senam sehat lansia",
    "Karnaval tujuh belasan",
    "Penyuluhan bahaya narkoba",
    "Gotong royong membangun musala",
    "Bimbingan teknis pengelola KIM",
    "Pemeriksaan kesehatan gratis",
    "Penanaman mangrove di pesisir",
    "Pelatihan pemasaran daring",
];

/// Products and places of village potential.
pub const POTENTIALS: [&str; 20] = [
    "Keripik singkong",
    "Kopi robusta",
    "Batik tulis",
    "Tempe kedelai lokal",
    "Madu hutan",
    "Anyaman bambu",
    "Air terjun",
    "Wisata petik jeruk",
    "Gula aren",
    "Tenun ikat",
    "Rengginang",
    "Kerajinan gerabah",
    "Sambal pecel",
    "Pantai pasir putih",
    "Kebun salak",
    "Telaga biru",
    "Jamu tradisional",
    "Homestay desa wisata",
    "Ikan asap",
    "Kue bolu kukus",
];

/// Sentences a post body is made of; `{x}` is the subject, `{v}` the village.
pub const SENTENCES: [&str; 18] = [
    "Kegiatan {x} di Desa {v} diikuti ratusan warga dari berbagai dusun.",
    "Kepala desa {v} berharap {x} menjadi agenda rutin setiap tahun.",
    "Para pengurus KIM {v} mendokumentasikan {x} dan membagikannya di media sosial.",
    "Warga menyambut antusias karena manfaatnya langsung terasa bagi keluarga.",
    "Ibu-ibu PKK ikut menyiapkan konsumsi dan tempat sejak pagi hari.",
    "Pemuda karang taruna membantu mengatur jalannya acara dengan tertib.",
    "Informasi lengkap dapat ditanyakan kepada perangkat desa atau pengurus KIM.",
    "Produk {x} dari {v} kini dipasarkan hingga ke luar kabupaten melalui toko daring.",
    "Harga terjangkau dan kualitas terjaga membuat {x} semakin dikenal pembeli.",
    "Pengunjung dapat datang setiap hari mulai pukul delapan pagi hingga sore.",
    "Pemerintah kecamatan memberikan apresiasi atas semangat gotong royong warga {v}.",
    "Ke depan, kegiatan serupa akan melibatkan sekolah dan puskesmas setempat.",
    "Cuaca cerah membuat suasana {x} semakin meriah.",
    "Hasil musyawarah akan disampaikan kepada dinas terkait di tingkat kabupaten.",
    "Bantuan peralatan dari pemerintah provinsi sangat membantu kelompok usaha.",
    "Warga yang belum sempat hadir dapat mengikuti kegiatan berikutnya bulan depan.",
    "Kelompok Informasi Masyarakat {v} siap menyebarkan kabar baik dari desa.",
    "Keberhasilan {x} ini diharapkan menginspirasi desa-desa lain di sekitarnya.",
];

/// Titles; `{x}` the subject, `{v}` the village.
pub const TITLES: [&str; 10] = [
    "{x} di Desa {v} Berlangsung Meriah",
    "Warga {v} Antusias Ikuti {x}",
    "{x}: Desa {v} Bergerak Bersama",
    "Mengenal {x} Khas {v}",
    "{x} {v} Tembus Pasar Luar Daerah",
    "Cerita Sukses {x} dari {v}",
    "KIM {v} Liput {x}",
    "{x} Jadi Andalan Desa {v}",
    "Semangat Gotong Royong dalam {x} di {v}",
    "{x} Kembali Digelar di {v}",
];

pub const TOPIC_TAGS: [&str; 8] = [
    "desa, warga",
    "umkm, ekonomi",
    "wisata, budaya",
    "kesehatan, posyandu",
    "pertanian, panen",
    "pendidikan, pemuda",
    "lingkungan, sampah",
    "digital, literasi",
];

/// Aspirations citizens bring to their KIM.
pub const ASPIRATIONS: [(&str, &str); 6] = [
    (
        "infrastructure",
        "Jalan menuju dusun rusak dan berlubang, mohon segera diperbaiki.",
    ),
    ("health", "Posyandu membutuhkan timbangan bayi yang baru."),
    (
        "education",
        "Mohon bantuan buku bacaan untuk taman baca desa.",
    ),
    (
        "environment",
        "Sampah menumpuk di tepi sungai setelah hujan deras.",
    ),
    (
        "administration",
        "Pengurusan akta kelahiran memakan waktu terlalu lama.",
    ),
    (
        "economy",
        "Pelaku UMKM meminta pelatihan pengemasan produk.",
    ),
];

/// Alert headlines: (hazard, severity, headline).
pub const ALERTS: [(&str, &str, &str); 5] = [
    ("flood", "severe", "Peringatan dini banjir"),
    (
        "extreme_weather",
        "moderate",
        "Potensi hujan lebat disertai angin kencang",
    ),
    ("landslide", "severe", "Waspada tanah longsor"),
    ("earthquake", "moderate", "Gempa bumi dirasakan"),
    ("volcano", "severe", "Peningkatan aktivitas gunung api"),
];

/// `template` with `{x}` and `{v}` filled.
pub fn fill(template: &str, subject: &str, village: &str) -> String {
    template.replace("{x}", subject).replace("{v}", village)
}
