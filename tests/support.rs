//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cloud_tco::{Catalog, Decimal};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A path under `tests/`.
pub fn test_path(rel: &str) -> PathBuf {
    root().join("tests").join(rel)
}

/// Runs the built `cloud-tco` binary in `dir`.
pub fn run_cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloud-tco"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the cloud-tco binary runs")
}

/// A decimal from text.
pub fn dec(s: &str) -> Decimal {
    s.parse().expect("a decimal literal")
}

/// A catalog from CSV text.
pub fn catalog(csv: &str) -> Catalog {
    Catalog::from_reader(csv.as_bytes(), Some("test.csv")).expect("a valid test catalog")
}
