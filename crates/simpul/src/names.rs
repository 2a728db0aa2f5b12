//! Names and shares the demo and the data generator draw from: one list of each, so the demo's
//! East Java and the generated country read alike. The generator adds the names of other
//! regions of Indonesia ([`FIRST_ELSEWHERE`], [`LAST_ELSEWHERE`]).

pub const WORDS: [&str; 14] = [
    "Maju",
    "Sejahtera",
    "Mandiri",
    "Berdaya",
    "Cerdas",
    "Guyub Rukun",
    "Lestari",
    "Makmur",
    "Jaya",
    "Sentosa",
    "Madani",
    "Sumber Informasi",
    "Gemilang",
    "Harmoni",
];
pub const FIRST: [&str; 24] = [
    "Siti", "Sri", "Dewi", "Nur", "Ahmad", "Muhammad", "Budi", "Agus", "Eko", "Wahyu", "Rina",
    "Yuli", "Slamet", "Suparman", "Endang", "Heri", "Fitri", "Moh.", "Abdul", "Lilik", "Dwi",
    "Tri", "Rudi", "Anik",
];
pub const LAST: [&str; 20] = [
    "Rahayu",
    "Wijaya",
    "Santoso",
    "Lestari",
    "Hidayat",
    "Kurniawan",
    "Wulandari",
    "Setiawan",
    "Prasetyo",
    "Hasan",
    "Fauzi",
    "Susanti",
    "Purnomo",
    "Maulana",
    "Anwar",
    "Safitri",
    "Hariyanto",
    "Zainal",
    "Rosyidi",
    "Ningsih",
];
pub const JOBS: [&str; 10] = [
    "Petani",
    "Guru",
    "Pedagang",
    "Perangkat desa",
    "Ibu rumah tangga",
    "Mahasiswa",
    "Wiraswasta",
    "Bidan",
    "Nelayan",
    "Karyawan swasta",
];
pub const TOPICS: [&str; 11] = [
    "health",
    "education",
    "disaster",
    "economy",
    "agriculture",
    "tourism",
    "culture",
    "social",
    "governance",
    "environment",
    "digital_literacy",
];
/// (status, share in per mille).
pub const STATUSES: [(&str, u32); 7] = [
    ("active", 690),
    ("verified", 120),
    ("submitted", 60),
    ("draft", 40),
    ("inactive", 40),
    ("rejected", 30),
    ("dissolved", 20),
];

/// Given names common outside Java (Bali, Flores, Papua).
pub const FIRST_ELSEWHERE: [&str; 4] = ["Putu", "Made", "Yohanes", "Maria"];
/// Family names common outside Java (Sumatra, Tapanuli).
pub const LAST_ELSEWHERE: [&str; 6] = [
    "Siregar",
    "Nasution",
    "Pratama",
    "Saputra",
    "Simanjuntak",
    "Tanjung",
];
