"""Plan.plot() and Tco.plot() (private; needs matplotlib): stacked bars by fiscal year and budget
item, and the cumulative costs of the cloud and of staying on premises."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

_MISSING = (
    "plot() draws with matplotlib, which is not installed. "
    'Install the plot extra: pip install "cloud-tco[plot]" (or: pip install matplotlib).'
)

# Fonts with Hangul, most common first (Windows, macOS, Linux packages).
_HANGUL_FONTS = (
    "Malgun Gothic",
    "AppleGothic",
    "Apple SD Gothic Neo",
    "NanumGothic",
    "NanumBarunGothic",
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Source Han Sans KR",
    "Noto Sans CJK JP",
    "UnDotum",
    "Baekmuk Gulim",
)

_ITEMS = (
    ("usage_fee", "이용료", "Usage fee"),
    ("conversion", "전환비", "Conversion"),
    ("sw_build", "SW 구축비", "SW build"),
    ("other", "기타", "Other"),
)

_UNITS = {
    "won": (Decimal(1), "원", "KRW"),
    "thousand": (Decimal(1000), "천원", "thousand KRW"),
    "million": (Decimal(1_000_000), "백만원", "million KRW"),
}


def hangul_font() -> Optional[str]:
    """The name of an installed font that has Hangul, if any."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in _HANGUL_FONTS if n in names), None)


def _new_axes(plt: Any, n_years: int) -> Any:
    """A new figure's Axes, sized for `n_years` fiscal years.

    Made outside ``plt.rc_context``: the first figure of a session may switch pyplot's backend
    (Jupyter's inline backend then turns interactive mode on), and leaving the context would
    restore ``rcParams["interactive"]`` — after which Jupyter no longer shows new charts.
    """
    _, ax = plt.subplots(figsize=(max(6.0, 0.8 * n_years + 3.5), 4.0))
    return ax


def plot_plan(plan: Any, ax: Any = None, lang: Optional[str] = None, unit: str = "million") -> Any:
    try:
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter
    except ImportError as e:
        raise ImportError(_MISSING) from e

    font = hangul_font()
    if lang is None:
        lang = "ko" if font else "en"
    ko = lang == "ko"
    divisor, unit_ko, unit_en = _UNITS[unit]
    by_year = plan.totals["by_year"]
    mid = plan.totals["midterm"]
    years = list(plan.years)
    labels = [str(y) for y in years]

    rc: dict[Any, Any] = {"font.family": [font, "sans-serif"]} if (ko and font) else {}
    own_figure = ax is None
    ax = _new_axes(plt, len(years)) if ax is None else ax
    with plt.rc_context(rc):
        bottom = [0.0] * len(years)
        for key, label_ko, label_en in _ITEMS:
            # Floats for drawing only: the figures themselves stay Decimal.
            heights = [float(by_year[y][key] / divisor) for y in years]
            if not any(heights):
                continue
            ax.bar(labels, heights, bottom=bottom, label=label_ko if ko else label_en)
            bottom = [b + h for b, h in zip(bottom, heights)]
        inside = [i for i, y in enumerate(years) if mid["from"] <= y <= mid["to"]]
        if inside:
            ax.axvspan(
                inside[0] - 0.5,
                inside[-1] + 0.5,
                color="tab:blue",
                alpha=0.07,
                label="중기재정계획" if ko else "Mid-term plan",
            )
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        # Without a Hangul font a Korean name would draw as boxes; leave it out then.
        name = plan.name if (font or plan.name.isascii()) else ""
        prefix = f"{name} — " if name else ""
        if ko:
            ax.set_xlabel("회계연도")
            ax.set_ylabel(f"금액 ({unit_ko}, 부가세 별도)")
            ax.set_title(f"{prefix}연도별 예산 (중기재정계획 {mid['from']}–{mid['to']})")
        else:
            ax.set_xlabel("Fiscal year")
            ax.set_ylabel(f"Amount ({unit_en}, VAT excluded)")
            ax.set_title(f"{prefix}Budget by fiscal year (mid-term {mid['from']}–{mid['to']})")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        if own_figure:
            ax.figure.tight_layout()
    return ax


def plot_tco(tco: Any, ax: Any = None, lang: Optional[str] = None, unit: str = "million") -> Any:
    """Cumulative cost by fiscal year, cloud against on premises, the break-even year marked."""
    try:
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter
    except ImportError as e:
        raise ImportError(_MISSING) from e

    font = hangul_font()
    if lang is None:
        lang = "ko" if font else "en"
    ko = lang == "ko"
    divisor, unit_ko, unit_en = _UNITS[unit]
    data = tco.to_dict()
    years = list(data["years"])
    labels = [str(y) for y in years]
    # Floats for drawing only: the figures themselves stay Decimal.
    cloud = [float(data["cloud"]["cumulative"][y] / divisor) for y in years]
    on_prem = [float(data["on_premises"]["cumulative"][y] / divisor) for y in years]
    break_even = data["break_even_year"]

    rc: dict[Any, Any] = {"font.family": [font, "sans-serif"]} if (ko and font) else {}
    own_figure = ax is None
    ax = _new_axes(plt, len(years)) if ax is None else ax
    with plt.rc_context(rc):
        ax.plot(labels, on_prem, marker="s", color="tab:gray",
                label="온프레미스 유지 (누적)" if ko else "On premises (cumulative)")
        ax.plot(labels, cloud, marker="o", color="tab:blue",
                label="클라우드 (누적)" if ko else "Cloud (cumulative)")
        if break_even is not None and break_even in years:
            if data["break_even_holds"]:
                mark = f"손익분기 {break_even}" if ko else f"Break-even {break_even}"
            else:
                mark = (
                    f"손익분기 {break_even} (이후 역전)"
                    if ko
                    else f"Break-even {break_even} (turns back later)"
                )
            ax.axvline(
                years.index(break_even), color="tab:green", linestyle="--", linewidth=1.2,
                label=mark,
            )
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        name = tco.name if (font or tco.name.isascii()) else ""
        prefix = f"{name} — " if name else ""
        if ko:
            ax.set_xlabel("회계연도")
            ax.set_ylabel(f"누적 비용 ({unit_ko}, 부가세 별도)")
            ax.set_title(f"{prefix}누적 비용: 클라우드 대 온프레미스")
        else:
            ax.set_xlabel("Fiscal year")
            ax.set_ylabel(f"Cumulative cost ({unit_en}, VAT excluded)")
            ax.set_title(f"{prefix}Cumulative cost: cloud vs on premises")
        ax.legend(loc="upper left", frameon=False)
        if own_figure:
            ax.figure.tight_layout()
    return ax
