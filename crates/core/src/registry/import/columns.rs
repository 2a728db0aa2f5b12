//! Which field a header names. Headers are compared with every character that is not a letter
//! or digit removed, lower-cased: "Desa / Kelurahan", "desa_kelurahan" and "DESA-KELURAHAN" are
//! one header.

/// A column the import understands. `key()` is the template's machine name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    VillageCode,
    Village,
    District,
    Regency,
    Province,
    Address,
    Lat,
    Lon,
    FoundedOn,
    SkNumber,
    SkDate,
    SkIssuer,
    Phone,
    Email,
    Topics,
    Status,
    Instagram,
    Website,
    /// The leader's name: with consent recorded, the KIM's first member.
    Leader,
    /// The leader's phone: the KIM's contact phone when it has none of its own.
    LeaderPhone,
    /// The leader's consent to being recorded (a date, or "ya").
    Consent,
}

/// What a header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognised {
    Field(Field),
    /// A column that is read but never imported: the row number ("No"), the registration
    /// number and member count of an export (given anew by the receiving office).
    Ignore,
    Unknown,
}

impl Field {
    pub const ALL: [Field; 22] = [
        Field::Name,
        Field::VillageCode,
        Field::Village,
        Field::District,
        Field::Regency,
        Field::Province,
        Field::Address,
        Field::Lat,
        Field::Lon,
        Field::FoundedOn,
        Field::SkNumber,
        Field::SkDate,
        Field::SkIssuer,
        Field::Phone,
        Field::Email,
        Field::Topics,
        Field::Status,
        Field::Instagram,
        Field::Website,
        Field::Leader,
        Field::LeaderPhone,
        Field::Consent,
    ];

