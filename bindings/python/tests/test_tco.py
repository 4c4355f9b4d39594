"""cloud_tco.tco: the 7-year TCO against staying on premises — the command line's figures, exact
money, the yearly table, the chart, and every error."""

from __future__ import annotations

import json
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import pytest

import cloud_tco
from conftest import EXAMPLES, MINIMAL, example_projects, run_cli

CONVERSION = EXAMPLES / "conversion.toml"

DECIMAL_KEYS = {
    "by_year", "cumulative", "total", "amounts", "cloud", "on_premises", "savings",
    "discount_rate_pct", "power_kw", "pue", "hours_per_year", "trees_per_kwh",
    "kwh_saved_by_year", "trees_by_year", "facility_kwh_by_year", "kwh_saved_total",
    "trees_total", "facility_kwh_total",
}
YEAR_KEYED = {
    "by_year", "cumulative", "amounts", "kwh_saved_by_year", "trees_by_year",
    "facility_kwh_by_year",
}


def expected_python(value: Any, key: str | None = None) -> Any:
    """The CLI's TCO JSON as the binding promises it: Decimal figures, int years, dates."""
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
    if isinstance(value, str) and key in DECIMAL_KEYS:
        return Decimal(value)
    if isinstance(value, str) and key in ("from", "to"):
        return date.fromisoformat(value)
    return value


