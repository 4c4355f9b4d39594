"""Shapes of the dicts cloud_tco returns (the JSON report of SPEC §6 as Python values).

They are the JSON report's objects with money as ``decimal.Decimal``, fiscal-year keys as
``int`` and the usage window's dates as ``datetime.date``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional, TypedDict, Union

__all__ = [
    "Amounts",
    "MidtermTotals",
    "UsageWindowTotals",
    "Totals",
    "Line",
    "PreConsultation",
    "PlanDict",
    "TcoSeries",
    "OnPremisesLine",
    "OnPremisesSeries",
    "Npv",
    "Energy",
    "TcoTotals",
    "TcoDict",
    "GradeThresholds",
    "SlaIndicator",
    "SlaDict",
]


class Amounts(TypedDict):
    """Amounts of one fiscal year (or a sum of years) by budget item, in whole won."""

    usage_fee: Decimal
    """이용료."""
    conversion: Decimal
    """전환비."""
    sw_build: Decimal
    """SW 구축비."""
    other: Decimal
    """기타."""
    total: Decimal
    vat: Decimal
    total_with_vat: Decimal


MidtermTotals = TypedDict(
    "MidtermTotals",
    {
        "from": int,
        "to": int,
        "usage_fee": Decimal,
        "conversion": Decimal,
        "sw_build": Decimal,
        "other": Decimal,
        "total": Decimal,
        "vat": Decimal,
        "total_with_vat": Decimal,
    },
)
"""The mid-term financial plan (중기재정계획): sums over its fiscal years ``from`` … ``to``."""

UsageWindowTotals = TypedDict(
    "UsageWindowTotals",
    {
        "from": datetime.date,
        "to": datetime.date,
        "usage_fee": Decimal,
        "usage_fee_with_vat": Decimal,
    },
)
"""Usage fees over the whole usage window (7년 이용료 규모); ``to`` is the last day of use."""


class Totals(TypedDict):
    """All totals of a plan (SPEC §6)."""

    by_year: Dict[int, Amounts]
    midterm: MidtermTotals
    usage_window: UsageWindowTotals
    project_total: Decimal
    """총사업비 over all reported years, VAT excluded."""
    project_total_with_vat: Decimal


class Line(TypedDict):
    """One line of a plan: a priced resource or an entered cost.

    ``unit_price`` and ``quantity`` are a dict keyed by year when they change by year (growth);
    they are ``None`` for cost lines.
    """

    budget_item: str
    category: str
    name: str
    item: str
    unit: Optional[str]
    unit_price: Union[Decimal, Dict[int, Decimal], None]
    quantity: Union[Decimal, Dict[int, Decimal], None]
    amounts: Dict[int, Decimal]
    source: str
    provenance: Union[List[Dict[str, Any]], Dict[int, List[Dict[str, Any]]], None]


class PreConsultation(TypedDict):
    """The pre-consultation check (정보화사업 사전협의, guide §4.3.1) of a plan whose project names
    its ``institution``: information for the analyst, never an error."""

    institution: str
    """``central`` (중앙행정기관), ``metropolitan`` (광역자치단체) or ``local`` (기초자치단체)."""
    threshold: Decimal
    """The institution's threshold, won."""
    amount: Decimal
    """사업금액: the largest fiscal year's total with VAT, whole won."""
    amount_excl_vat: Decimal
    year: int
    """The fiscal year of ``amount``."""
    reaches_threshold: bool
    required: bool
    """Whether pre-consultation is required (a conversion may skip it: ``False``)."""
    reason: str
    """``new_project``, ``amount_at_or_above_threshold``, ``amount_below_threshold`` or
    ``exempt_conversion``."""
    note: str
    """A Korean sentence with the figures compared."""


class _PlanDictBase(TypedDict):

    project: str
    kind: str
    service_model: str
    basis: str
    currency: str
    budget_year: int
    vat_pct: Decimal
    discount_pct: Decimal
    price_escalation_pct: Decimal
    years: List[int]
    lines: List[Line]
    totals: Totals


class PlanDict(_PlanDictBase, total=False):
    """The whole JSON report of a plan (``cloud-tco plan --format json``) as Python values.

    ``pre_consultation`` is present only when the project names its ``institution``.
    """

    pre_consultation: PreConsultation


