"""No input can produce a PanicException, and long work leaves the interpreter responsive:
the GIL is released and Ctrl-C stops a batch promptly."""

from __future__ import annotations

import copy
import os
import random
import signal
import sys
import threading
import time
from decimal import Decimal
from typing import Any

import pytest

import cloud_tco
from conftest import example_projects, ticks_while

tomllib = pytest.importorskip("tomllib") if sys.version_info >= (3, 11) else None

EXPECTED = (cloud_tco.CloudTcoError, TypeError, ValueError)

ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 2**31, 2**63, 10**28, 10**40, -(10**30), 0.1, 1e300, -0.0,
    float("nan"), float("inf"), Decimal("0.000000000000000000000000001"), Decimal("NaN"),
    Decimal("-1E+30"), Decimal("79228162514264337593543950335"), "", " ", "x", "1e5", "12.5.0",
    "9" * 40, "2026-02-29", "2028-02-29", "0000-01-01", "per_server", "linux", "server", [], {},
    [1, 2], {"a": 1}, ("t",), b"bytes",
]


def mutations(base: dict[str, Any], rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Copies of `base` with one value somewhere replaced by an odd one."""
    out = []
    for _ in range(n):
        d = copy.deepcopy(base)
        node: Any = d
        for _depth in range(4):
            if isinstance(node, dict) and node:
                key = rng.choice(list(node))
                if rng.random() < 0.4 or not isinstance(node[key], (dict, list)):
                    node[key] = rng.choice(ODD_VALUES)
                    break
                node = node[key]
            elif isinstance(node, list) and node:
                i = rng.randrange(len(node))
                if rng.random() < 0.4 or not isinstance(node[i], (dict, list)):
                    node[i] = rng.choice(ODD_VALUES)
                    break
                node = node[i]
            else:
                break
        out.append(d)
    return out


@pytest.mark.skipif(tomllib is None, reason="tomllib needs Python 3.11")
def test_odd_projects_raise_only_expected_errors(catalog: cloud_tco.Catalog) -> None:
    rng = random.Random(20260701)
    for path in example_projects():
        base = tomllib.loads(path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
        for d in mutations(base, rng, 150):
            try:
                project = cloud_tco.Project.from_dict(d)
                plan = cloud_tco.plan(project, catalog)
                plan.to_pandas()
                plan.to_json()
            except EXPECTED:
                pass


def test_odd_catalog_records_raise_only_expected_errors() -> None:
    rng = random.Random(7)
    base = cloud_tco.Catalog.default().to_records()[:40]
    for _ in range(300):
        rows = copy.deepcopy(base)
        row = rng.choice(rows)
        row[rng.choice(list(row))] = rng.choice(ODD_VALUES)
        try:
            catalog = cloud_tco.Catalog.from_records(rows)
            cloud_tco.prices(catalog, basis=rng.choice(["average", "min", "median", "provider:A"]))
        except EXPECTED:
            pass


@pytest.mark.parametrize(
    "text",
    ["", "kind = ", "[[servers]]\nvcpu = 4294967296", "budget_year = 99999999999", "\x00", "a = 'b'\n" * 3,
     'kind = "new"\nbudget_year = 2147483647\nservice_start = "9999-12-31"\nusage_years = 4294967295\n',
     'kind = "new"\nbudget_year = -2147483648\nservice_start = "0001-01-01"\nmidterm_years = 4294967295\n'],
)
def test_odd_toml_raises_only_expected_errors(text: str) -> None:
    try:
        cloud_tco.plan(cloud_tco.Project.from_toml_str(text))
    except EXPECTED:
        pass


def _batch(guide_project: cloud_tco.Project, seconds: float) -> list[cloud_tco.Project]:
    """Enough copies of the guide's project to keep the engine busy for about `seconds`."""
    start = time.perf_counter()
    cloud_tco.plan_many([guide_project] * 20)
    per_plan = max((time.perf_counter() - start) / 20, 1e-6)
    return [guide_project] * max(50, int(seconds / per_plan))


def test_plan_many_releases_the_gil(guide_project: cloud_tco.Project) -> None:
    projects = _batch(guide_project, 1.0)
    assert ticks_while(lambda: cloud_tco.plan_many(projects)) > 10_000


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself is POSIX")
def test_ctrl_c_stops_plan_many_promptly(guide_project: cloud_tco.Project, sigint_raises: None) -> None:
    projects = _batch(guide_project, 20.0)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            cloud_tco.plan_many(projects)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 5.0


# ---------------------------------------------------------------------------------------------
# TCO, SLA and batch
# ---------------------------------------------------------------------------------------------

from conftest import EXAMPLES  # noqa: E402


@pytest.mark.skipif(tomllib is None, reason="tomllib needs Python 3.11")
def test_odd_on_premises_raise_only_expected_errors(catalog: cloud_tco.Catalog) -> None:
    rng = random.Random(4501)
    base = tomllib.loads((EXAMPLES / "conversion.toml").read_text(encoding="utf-8"))  # type: ignore[union-attr]
    section = {"on_premises": base["on_premises"], **{k: base[k] for k in
               ("name", "kind", "budget_year", "service_start", "usage_years")}}
    for d in mutations(section, rng, 300):
        rate = rng.choice([None, "4.5", 0, -99.9, 100, Decimal("1E+2"), "7.25"])
        try:
            t = cloud_tco.tco(cloud_tco.Project.from_dict(d), catalog, discount_rate=rate)
            t.to_pandas()
            t.to_json()
            t._repr_html_()
        except EXPECTED:
            pass


@pytest.mark.skipif(tomllib is None, reason="tomllib needs Python 3.11")
def test_odd_sla_inputs_raise_only_expected_errors() -> None:
    rng = random.Random(552)
    base = tomllib.loads((EXAMPLES / "sla.toml").read_text(encoding="utf-8"))  # type: ignore[union-attr]
    for d in mutations(base, rng, 400):
        try:
            r = cloud_tco.sla(data=d)
            r.to_pandas()
            r.to_json()
            r._repr_html_()
        except EXPECTED:
            pass


@pytest.mark.parametrize(
    "text",
    ["", "fee = ", "fee = 1", "fee = -1\n[[indicators]]", "\x00", 'fee = "1e400"',
     "fee = 99999999999999999999999999999999\n[[indicators]]\nname='a'\ntarget_max=1\n"
     "target_min=0\nmeasured=1\ndirection='higher'\nweight=1\n"],
)
def test_odd_sla_text_raises_only_expected_errors(text: str) -> None:
    try:
        cloud_tco.sla(toml=text).to_json()
    except EXPECTED:
        pass


def test_odd_jsonl_lines_are_rows_not_panics(tmp_path: Any) -> None:
    path = tmp_path / "odd.jsonl"
    lines = ["{", "[]", "null", '{"budget_year": 2027}', '"x"', "\ufeff{}", "{}" * 3,
             '{"name": 5, "kind": "new", "budget_year": 2027, "service_start": "2027-01-01"}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    df = cloud_tco.batch(path)
    assert len(df) == len(lines)
    assert df["error"].notna().all()
    path.write_bytes(b'{"name": "\xff"}\n')
    try:
        cloud_tco.batch(path)
    except EXPECTED:
        pass
