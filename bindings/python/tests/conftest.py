"""Shared fixtures: the repository's paths and the command-line binary the binding is checked
against."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Callable, Iterator

import matplotlib
import pytest

matplotlib.use("Agg")  # headless: draw to memory

import cloud_tco  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "data" / "examples"
CONFORMANCE = ROOT / "tests" / "conformance"
NOTEBOOK = ROOT / "examples" / "notebooks" / "budget.ipynb"
DEFAULT_CATALOG = ROOT / "data" / "catalogs" / "default.csv"


def is_project(path: Path) -> bool:
    """Whether a file of data/examples/ is a project (SPEC §4): it has the required
    `budget_year` key (other examples, e.g. an SLA evaluation, do not)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return '"budget_year"' in text
    return any(line.split("=")[0].strip() == "budget_year" for line in text.splitlines())


def example_projects() -> list[Path]:
    """Every project file of data/examples/ (TOML or JSON)."""
    return sorted(
        p for p in EXAMPLES.iterdir() if p.suffix in (".toml", ".json") and is_project(p)
    )


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `cloud-tco` binary: $CLOUD_TCO_BIN, else target/release, else target/debug.

    bindings/python/run-tests.sh builds it first and sets CLOUD_TCO_BIN.
    """
    env = os.environ.get("CLOUD_TCO_BIN")
    if env:
        path = Path(env)
        if not path.is_file():
            pytest.fail(f"CLOUD_TCO_BIN={env} does not exist; build it with cargo build -p cloud-tco-cli")
        return path
    for profile in ("release", "debug"):
        path = ROOT / "target" / profile / "cloud-tco"
        if path.is_file():
            return path
    pytest.fail(
        "the cloud-tco binary is not built: run cargo build --release -p cloud-tco-cli "
        "or set CLOUD_TCO_BIN"
    )


def run_cli(cli: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(cli), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False
    )


@pytest.fixture(scope="session")
def catalog() -> cloud_tco.Catalog:
    return cloud_tco.Catalog.default()


@pytest.fixture(scope="session")
def guide_project() -> cloud_tco.Project:
    return cloud_tco.Project.from_toml(EXAMPLES / "guide-conversion.toml")


@pytest.fixture(scope="session")
def guide_plan(guide_project: cloud_tco.Project) -> cloud_tco.Plan:
    return cloud_tco.plan(guide_project)


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(ROOT)
    yield ROOT


MINIMAL = {
    "name": "민원포털",
    "kind": "conversion",
    "budget_year": 2027,
    "service_start": "2027-07-01",
    "servers": [{"name": "web", "vcpu": 2, "memory_gb": 4, "count": 2}],
    "costs": [{"item": "conversion", "year": 2027, "amount": 150_000_000}],
}


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    """Makes SIGINT raise KeyboardInterrupt even when the test process was started with SIGINT
    ignored (as a background job of a non-interactive shell is), and restores the handler."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def ticks_while(work: Callable[[], object]) -> int:
    """Runs `work` on another thread and counts how often this one gets to run meanwhile: a
    count in the thousands means `work` released the GIL."""
    ticks = 0
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    while not done.is_set():
        ticks += 1  # only runs while the worker does not hold the GIL
    worker.join()
    return ticks
