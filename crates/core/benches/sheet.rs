//! Criterion benchmarks of spreadsheet import and export: a 10,000-row KIM list written and read
//! as CSV and as .xlsx. Run: `cargo bench -p simpul-core --bench sheet`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use simpul_core::sheet::{read_table, write_csv, write_xlsx, Format, Limits};
use std::hint::black_box;

const HEADERS: [&str; 9] = [
    "Nama KIM",
    "Kode Desa",
    "Alamat",
    "Ketua",
    "No. HP",
    "E-mail",
    "Tahun Berdiri",
    "Topik",
    "Catatan",
];

/// A provincial office's KIM list: 10,000 rows of realistic text, some cells empty, some needing
/// CSV quotes (commas, line breaks, quotes) and non-ASCII text.
fn rows() -> Vec<Vec<String>> {
    const NAMES: [&str; 6] = [
        "Maju",
        "Sejahtera",
        "Mandiri",
        "Regapu’u",
        "Lestari",
        "Jaya",
    ];
    const TOPICS: [&str; 4] = ["kesehatan", "pertanian, umkm", "pendidikan", "bencana"];
    (0..10_000usize)
        .map(|i| {
            vec![
                format!("KIM {} {}", NAMES[i % NAMES.len()], i),
                format!("35.{:02}.{:02}.{}", i % 29 + 1, i % 24 + 1, 2001 + i % 20),
                format!(
                    "Jl. Melati No. {}, RT {:02}/RW {:02}",
                    i % 200,
                    i % 9,
                    i % 5
                ),
                format!("Siti Rahayu {i}"),
                format!("0812{:08}", i * 7_919 % 100_000_000),
                if i % 3 == 0 {
                    String::new()
                } else {
                    format!("kim{i}@desa.id")
                },
                (2012 + i % 13).to_string(),
                TOPICS[i % TOPICS.len()].to_owned(),
                if i % 10 == 0 {
                    "pindah sekretariat\n\"balai desa\"".to_owned()
                } else {
                    String::new()
                },
            ]
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let rows = rows();
    let csv = write_csv(&HEADERS, &rows);
    let xlsx = write_xlsx("KIM Jawa Timur", &HEADERS, &rows).unwrap();
    let limits = Limits::default();
    assert_eq!(
        read_table(&csv, Format::Csv, &limits).unwrap().rows.len(),
        10_000
    );
    assert_eq!(
        read_table(&xlsx, Format::Xlsx, &limits).unwrap().rows.len(),
        10_000
    );
    eprintln!(
        "10,000-row sheet: CSV {} bytes, XLSX {} bytes",
        csv.len(),
        xlsx.len()
    );

    let mut group = c.benchmark_group("sheet_10000_rows");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("read_csv", |b| {
        b.iter(|| read_table(black_box(&csv), Format::Csv, &limits).unwrap())
    });
    group.bench_function("read_xlsx", |b| {
        b.iter(|| read_table(black_box(&xlsx), Format::Xlsx, &limits).unwrap())
    });
    group.bench_function("write_csv", |b| {
        b.iter(|| write_csv(&HEADERS, black_box(&rows)))
    });
    group.bench_function("write_xlsx", |b| {
        b.iter(|| write_xlsx("KIM Jawa Timur", &HEADERS, black_box(&rows)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
