//! Criterion benchmark of the region search kernel over the whole country.
//! Run: `cargo bench -p simpul-core --bench region_search`.

use criterion::{criterion_group, criterion_main, Criterion};
use flate2::read::GzDecoder;
use simpul_core::regions::{Region, RegionCode, RegionIndex};

fn load() -> RegionIndex {
    let mut regions = Vec::new();
    for file in ["provinces", "regencies", "districts", "villages"] {
        let path = format!(
            "{}/../../data/regions/{file}.csv.gz",
            env!("CARGO_MANIFEST_DIR")
        );
        let reader = GzDecoder::new(std::fs::File::open(path).unwrap());
        for record in csv::Reader::from_reader(reader).records() {
            let record = record.unwrap();
            regions.push(Region {
                code: RegionCode::parse(&record[0]).unwrap(),
                name: record[record.len() - 1].to_owned(),
            });
        }
    }
    RegionIndex::new(regions)
}

fn bench(c: &mut Criterion) {
    let index = load();
    assert!(index.len() > 90_000);
    for query in ["Prigen", "kab. pasuruan", "sumber", "zzzz"] {
        c.bench_function(&format!("region_search/{query}"), |b| {
            b.iter(|| index.search(std::hint::black_box(query), 20))
        });
    }
    c.bench_function("region_index/build_country", |b| {
        b.iter_batched(
            || index_regions(&index),
            RegionIndex::new,
            criterion::BatchSize::LargeInput,
        )
    });
}

fn index_regions(index: &RegionIndex) -> Vec<Region> {
    index.regions().cloned().collect()
}

criterion_group!(benches, bench);
criterion_main!(benches);
