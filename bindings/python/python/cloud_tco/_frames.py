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
