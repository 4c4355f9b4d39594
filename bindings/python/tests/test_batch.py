"""cloud_tco.batch: the summary of `cloud-tco batch` as a DataFrame — for an inventory, a JSON
Lines file and a list of projects — with exact money, the core's speed, the GIL released and
Ctrl-C honoured."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import cloud_tco
from conftest import EXAMPLES, MINIMAL, example_projects, run_cli, ticks_while

INVENTORY = EXAMPLES / "inventory"
SYSTEMS = INVENTORY / "systems.csv"
RESOURCES = INVENTORY / "resources.csv"
FIXED = ["project", "kind", "usage_fee", "midterm_total", "project_total",
         "project_total_with_vat", "error"]

tomllib = pytest.importorskip("tomllib") if sys.version_info >= (3, 11) else None


def cli_frame(text: str) -> pd.DataFrame:
    """The CLI's summary CSV, every cell as written."""
    from io import StringIO

    return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)


def assert_same_as_cli(df: pd.DataFrame, cli_csv: str) -> None:
    """The DataFrame holds exactly the CLI's summary: the same columns (years as int), the same
    rows, every cell the same text; money as Decimal, empty cells as None."""
    expected = cli_frame(cli_csv)
    assert list(df.columns[: len(FIXED)]) == FIXED
    assert all(isinstance(c, int) for c in df.columns[len(FIXED):])
    assert [str(c) for c in df.columns] == list(expected.columns)
    assert len(df) == len(expected)
    for column in df.columns:
        ours = [None if v is None else str(v) for v in df[column]]
        # A project's name is text even when empty; any other empty cell is None.
        theirs = [None if v == "" and column != "project" else v for v in expected[str(column)]]
        assert ours == theirs, column
    for column in df.columns[2:]:
        if column != "error":
            assert all(v is None or isinstance(v, Decimal) for v in df[column]), column


