"""cloud_tco.sla: the service-level evaluation — the command line's figures, exact numbers, the
indicators as a DataFrame, and SlaError with file, line and field."""

from __future__ import annotations

import copy
import json
import pickle
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import cloud_tco
from cloud_tco import CloudTcoError, SlaError
from conftest import EXAMPLES, run_cli

SLA = EXAMPLES / "sla.toml"

NUMBER_KEYS = {
    "target_max", "target_min", "measured", "weight", "weighted_score", "composite",
    "reduction_pct", "fee", "reduction", "reduced_fee", "S", "A", "B", "C",
}

tomllib = pytest.importorskip("tomllib") if sys.version_info >= (3, 11) else None


def expected_python(value: Any, key: str | None = None) -> Any:
    """The CLI's SLA JSON as the binding promises it: Decimal numbers, the score an int."""
    if isinstance(value, dict):
        return {k: expected_python(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [expected_python(v, key) for v in value]
    if isinstance(value, str) and key in NUMBER_KEYS:
        return Decimal(value)
    if isinstance(value, str) and key == "score":
        return int(value)
    return value


@pytest.fixture(scope="module")
def result() -> cloud_tco.SlaResult:
    return cloud_tco.sla(SLA)


# ---------------------------------------------------------------------------------------------
# Parity with `cloud-tco sla`
# ---------------------------------------------------------------------------------------------


def test_sla_matches_cli_json(cli: Path, result: cloud_tco.SlaResult) -> None:
    run = run_cli(cli, "sla", str(SLA), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert result.to_json() == run.stdout
    assert result.to_dict() == expected_python(json.loads(run.stdout))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_to_string_is_the_cli_table(cli: Path, result: cloud_tco.SlaResult, lang: str) -> None:
    run = run_cli(cli, "sla", str(SLA), "--lang", lang)
    assert run.returncode == 0, run.stderr
    assert result.to_string(lang=lang) == run.stdout  # type: ignore[arg-type]
    if lang == "ko":
        assert str(result) == run.stdout


def test_a_json_file_matches_cli(cli: Path, tmp_path: Path) -> None:
    path = tmp_path / "month.json"
    path.write_text(
        json.dumps({"fee": "5000000", "period": "2026-08", "indicators": [
            {"name": "가용률", "target_max": "99.9", "target_min": "99", "measured": "99.95",
             "direction": "higher", "weight": 60},
            {"name": "응답 시간", "target_max": 1, "target_min": 3, "measured": "2",
             "direction": "lower", "weight": 40}], "penalties": {"B": "2"}}, ensure_ascii=False),
        encoding="utf-8",
    )
    run = run_cli(cli, "sla", str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    r = cloud_tco.sla(path)
    assert r.to_json() == run.stdout
    assert r.name == "month"  # the file's stem
    assert r.weights == "percent"
    assert r.composite == Decimal("92")


# ---------------------------------------------------------------------------------------------
# The other sources: text and dict
# ---------------------------------------------------------------------------------------------


def test_toml_text_json_text_and_dict_agree(result: cloud_tco.SlaResult) -> None:
    text = SLA.read_text(encoding="utf-8")
    assert cloud_tco.sla(toml=text).to_json() == result.to_json()
    if tomllib is not None:
        d = tomllib.loads(text)
        assert cloud_tco.sla(data=d).to_json() == result.to_json()
        assert cloud_tco.sla(json=json.dumps(d, ensure_ascii=False)).to_json() == result.to_json()
    assert cloud_tco.sla(str(SLA)).to_json() == result.to_json()


def test_dict_keeps_decimals_exact() -> None:
    d = {
        "fee": Decimal("12345679"),
        "indicators": [{"name": "보안 패치 적용률", "target_max": 100, "target_min": 90,
                        "measured": Decimal("96.0000000000000000001"), "direction": "higher",
                        "weight": 1}],
        "penalties": {"B": 1.5},  # a float at its shortest decimal form
    }
    r = cloud_tco.sla(data=d)
    assert r.grade == "B"
    assert r.indicators[0]["measured"] == Decimal("96.0000000000000000001")
    # 1.5 % of 12,345,679 is 185,185.185 → 185,185 won (truncated).
    assert r.reduction == Decimal("185185")
    assert r.reduced_fee == Decimal("12160494")
    assert r.name == "sla"


# ---------------------------------------------------------------------------------------------
# Python values
# ---------------------------------------------------------------------------------------------


def test_properties(result: cloud_tco.SlaResult) -> None:
    data = result.to_dict()
    assert result.name == data["name"] == "민원포털 클라우드 SLA"
    assert result.period == data["period"] == "2026-07"
    assert result.weights == "fraction"
    # 70 × 0.3 + 80 × 0.2 + 90 × 0.175 + 60 × 0.15 + 100 × 0.1 + 100 × 0.075 = 79.25 → C.
    assert result.composite == data["composite"] == Decimal("79.25")
    assert result.grade == data["grade"] == "C"
    assert result.grade_bands == data["grade_bands"] == {
        "S": Decimal("100"), "A": Decimal("90"), "B": Decimal("80"), "C": Decimal("70")}
    assert result.reduction_pct == Decimal("3")
    assert result.fee == Decimal("12345670")
    assert result.reduction == Decimal("370370")
    assert result.reduced_fee == Decimal("11975300")
    for name in ("composite", "reduction_pct", "fee", "reduction", "reduced_fee"):
        assert isinstance(getattr(result, name), Decimal), name
    assert result.indicators == data["indicators"]
    first = result.indicators[0]
    assert first["score"] == 70 and isinstance(first["score"], int)
    assert first["thresholds"]["A"] == Decimal("99.815")
    assert "composite=79.25" in repr(result)


def test_no_float_anywhere(result: cloud_tco.SlaResult) -> None:
    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        else:
            assert not isinstance(v, float)

    walk(result.to_dict())


def test_period_absent() -> None:
    text = SLA.read_text(encoding="utf-8").replace('period = "2026-07"\n', "")
    r = cloud_tco.sla(toml=text)
    assert r.period is None
    assert "period" not in r.to_dict()


def test_to_pandas(result: cloud_tco.SlaResult) -> None:
    df = result.to_pandas()
    assert list(df.columns) == [
        "name", "direction", "target_max", "target_min", "measured", "threshold_S", "threshold_A",
        "threshold_B", "threshold_C", "score", "grade", "weight", "weighted_score",
    ]
    assert len(df) == 6
    assert list(df["grade"]) == ["C", "B", "A", "F", "S", "S"]
    assert str(df["score"].dtype) == "Int64"
    for col in ("target_max", "target_min", "measured", "threshold_A", "weight", "weighted_score"):
        assert all(isinstance(v, Decimal) for v in df[col]), col
    # The composite is the exact sum of the weighted scores.
    assert df["weighted_score"].sum() == result.composite
    for row, ind in zip(df.to_dict("records"), result.indicators):
        assert row["threshold_B"] == ind["thresholds"]["B"]
        assert row["measured"] == ind["measured"]
    html = df._repr_html_()
    assert "최대목표(E)" in html and "미흡(C)" in html and "낮을수록 우수" in html
    assert isinstance(df.head(2), pd.DataFrame)


def test_html(result: cloud_tco.SlaResult) -> None:
    html = result._repr_html_()
    assert html.count("<table") == 2
    for text in ["서비스수준 평가 (SLA)", "민원포털 클라우드 SLA", "2026-07", "최대목표(E)", "최소목표(m)",
                 "환산점수", "탁월(S)", "불량(F)", "종합점수", "79.25", "미흡(C)", "감면율", "3%",
                 "12,345,670", "370,370", "11,975,300", "감면 후 이용료"]:
        assert text in html, text


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_sla_error_class() -> None:
    assert issubclass(SlaError, CloudTcoError) and issubclass(SlaError, ValueError)
    assert SlaError.__module__ == "cloud_tco._errors"
    e = SlaError("m", [{"file": "f", "line": 3, "field": "fee", "message": "m", "record": None}])
    for again in (pickle.loads(pickle.dumps(e)), copy.deepcopy(e)):
        assert type(again) is SlaError
        assert (again.file, again.line, again.field) == ("f", 3, "fee")


def test_bad_file_names_line_and_field(cli: Path, tmp_path: Path) -> None:
    text = SLA.read_text(encoding="utf-8")
    assert "weight = 0.2\n" in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("weight = 0.2\n", 'weight = "x"\n'), encoding="utf-8")
    line = bad.read_text(encoding="utf-8").splitlines().index('weight = "x"') + 1
    with pytest.raises(SlaError) as info:
        cloud_tco.sla(bad)
    e = info.value
    assert (e.file, e.line, e.field) == (str(bad), line, "indicators[1].weight")
    run = run_cli(cli, "sla", str(bad))
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: {e}"


def test_every_problem_is_reported(tmp_path: Path) -> None:
    text = SLA.read_text(encoding="utf-8")
    text = text.replace("measured = 2 ", "measurd = 2 ").replace("target_min = 90\n", "target_min = 101\n")
    with pytest.raises(SlaError) as info:
        cloud_tco.sla(toml=text)
    fields = [p["field"] for p in info.value.problems]
    assert "indicators[1].measurd" in fields
    assert all(p["line"] is not None for p in info.value.problems)
    assert pd.DataFrame(info.value.problems).columns.tolist() == ["file", "line", "field", "message", "record"]


def test_weights_must_sum_up() -> None:
    text = SLA.read_text(encoding="utf-8").replace("weight = 0.3\n", "weight = 0.31\n")
    with pytest.raises(SlaError, match="sum"):
        cloud_tco.sla(toml=text)


def test_missing_file() -> None:
    with pytest.raises(SlaError) as info:
        cloud_tco.sla("no-such-sla.toml")
    assert info.value.file == "no-such-sla.toml"
    assert "does not exist" in str(info.value)


def test_dict_errors_name_the_field_without_line() -> None:
    d = {"fee": 1, "indicators": [{"name": "x", "target_max": 1, "target_min": 2, "measured": 1,
                                   "direction": "higher", "weight": 1}]}
    with pytest.raises(SlaError) as info:
        cloud_tco.sla(data=d)
    assert info.value.field == "indicators[0].target_max"
    assert info.value.line is None  # lines of generated JSON would mean nothing


def test_json_text_error_has_the_line() -> None:
    with pytest.raises(SlaError) as info:
        cloud_tco.sla(json='{\n "fee": 1,\n "indicator": []\n}')
    assert (info.value.line, info.value.field) == (3, "indicator")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cloud_tco.sla(), "exactly one source"),
        (lambda: cloud_tco.sla(SLA, toml="fee = 1"), "exactly one source.*got path, toml"),
        (lambda: cloud_tco.sla(5), "path must be a str or os.PathLike"),  # type: ignore[arg-type]
        (lambda: cloud_tco.sla(toml=b"fee = 1"), "toml must be a str"),  # type: ignore[arg-type]
        (lambda: cloud_tco.sla(json=1), "json must be a str"),  # type: ignore[arg-type]
        (lambda: cloud_tco.sla(data=[1]), "data must be a dict"),  # type: ignore[arg-type]
        (lambda: cloud_tco.sla(data={"fee": object()}), "fee: a value of type object"),
        (lambda: cloud_tco.sla(data={1: 2}), "the SLA data: keys must be strings"),
    ],
)
def test_type_errors_name_the_argument(call: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()


def test_method_argument_errors(result: cloud_tco.SlaResult) -> None:
    with pytest.raises(ValueError, match="lang must be"):
        result.to_string(lang="fr")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lang must be a str"):
        result.to_string(lang=2)  # type: ignore[arg-type]
