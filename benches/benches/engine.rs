//! Criterion benchmarks of the cloud-tco engine.
//!
//! - `catalog_load_1m`: `Catalog::from_reader` over a generated 1,000,000-row catalog CSV held
//!   in memory (≈ 150 MB); throughput in bytes, so criterion prints MB/s (MiB/s).
//! - `plan_20_servers`: `plan` of a 20-server, 7-year project on the embedded catalog, again
//!   and again: the catalog keeps the combined prices of earlier plans, as in any repeated use
//!   (a batch, a notebook); lines and totals are computed afresh each time.
//! - `plan_20_servers_cold`: the same plan by a new `Planner` each time: every combined price
//!   computed from the catalog rows, as the first plan on a catalog does.
//! - `totals_20_servers`: `Planner::totals` of the same project, what a batch summary needs.
//! - `price_table_default`: `price_table` of the embedded catalog, average basis.
//! - `batch/batch_100k`: `batch::run_jsonl` of 100,000 generated 20-server projects (JSON Lines
//!   in memory → summary CSV to a sink), end to end on all cores; throughput in projects.
//!
//! Every benchmark checks its result (row count, known totals), once in full outside the timed
//! loop and cheaply inside it, so a broken engine cannot bench fast.
//!
//! Run: `cargo bench -p cloud-tco-bench` (one benchmark: append `-- plan_20_servers`).

use std::hint::black_box;

/// The allocator the `cloud-tco` command and the Python module ship with, so the figures are
/// those of what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Duration;

use cloud_tco::{plan, price_table, Catalog, Planner, PriceBasis};
use cloud_tco_bench::{
    check_plan_20_servers, check_price_table_default, expected_20_servers, generate_batch_jsonl,
    generate_catalog_csv, project_20_servers,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};

const CATALOG_ROWS: usize = 1_000_000;

fn catalog_load_1m(c: &mut Criterion) {
    let generated = generate_catalog_csv(CATALOG_ROWS);
    let bytes = generated.csv.as_bytes();

    // Full check once, outside the timed loop.
    let catalog = Catalog::from_reader(bytes, Some("generated-1m.csv"))
        .unwrap_or_else(|e| panic!("the generated catalog does not load: {e}"));
    assert_eq!(catalog.rows().len(), generated.rows);
    assert_eq!(catalog.providers().len(), generated.providers);
    let servers: usize = catalog
        .providers()
        .iter()
        .map(|p| catalog.server_rows(p).count())
        .sum();
    assert_eq!(servers, generated.server_rows);
    drop(catalog);

    let mut group = c.benchmark_group("catalog");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(12))
        .throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("catalog_load_1m", |b| {
        // The loaded catalog is dropped outside the timed section (PerIteration batches keep
        // one at a time): the figure is the time to read and validate, not to free.
        b.iter_batched(
            || (),
            |()| {
                let catalog = Catalog::from_reader(black_box(bytes), Some("generated-1m.csv"))
                    .expect("the generated catalog loads");
                assert_eq!(catalog.rows().len(), CATALOG_ROWS);
                catalog
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn plan_20_servers(c: &mut Criterion) {
    let project = project_20_servers();
    let catalog = Catalog::embedded();
    check_plan_20_servers(&plan(&project, &catalog, None).expect("the benchmark project plans"));

    c.bench_function("plan_20_servers", |b| {
        b.iter(|| {
            let p = plan(black_box(&project), black_box(&catalog), None)
                .expect("the benchmark project plans");
            assert_eq!(p.lines.len(), expected_20_servers::LINES);
            p
        })
    });
}

fn plan_20_servers_cold(c: &mut Criterion) {
    let project = project_20_servers();
    let catalog = Catalog::embedded();
    check_plan_20_servers(
        &Planner::new(&catalog)
            .plan(&project)
            .expect("the benchmark project plans"),
    );

    c.bench_function("plan_20_servers_cold", |b| {
        b.iter(|| {
            let p = Planner::new(black_box(&catalog))
                .plan(black_box(&project))
                .expect("the benchmark project plans");
            assert_eq!(p.lines.len(), expected_20_servers::LINES);
            p
        })
    });
}

fn totals_20_servers(c: &mut Criterion) {
    let project = project_20_servers();
    let catalog = Catalog::embedded();
    let mut planner = Planner::new(&catalog);
    let want = plan(&project, &catalog, None).expect("the benchmark project plans");
    check_plan_20_servers(&want);
    assert_eq!(planner.totals(&project).expect("totals"), want.totals);

    c.bench_function("totals_20_servers", |b| {
        b.iter(|| {
            let t = planner.totals(black_box(&project)).expect("totals");
            assert_eq!(t.by_year.len(), expected_20_servers::YEARS.count());
            t
        })
    });
}

fn price_table_default(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let basis = PriceBasis::Average;
    check_price_table_default(&price_table(&catalog, &basis, None).expect("price table"));

    c.bench_function("price_table_default", |b| {
        b.iter(|| {
            let t = price_table(black_box(&catalog), black_box(&basis), None).expect("price table");
            assert_eq!(t.items.len(), 26);
            t
        })
    });
}

const BATCH_PROJECTS: usize = 100_000;

fn batch_100k(c: &mut Criterion) {
    let jsonl = generate_batch_jsonl(BATCH_PROJECTS);
    let catalog = Catalog::embedded();

    // Full check once, outside the timed loop: every project plans, and the summary has one
    // row per project after the header.
    let mut summary = Vec::new();
    let stats = cloud_tco::batch::run_jsonl(
        jsonl.as_slice(),
        Some("bench.jsonl"),
        &catalog,
        None,
        &mut summary,
    )
    .expect("the batch runs");
    assert_eq!(stats.projects, BATCH_PROJECTS);
    assert_eq!(stats.failed, 0, "generated projects that failed");
    let rows = summary.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(rows, BATCH_PROJECTS + 1, "summary rows (with the header)");
    drop(summary);

    let mut group = c.benchmark_group("batch");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        // Ten runs of about 3 s each on a 2-core machine.
        .measurement_time(Duration::from_secs(40))
        .throughput(Throughput::Elements(BATCH_PROJECTS as u64));
    group.bench_function("batch_100k", |b| {
        b.iter(|| {
            let stats = cloud_tco::batch::run_jsonl(
                black_box(jsonl.as_slice()),
                Some("bench.jsonl"),
                black_box(&catalog),
                None,
                std::io::sink(),
            )
            .expect("the batch runs");
            assert_eq!(stats.projects, BATCH_PROJECTS);
            assert_eq!(stats.failed, 0);
            stats
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    plan_20_servers,
    plan_20_servers_cold,
    totals_20_servers,
    price_table_default,
    catalog_load_1m,
    batch_100k
);
criterion_main!(benches);
