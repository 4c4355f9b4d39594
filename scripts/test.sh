#!/usr/bin/env bash
# Runs every test of cloud-tco: formatting and lints, the Rust unit, integration, property and
# documentation tests, the benchmarks' build, then the Python binding's tests (in its own
# virtualenv, which the script creates and fills from PyPI when it is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (library and CLI)"
cargo clippy --locked -p cloud-tco -p cloud-tco-cli --all-targets -- -D warnings

step "Rust tests: unit, integration, property and doc tests"
cargo test --locked -p cloud-tco -p cloud-tco-cli

step "benchmarks build"
cargo check --locked -p cloud-tco-bench --benches

step "release build of the command line (used by the Python parity tests)"
cargo build --locked --release -p cloud-tco-cli

step "Python binding"
bash bindings/python/run-tests.sh
