//! Writes the `batch_100k` benchmark's generated projects (JSON Lines) to stdout, to time the
//! command line end to end on them:
//!
//! ```sh
//! cargo run --release -p cloud-tco-bench --example gen_batch -- 100000 > /tmp/batch-100k.jsonl
//! time target/release/cloud-tco batch --projects /tmp/batch-100k.jsonl -o /tmp/summary.csv
//! ```

use std::io::Write;

fn main() {
    let projects = std::env::args()
        .nth(1)
        .map(|a| a.parse::<usize>().expect("PROJECTS must be a whole number"))
        .unwrap_or(100_000);
    std::io::stdout()
        .lock()
        .write_all(&cloud_tco_bench::generate_batch_jsonl(projects))
        .expect("write to stdout");
}
