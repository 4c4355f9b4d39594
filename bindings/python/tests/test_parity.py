"""The binding is the engine, not a re-implementation: its results are the command line's, byte
for byte, for every example project, every conformance case and the price table."""

from __future__ import annotations

import json
import shlex
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import cloud_tco
from conftest import CONFORMANCE, DEFAULT_CATALOG, ROOT, example_projects, run_cli

MONEY_KEYS = {
    "amounts", "unit_price", "quantity", "charge", "price", "usage_fee", "conversion", "sw_build",
    "other", "total", "vat", "total_with_vat", "usage_fee_with_vat", "project_total",
    "project_total_with_vat", "vat_pct", "discount_pct", "price_escalation_pct",
    # pre_consultation
    "threshold", "amount", "amount_excl_vat",
    # the provenance of SaaS lines
    "included_users", "extra_user_price", "setup_fee", "operation_pct", "users",
}
YEAR_KEYED = {"amounts", "by_year", "unit_price", "quantity", "provenance", "users"}


def expected_python(value: Any, key: str | None = None) -> Any:
    """The CLI's JSON as the binding promises it: Decimal money, int years, date dates."""
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if key in YEAR_KEYED and k.isdigit():
                out[int(k)] = expected_python(v, key)
            else:
                out[k] = expected_python(v, k)
        return out
    if isinstance(value, list):
        return [expected_python(v, key) for v in value]
    if isinstance(value, str) and key in MONEY_KEYS:
        return Decimal(value)
    if isinstance(value, str) and key in ("from", "to"):
        return date.fromisoformat(value)
    return value


