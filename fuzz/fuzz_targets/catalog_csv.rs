//! Any bytes as a catalog CSV: a catalog or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cloud_tco::Catalog::from_reader(data, Some("fuzz.csv"));
});