def to_json_value(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(type(value))


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example projects as JSON Lines, with a blank line and a bad project between them."""
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    lines = []
    for path in example_projects():
        lines.append(json.dumps(tomllib.loads(path.read_text(encoding="utf-8")),
                                ensure_ascii=False, default=to_json_value))
    lines.insert(1, "")
    lines.insert(2, json.dumps(dict(MINIMAL, name="잘못된 사업", budget_year="soon"), ensure_ascii=False))
    path = tmp_path_factory.mktemp("batch") / "projects.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Parity with `cloud-tco batch`
# ---------------------------------------------------------------------------------------------


def test_inventory_matches_cli(cli: Path, in_root: Path) -> None:
    systems, resources = SYSTEMS.relative_to(in_root), RESOURCES.relative_to(in_root)
    run = run_cli(cli, "batch", "--systems", str(systems), "--resources", str(resources))
    assert run.returncode == 0, run.stderr
    df = cloud_tco.batch(systems=systems, resources=str(resources))
    assert_same_as_cli(df, run.stdout)
    assert df.attrs == {"projects": 3, "failed": 0}
    assert list(df["project"]) == ["민원포털", "전자결재", "통계정보시스템"]


@pytest.mark.parametrize("basis", ["min", "provider:B"])
def test_inventory_under_another_basis_matches_cli(cli: Path, basis: str) -> None:
    run = run_cli(cli, "batch", "--systems", str(SYSTEMS), "--resources", str(RESOURCES),
                  "--basis", basis)
    df = cloud_tco.batch(systems=SYSTEMS, resources=RESOURCES, basis=basis)
    assert_same_as_cli(df, run.stdout)


def test_inventory_with_a_bad_system_matches_cli(cli: Path, tmp_path: Path) -> None:
    systems = tmp_path / "systems.csv"
    text = SYSTEMS.read_text(encoding="utf-8")
    systems.write_text(text.replace("S02,전자결재,rebuild,iaas,2027,2028-01-01",
                                    "S02,전자결재,rebuild,iaas,2027,2028-13-01"), encoding="utf-8")
    run = run_cli(cli, "batch", "--systems", str(systems), "--resources", str(RESOURCES))
    assert run.returncode == 2
    df = cloud_tco.batch(systems=systems, resources=RESOURCES)
    assert_same_as_cli(df, run.stdout)
    assert df.attrs["failed"] == 1
    bad = df[df["error"].notna()]
    assert len(bad) == 1 and "service_start" in bad["error"].iloc[0]
    assert bad.iloc[0, 2:].drop("error").isna().all()


def test_jsonl_matches_cli(cli: Path, jsonl: Path) -> None:
    run = run_cli(cli, "batch", "--projects", str(jsonl))
    assert run.returncode == 2  # one project is bad; its row says why
    df = cloud_tco.batch(jsonl)
    assert_same_as_cli(df, run.stdout)
    assert df.attrs["failed"] >= 1
    bad = df[df["project"] == "잘못된 사업"]
    assert f"{jsonl}, line 3" in bad["error"].iloc[0]
    assert bad["kind"].iloc[0] is None and bad["usage_fee"].iloc[0] is None
    assert cloud_tco.batch(str(jsonl)).equals(df)


def test_jsonl_rows_are_the_plans(jsonl: Path) -> None:
    df = cloud_tco.batch(jsonl).set_index("project")
    for path in example_projects():
        project = cloud_tco.Project.from_toml(path)
        try:
            plan = cloud_tco.plan(project)
        except cloud_tco.CloudTcoError:
            continue
        row = df.loc[project.name]
        t = plan.totals
        assert row["usage_fee"] == t["usage_window"]["usage_fee"]
        assert row["midterm_total"] == t["midterm"]["total"]
        assert row["project_total"] == t["project_total"]
        assert row["project_total_with_vat"] == t["project_total_with_vat"]
        for year, amounts in t["by_year"].items():
            assert row[year] == amounts["total"]


def mixed_lines(good: list[dict[str, Any]], count: int) -> list[str]:
    """`count` lines of projects over many fiscal years, with failures among them: the first line
    fails (no year is known yet), later ones are bad JSON, bad fields or unpriceable servers;
    names that need quoting in a CSV; and years that join the span only after a few thousand
    rows, below and above the earlier ones."""
    lines = []
    for i in range(count):
        d = json.loads(json.dumps(good[i % len(good)]))
        d["name"] = f"system {i}"
        if i % 97 == 5:
            d["name"] = f'system, "{i}"\nsecond line'
        if i == 2:
            d["name"] = ""
        year = 2030 + i % 3 if i < count // 2 else 2022 + i % 19
        delta = year - int(d["budget_year"])
        d["budget_year"] = year
        d["service_start"] = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        d["usage_years"] = (3, 5, 7, 10)[i % 4]
        for cost in d.get("costs", []):
            if "year" in cost:
                cost["year"] += delta
        if i % 307 == 7:
            d["budget_year"] = "soon"
        if i % 401 == 11:
            d["servers"] = [{"name": "huge", "vcpu": 100_000, "memory_gb": 4}]
        line = json.dumps(d, ensure_ascii=False, default=to_json_value)
        if i == 0 or i % 211 == 3:
            line = "{not json, " + line
        lines.append(line)
        if i % 500 == 499:
            lines.append("")
    return lines


@pytest.fixture(scope="module")
def mixed_jsonl(jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    good = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()
            if line and "잘못된" not in line]
    path = tmp_path_factory.mktemp("mixed") / "mixed.jsonl"
    path.write_text("\n".join(mixed_lines(good, 4500)) + "\n", encoding="utf-8")
    return path


def test_many_chunks_match_cli(cli: Path, mixed_jsonl: Path) -> None:
    """Rows come from the core chunk by chunk (1024 at a time): several chunks, failures in
    them, and fiscal years that appear only in later chunks give exactly the CLI's summary."""
    run = run_cli(cli, "batch", "--projects", str(mixed_jsonl))
    assert run.returncode == 2, run.stderr
    df = cloud_tco.batch(mixed_jsonl)
    assert_same_as_cli(df, run.stdout)
    expected = cli_frame(run.stdout)
    assert len(df) == 4500 > 4 * 1024
    failed = int((expected["error"] != "").sum())
    assert df.attrs == {"projects": 4500, "failed": failed}
    assert 20 < failed < 200
    assert df["error"].iloc[0] is not None and df["kind"].iloc[0] is None
    # The span of years grew after the first chunks, both ways.
    years = [c for c in df.columns if isinstance(c, int)]
    assert years == list(range(years[0], years[-1] + 1))
    first_report = {y: (df[y].notna() & (df[y] != 0)).idxmax() for y in (years[0], years[-1])}
    assert min(first_report.values()) > 2 * 1024, first_report
    # A planned row reads Decimal 0 in the years it does not report, a failed row None; the
    # zeros are one shared object.
    ok = df["error"].isna()
    assert all(isinstance(v, Decimal) for y in years for v in df.loc[ok, y])
    assert all(v is None for y in years for v in df.loc[~ok, y])
    zeros = {id(v) for y in years for v in df.loc[ok, y] if v == 0}
    assert len(zeros) == 1
    assert df.dtypes.iloc[2:].eq(object).all()


def test_an_unreadable_line_after_many_chunks_raises(mixed_jsonl: Path, tmp_path: Path) -> None:
    """A line that is not UTF-8, after rows of several chunks were already made, stops the whole
    batch with the core's message, as the command line does; no partial frame."""
    lines = mixed_jsonl.read_bytes().splitlines()
    lines.insert(3500, b'{"name": "\xff"}')
    path = tmp_path / "unreadable.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(cloud_tco.ReportError, match=r"line 3501: stream did not contain valid UTF-8"):
        cloud_tco.batch(path)


# ---------------------------------------------------------------------------------------------
# A list of projects
# ---------------------------------------------------------------------------------------------


def test_list_of_projects_matches_the_jsonl(jsonl: Path) -> None:
    projects = [cloud_tco.Project.from_toml(p) for p in example_projects()]
    from_list = cloud_tco.batch(projects)
    from_file = cloud_tco.batch(jsonl)
    from_file = from_file[from_file["project"] != "잘못된 사업"].reset_index(drop=True)
    ok = from_file["error"].isna()
    pd.testing.assert_frame_equal(from_list[ok.to_numpy()].reset_index(drop=True),
                                  from_file[ok].reset_index(drop=True), check_dtype=False)
    assert list(from_list.columns) == list(from_file.columns)
    assert from_list.attrs["projects"] == len(projects)


def test_list_errors_are_rows(guide_project: cloud_tco.Project) -> None:
    catalog = cloud_tco.Catalog.from_records(
        [r for r in cloud_tco.Catalog.default().to_records() if r["category"] != "storage"])
    small = cloud_tco.Project.from_dict(MINIMAL)
    df = cloud_tco.batch([small, guide_project, small], catalog)
    assert df.attrs == {"projects": 3, "failed": 1}
    assert df["error"].isna().tolist() == [True, False, True]
    assert df["error"][1].startswith("projects[1]: no provider in the catalog lists storage/")
    assert df.iloc[1, 2:].drop("error").isna().all()
    # A planned row has 0 in the years it does not report, a failed row nothing.
    years = [c for c in df.columns if isinstance(c, int)]
    assert years == list(range(min(years), max(years) + 1))
    assert all(isinstance(df.loc[0, y], Decimal) for y in years)


def test_empty_list() -> None:
    df = cloud_tco.batch([])
    assert list(df.columns) == FIXED and len(df) == 0


def test_unknown_basis_raises_before_any_work(guide_project: cloud_tco.Project) -> None:
    with pytest.raises(cloud_tco.PricingError) as info:
        cloud_tco.batch([guide_project], basis="cheapest")
    assert info.value.kind == "unknown_basis"


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(cloud_tco.ProjectError) as info:
        cloud_tco.batch(tmp_path / "none.jsonl")
    assert info.value.file == str(tmp_path / "none.jsonl")
    with pytest.raises(cloud_tco.ProjectError) as info:
        cloud_tco.batch(systems=tmp_path / "s.csv", resources=RESOURCES)
    assert info.value.file == str(tmp_path / "s.csv")


def test_a_bad_inventory_is_a_project_error(tmp_path: Path) -> None:
    systems = tmp_path / "systems.csv"
    systems.write_text("id,name\nS01,x\n", encoding="utf-8")
    with pytest.raises(cloud_tco.ProjectError) as info:
        cloud_tco.batch(systems=systems, resources=RESOURCES)
    assert (info.value.file, info.value.line) == (str(systems), 1)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: cloud_tco.batch(), TypeError, "needs projects"),
        (lambda: cloud_tco.batch(5), TypeError, "projects must be a list of Project"),
        (lambda: cloud_tco.batch([1]), TypeError, r"projects\[0\] must be a Project"),
        (lambda: cloud_tco.batch([], catalog="x"), TypeError, "catalog must be a cloud_tco.Catalog"),
        (lambda: cloud_tco.batch([], basis=2), TypeError, "basis must be a str"),
        (lambda: cloud_tco.batch(systems=1, resources=RESOURCES), TypeError,
         "systems must be a str or os.PathLike"),
        (lambda: cloud_tco.batch(systems=SYSTEMS), ValueError, "needs both systems= and resources="),
        (lambda: cloud_tco.batch([], systems=SYSTEMS, resources=RESOURCES), ValueError, "not both"),
    ],
)
def test_argument_errors(call: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------------------------------------
# Speed, GIL and Ctrl-C
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_jsonl(jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Many copies of the example projects, each with its own name."""
    good = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()
            if line and "잘못된" not in line]
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(6000):
            d = dict(good[i % len(good)], name=f"system {i}")
            for s in d.get("servers", []):
                s["count"] = 1 + i % 17  # amounts that differ from row to row
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return path


def test_a_large_jsonl_equals_the_command_line(cli: Path, big_jsonl: Path, tmp_path: Path) -> None:
    """6,000 rows with amounts that differ from row to row (how long it takes against the
    command line is measured by benches/compare_python.py, not here)."""
    out = tmp_path / "summary.csv"
    subprocess.run([str(cli), "batch", "--projects", str(big_jsonl), "-o", str(out)], check=False)
    df = cloud_tco.batch(big_jsonl)
    assert len(df) == 6000
    assert_same_as_cli(df, out.read_text(encoding="utf-8"))


def test_batch_releases_the_gil(big_jsonl: Path) -> None:
    assert ticks_while(lambda: cloud_tco.batch(big_jsonl)) > 10_000


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself is POSIX")
@pytest.mark.parametrize("source", ["list", "jsonl"])
def test_ctrl_c_stops_batch_promptly(
    source: str, guide_project: cloud_tco.Project, tmp_path: Path, sigint_raises: None
) -> None:
    if source == "list":
        arg: Any = [guide_project] * 400_000
    else:
        line = json.dumps({"name": "x", "kind": "new", "budget_year": 2027,
                           "service_start": "2027-01-01",
                           "servers": [{"vcpu": 2, "memory_gb": 4}]})
        arg = tmp_path / "many.jsonl"
        arg.write_text((line + "\n") * 400_000, encoding="utf-8")
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            cloud_tco.batch(arg)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 5.0