@pytest.mark.parametrize("path", example_projects(), ids=lambda p: p.name)
def test_example_plan_matches_cli_json(cli: Path, path: Path) -> None:
    run = run_cli(cli, "plan", str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    plan = cloud_tco.plan(cloud_tco.Project.from_toml(path))
    # The very same text, final newline included ...
    assert plan.to_json() == run.stdout
    # ... and the same content as Python values, money exact.
    cli_json = json.loads(run.stdout)
    assert plan.to_dict() == expected_python(cli_json)
    assert plan.totals == expected_python(cli_json["totals"], None)
    assert plan.lines == expected_python(cli_json, None)["lines"]


@pytest.mark.parametrize("path", example_projects(), ids=lambda p: p.name)
@pytest.mark.parametrize("basis", ["min", "max", "median", "provider:A"])
def test_example_plan_under_other_bases_matches_cli(cli: Path, path: Path, basis: str) -> None:
    run = run_cli(cli, "plan", str(path), "--basis", basis, "--format", "json")
    project = cloud_tco.Project.from_toml(path)
    if run.returncode != 0:
        assert run.returncode == 2
        with pytest.raises(cloud_tco.CloudTcoError) as e:
            cloud_tco.plan(project, basis=basis)
        assert f"error: {e.value}" == run.stderr.strip()
        return
    assert cloud_tco.plan(project, basis=basis).to_json() == run.stdout


@pytest.mark.parametrize("path", example_projects(), ids=lambda p: p.name)
def test_example_plan_with_catalog_file_matches_cli(cli: Path, path: Path, in_root: Path) -> None:
    rel = DEFAULT_CATALOG.relative_to(ROOT)
    run = run_cli(cli, "plan", str(path), "--catalog", str(rel), "--format", "json")
    assert run.returncode == 0, run.stderr
    catalog = cloud_tco.Catalog.from_csv(rel)
    assert cloud_tco.plan(cloud_tco.Project.from_toml(path), catalog).to_json() == run.stdout


def conformance_cases() -> list[Path]:
    return sorted(p for p in CONFORMANCE.glob("case*") if (p / "expected.json").is_file())


@pytest.mark.parametrize("case", conformance_cases(), ids=lambda p: p.name)
def test_conformance_case_matches_cli(
    cli: Path, case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    args = shlex.split(expected["command"])[1:]
    basis = args[args.index("--basis") + 1]
    monkeypatch.chdir(case)
    run = run_cli(cli, *args, cwd=case)
    project = cloud_tco.Project.from_toml("project.toml")
    catalog = cloud_tco.Catalog.from_csv("catalog.csv")
    if expected["expect"] == "success":
        assert run.returncode == 0, run.stderr
        plan = cloud_tco.plan(project, catalog, basis=basis)
        assert plan.to_json() == run.stdout
        # The independent implementation's totals, to the won.
        assert plan.totals == expected_python(expected["totals"], None)
    else:
        assert run.returncode == 2
        with pytest.raises(cloud_tco.PricingError) as e:
            cloud_tco.plan(project, catalog, basis=basis)
        assert run.stderr.strip() == f"error: {e.value}"


def test_prices_match_cli(cli: Path) -> None:
    case = CONFORMANCE / "prices01"
    run = run_cli(
        cli, "prices", "--catalog", "catalog.csv", "--server", "2x4", "--server", "4x16",
        "--format", "json", cwd=case,
    )
    assert run.returncode == 0, run.stderr
    cli_json = json.loads(run.stdout)
    df = cloud_tco.prices(
        cloud_tco.Catalog.from_csv(case / "catalog.csv"), servers=[(2, 4), "4x16"]
    )
    items = df[df["category"] != "server"]
    assert len(items) == len(cli_json["prices"])
    rows = {(r["category"], r["item"]): r for _, r in items.iterrows()}
    for p in cli_json["prices"]:
        row = rows[(p["category"], p["item"])]
        assert row["unit"] == p["unit"]
        assert row["average"] == Decimal(p["price"])
        assert str(row["average"]) == p["price"]  # the same digits, two decimals (R1)
        for provider in ("A", "B", "C", "D"):
            own = p["providers"].get(provider)
            assert row[provider] == (None if own is None else Decimal(own))
    servers = df[df["category"] == "server"]
    assert len(servers) == len(cli_json["servers"])
    for (_, row), s in zip(servers.iterrows(), cli_json["servers"]):
        assert row["item"] == f"{s['vcpu']}vCPU/{s['memory_gb']}GB"
        assert str(row["average"]) == s["price"]
        for provider, matched in s["providers"].items():
            assert row[provider] == Decimal(matched["price"])
            assert df.attrs["flavors"][row["item"]][provider] == matched["flavor"]
    # Against the independent implementation's figures as well.
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))["expect"]
    for p in expected["prices"]:
        assert str(rows[(p["category"], p["item"])]["average"]) == p["price"]


@pytest.mark.parametrize("basis", ["average", "min", "max", "median", "provider:B"])
def test_prices_of_the_embedded_catalog_match_cli(cli: Path, basis: str) -> None:
    run = run_cli(cli, "prices", "--basis", basis, "--format", "json")
    assert run.returncode == 0, run.stderr
    cli_json = json.loads(run.stdout)
    df = cloud_tco.prices(basis=basis)
    combined = {(r["category"], r["item"]): str(r[basis]) for _, r in df.iterrows()}
    expected = {(p["category"], p["item"]): p["price"] for p in cli_json["prices"]}
    expected.update(
        {("server", f"{s['vcpu']}vCPU/{s['memory_gb']}GB"): s["price"] for s in cli_json["servers"]}
    )
    assert combined == expected
    providers = [c for c in df.columns if c not in ("category", "item", "unit", basis)]
    expected_providers = ["B"] if basis == "provider:B" else ["A", "B", "C", "D"]
    assert providers == expected_providers


def test_error_messages_match_cli(cli: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "new"\nbudget_year = 2027\nservice_start = "2027-07-01"\nusage_year = 7\n')
    run = run_cli(cli, "plan", str(bad), "--format", "json")
    assert run.returncode == 2
    with pytest.raises(cloud_tco.ProjectError) as e:
        cloud_tco.Project.from_toml(bad)
    assert run.stderr.strip() == f"error: {e.value}"
