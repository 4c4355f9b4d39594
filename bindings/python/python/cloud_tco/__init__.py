"""cloud_tco — exact cloud cost estimation for Korean public institutions.

The engine of the ``cloud-tco`` command line, for Python and Jupyter: provider unit prices
combined into a reference price (평균단가), priced by fiscal year into the mid-term financial plan
(중기재정계획), the usage-fee scale over the usage window (7년 이용료 규모) and the project total
(총사업비), following 「행정·공공기관 클라우드컴퓨팅서비스 이용안내서」.

Beside plans: the 7-year TCO against staying on premises (``tco``), the service-level
evaluation (``sla``) and the repricing of many projects at once (``batch``).

Money is ``decimal.Decimal`` (whole won; unit prices with two decimals), never ``float``::

    import cloud_tco
    project = cloud_tco.Project.from_toml("data/examples/guide-conversion.toml")
    plan = cloud_tco.plan(project)          # the embedded catalog, 평균단가
    plan                                    # in Jupyter: the 중기재정계획 table
    plan.totals["midterm"]["total_with_vat"]
"""

from __future__ import annotations

from ._api import tco
from ._cloud_tco import (
    Catalog,
    Plan,
    Project,
    SlaResult,
    Tco,
    __version__,
    batch,
    compare,
    plan,
    plan_many,
    prices,
    sla,
)
from ._errors import (
    CatalogError,
    CloudTcoError,
    PricingError,
    Problem,
    ProjectError,
    ReportError,
    SlaError,
    TooLargeError,
)
from ._types import (
    Amounts,
    Energy,
    Line,
    MidtermTotals,
    Npv,
    PlanDict,
    PreConsultation,
    SlaDict,
    SlaIndicator,
    TcoDict,
    TcoTotals,
    Totals,
    UsageWindowTotals,
)

__all__ = [
    "Catalog",
    "Project",
    "Plan",
    "prices",
    "plan",
    "plan_many",
    "compare",
    "tco",
    "Tco",
    "sla",
    "SlaResult",
    "batch",
    "CloudTcoError",
    "CatalogError",
    "ProjectError",
    "PricingError",
    "TooLargeError",
    "ReportError",
    "SlaError",
    "Problem",
    "Amounts",
    "MidtermTotals",
    "UsageWindowTotals",
    "Totals",
    "Line",
    "PlanDict",
    "PreConsultation",
    "TcoDict",
    "TcoTotals",
    "Npv",
    "Energy",
    "SlaDict",
    "SlaIndicator",
    "__version__",
]
