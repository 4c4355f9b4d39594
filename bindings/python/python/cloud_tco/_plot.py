"""Plan.plot(): stacked bars by fiscal year and budget item (private; needs matplotlib)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

_MISSING = (
    "Plan.plot() draws with matplotlib, which is not installed. "
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
    with plt.rc_context(rc):
        own_figure = ax is None
        if ax is None:
            _, ax = plt.subplots(figsize=(max(6.0, 0.8 * len(years) + 3.5), 4.0))
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
