"""Shapes of the dicts cloud_tco returns (the JSON report of SPEC §6 as Python values).

They are the JSON report's objects with money as ``decimal.Decimal``, fiscal-year keys as
``int`` and the usage window's dates as ``datetime.date``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional, TypedDict, Union

__all__ = ["Amounts", "MidtermTotals", "UsageWindowTotals", "Totals", "Line", "PlanDict"]


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


class PlanDict(TypedDict):
    """The whole JSON report of a plan (``cloud-tco plan --format json``) as Python values."""

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
