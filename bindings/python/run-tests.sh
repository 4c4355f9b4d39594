#!/usr/bin/env bash
# Tests of the Python binding, from any directory:
#   1. a virtualenv at .venv in the repository root (created with python3.11 when missing), filled
#      from PyPI with bindings/python/requirements-dev.txt (nothing is fetched once it is complete);
#   2. the `cloud-tco` command line, release build — the reference of the parity tests;
#   3. the binding, built by maturin into the virtualenv (release, abi3);
#   4. a Jupyter kernel registered inside the virtualenv, so that the example notebook runs with
#      the virtualenv's interpreter and this build;
#   5. pytest (parity with the CLI, money types, every exception, GIL and Ctrl-C, the notebook);
#   6. mypy's stubtest: the .pyi stubs against the compiled module.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"

step() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
    PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
    step "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
unset PYTHONHOME

step "Python test requirements"
python -m pip install --quiet --disable-pip-version-check -r bindings/python/requirements-dev.txt

step "cloud-tco command line (release), the reference of the parity tests"
cargo build --locked --release -p cloud-tco-cli
export CLOUD_TCO_BIN="$ROOT/target/release/cloud-tco"

step "maturin develop --release"
maturin develop --locked --release --manifest-path bindings/python/Cargo.toml

step "Jupyter kernel of the virtualenv"
python -m ipykernel install --prefix "$VENV" --name cloud-tco-venv \
    --display-name "Python (cloud-tco .venv)" >/dev/null
export CLOUD_TCO_KERNEL=cloud-tco-venv

step "pytest"
python -m pytest bindings/python/tests -q

step "stubtest"
python -m mypy.stubtest cloud_tco
