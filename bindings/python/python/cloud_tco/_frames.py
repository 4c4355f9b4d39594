"""pandas objects and Jupyter HTML for cloud_tco (private).

The Rust extension computes every figure and hands over plain rows of ``decimal.Decimal``; this
module only arranges them in DataFrames and renders HTML. It does no arithmetic on money.
"""

from __future__ import annotations

import functools
import html
from decimal import Decimal
from typing import Any, Iterable, Mapping, Optional, Sequence

import pandas as pd

# The core's report module gives every label (the same words as the command line), except the
# Korean names of the catalog's units, which it keeps private.
UNIT_KO = {"vm_month": "대/월", "gb_month": "GB/월", "each_month": "개/월", "gb": "GB"}


def money(value: Any) -> str:
    """Thousands separators, every digit kept: ``Decimal("1234567.50")`` → ``1,234,567.50``."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, bool):
        return "예" if value else "아니오"
    if isinstance(value, (Decimal, int)):
        return f"{value:,}"
    return str(value)


def _column(values: list[Any]) -> pd.Series:
    """A column that keeps ``Decimal`` and ``None`` as they are (object dtype); text, ints and
    bools get pandas' own dtypes (ints with gaps: nullable ``Int64``)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pd.Series(values, dtype=object if len(present) < len(values) else bool)
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="Int64")
    if present and all(isinstance(v, str) for v in present) and len(present) == len(values):
        return pd.Series(values)
    return pd.Series(values, dtype=object)


def frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame of ``records`` with exactly ``columns``; absent keys are ``None``."""
    data = {c: _column([r.get(c) for r in records]) for c in columns}
    return pd.DataFrame(data, columns=list(columns))


# ---------------------------------------------------------------------------------------------
# DataFrames that render in Korean
# ---------------------------------------------------------------------------------------------


class TcoFrame(pd.DataFrame):
    """A pandas DataFrame that renders in Jupyter with Korean labels and thousands separators.

    It adds nothing else: every operation on it returns a plain ``pandas.DataFrame``.
    """

    _metadata = ["_tco_render"]

    @property
    def _constructor(self) -> Any:
        return pd.DataFrame

    def _repr_html_(self) -> Optional[str]:
        pandas_html: Any = getattr(pd.DataFrame, "_repr_html_")
        render = getattr(self, "_tco_render", None)
        if render is None:
            return pandas_html(self)  # type: ignore[no-any-return]
        try:
            return render(self)  # type: ignore[no-any-return]
        except Exception:  # a frame edited in place: fall back to pandas' own rendering
            return pandas_html(self)  # type: ignore[no-any-return]


def _labelled(df: pd.DataFrame, render: Any) -> TcoFrame:
    out = TcoFrame(df)
    object.__setattr__(out, "_tco_render", render)
    out.attrs.update(df.attrs)
    return out


_STYLE = (
    "<style>"
    ".cloud-tco td.num, .cloud-tco th.num {text-align: right; font-variant-numeric: tabular-nums;}"
    ".cloud-tco tr.sum td, .cloud-tco tr.sum th {font-weight: bold;}"
    ".cloud-tco .mid {background: rgba(66, 133, 244, 0.08);}"
    ".cloud-tco caption {caption-side: top; text-align: left;}"
    ".cloud-tco tr.rule td, .cloud-tco tr.rule th {border-top: 1px solid currentColor;}"
    "</style>"
)


def _table(
    head: Sequence[tuple[str, bool]],
    rows: Iterable[tuple[Sequence[tuple[str, bool]], str]],
    caption: str = "",
    mid_columns: Iterable[int] = (),
) -> str:
    """HTML table; cells are (text, numeric) and already formatted; rows carry a CSS class."""
    mids = set(mid_columns)

    def cls(i: int, num: bool) -> str:
        names = (["num"] if num else []) + (["mid"] if i in mids else [])
        return f' class="{" ".join(names)}"' if names else ""

    out = ['<table class="dataframe cloud-tco">']
    if caption:
        out.append(f"<caption>{caption}</caption>")
    out.append("<thead><tr>")
    out += [f"<th{cls(i, num)}>{html.escape(text)}</th>" for i, (text, num) in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for cells, row_class in rows:
        out.append(f'<tr class="{row_class}">' if row_class else "<tr>")
        for i, (text, num) in enumerate(cells):
            tag = "th" if i == 0 else "td"
            out.append(f"<{tag}{cls(i, num)}>{html.escape(text)}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------------------------

CATALOG_COLUMNS = [
    "provider",
    "category",
    "item",
    "unit",
    "price",
    "vcpu",
    "memory_gb",
    "disk_gb",
    "included_gb",
    "included_per",
    "note",
    "source",
]


def catalog_frame(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    return frame(records, CATALOG_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Price table
# ---------------------------------------------------------------------------------------------


def _render_prices(df: pd.DataFrame, labels: Mapping[str, Any]) -> str:
    basis = df.attrs["basis"]
    basis_title = labels["basis"]
    categories = labels["categories"]
    flavors = df.attrs.get("flavors", {})
    providers = [p for p in df.attrs.get("providers", []) if p in df.columns]
    head = [("구분", False), ("항목", False), ("단위", False)]
    head += [(p, True) for p in providers] + [(basis_title, True)]
    rows = []
    for _, r in df.iterrows():
        cells = [
            (categories.get(r["category"], str(r["category"])), False),
            (str(r["item"]), False),
            (UNIT_KO.get(r["unit"], str(r["unit"])), False),
        ]
        matched = flavors.get(r["item"], {}) if r["category"] == "server" else {}
        for p in providers:
            text = money(r[p])
            if text and matched.get(p):
                text = f"{matched[p]} {text}"
            cells.append((text, True))
        cells.append((money(r[basis]), True))
        rows.append((cells, ""))
    caption = (
        f"<strong>이용료 단가표</strong> — 단가 기준: {html.escape(basis_title)} "
        "(단위: 원, 부가세 별도; 기준 단가는 소수 둘째 자리에서 반올림)"
    )
    return _STYLE + _table(head, rows, caption, mid_columns=[len(head) - 1])


def prices_frame(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    basis: str,
    providers: Sequence[str],
    flavors: Mapping[str, Mapping[str, Optional[str]]],
    labels: Mapping[str, Any],
) -> pd.DataFrame:
    df = frame(records, columns)
    df.attrs["basis"] = basis
    df.attrs["providers"] = list(providers)
    df.attrs["flavors"] = {k: dict(v) for k, v in flavors.items()}
    return _labelled(df, functools.partial(_render_prices, labels=labels))


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------

COMPARE_LABELS = {
    "midterm_usage_fee": "중기 이용료",
    "midterm_total": "중기 합계",
    "midterm_vat": "중기 부가세",
    "midterm_total_with_vat": "중기 합계(부가세 포함)",
    "usage_window_usage_fee": "이용기간 이용료",
    "usage_window_usage_fee_with_vat": "이용기간 이용료(부가세 포함)",
    "project_total": "총사업비",
    "project_total_with_vat": "총사업비(부가세 포함)",
}


def _render_compare(df: pd.DataFrame, labels: Mapping[str, str]) -> str:
    money_columns = [c for c in COMPARE_LABELS if c in df.columns]
    head = [("단가 기준", False)] + [(COMPARE_LABELS[c], True) for c in money_columns]
    has_note = "note" in df.columns and df["note"].notna().any()
    if has_note:
        head.append(("비고", False))
    rows = []
    for basis, r in df.iterrows():
        cells = [(labels.get(str(basis), str(basis)), False)]
        cells += [(money(r[c]), True) for c in money_columns]
        if has_note:
            note = money(r["note"])
            priced = bool(r["priced"]) if "priced" in df.columns else True
            cells.append((f"산정 불가: {note}" if note and not priced else note, False))
        rows.append((cells, ""))
    project = df.attrs.get("project", "")
    span = ""
    if "midterm_from" in df.attrs:
        span = f" · 중기재정계획 {df.attrs['midterm_from']}~{df.attrs['midterm_to']}"
    caption = (
        f"<strong>공급자별 비교</strong> — {html.escape(str(project))}{span} (단위: 원)"
    )
    return _STYLE + _table(head, rows, caption)


def compare_frame(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    meta: Mapping[str, Any],
    labels: Mapping[str, str],
) -> pd.DataFrame:
    df = frame(records, columns).set_index("basis")
    df.attrs.update(meta)
    return _labelled(df, functools.partial(_render_compare, labels=dict(labels)))


# ---------------------------------------------------------------------------------------------
# Plan
# ---------------------------------------------------------------------------------------------


def plan_wide_frame(
    index: Sequence[str],
    columns: Sequence[Any],
    values: Sequence[Sequence[Decimal]],
    index_name: str,
) -> pd.DataFrame:
    return pd.DataFrame(
        [list(row) for row in values],
        index=pd.Index(list(index), name=index_name, dtype=object),
        columns=pd.Index(list(columns), dtype=object),
        dtype=object,
    )


def plan_long_frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    return frame(records, columns)


_SUM_ROWS = {"이용료 소계", "합계", "합계(부가세 포함)"}


def plan_html(plan: Any) -> str:
    data = plan.to_dict()
    totals = data["totals"]
    mid, window = totals["midterm"], totals["usage_window"]
    wide = plan.to_pandas()
    years = [c for c in wide.columns if isinstance(c, int)]
    mid_idx = [i + 1 for i, y in enumerate(years) if mid["from"] <= y <= mid["to"]]
    head = [("예산항목", False)] + [(str(c), True) for c in wide.columns]
    rows = []
    for label, r in wide.iterrows():
        cells = [(str(label), False)] + [(money(v), True) for v in r.tolist()]
        rows.append((cells, "sum" if label in _SUM_ROWS else ""))
    labels = plan._labels()
    n_years = labels["usage_years"]
    title = (
        f"<strong>중기재정계획</strong> — {html.escape(data['project'])} · "
        f"사업 유형: {labels['kind']} · 단가 기준: {html.escape(labels['basis'])} · "
        f"예산요구연도: {data['budget_year']} · 이용 기간: {window['from']} ~ {window['to']} "
        f"(단위: 원, 부가세 별도; 음영: 중기재정계획 {mid['from']}~{mid['to']})"
    )
    if "pre_consultation_status" in labels:
        # Information, never an error: the line of `cloud-tco plan` (사전협의, guide §4.3.1).
        title += (
            f"<br>사전협의 대상 여부: <strong>{html.escape(labels['pre_consultation_status'])}</strong>"
            f" — {html.escape(labels['pre_consultation_note'])}"
        )
    table = _table(head, rows, title, mid_columns=mid_idx)
    summary_rows = [
        (
            [
                (f"중기재정계획 {mid['from']}~{mid['to']}", False),
                (money(mid["total"]), True),
                (money(mid["total_with_vat"]), True),
            ],
            "",
        ),
        (
            [
                (f"{n_years}년 이용료 규모 {window['from']} ~ {window['to']}", False),
                (money(window["usage_fee"]), True),
                (money(window["usage_fee_with_vat"]), True),
            ],
            "",
        ),
        (
            [
                ("총사업비", False),
                (money(totals["project_total"]), True),
                (money(totals["project_total_with_vat"]), True),
            ],
            "sum",
        ),
    ]
    summary = _table(
        [("구분", False), ("부가세 별도", True), ("부가세 포함", True)], summary_rows, "<strong>요약</strong>"
    )
    return f'<div class="cloud-tco-plan">{_STYLE}{table}<br>{summary}</div>'


# ---------------------------------------------------------------------------------------------
# TCO against staying on premises
# ---------------------------------------------------------------------------------------------


def tco_html(tco: Any) -> str:
    data = tco.to_dict()
    form = tco._form()
    years = list(data["years"])
    window, npv, energy = data["usage_window"], data["npv"], data["energy"]
    rate = f"{npv['discount_rate_pct']}%"
    head = [("구분", False)] + [(str(y), True) for y in years] + [("합계", True)]
    rows = []
    for label, values, total, style in form["rows"]:
        cells = [(str(label), False)] + [(money(v), True) for v in values]
        cells.append((money(total), True))
        rows.append((cells, style))
    n = form["usage_years"]
    title = (
        f"<strong>{n if n is not None else '-'}년 TCO 비교: 클라우드 대 온프레미스 유지</strong> "
        f"(비용효율성, 레거시 기준) — {html.escape(data['project'])} · "
        f"단가 기준: {html.escape(form['basis'])} · 이용 기간: {window['from']} ~ {window['to']} · "
        f"할인율: {rate} (기준연도 {npv['base_year']}) (단위: 원, 부가세 별도)"
    )
    table = _table(head, rows, title)
    break_even = f"<p><strong>{html.escape(form['break_even'])}</strong></p>"
    npv_rows = [
        ([("클라우드", False), (money(npv["cloud"]), True)], ""),
        ([("온프레미스", False), (money(npv["on_premises"]), True)], ""),
        ([("절감액", False), (money(npv["savings"]), True)], "sum"),
    ]
    npv_table = _table(
        [("구분", False), ("금액", True)],
        npv_rows,
        f"<strong>순현재가치 (NPV, 할인율 {rate}, {npv['base_year']}년 기준)</strong>",
    )
    energy_title = "<strong>에너지·탄소 저감</strong> (안내서 §5.5.4: 서버 전력 기준, 1kWh당 0.07그루)"
    if energy["power_kw"] is None:
        energy_part = f"<p>{energy_title}: 전력 사용량(power_kw)이 없어 산정하지 않음</p>"
    else:
        energy_rows = []
        for label, key in (
            ("절감 전력량 (kWh)", "kwh_saved"),
            ("식재 효과 (그루)", "trees"),
            (f"전산실 전력량 (kWh, PUE {energy['pue']})", "facility_kwh"),
        ):
            by_year = energy[f"{key}_by_year"]
            cells = [(label, False)] + [(money(by_year.get(y)), True) for y in years]
            cells.append((money(energy[f"{key}_total"]), True))
            energy_rows.append((cells, ""))
        energy_part = _table(head, energy_rows, energy_title)
    return (
        f'<div class="cloud-tco-tco">{_STYLE}{table}{break_even}{npv_table}<br>{energy_part}</div>'
    )


# ---------------------------------------------------------------------------------------------
# SLA evaluation
# ---------------------------------------------------------------------------------------------

SLA_TITLES = {
    "name": "지표",
    "direction": "방향",
    "target_max": "최대목표(E)",
    "target_min": "최소목표(m)",
    "measured": "측정값",
    "threshold_S": "S 기준",
    "threshold_A": "A 기준",
    "threshold_B": "B 기준",
    "threshold_C": "C 기준",
    "score": "점수",
    "grade": "등급",
    "weight": "가중치",
    "weighted_score": "환산점수",
}


def _render_sla(df: pd.DataFrame, labels: Mapping[str, Any]) -> str:
    columns = [c for c in SLA_TITLES if c in df.columns]
    head = [(SLA_TITLES[c], c not in ("name", "direction", "grade")) for c in columns]
    grades, directions = labels["grades"], labels["directions"]
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in columns:
            v = r[c]
            if c == "grade":
                cells.append((grades.get(v, money(v)), False))
            elif c == "direction":
                cells.append((directions.get(v, money(v)), False))
            else:
                cells.append((money(v), c != "name"))
        rows.append((cells, ""))
    return _STYLE + _table(head, rows, "<strong>서비스수준 평가 지표</strong>")


def sla_frame(
    data: Mapping[str, Sequence[Any]], columns: Sequence[str], labels: Mapping[str, Any]
) -> pd.DataFrame:
    df = pd.DataFrame({c: _column(list(data[c])) for c in columns}, columns=list(columns))
    return _labelled(df, functools.partial(_render_sla, labels=labels))


def sla_html(result: Any) -> str:
    data = result.to_dict()
    labels = result._labels()
    grades = labels["grades"]
    info = [f"평가명: {html.escape(data['name'])}"]
    if data.get("period") is not None:
        info.append(f"평가 기간: {html.escape(data['period'])}")
    info.append(
        "가중치: 비율 (합계 1)" if data["weights"] == "fraction" else "가중치: 백분율 (합계 100%)"
    )
    frame_html = _render_sla(result.to_pandas(), labels)
    rule = (
        "<p>등급 기준(안내서 §5.5.2): S ≥ E, A ≥ m+(E−m)×0.7, B ≥ m+(E−m)×0.3, C ≥ m, F &lt; m "
        "(낮을수록 우수한 지표는 부등호 반대)</p>"
    )
    bands = data["grade_bands"]
    band_text = ", ".join(f"{g} ≥ {money(bands[g])}" for g in ("S", "A", "B", "C"))
    summary_rows = [
        ([("종합점수", False), (money(data["composite"]), True)], "sum"),
        ([("종합등급", False), (f"{grades[data['grade']]} [{band_text}]", True)], "sum"),
        ([("감면율", False), (f"{money(data['reduction_pct'])}%", True)], ""),
        ([("이용료", False), (money(data["fee"]), True)], ""),
        ([("감면액", False), (money(data["reduction"]), True)], ""),
        ([("감면 후 이용료", False), (money(data["reduced_fee"]), True)], "sum"),
    ]
    summary = _table(
        [("구분", False), ("값", True)], summary_rows, "<strong>종합평가</strong> (단위: 원)"
    )
    title = f"<p><strong>서비스수준 평가 (SLA)</strong> — {' · '.join(info)}</p>"
    return f'<div class="cloud-tco-sla">{title}{frame_html}{rule}{summary}</div>'
