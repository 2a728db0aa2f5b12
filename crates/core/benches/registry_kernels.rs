//! Criterion benchmarks of the registry's pure kernels: duplicate detection of KIM names, and
//! phone and NIK normalisation. Run: `cargo bench -p simpul-core --bench registry_kernels`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use flate2::read::GzDecoder;
use simpul_core::registry::{is_possible_duplicate, name_similarity, normalize_kim_name};
use simpul_core::registry::{Nik, PhoneE164};
use std::hint::black_box;

/// The words the demo generator (and real KIMs) put next to the village name.
const WORDS: [&str; 12] = [
    "Maju",
    "Sejahtera",
    "Mandiri",
    "Berdaya",
    "Cerdas",
    "Lestari",
    "Makmur",
    "Jaya",
    "Sentosa",
    "Madani",
    "Gemilang",
    "Harmoni",
];

/// Real village names from the bundled Kemendagri list, every `step`-th one, `n` in all.
fn village_names(n: usize, step: usize) -> Vec<String> {
    let path = format!(
        "{}/../../data/regions/villages.csv.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let reader = GzDecoder::new(std::fs::File::open(path).unwrap());
    let names: Vec<String> = csv::Reader::from_reader(reader)
        .records()
        .step_by(step)
        .take(n)
        .map(|r| {
            let r = r.unwrap();
            r[r.len() - 1].to_owned()
        })
        .collect();
    assert_eq!(names.len(), n);
    names
}

/// KIM names the way officers write them: "KIM Maju Sukorejo", "Komunitas Informasi
/// Masyarakat Sukorejo 3", "kim sukorejo-lestari".
fn kim_names(villages: &[String]) -> Vec<String> {
    villages
        .iter()
        .enumerate()
        .map(|(i, v)| match i % 4 {
            0 => format!("KIM {} {v}", WORDS[i % WORDS.len()]),
            1 => format!("Komunitas Informasi Masyarakat {v} {}", i % 7 + 1),
            2 => format!("kim {}-{}", v.to_lowercase(), WORDS[(i / 4) % WORDS.len()]),
            _ => format!("KIM {v} {}", WORDS[(i * 7) % WORDS.len()]),
        })
        .collect()
}

fn duplicates(c: &mut Criterion) {
    let batch = kim_names(&village_names(10_000, 8));
    // One village's KIMs: a dozen groups sharing the village name, as in a busy kelurahan.
    let village: Vec<String> = WORDS.iter().map(|w| format!("KIM {w} Sukorejo")).collect();
    // Not a duplicate of any of them, so every name is compared (the worst case).
    let candidate = "Kim Sukorejo Bersatu";
    assert!(!village.iter().any(|n| is_possible_duplicate(n, candidate)));

    c.bench_function("duplicate/village_12_vs_candidate", |b| {
        b.iter(|| {
            village
                .iter()
                .filter(|n| is_possible_duplicate(n, black_box(candidate)))
                .count()
        })
    });
    let mut group = c.benchmark_group("duplicate");
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("batch_10000_vs_candidate", |b| {
        b.iter(|| {
            batch
                .iter()
                .filter(|n| is_possible_duplicate(n, black_box(candidate)))
                .count()
        })
    });
    group.bench_function("name_similarity_10000", |b| {
        b.iter(|| {
            batch
                .iter()
                .map(|n| name_similarity(n, black_box(candidate)))
                .sum::<f64>()
        })
    });
    group.bench_function("normalize_kim_name_10000", |b| {
        b.iter(|| {
            batch
                .iter()
                .map(|n| normalize_kim_name(black_box(n)).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

/// 10,000 numbers in the shapes people type, all valid.
fn typed_phones() -> Vec<String> {
    (0..10_000u64)
        .map(|i| {
            let n = 10_000_000 + i * 7_919 % 90_000_000;
            match i % 5 {
                0 => format!("0812-{:04}-{:04}", n / 10_000, n % 10_000),
                1 => format!("+62 813 {n}"),
                2 => format!("6285{n}"),
                3 => format!("(0343) {}", n % 1_000_000 + 100_000),
                _ => format!("021-{} {}", n / 10_000, n % 10_000),
            }
        })
        .collect()
}

/// 10,000 NIKs, half typed with separators, all valid.
fn typed_niks() -> Vec<String> {
    (0..10_000u32)
        .map(|i| {
            let day = i % 28 + 1 + if i % 2 == 0 { 40 } else { 0 };
            let (month, yy, serial) = (i % 12 + 1, i % 100, i % 9_999 + 1);
            let nik = format!("351410{day:02}{month:02}{yy:02}{serial:04}");
            if i % 4 < 2 {
                nik
            } else {
                format!(
                    "{} {} {} {}",
                    &nik[..4],
                    &nik[4..8],
                    &nik[8..12],
                    &nik[12..]
                )
            }
        })
        .collect()
}

fn identifiers(c: &mut Criterion) {
    let phones = typed_phones();
    let niks = typed_niks();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
    assert!(phones.iter().all(|p| PhoneE164::parse(p).is_ok()));
    assert!(niks.iter().all(|n| Nik::parse(n, today).is_ok()));

    let mut group = c.benchmark_group("normalize");
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("phone_10000", |b| {
        b.iter(|| {
            phones
                .iter()
                .filter_map(|p| PhoneE164::parse(black_box(p)).ok())
                .count()
        })
    });
    group.bench_function("phone_10000_grouped_display", |b| {
        b.iter_batched(
            || {
                phones
                    .iter()
                    .map(|p| PhoneE164::parse(p).unwrap())
                    .collect::<Vec<_>>()
            },
            |parsed| {
                parsed
                    .iter()
                    .map(|p| p.national_grouped().len())
                    .sum::<usize>()
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("nik_10000", |b| {
        b.iter(|| {
            niks.iter()
                .filter_map(|n| Nik::parse(black_box(n), today).ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, duplicates, identifiers);
criterion_main!(benches);
