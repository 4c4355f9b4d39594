"""Money crosses the boundary as decimal.Decimal, never as float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator

import pandas as pd

import cloud_tco
from conftest import example_projects


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def test_no_float_anywhere_in_a_plan() -> None:
    for path in example_projects():
        plan = cloud_tco.plan(cloud_tco.Project.from_toml(path))
        for where, value in leaves(plan.to_dict()):
            assert not isinstance(value, float), where


def test_totals_are_decimal(guide_plan: cloud_tco.Plan) -> None:
    t = guide_plan.totals
    for year, amounts in t["by_year"].items():
        assert isinstance(year, int)
        assert all(isinstance(v, Decimal) for v in amounts.values())
    assert all(isinstance(v, Decimal) for k, v in t["midterm"].items() if k not in ("from", "to"))
    assert isinstance(t["usage_window"]["usage_fee"], Decimal)
    assert isinstance(t["usage_window"]["usage_fee_with_vat"], Decimal)
    assert isinstance(t["project_total"], Decimal)
    assert isinstance(t["project_total_with_vat"], Decimal)
    # Whole won, exactly as the JSON writes them.
    assert t["project_total"] == t["project_total"].to_integral_value()


def test_lines_are_decimal(guide_plan: cloud_tco.Plan) -> None:
    for line in guide_plan.lines:
        assert all(isinstance(y, int) and isinstance(a, Decimal) for y, a in line["amounts"].items())
        price = line["unit_price"]
        if isinstance(price, dict):
            assert all(isinstance(v, Decimal) for v in price.values())
        elif price is not None:
            assert isinstance(price, Decimal)
            assert price.as_tuple().exponent == -2  # two decimals (R1), as in the JSON


def test_dataframes_hold_decimals(guide_plan: cloud_tco.Plan, guide_project: cloud_tco.Project) -> None:
    frames: list[pd.DataFrame] = [
        guide_plan.to_pandas(),
        guide_plan.to_pandas(midterm=True),
        guide_plan.to_pandas(long=True)[["unit_price", "quantity", "amount"]],
    ]
    prices = cloud_tco.prices()
    frames.append(prices[["A", "B", "C", "D", "average"]])
    compared = cloud_tco.compare(guide_project)
    frames.append(compared[compared["priced"]].drop(columns=["provider", "priced", "note"]))
    for df in frames:
        for column in df.columns:
            assert df[column].dtype == object, column
            values = [v for v in df[column] if v is not None]
            assert values and all(isinstance(v, Decimal) for v in values), column


def test_catalog_records_are_decimal(catalog: cloud_tco.Catalog) -> None:
    for row in catalog.to_records():
        assert isinstance(row["price"], Decimal)
        for key in ("memory_gb", "disk_gb", "included_gb"):
            assert row[key] is None or isinstance(row[key], Decimal)


def test_exact_digits_survive_the_round_trip() -> None:
    price = Decimal("12345678901234567.89")
    rows = [{"provider": "A", "category": "storage", "item": "nas", "unit": "gb_month", "price": price}]
    table = cloud_tco.prices(cloud_tco.Catalog.from_records(rows), servers=[])
    assert table.loc[0, "A"] == price
    assert str(table.loc[0, "average"]) == "12345678901234567.89"
