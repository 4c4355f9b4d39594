//! Writes the benchmark's generated catalog CSV to stdout, for profiling the CLI or other tools:
//!
//! ```sh
//! cargo run --release -p cloud-tco-bench --example gen_catalog -- 1000000 > /tmp/catalog-1m.csv
//! ```

use std::io::Write;

fn main() {
    let rows = std::env::args()
        .nth(1)
        .map(|a| a.parse::<usize>().expect("ROWS must be a whole number"))
        .unwrap_or(1_000_000);
    let generated = cloud_tco_bench::generate_catalog_csv(rows);
    std::io::stdout()
        .lock()
        .write_all(generated.csv.as_bytes())
        .expect("write to stdout");
}