# ---------------------------------------------------------------------------------------------
# TCO against staying on premises (cloud-tco tco --format json)
# ---------------------------------------------------------------------------------------------


class TcoSeries(TypedDict):
    """One side (or the saving) by fiscal year, its running sum and its total, whole won."""

    by_year: Dict[int, Decimal]
    cumulative: Dict[int, Decimal]
    total: Decimal


class OnPremisesLine(TypedDict):
    """One on-premises line: H/W 구매, H/W 유지보수, S/W 라이선스, … with its yearly amounts."""

    item: str
    """``hardware_purchase``, ``hardware_maintenance``, ``software_license``,
    ``software_maintenance``, ``electricity``, ``space``, ``staff`` or ``other``."""
    name: str
    source: str
    """The project field it comes from, e.g. ``on_premises.hardware.purchase_amount``."""
    amounts: Dict[int, Decimal]
    total: Decimal


class OnPremisesSeries(TcoSeries):
    """The on-premises side, with its lines."""

    lines: List[OnPremisesLine]


class Npv(TypedDict):
    """Net present values discounted to ``base_year`` (the budget year), whole won."""

    discount_rate_pct: Decimal
    base_year: int
    cloud: Decimal
    on_premises: Decimal
    savings: Decimal


class Energy(TypedDict):
    """Electricity no longer drawn and its tree-planting equivalent (guide §5.5.4).

    The inputs are ``None`` when the project gives no power draw (every figure is then 0).
    kWh have 2 decimals, trees 4.
    """

    power_kw: Optional[Decimal]
    pue: Optional[Decimal]
    hours_per_year: Optional[Decimal]
    trees_per_kwh: Decimal
    kwh_saved_by_year: Dict[int, Decimal]
    trees_by_year: Dict[int, Decimal]
    facility_kwh_by_year: Dict[int, Decimal]
    kwh_saved_total: Decimal
    trees_total: Decimal
    facility_kwh_total: Decimal


class TcoTotals(TypedDict):
    """Sums over the compared years (``Tco.totals``)."""

    cloud: Decimal
    on_premises: Decimal
    savings: Decimal
    kwh_saved: Decimal
    facility_kwh: Decimal
    trees: Decimal


UsageWindow = TypedDict("UsageWindow", {"from": datetime.date, "to": datetime.date})


class TcoDict(TypedDict):
    """The whole JSON report of ``cloud-tco tco --format json`` as Python values."""

    project: str
    kind: str
    basis: str
    currency: str
    vat: str
    """Always ``excluded``: both sides are compared without VAT."""
    budget_year: int
    usage_window: UsageWindow
    years: List[int]
    cloud: TcoSeries
    on_premises: OnPremisesSeries
    savings: TcoSeries
    break_even_year: Optional[int]
    break_even_holds: bool
    npv: Npv
    energy: Energy


# ---------------------------------------------------------------------------------------------
# SLA evaluation (cloud-tco sla --format json)
# ---------------------------------------------------------------------------------------------

GradeThresholds = TypedDict(
    "GradeThresholds", {"S": Decimal, "A": Decimal, "B": Decimal, "C": Decimal}
)
"""Where each grade begins (an indicator's thresholds, or the composite grade bands)."""


class SlaIndicator(TypedDict):
    """One indicator of an SLA evaluation and its result."""

    name: str
    direction: str
    """``higher`` or ``lower`` (which measured values are better)."""
    target_max: Decimal
    """E, 최대목표수준."""
    target_min: Decimal
    """m, 최소목표수준."""
    measured: Decimal
    weight: Decimal
    thresholds: GradeThresholds
    score: int
    """평가점수: 100, 90, 80, 70 or 60."""
    grade: str
    """``S``, ``A``, ``B``, ``C`` or ``F``."""
    weighted_score: Decimal
    """환산점수."""


class _SlaDictBase(TypedDict):
    name: str
    currency: str
    weights: str
    indicators: List[SlaIndicator]
    composite: Decimal
    grade: str
    grade_bands: GradeThresholds
    reduction_pct: Decimal
    fee: Decimal
    reduction: Decimal
    reduced_fee: Decimal


class SlaDict(_SlaDictBase, total=False):
    """The whole JSON report of ``cloud-tco sla --format json`` as Python values; ``period`` is
    present only when the file gives it."""

    period: str