def tco_projects() -> list[Path]:
    """The example projects with an [on_premises] section."""
    return [p for p in example_projects() if "on_premises" in p.read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def conversion() -> cloud_tco.Project:
    return cloud_tco.Project.from_toml(CONVERSION)


@pytest.fixture(scope="module")
def tco(conversion: cloud_tco.Project) -> cloud_tco.Tco:
    return cloud_tco.tco(conversion)


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, value


# ---------------------------------------------------------------------------------------------
# Parity with `cloud-tco tco`
# ---------------------------------------------------------------------------------------------


def test_examples_have_an_on_premises_project() -> None:
    assert CONVERSION in tco_projects()


@pytest.mark.parametrize("path", tco_projects(), ids=lambda p: p.name)
@pytest.mark.parametrize("rate", [None, "3", "0", "-2.5", "100"])
def test_tco_matches_cli_json(cli: Path, path: Path, rate: str | None) -> None:
    args = ["tco", str(path), "--format", "json"]
    if rate is not None:
        args += ["--discount-rate", rate]
    run = run_cli(cli, *args)
    assert run.returncode == 0, run.stderr
    project = cloud_tco.Project.from_toml(path)
    t = cloud_tco.tco(project) if rate is None else cloud_tco.tco(project, discount_rate=rate)
    # The very same text, final newline included ...
    assert t.to_json() == run.stdout
    # ... and the same content as Python values, exact.
    assert t.to_dict() == expected_python(json.loads(run.stdout))


@pytest.mark.parametrize("basis", ["min", "max", "median", "provider:A"])
def test_tco_under_other_bases_matches_cli(cli: Path, conversion: cloud_tco.Project, basis: str) -> None:
    run = run_cli(cli, "tco", str(CONVERSION), "--basis", basis, "--format", "json")
    if run.returncode != 0:
        with pytest.raises(cloud_tco.CloudTcoError) as e:
            cloud_tco.tco(conversion, basis=basis)
        assert run.stderr.strip() == f"error: {e.value}"
        return
    assert cloud_tco.tco(conversion, basis=basis).to_json() == run.stdout


@pytest.mark.parametrize(("lang", "unit"), [("ko", "won"), ("en", "million"), ("ko", "thousand")])
def test_to_string_is_the_cli_table(cli: Path, tco: cloud_tco.Tco, lang: str, unit: str) -> None:
    run = run_cli(cli, "tco", str(CONVERSION), "--lang", lang, "--unit", unit)
    assert run.returncode == 0, run.stderr
    assert tco.to_string(lang=lang, unit=unit) == run.stdout  # type: ignore[arg-type]
    if (lang, unit) == ("ko", "won"):
        assert str(tco) == run.stdout


def test_to_excel_is_the_cli_workbook(cli: Path, tco: cloud_tco.Tco, tmp_path: Path) -> None:
    out = tmp_path / "tco.xlsx"
    out.write_bytes(b"old")
    tco.to_excel(out)
    assert out.read_bytes().startswith(b"PK")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tco.xlsx"]  # no temporary left
    cli_out = tmp_path / "cli.xlsx"
    run = run_cli(cli, "tco", str(CONVERSION), "--format", "xlsx", "-o", str(cli_out))
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(out) as ours, zipfile.ZipFile(cli_out) as theirs:
        assert ours.namelist() == theirs.namelist()
        for name in ours.namelist():
            if name != "docProps/core.xml":  # holds the time of writing
                assert ours.read(name) == theirs.read(name), name
    with pytest.raises(OSError):
        tco.to_excel(tmp_path / "missing-dir" / "tco.xlsx")
    tco.to_excel(str(tmp_path / "str-path.xlsx"))
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        tco.to_excel(1)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Python values
# ---------------------------------------------------------------------------------------------


def test_no_float_anywhere(tco: cloud_tco.Tco) -> None:
    data = tco.to_dict()
    for where, value in leaves(data):
        assert not isinstance(value, float), where
    for side in ("cloud", "on_premises", "savings"):
        assert all(isinstance(y, int) for y in data[side]["by_year"])  # type: ignore[literal-required]
        assert all(isinstance(v, Decimal) for v in data[side]["by_year"].values())  # type: ignore[literal-required]
    assert all(isinstance(v, Decimal) for line in data["on_premises"]["lines"]
               for v in line["amounts"].values())
    assert isinstance(data["usage_window"]["from"], date)


def test_properties(tco: cloud_tco.Tco, conversion: cloud_tco.Project) -> None:
    data = tco.to_dict()
    assert tco.name == conversion.name == data["project"]
    assert tco.basis == "average"
    assert tco.years == data["years"] == list(range(2027, 2035))
    assert tco.break_even_year == data["break_even_year"] == 2031
    assert tco.break_even_holds is data["break_even_holds"] is True
    assert tco.npv == data["npv"]
    assert tco.npv["discount_rate_pct"] == Decimal("4.5")
    assert tco.npv["base_year"] == 2027
    assert all(isinstance(tco.npv[k], Decimal) for k in ("cloud", "on_premises", "savings"))  # type: ignore[literal-required]
    assert tco.energy == data["energy"]
    assert tco.energy["power_kw"] == Decimal("2.4")
    assert tco.energy["kwh_saved_by_year"][2028] == Decimal("21024.00")
    assert tco.totals["cloud"] == data["cloud"]["total"]
    assert tco.totals["on_premises"] == data["on_premises"]["total"]
    assert tco.totals["savings"] == data["savings"]["total"]
    assert tco.totals["trees"] == data["energy"]["trees_total"]
    # The cloud side is the project's plan, and adds up to its 총사업비.
    plan = cloud_tco.plan(conversion)
    assert tco.plan.to_json() == plan.to_json()
    assert tco.totals["cloud"] == plan.totals["project_total"]
    assert repr(tco).startswith("Tco(name=") and "break_even_year=2031" in repr(tco)


def test_energy_without_power_draw() -> None:
    d = dict(MINIMAL, on_premises={"facility": {"staff_per_year": 10_000_000}})
    t = cloud_tco.tco(cloud_tco.Project.from_dict(d))
    assert t.energy["power_kw"] is None and t.energy["pue"] is None
    assert t.energy["kwh_saved_total"] == Decimal("0")
    assert "산정하지 않음" in t._repr_html_()


@pytest.mark.parametrize("rate", [Decimal("3.25"), 3.25, "3.25", "+3.25", Decimal("3.250")])
def test_discount_rate_forms(conversion: cloud_tco.Project, rate: Any) -> None:
    expected = cloud_tco.tco(conversion, discount_rate="3.25").npv
    assert cloud_tco.tco(conversion, discount_rate=rate).npv == expected


def test_discount_rate_numpy_scalars(conversion: cloud_tco.Project) -> None:
    import numpy as np

    expected = cloud_tco.tco(conversion, discount_rate=5).npv
    assert cloud_tco.tco(conversion, discount_rate=np.int64(5)).npv == expected
    assert cloud_tco.tco(conversion, discount_rate=np.float64(5.0)).npv == expected


def test_discount_rate_default_and_int(conversion: cloud_tco.Project, tco: cloud_tco.Tco) -> None:
    assert cloud_tco.tco(conversion, discount_rate=Decimal("4.5")).to_json() == tco.to_json()
    assert cloud_tco.tco(conversion, None, None, 4.5).to_json() == tco.to_json()
    assert cloud_tco.tco(conversion, discount_rate=5).npv["discount_rate_pct"] == Decimal("5")
    # A float is read at its shortest decimal form: 0.1 is exactly 0.1, not 0.1000000000000000055…
    assert cloud_tco.tco(conversion, discount_rate=0.1).npv["discount_rate_pct"] == Decimal("0.1")
    import inspect

    assert inspect.signature(cloud_tco.tco).parameters["discount_rate"].default == Decimal("4.5")


def test_to_pandas(tco: cloud_tco.Tco) -> None:
    df = tco.to_pandas()
    data = tco.to_dict()
    assert list(df.index) == ["클라우드", "온프레미스", "절감액 (온프레미스 - 클라우드)", "누적 절감액"]
    assert df.index.name == "구분"
    assert list(df.columns) == data["years"]
    assert all(isinstance(c, int) for c in df.columns)
    assert all(isinstance(v, Decimal) for v in df.to_numpy().ravel())
    for label, series in [
        ("클라우드", data["cloud"]["by_year"]),
        ("온프레미스", data["on_premises"]["by_year"]),
        ("절감액 (온프레미스 - 클라우드)", data["savings"]["by_year"]),
        ("누적 절감액", data["savings"]["cumulative"]),
    ]:
        assert df.loc[label].to_dict() == series, label
    # Exact sums: the cloud row adds up to the cloud total.
    assert df.loc["클라우드"].sum() == data["cloud"]["total"]
    en = tco.to_pandas(lang="en")
    assert list(en.index) == ["Cloud", "On premises", "Saving (on premises - cloud)", "Cumulative saving"]
    assert en.to_numpy().tolist() == df.to_numpy().tolist()


def test_html(tco: cloud_tco.Tco) -> None:
    html = tco._repr_html_()
    assert html.count("<table") == 3
    for text in ["TCO 비교", "평균단가", "클라우드 - 이용료", "클라우드 - 전환비", "클라우드 합계",
                 "온프레미스 - H/W 구매", "온프레미스 - 전력비", "온프레미스 합계",
                 "절감액 (온프레미스 - 클라우드)", "누적 절감액", "손익분기 연도: 2031",
                 "순현재가치", "할인율: 4.5%", "절감 전력량 (kWh)", "식재 효과 (그루)", "PUE 2"]:
        assert text in html, text
    data = tco.to_dict()
    assert f"{data['cloud']['total']:,}" in html  # thousands separators
    assert f"{data['npv']['savings']:,}" in html
    assert f"{data['energy']['trees_total']:,}" in html


def test_plot(tco: cloud_tco.Tco) -> None:
    import matplotlib.pyplot as plt

    ax = tco.plot()
    lines = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert len(lines) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("2031" in label for label in labels)  # the break-even year is marked
    # Cumulative figures, in millions of won by default.
    cloud = [line for line in lines if "loud" in str(line.get_label()) or "클라우드" in str(line.get_label())][0]
    assert cloud.get_ydata()[-1] == pytest.approx(float(tco.totals["cloud"]) / 1e6)
    fig, ax2 = plt.subplots()
    assert tco.plot(ax2, lang="en", unit="won") is ax2
    assert ax2.get_lines()[0].get_ydata()[-1] == pytest.approx(float(tco.totals["on_premises"]))
    with pytest.raises(ValueError, match="unit must be"):
        tco.plot(unit="billion")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lang must be"):
        tco.plot(lang="fr")  # type: ignore[arg-type]
    plt.close("all")


def test_plot_without_matplotlib(tco: cloud_tco.Tco, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "cloud-tco\[plot\]"'):
        tco.plot()


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_bad_on_premises_value_names_file_line_and_field(cli: Path, tmp_path: Path) -> None:
    text = CONVERSION.read_text(encoding="utf-8")
    assert "maintenance_pct = 8 " in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("maintenance_pct = 8 ", "maintenance_pct = -8 "), encoding="utf-8")
    line = next(i for i, l in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1)
                if l.startswith("maintenance_pct = -8"))
    with pytest.raises(cloud_tco.ProjectError) as info:
        cloud_tco.Project.from_toml(bad)
    e = info.value
    assert isinstance(e, ValueError)
    assert (e.file, e.line, e.field) == (str(bad), line, "on_premises.hardware.maintenance_pct")
    run = run_cli(cli, "tco", str(bad), "--format", "json")
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: {e}"


