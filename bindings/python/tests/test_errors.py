"""Every exception class: what raises it, and the problems it carries (file, line, field)."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import cloud_tco
from cloud_tco import (
    CatalogError,
    CloudTcoError,
    PricingError,
    ProjectError,
    ReportError,
    TooLargeError,
)
from conftest import EXAMPLES, MINIMAL

HEADER = "provider,category,item,unit,price,vcpu,memory_gb\n"


def test_hierarchy() -> None:
    assert issubclass(CloudTcoError, Exception)
    assert not issubclass(CloudTcoError, ValueError)
    for cls in (CatalogError, ProjectError, PricingError, TooLargeError):
        assert issubclass(cls, CloudTcoError)
        assert issubclass(cls, ValueError)
    assert issubclass(ReportError, CloudTcoError)
    for cls in (CloudTcoError, CatalogError, ProjectError, PricingError, TooLargeError, ReportError):
        assert cls.__module__ == "cloud_tco._errors"
        assert getattr(cloud_tco, cls.__name__) is cls


# ---------------------------------------------------------------------------------------------
# CatalogError
# ---------------------------------------------------------------------------------------------


def test_catalog_error_lists_every_problem_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "quotes.csv"
    bad.write_text(
        HEADER
        + "A,server,s1,vm_month,50000,2,4\n"
        + "A,storage,nas,gb_month,-5,,\n"
        + "A,strage,nas,gb_month,10,,\n"
        + "B,server,s2,vm_month,12.5.0,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as info:
        cloud_tco.Catalog.from_csv(bad)
    e = info.value
    assert isinstance(e, ValueError)
    assert (e.file, e.line, e.field) == (str(bad), 3, "price")
    positions = [(p["line"], p["field"]) for p in e.problems]
    assert (3, "price") in positions and (4, "category") in positions and (5, "price") in positions
    assert all(p["file"] == str(bad) for p in e.problems)
    assert all(p["record"] is None for p in e.problems)
    assert str(e).startswith(f"invalid price catalog: {len(e.problems)} problems")
    # pandas habit: the problems are a table.
    assert list(pd.DataFrame(e.problems).columns) == ["file", "line", "field", "message", "record"]


def test_catalog_error_names_both_files_of_a_duplicate(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for f in (a, b):
        f.write_text(HEADER + "A,storage,nas,gb_month,10,,\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        cloud_tco.Catalog.from_csv(a, b)
    assert info.value.file == str(b)
    assert str(a) in info.value.problems[0]["message"]


def test_catalog_error_of_a_missing_file() -> None:
    with pytest.raises(CatalogError) as info:
        cloud_tco.Catalog.from_csv("no-such-file.csv")
    assert info.value.file == "no-such-file.csv"
    assert info.value.line is None


def test_catalog_error_from_records_points_at_the_record() -> None:
    rows = [
        {"provider": "A", "category": "storage", "item": "nas", "unit": "gb_month", "price": 10},
        {"provider": "A", "category": "storage", "item": "ssd", "unit": "gb_month", "price": -1,
         "note": "two\nlines"},
        {"provider": "A", "category": "storage", "item": "hdd", "unit": "gb_month", "price": "x"},
    ]
    with pytest.raises(CatalogError) as info:
        cloud_tco.Catalog.from_records(rows)
    problems = info.value.problems
    assert [(p["record"], p["line"], p["field"]) for p in problems] == [
        (1, 3, "price"),
        (2, 4, "price"),
    ]
    assert info.value.file == "records"


def test_catalog_error_from_pandas_points_at_the_row() -> None:
    df = pd.DataFrame(
        {
            "provider": ["A", "B"],
            "category": ["storage", "storage"],
            "item": ["nas", "nas"],
            "unit": ["gb_month", "gb_each"],
            "price": [10.0, 12.0],
        }
    )
    with pytest.raises(CatalogError) as info:
        cloud_tco.Catalog.from_pandas(df, source="quotes")
    assert (info.value.file, info.value.problems[0]["record"], info.value.field) == (
        "quotes", 1, "unit",
    )


# ---------------------------------------------------------------------------------------------
# ProjectError
# ---------------------------------------------------------------------------------------------


def test_project_error_from_a_file(tmp_path: Path) -> None:
    bad = tmp_path / "p.toml"
    bad.write_text(
        'kind = "new"\nbudget_year = 2027\nservice_start = "2027-07-01"\n'
        "[[servers]]\nvcpu = 2\nmemory_gb = 4\ncount = -1\n",
        encoding="utf-8",
    )
    with pytest.raises(ProjectError) as info:
        cloud_tco.Project.from_toml(bad)
    e = info.value
    assert (e.file, e.line, e.field) == (str(bad), 7, "servers[0].count")


def test_project_error_from_json_has_the_line() -> None:
    text = '{\n "kind": "new",\n "budget_year": 2027,\n "service_start": "2027-07-01",\n "usage_year": 7\n}'
    with pytest.raises(ProjectError) as info:
        cloud_tco.Project.from_json(text)
    assert (info.value.line, info.value.field) == (5, "usage_year")


def test_project_error_from_dict_names_the_field() -> None:
    with pytest.raises(ProjectError) as info:
        cloud_tco.Project.from_dict({"budget_year": [1]})
    assert info.value.field == "budget_year"
    assert info.value.line is None  # lines of generated JSON would mean nothing
    d = dict(MINIMAL, costs=[{"item": "sw_build", "year": 2027, "amount": 1}])
    with pytest.raises(ProjectError) as info:
        cloud_tco.Project.from_dict(d)  # SW 구축비 does not apply to a conversion
    assert info.value.field is not None and info.value.field.startswith("costs[0]")


def test_project_error_of_a_missing_file() -> None:
    with pytest.raises(ProjectError, match="does not exist"):
        cloud_tco.Project.from_toml(EXAMPLES / "no-such-project.toml")


# ---------------------------------------------------------------------------------------------
# PricingError, TooLargeError, ReportError, CloudTcoError
# ---------------------------------------------------------------------------------------------


def test_pricing_error_of_a_provider_basis(guide_project: cloud_tco.Project) -> None:
    with pytest.raises(PricingError) as info:
        cloud_tco.plan(guide_project, basis="provider:C")
    e = info.value
    assert e.kind == "provider_missing"
    assert e.details["provider"] == "C"
    assert e.field is not None and e.field.startswith("extras[")
    assert e.details["needed_by"].startswith(e.field)


def test_pricing_error_of_an_unknown_basis(guide_project: cloud_tco.Project) -> None:
    with pytest.raises(PricingError) as info:
        cloud_tco.plan(guide_project, basis="mean")
    assert info.value.kind == "unknown_basis"
    with pytest.raises(PricingError) as info:
        cloud_tco.plan(guide_project, basis="provider:Z")
    assert info.value.kind == "unknown_provider"
    with pytest.raises(PricingError):
        cloud_tco.prices(basis="mean")


def test_pricing_error_of_a_server_too_large() -> None:
    d = dict(MINIMAL, servers=[{"vcpu": 512, "memory_gb": 4096}])
    with pytest.raises(PricingError) as info:
        cloud_tco.plan(cloud_tco.Project.from_dict(d))
    assert info.value.kind == "no_fitting_flavor"
    assert info.value.field == "servers[0]"
    with pytest.raises(PricingError):
        cloud_tco.prices(servers=[(512, 4096)])


def test_too_large_error() -> None:
    d = dict(MINIMAL, servers=[{"vcpu": 2, "memory_gb": 4, "count": 10**24}])
    with pytest.raises(TooLargeError) as info:
        cloud_tco.plan(cloud_tco.Project.from_dict(d))
    assert isinstance(info.value, ValueError)
    assert "too large" in str(info.value)


def test_report_error_carries_its_message() -> None:
    # A workbook that cannot be produced is rare (rust_xlsxwriter limits); the class behaves like
    # the others.
    e = ReportError("report: too many rows", [{"file": None, "line": None, "field": None,
                                               "message": "too many rows", "record": None}])
    assert str(e) == "report: too many rows"
    assert e.problems[0]["message"] == "too many rows"
    assert not isinstance(e, ValueError)


def test_a_panic_is_an_internal_cloud_tco_error() -> None:
    with pytest.raises(CloudTcoError) as info:
        cloud_tco._cloud_tco._internal_error_for_tests()
    assert type(info.value) is CloudTcoError
    assert "internal error" in str(info.value)


@pytest.mark.parametrize(
    "error",
    [
        CatalogError("m", [{"file": "f.csv", "line": 2, "field": "price", "message": "x", "record": None}]),
        PricingError("m", [], kind="not_listed", details={"item": "nas"}),
        CloudTcoError("m"),
    ],
)
def test_errors_pickle_and_copy(error: CloudTcoError) -> None:
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert again.problems == error.problems
        assert (again.file, again.line, again.field) == (error.file, error.line, error.field)
    if isinstance(error, PricingError):
        again = pickle.loads(pickle.dumps(error))
        assert isinstance(again, PricingError)
        assert (again.kind, again.details) == ("not_listed", {"item": "nas"})


def test_raised_errors_pickle(guide_project: cloud_tco.Project) -> None:
    with pytest.raises(PricingError) as info:
        cloud_tco.plan(guide_project, basis="provider:C")
    again = pickle.loads(pickle.dumps(info.value))
    assert again.problems == info.value.problems and again.kind == info.value.kind


# ---------------------------------------------------------------------------------------------
# TypeError names the argument or field
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cloud_tco.Catalog.from_records(5), "rows must be a list of dicts"),
        (lambda: cloud_tco.Catalog.from_records({"provider": "A"}), "rows must be a list of dicts"),
        (lambda: cloud_tco.Catalog.from_records(["A"]), "record 0 must be a dict"),
        (lambda: cloud_tco.Catalog.from_records([{"price": object()}]), 'record 0, column "price"'),
        (lambda: cloud_tco.Catalog.from_records([{"price": True}]), 'record 0, column "price"'),
        (lambda: cloud_tco.Catalog.from_records([{1: "A"}]), "column names must be strings"),
        (lambda: cloud_tco.Catalog.from_records(pd.DataFrame()), "Catalog.from_pandas"),
        (lambda: cloud_tco.Catalog.from_records([], source=1), "source must be a str"),
        (lambda: cloud_tco.Catalog.from_pandas([{}]), "df must be a pandas DataFrame"),
        (lambda: cloud_tco.Catalog.from_csv(3), r"paths\[0\] must be a str or os.PathLike"),
        (lambda: cloud_tco.Project.from_toml(3), "path must be a str or os.PathLike"),
        (lambda: cloud_tco.Project.from_toml_str(b"x"), "text must be a str"),
        (lambda: cloud_tco.Project.from_json(None), "text must be a str"),
        (lambda: cloud_tco.Project.from_dict(5), "d must be a dict"),
        (lambda: cloud_tco.Project.from_dict({"servers": [{"vcpu": {1}}]}), r"servers\[0\].vcpu"),
        (lambda: cloud_tco.Project.from_dict({1: 2}), "keys must be strings"),
        (lambda: cloud_tco.plan(5), "project must be a cloud_tco.Project"),
        (lambda: cloud_tco.plan(cloud_tco.Project.from_dict(MINIMAL), catalog="x"),
         "catalog must be a cloud_tco.Catalog"),
        (lambda: cloud_tco.plan(cloud_tco.Project.from_dict(MINIMAL), basis=1), "basis must be a str"),
        (lambda: cloud_tco.compare("p"), "project must be a cloud_tco.Project"),
        (lambda: cloud_tco.prices(servers="2x4"), "servers must be a list"),
        (lambda: cloud_tco.prices(servers=[(2,)]), r"servers\[0\] must be a \(vcpu, memory_gb\) pair"),
        (lambda: cloud_tco.prices(servers=[(2, [4])]), r"servers\[0\]: memory_gb"),
        (lambda: cloud_tco.prices(basis=2), "basis must be a str"),
        (lambda: cloud_tco.plan_many(5), "projects must be an iterable of Project"),
        (lambda: cloud_tco.plan_many([1]), r"projects\[0\] must be a Project"),
        (lambda: cloud_tco.plan_many([], errors=1), "errors must be a str"),
    ],
)
def test_type_errors_name_the_field(call: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()  # type: ignore[operator]


def test_plan_method_type_errors(guide_plan: cloud_tco.Plan) -> None:
    with pytest.raises(TypeError, match="long must be True or False"):
        guide_plan.to_pandas(long=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lang must be a str"):
        guide_plan.to_string(lang=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        guide_plan.to_excel(1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cloud_tco.Catalog.from_csv(), "at least one catalog"),
        (lambda: cloud_tco.prices(servers=["abc"]), r"servers\[0\]: server spec"),
        (lambda: cloud_tco.prices(servers=[(0, 4)]), "greater than 0"),
        (lambda: cloud_tco.plan_many([], errors="ignore"), "errors must be"),
        (lambda: cloud_tco.Project.from_dict(dict(MINIMAL, usage_years=float("nan"))), "usage_years"),
        (lambda: cloud_tco.Project.from_dict(dict(MINIMAL, usage_years=Decimal("NaN"))), "usage_years"),
        (lambda: cloud_tco.plan(cloud_tco.Project.from_dict(MINIMAL)).to_string(unit="x"), "unit must be"),
        (lambda: cloud_tco.plan(cloud_tco.Project.from_dict(MINIMAL)).to_pandas(lang="fr"), "lang must be"),
    ],
)
def test_value_errors(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
