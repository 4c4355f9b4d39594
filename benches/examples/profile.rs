//! Runs one benchmark's workload in a loop, for a profiler (`valgrind --tool=callgrind`,
//! `perf record`) or a quick best-of-N timing outside criterion:
//!
//! ```sh
//! cargo build --release -p cloud-tco-bench --example profile
//! target/release/examples/profile load 1000000 5   # best of 5 loads of the generated catalog
//! target/release/examples/profile plan 20000       # mean of 20,000 plans of the 20-server project
//! target/release/examples/profile cold 20000       # the same, each by a new planner (no reused prices)
//! target/release/examples/profile batch 50000      # run_jsonl of 50,000 generated projects, all cores
//! target/release/examples/profile prices 20000     # mean of 20,000 default price tables
//! # instruction counts of the engine alone (deterministic, unlike times on a busy machine):
//! valgrind --tool=callgrind --toggle-collect='cloud_tco::plan::plan' \
//!     target/release/examples/profile plan 100
//! valgrind --tool=callgrind --toggle-collect='cloud_tco::catalog::Catalog::from_sources' \
//!     target/release/examples/profile load 100000 1
//! ```
//!
//! Every result is checked as in the benchmarks.

use std::time::Instant;

/// The allocator of the `cloud-tco` command, the Python module and the benchmarks.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cloud_tco::{plan, price_table, Catalog, PriceBasis};
use cloud_tco_bench::{
    check_plan_20_servers, check_price_table_default, generate_batch_jsonl, generate_catalog_csv,
    project_20_servers,
};

fn arg(args: &[String], i: usize, default: usize) -> usize {
    args.get(i)
        .map_or(default, |a| a.parse().expect("a whole number"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("load") => {
            let rows = arg(&args, 1, 1_000_000);
            let runs = arg(&args, 2, 5);
            let generated = generate_catalog_csv(rows);
            let bytes = generated.csv.as_bytes();
            let mut best = f64::MAX;
            for _ in 0..runs {
                let t = Instant::now();
                let catalog = Catalog::from_reader(bytes, Some("generated.csv")).unwrap();
                best = best.min(t.elapsed().as_secs_f64());
                assert_eq!(catalog.rows().len(), generated.rows);
            }
            println!(
                "load of {rows} rows ({} bytes): best {:.1} ms = {:.1} MB/s",
                bytes.len(),
                best * 1e3,
                bytes.len() as f64 / best / 1e6
            );
        }
        Some("plan") => {
            let n = arg(&args, 1, 10_000);
            let project = project_20_servers();
            let catalog = Catalog::embedded();
            let t = Instant::now();
            for _ in 0..n {
                check_plan_20_servers(&plan(&project, &catalog, None).unwrap());
            }
            println!(
                "plan_20_servers: {:.2} µs per plan (with its check)",
                t.elapsed().as_secs_f64() * 1e6 / n as f64
            );
        }
        Some("cold") => {
            let n = arg(&args, 1, 10_000);
            let project = project_20_servers();
            let catalog = Catalog::embedded();
            let t = Instant::now();
            for _ in 0..n {
                check_plan_20_servers(&cloud_tco::Planner::new(&catalog).plan(&project).unwrap());
            }
            println!(
                "plan_20_servers_cold: {:.2} µs per plan (with its check)",
                t.elapsed().as_secs_f64() * 1e6 / n as f64
            );
        }
        Some("prices") => {
            let n = arg(&args, 1, 10_000);
            let catalog = Catalog::embedded();
            let t = Instant::now();
            for _ in 0..n {
                check_price_table_default(
                    &price_table(&catalog, &PriceBasis::Average, None).unwrap(),
                );
            }
            println!(
                "price_table_default: {:.2} µs per table (with its check)",
                t.elapsed().as_secs_f64() * 1e6 / n as f64
            );
        }
        Some("batch") => {
            let n = arg(&args, 1, 20_000);
            let jsonl = generate_batch_jsonl(n);
            let catalog = Catalog::embedded();
            let mut out = Vec::with_capacity(n * 160);
            let t = Instant::now();
            let stats = cloud_tco::batch::run_jsonl(&jsonl[..], None, &catalog, None, &mut out)
                .expect("the batch runs");
            let secs = t.elapsed().as_secs_f64();
            assert_eq!((stats.projects, stats.failed), (n, 0));
            println!(
                "batch of {n} projects: {:.1} ms = {:.0} projects/s",
                secs * 1e3,
                n as f64 / secs
            );
        }
        _ => {
            eprintln!(
                "usage: profile load [ROWS] [RUNS] | plan [N] | cold [N] | prices [N] | batch [N]"
            );
            std::process::exit(2);
        }
    }
}