def test_unknown_on_premises_key(tmp_path: Path) -> None:
    text = CONVERSION.read_text(encoding="utf-8").replace("staff_per_year", "staff_per_yr")
    with pytest.raises(cloud_tco.ProjectError) as info:
        cloud_tco.Project.from_toml_str(text)
    assert info.value.field == "on_premises.facility.staff_per_yr"
    assert info.value.line is not None


def test_project_without_on_premises() -> None:
    with pytest.raises(cloud_tco.ProjectError) as info:
        cloud_tco.tco(cloud_tco.Project.from_dict(MINIMAL))
    assert info.value.field == "on_premises"
    assert "[on_premises]" in str(info.value)


@pytest.mark.parametrize("rate", ["-100", "100.01", 250, "abc", "1e3", ""])
def test_discount_rate_out_of_range_or_not_a_number(conversion: cloud_tco.Project, rate: Any) -> None:
    with pytest.raises(cloud_tco.ProjectError) as info:
        cloud_tco.tco(conversion, discount_rate=rate)
    assert isinstance(info.value, ValueError)
    assert info.value.field == "discount_rate"


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")])
def test_discount_rate_not_finite(conversion: cloud_tco.Project, rate: Any) -> None:
    with pytest.raises(ValueError, match="discount_rate must be a finite number"):
        cloud_tco.tco(conversion, discount_rate=rate)


