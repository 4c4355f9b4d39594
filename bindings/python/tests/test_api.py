"""The Python API: catalogs, projects, plans, tables, and the pandas and Jupyter habits."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import cloud_tco
from conftest import DEFAULT_CATALOG, EXAMPLES, MINIMAL, example_projects, run_cli


# ---------------------------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------------------------


def test_default_catalog(catalog: cloud_tco.Catalog) -> None:
    assert catalog.providers == ["A", "B", "C", "D"]
    assert len(catalog) == len(DEFAULT_CATALOG.read_text(encoding="utf-8").splitlines()) - 1
    assert repr(catalog) == 'Catalog(providers=["A", "B", "C", "D"], rows=145)'


def test_from_csv_merges_files(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_text("provider,category,item,unit,price\nA,storage,nas,gb_month,100\n", encoding="utf-8")
    b.write_text("provider,category,item,unit,price\nB,storage,nas,gb_month,120.5\n", encoding="utf-8")
    catalog = cloud_tco.Catalog.from_csv(a, str(b))
    assert catalog.providers == ["A", "B"]
    df = cloud_tco.prices(catalog, servers=[])
    assert df.loc[0, "average"] == Decimal("110.25")


def test_records_round_trip(catalog: cloud_tco.Catalog, guide_project: cloud_tco.Project) -> None:
    records = catalog.to_records()
    assert records[0]["price"] == Decimal("29500")
    assert isinstance(records[0]["memory_gb"], Decimal)
    again = cloud_tco.Catalog.from_records(records)
    assert again.to_records() == records
    assert cloud_tco.plan(guide_project, again).to_json() == cloud_tco.plan(guide_project).to_json()


def test_pandas_round_trip(catalog: cloud_tco.Catalog, guide_project: cloud_tco.Project) -> None:
    df = catalog.to_pandas()
    assert list(df.columns) == [
        "provider", "category", "item", "unit", "price", "vcpu", "memory_gb", "disk_gb",
        "included_gb", "included_per", "note", "source",
    ]
    assert str(df["vcpu"].dtype) == "Int64"
    again = cloud_tco.Catalog.from_pandas(df)
    assert cloud_tco.plan(guide_project, again).to_json() == cloud_tco.plan(guide_project).to_json()


def test_from_pandas_read_csv(guide_project: cloud_tco.Project) -> None:
    # pandas reads prices as float64 and missing cells as NaN: both are taken exactly.
    as_floats = pd.read_csv(DEFAULT_CATALOG)
    assert as_floats["price"].dtype == "float64"
    as_text = pd.read_csv(DEFAULT_CATALOG, dtype=str, keep_default_na=False)
    expected = cloud_tco.plan(guide_project).to_json()
    for df in (as_floats, as_text):
        assert cloud_tco.plan(guide_project, cloud_tco.Catalog.from_pandas(df)).to_json() == expected


def test_from_pandas_nullable_dtypes() -> None:
    df = pd.DataFrame(
        {
            "provider": ["A", "B"],
            "category": ["server", "storage"],
            "item": ["s", "nas"],
            "unit": ["vm_month", "gb_month"],
            "price": [Decimal("50000.10"), Decimal("100")],
            "vcpu": pd.array([2, None], dtype="Int64"),
            "memory_gb": pd.array([4, None], dtype="Int64"),
        }
    )
    catalog = cloud_tco.Catalog.from_pandas(df)
    assert catalog.to_records()[0]["price"] == Decimal("50000.10")
    assert catalog.to_records()[1]["vcpu"] is None


def test_from_records_exact_values() -> None:
    rows = [
        {"provider": "A", "category": "storage", "item": "nas", "unit": "gb_month",
         "price": Decimal("12345678901234567.89")},
        {"provider": "B", "category": "storage", "item": "nas", "unit": "gb_month",
         "price": 0.1},
        {"provider": "C", "category": "storage", "item": "nas", "unit": "gb_month",
         "price": Decimal("1E+3"), "note": "line one\nline two", "ignored": object},
    ]
    rows[2].pop("ignored")
    prices = [r["price"] for r in cloud_tco.Catalog.from_records(rows).to_records()]
    assert prices == [Decimal("12345678901234567.89"), Decimal("0.1"), Decimal("1000")]


def test_empty_records_give_an_empty_catalog() -> None:
    assert len(cloud_tco.Catalog.from_records([])) == 0


# ---------------------------------------------------------------------------------------------
# Project
# ---------------------------------------------------------------------------------------------


def test_project_sources_agree() -> None:
    text = (EXAMPLES / "guide-conversion.toml").read_text(encoding="utf-8")
    from_file = cloud_tco.Project.from_toml(EXAMPLES / "guide-conversion.toml")
    from_text = cloud_tco.Project.from_toml_str(text)
    assert from_file.name == from_text.name == "전환서비스 비용산정 예시 (guide §3.6)"
    assert cloud_tco.plan(from_file).to_json() == cloud_tco.plan(from_text).to_json()


def test_project_properties(guide_project: cloud_tco.Project) -> None:
    assert guide_project.kind == "conversion"
    assert guide_project.service_model == "iaas"
    assert guide_project.budget_year == 2027
    assert guide_project.service_start == datetime.date(2027, 1, 1)
    assert guide_project.usage_years == 7
    assert guide_project.midterm_years == 5
    assert guide_project.basis == "average"
    assert repr(guide_project).startswith('Project(name="전환서비스')


def test_from_dict_and_from_json_agree() -> None:
    by_dict = cloud_tco.Project.from_dict(MINIMAL)
    by_json = cloud_tco.Project.from_json(json.dumps(MINIMAL))
    assert cloud_tco.plan(by_dict).to_json() == cloud_tco.plan(by_json).to_json()


def test_from_dict_keeps_decimals_exact() -> None:
    d = dict(MINIMAL)
    d["service_start"] = datetime.date(2027, 7, 1)
    d["costs"] = [
        {"item": "conversion", "year": 2027, "amount": Decimal("150000000.99")},
        {"item": "maintenance", "year": 2028, "amount": 0.1},
        {"item": "maintenance", "year": 2029, "amount": 10**20},
    ]
    plan = cloud_tco.plan(cloud_tco.Project.from_dict(d))
    by_year = plan.totals["by_year"]
    assert by_year[2027]["conversion"] == Decimal("150000000")  # R2: truncated to the won
    assert by_year[2028]["other"] == Decimal("0")
    assert by_year[2029]["other"] == Decimal(10**20)


def test_from_dict_accepts_numpy_scalars() -> None:
    import numpy as np

    d = dict(MINIMAL)
    d["servers"] = [{"vcpu": np.int64(2), "memory_gb": np.float64(4.0), "count": np.int32(2)}]
    expected = cloud_tco.plan(cloud_tco.Project.from_dict(MINIMAL)).totals
    assert cloud_tco.plan(cloud_tco.Project.from_dict(d)).totals == expected


# ---------------------------------------------------------------------------------------------
# Plan
# ---------------------------------------------------------------------------------------------


def test_plan_basics(guide_plan: cloud_tco.Plan) -> None:
    assert guide_plan.name == "전환서비스 비용산정 예시 (guide §3.6)"
    assert guide_plan.kind == "conversion"
    assert guide_plan.basis == "average"
    assert guide_plan.budget_year == 2027
    assert guide_plan.years == list(range(2027, 2034))
    assert guide_plan.totals["midterm"]["from"] == 2027
    assert guide_plan.totals["usage_window"]["to"] == datetime.date(2033, 12, 31)
    assert "Plan(name=" in repr(guide_plan)


def test_basis_argument_overrides_the_project(guide_project: cloud_tco.Project) -> None:
    assert cloud_tco.plan(guide_project, basis="min").basis == "min"
    assert cloud_tco.plan(guide_project, basis=None).basis == "average"
    low = cloud_tco.plan(guide_project, basis="min").totals["project_total"]
    high = cloud_tco.plan(guide_project, basis="max").totals["project_total"]
    assert low < cloud_tco.plan(guide_project).totals["project_total"] < high


def test_wide_table_matches_totals(guide_project: cloud_tco.Project) -> None:
    for path in example_projects():
        plan = cloud_tco.plan(cloud_tco.Project.from_toml(path))
        t = plan.totals
        df = plan.to_pandas()
        assert list(df.columns) == plan.years + ["합계"]
        assert df.index.name == "예산항목"
        assert df.loc["합계", "합계"] == t["project_total"]
        assert df.loc["합계(부가세 포함)", "합계"] == t["project_total_with_vat"]
        assert df.loc["이용료 소계", "합계"] == sum(
            (t["by_year"][y]["usage_fee"] for y in plan.years), Decimal(0)
        )
        for y in plan.years:
            assert df.loc["이용료 소계", y] == t["by_year"][y]["usage_fee"]
            usage_rows = [i for i in df.index if i.startswith("이용료 - ")]
            assert sum((df.loc[i, y] for i in usage_rows), Decimal(0)) == t["by_year"][y]["usage_fee"]
            for label, key in [("전환비", "conversion"), ("SW 구축비", "sw_build"), ("기타", "other"),
                               ("부가세", "vat")]:
                assert df.loc[label, y] == t["by_year"][y][key]
        mid = plan.to_pandas(midterm=True)
        assert list(mid.columns) == list(range(t["midterm"]["from"], t["midterm"]["to"] + 1)) + ["합계"]
        for label, key in [("합계", "total"), ("부가세", "vat"), ("합계(부가세 포함)", "total_with_vat"),
                           ("전환비", "conversion")]:
            assert mid.loc[label, "합계"] == t["midterm"][key]
        en = plan.to_pandas(lang="en")
        assert en.loc["Total incl. VAT", "Total"] == t["project_total_with_vat"]


def test_wide_table_matches_the_cli_table(cli: Path) -> None:
    for path in example_projects():
        run = run_cli(cli, "plan", str(path))
        assert run.returncode == 0, run.stderr
        plan = cloud_tco.plan(cloud_tco.Project.from_toml(path))
        assert plan.to_string() == run.stdout
        rows: dict[str, list[str]] = {}
        for line in run.stdout.splitlines():
            if line.startswith("| "):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                rows.setdefault(cells[0], cells[1:])  # the plan form comes first
        for label, values in plan.to_pandas().iterrows():
            assert rows[label] == [f"{v:,}" for v in values], label


def test_long_table(guide_plan: cloud_tco.Plan) -> None:
    df = guide_plan.to_pandas(long=True)
    assert list(df.columns) == [
        "project", "basis", "budget_item", "category", "name", "item", "unit", "source", "year",
        "unit_price", "quantity", "amount",
    ]
    assert sum(df["amount"], Decimal(0)) == guide_plan.totals["project_total"]
    mid = guide_plan.to_pandas(long=True, midterm=True)
    assert set(mid["year"]) == set(range(2027, 2032))
    assert sum(mid["amount"], Decimal(0)) == guide_plan.totals["midterm"]["total"]


def test_long_table_matches_the_cli_csv(cli: Path, guide_plan: cloud_tco.Plan) -> None:
    run = run_cli(cli, "plan", str(EXAMPLES / "guide-conversion.toml"), "--format", "csv")
    assert run.returncode == 0, run.stderr
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    df = guide_plan.to_pandas(long=True)
    assert len(rows) == len(df)
    for row, (_, r) in zip(rows, df.iterrows()):
        for col in df.columns:
            value = r[col]
            assert ("" if value is None or value is pd.NA else str(value)) == row[col], col


def test_to_json_is_the_cli_output(guide_plan: cloud_tco.Plan) -> None:
    text = guide_plan.to_json()
    assert text.endswith("}\n")
    assert json.loads(text)["currency"] == "KRW"


def test_to_excel_writes_atomically(cli: Path, guide_plan: cloud_tco.Plan, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"old")
    guide_plan.to_excel(out)
    assert out.read_bytes() != b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]  # no temporary left
    cli_out = tmp_path / "cli.xlsx"
    run = run_cli(cli, "plan", str(EXAMPLES / "guide-conversion.toml"), "--format", "xlsx",
                  "-o", str(cli_out))
    assert run.returncode == 0, run.stderr
    import zipfile

    with zipfile.ZipFile(out) as ours, zipfile.ZipFile(cli_out) as theirs:
        assert ours.namelist() == theirs.namelist()
        for name in ours.namelist():
            if name != "docProps/core.xml":  # holds the time of writing
                assert ours.read(name) == theirs.read(name), name
    with pytest.raises(OSError):
        guide_plan.to_excel(tmp_path / "missing-dir" / "plan.xlsx")
    guide_plan.to_excel(str(tmp_path / "str-path.xlsx"))


def test_str_is_the_cli_table(guide_plan: cloud_tco.Plan) -> None:
    assert str(guide_plan) == guide_plan.to_string(lang="ko", unit="won")
    assert "중기재정계획" in str(guide_plan)
    assert guide_plan.to_string(lang="en", unit="million") != str(guide_plan)


def test_plan_html(guide_plan: cloud_tco.Plan) -> None:
    html = guide_plan._repr_html_()
    assert html.count("<table") == 2
    for text in ["중기재정계획", "평균단가", "이용료 - 서버", "이용료 소계", "전환비", "SW 구축비", "기타",
                 "합계(부가세 포함)", "부가세", "7년 이용료 규모", "총사업비"]:
        assert text in html, text
    total = guide_plan.totals["project_total_with_vat"]
    assert f"{total:,}" in html  # thousands separators


def test_plot(guide_plan: cloud_tco.Plan) -> None:
    import matplotlib.pyplot as plt

    ax = guide_plan.plot()
    heights = [p.get_height() for p in ax.patches if hasattr(p, "get_height")]
    assert heights, "bars were drawn"
    assert ax.get_xticklabels()
    fig, ax2 = plt.subplots()
    assert guide_plan.plot(ax2, lang="en", unit="won") is ax2
    assert ax2.get_xlabel() == "Fiscal year"
    plt.close("all")


def test_plot_without_matplotlib(guide_plan: cloud_tco.Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "cloud-tco\[plot\]"'):
        guide_plan.plot()


# ---------------------------------------------------------------------------------------------
# prices and compare
# ---------------------------------------------------------------------------------------------


def test_prices_table(catalog: cloud_tco.Catalog) -> None:
    df = cloud_tco.prices(catalog, basis="average", servers=[(2, 4), (4, 16)])
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["category", "item", "unit", "A", "B", "C", "D", "average"]
    servers = df[df["category"] == "server"]
    assert list(servers["item"]) == ["2vCPU/4GB", "4vCPU/16GB"]
    assert df.iloc[0]["category"] == "server"  # the guide's order: 서버 first
    assert set(df.attrs["flavors"]["2vCPU/4GB"]) == {"A", "B", "C", "D"}
    html = df._repr_html_()
    assert "평균단가" in html and "서버" in html and "스토리지" in html
    ssd = df[(df["category"] == "storage") & (df["item"] == "block_ssd")].iloc[0]
    assert isinstance(ssd["average"], Decimal)
    # Any operation gives a plain DataFrame.
    assert type(df.head()) is pd.DataFrame
    assert type(df.copy()) is pd.DataFrame


def test_prices_servers_forms(catalog: cloud_tco.Catalog) -> None:
    a = cloud_tco.prices(catalog, servers=["2x4", (4, Decimal("16")), (8, "32"), (16, 64.0)])
    assert list(a[a["category"] == "server"]["item"]) == [
        "2vCPU/4GB", "4vCPU/16GB", "8vCPU/32GB", "16vCPU/64GB",
    ]
    default = cloud_tco.prices(catalog)
    assert list(default[default["category"] == "server"]["item"]) == ["2vCPU/4GB", "4vCPU/16GB"]
    none = cloud_tco.prices(catalog, servers=[])
    assert (none["category"] != "server").all()


def test_prices_provider_basis(catalog: cloud_tco.Catalog) -> None:
    df = cloud_tco.prices(catalog, basis="provider:B")
    assert list(df.columns) == ["category", "item", "unit", "B", "provider:B"]
    assert "공급자 B" in df._repr_html_()


def test_compare(guide_project: cloud_tco.Project, catalog: cloud_tco.Catalog) -> None:
    df = cloud_tco.compare(guide_project, catalog)
    assert list(df.index) == ["average", "provider:A", "provider:B", "provider:C", "provider:D"]
    avg = df.loc["average"]
    plan = cloud_tco.plan(guide_project, catalog)
    assert avg["project_total_with_vat"] == plan.totals["project_total_with_vat"]
    assert avg["midterm_total"] == plan.totals["midterm"]["total"]
    assert bool(avg["priced"]) and avg["note"] is None
    not_priced = df[~df["priced"].astype(bool)]
    assert len(not_priced) > 0  # C and D lack items of the guide's example
    assert all(v is None for v in not_priced["project_total"])
    assert all("missing" in n for n in not_priced["note"])
    html = df._repr_html_()
    assert "평균단가" in html and "공급자 A" in html and "총사업비" in html


def test_compare_matches_single_plans(guide_project: cloud_tco.Project) -> None:
    df = cloud_tco.compare(guide_project)
    for basis, row in df.iterrows():
        if row["priced"]:
            plan = cloud_tco.plan(guide_project, basis=str(basis))
            assert row["project_total"] == plan.totals["project_total"]


# ---------------------------------------------------------------------------------------------
# plan_many
# ---------------------------------------------------------------------------------------------


def test_plan_many_matches_plan(catalog: cloud_tco.Catalog) -> None:
    projects = [cloud_tco.Project.from_toml(p) for p in example_projects()]
    plans = cloud_tco.plan_many(projects, catalog)
    assert [p.to_json() for p in plans] == [cloud_tco.plan(p, catalog).to_json() for p in projects]
    assert cloud_tco.plan_many([]) == []
    assert len(cloud_tco.plan_many(iter(projects), basis="max")) == len(projects)


def test_plan_many_collects_errors(guide_project: cloud_tco.Project) -> None:
    ok = cloud_tco.Project.from_dict(MINIMAL)
    results = cloud_tco.plan_many([ok, guide_project, ok], basis="provider:C", errors="collect")
    assert isinstance(results[0], cloud_tco.Plan)
    assert isinstance(results[1], cloud_tco.PricingError)
    assert isinstance(results[2], cloud_tco.Plan)
    with pytest.raises(cloud_tco.PricingError) as e:
        cloud_tco.plan_many([ok, guide_project], basis="provider:C")
    notes = getattr(e.value, "__notes__", [])
    assert any("projects[1]" in n for n in notes)


# ---------------------------------------------------------------------------------------------
# Pre-consultation (사전협의, guide §4.3.1)
# ---------------------------------------------------------------------------------------------

REBUILD_LOCAL = """
name = "전자민원 재구축"
kind = "rebuild"
institution = "local"
budget_year = 2027
service_start = "2027-01-01"
[[costs]]
item = "sw_build"
year = 2027
amount = 50000000
"""


def test_pre_consultation_absent_without_institution(guide_plan: cloud_tco.Plan) -> None:
    assert guide_plan.pre_consultation is None
    assert "pre_consultation" not in guide_plan.to_dict()
    assert "사전협의" not in guide_plan._repr_html_()


def test_pre_consultation_matches_cli(cli: Path, tmp_path: Path) -> None:
    path = tmp_path / "rebuild.toml"
    path.write_text(REBUILD_LOCAL, encoding="utf-8")
    run = run_cli(cli, "plan", str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    plan = cloud_tco.plan(cloud_tco.Project.from_toml(path))
    assert plan.to_json() == run.stdout
    expected = json.loads(run.stdout)["pre_consultation"]
    pc = plan.pre_consultation
    assert pc is not None
    assert pc == plan.to_dict()["pre_consultation"]
    # 50,000,000 + 10 % VAT = 55,000,000 ≥ 50,000,000 for a 기초자치단체.
    assert pc["amount"] == Decimal("55000000") and pc["amount_excl_vat"] == Decimal("50000000")
    assert pc["threshold"] == Decimal("50000000")
    for key in ("threshold", "amount", "amount_excl_vat"):
        assert isinstance(pc[key], Decimal) and str(pc[key]) == expected[key]  # type: ignore[literal-required]
    for key in ("institution", "year", "reaches_threshold", "required", "reason", "note"):
        assert pc[key] == expected[key], key  # type: ignore[literal-required]
    assert pc["required"] is True and pc["reason"] == "amount_at_or_above_threshold"
    # The information line of the HTML is the CLI table's.
    table = run_cli(cli, "plan", str(path)).stdout
    line = next(l for l in table.splitlines() if l.startswith("사전협의 대상 여부:"))
    html = plan._repr_html_()
    assert "사전협의 대상 여부: <strong>대상</strong> — " + pc["note"] in html
    assert line == f"사전협의 대상 여부: 대상 — {pc['note']}"


@pytest.mark.parametrize(
    ("kind", "institution", "status", "required", "reason"),
    [
        ("conversion", "central", "생략 가능", False, "exempt_conversion"),
        ("new", "central", "대상", True, "new_project"),
        ("rebuild", "metropolitan", "비대상", False, "amount_below_threshold"),
    ],
)
def test_pre_consultation_outcomes(
    kind: str, institution: str, status: str, required: bool, reason: str
) -> None:
    d = dict(MINIMAL, kind=kind, institution=institution, costs=[])
    plan = cloud_tco.plan(cloud_tco.Project.from_dict(d))
    pc = plan.pre_consultation
    assert pc is not None
    assert (pc["required"], pc["reason"], pc["institution"]) == (required, reason, institution)
    assert f"사전협의 대상 여부: <strong>{status}</strong>" in plan._repr_html_()