    /// The template's machine name; also the message-catalogue key `import.field_<key>`.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "nama_kim",
            Field::VillageCode => "kode_desa",
            Field::Village => "desa",
            Field::District => "kecamatan",
            Field::Regency => "kabupaten_kota",
            Field::Province => "provinsi",
            Field::Address => "alamat",
            Field::Lat => "lat",
            Field::Lon => "lon",
            Field::FoundedOn => "tanggal_berdiri",
            Field::SkNumber => "no_sk",
            Field::SkDate => "tanggal_sk",
            Field::SkIssuer => "penerbit_sk",
            Field::Phone => "telepon",
            Field::Email => "email",
            Field::Topics => "topik",
            Field::Status => "status",
            Field::Instagram => "instagram",
            Field::Website => "website",
            Field::Leader => "ketua",
            Field::LeaderPhone => "telepon_ketua",
            Field::Consent => "persetujuan_ketua",
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The Indonesian column title written by the template and the export; read back as this
    /// field.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Nama KIM",
            Field::VillageCode => "Kode Desa",
            Field::Village => "Desa/Kelurahan",
            Field::District => "Kecamatan",
            Field::Regency => "Kabupaten/Kota",
            Field::Province => "Provinsi",
            Field::Address => "Alamat",
            Field::Lat => "Lintang",
            Field::Lon => "Bujur",
            Field::FoundedOn => "Tanggal Berdiri",
            Field::SkNumber => "Nomor SK",
            Field::SkDate => "Tanggal SK",
            Field::SkIssuer => "Penerbit SK",
            Field::Phone => "Telepon",
            Field::Email => "Email",
            Field::Topics => "Topik",
            Field::Status => "Status",
            Field::Instagram => "Instagram",
            Field::Website => "Website",
            Field::Leader => "Nama Ketua",
            Field::LeaderPhone => "No HP Ketua",
            Field::Consent => "Persetujuan Ketua",
        }
    }

    /// Compact header spellings that mean this field (see [`compact`]).
    pub(super) fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "namakim",
                "nama",
                "namakelompok",
                "namakomunitas",
                "kim",
                "namakelompokinformasimasyarakat",
                "kelompokinformasimasyarakat",
            ],
            Field::VillageCode => &[
                "kodedesa",
                "kodedesakelurahan",
                "kodekelurahan",
                "kodewilayah",
                "kodekemendagri",
                "kodedesakel",
            ],
            Field::Village => &[
                "desa",
                "kelurahan",
                "desakelurahan",
                "kelurahandesa",
                "desakel",
                "deskel",
                "namadesa",
                "namadesakelurahan",
            ],
            Field::District => &["kecamatan", "kec", "namakecamatan"],
            Field::Regency => &[
                "kabupatenkota",
                "kabkota",
                "kabkot",
                "kabupaten",
                "kota",
                "kab",
                "kotakabupaten",
            ],
            Field::Province => &["provinsi", "prov", "propinsi"],
            Field::Address => &[
                "alamat",
                "alamatsekretariat",
                "alamatkim",
                "sekretariat",
                "alamatlengkap",
            ],
            Field::Lat => &["lat", "latitude", "lintang", "garislintang"],
            Field::Lon => &["lon", "lng", "long", "longitude", "bujur", "garisbujur"],
            Field::FoundedOn => &[
                "tanggalberdiri",
                "tglberdiri",
                "tanggalpembentukan",
                "tglpembentukan",
                "tanggalterbentuk",
                "berdiri",
            ],
            Field::SkNumber => &[
                "nosk",
                "nomorsk",
                "nomersk",
                "sk",
                "nosuratkeputusan",
                "nomorsuratkeputusan",
                "nomorskpembentukan",
                "noskpembentukan",
                "noskpengukuhan",
            ],
            Field::SkDate => &["tanggalsk", "tglsk", "tanggalsuratkeputusan"],
            Field::SkIssuer => &[
                "penerbitsk",
                "pejabatpenerbitsk",
                "skdikeluarkanoleh",
                "dikeluarkanoleh",
                "penandatangansk",
            ],
            Field::Phone => &[
                "telepon",
                "telpon",
                "telp",
                "tlp",
                "notelp",
                "notelepon",
                "nomortelepon",
                "hp",
                "nohp",
                "nomorhp",
                "wa",
                "nowa",
                "whatsapp",
                "kontak",
                "nomorkontak",
                "telpkim",
                "teleponkim",
                "nohpkim",
            ],
            Field::Email => &["email", "surel", "alamatemail", "emailkim"],
            Field::Topics => &[
                "topik",
                "topikkegiatan",
                "bidang",
                "bidangkegiatan",
                "fokus",
                "fokuskegiatan",
            ],
            Field::Status => &["status", "statuskim"],
            Field::Instagram => &["instagram", "ig", "akuninstagram"],
            Field::Website => &["website", "situs", "situsweb", "web", "laman", "blog"],
            Field::Leader => &[
                "ketua",
                "namaketua",
                "ketuakim",
                "namaketuakim",
                "narahubung",
                "namanarahubung",
                "contactperson",
                "cp",
            ],
            Field::LeaderPhone => &[
                "teleponketua",
                "telpketua",
                "notelpketua",
                "hpketua",
                "nohpketua",
                "nomorhpketua",
                "waketua",
                "nowaketua",
                "kontakketua",
                "nohpnarahubung",
                "hpnarahubung",
                "nocp",
            ],
            Field::Consent => &[
                "persetujuanketua",
                "persetujuan",
                "persetujuandata",
                "setuju",
                "consent",
                "tanggalpersetujuan",
            ],
        }
    }
}

/// Headers that are read but never imported.
const IGNORED: [&str; 9] = [
    "no",
    "nomor",
    "nourut",
    "noregistrasi",
    "nomorregistrasi",
    "noreg",
    "jumlahanggota",
    "anggota",
    "keterangan",
];

/// Letters and digits only, lower-cased: "No. HP" → "nohp", "Desa/Kelurahan" → "desakelurahan".
fn compact(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a header means, from the template's keys, the export's labels and the spellings
/// offices use.
pub fn recognise(header: &str) -> Recognised {
    let c = compact(header);
    if c.is_empty() {
        return Recognised::Ignore;
    }
    for field in Field::ALL {
        if compact(field.key()) == c
            || compact(field.label()) == c
            || field.aliases().contains(&c.as_str())
        {
            return Recognised::Field(field);
        }
    }
    if IGNORED.contains(&c.as_str()) {
        return Recognised::Ignore;
    }
    Recognised::Unknown
}