def test_pricing_error(conversion: cloud_tco.Project) -> None:
    with pytest.raises(cloud_tco.PricingError) as info:
        cloud_tco.tco(conversion, basis="provider:Z")
    assert info.value.kind == "unknown_provider"
    with pytest.raises(cloud_tco.PricingError):
        cloud_tco.tco(conversion, basis="cheapest")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"project": 5}, "project must be a cloud_tco.Project"),
        ({"catalog": "default"}, "catalog must be a cloud_tco.Catalog"),
        ({"basis": 1}, "basis must be a str"),
        ({"discount_rate": True}, "discount_rate must be a Decimal, int, str or float, not bool"),
        ({"discount_rate": [4.5]}, "discount_rate must be a Decimal, int, str or float, not list"),
    ],
)
def test_type_errors_name_the_argument(
    conversion: cloud_tco.Project, kwargs: dict[str, Any], message: str
) -> None:
    args = {"project": conversion, **kwargs}
    with pytest.raises(TypeError, match=message):
        cloud_tco.tco(**args)


def test_method_argument_errors(tco: cloud_tco.Tco) -> None:
    with pytest.raises(TypeError, match="lang must be a str"):
        tco.to_pandas(lang=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lang must be"):
        tco.to_string(lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unit must be"):
        tco.to_string(unit="x")  # type: ignore[arg-type]


def test_frame_is_a_plain_dataframe(tco: cloud_tco.Tco) -> None:
    assert isinstance(tco.to_pandas(), pd.DataFrame)
