"""Python-level entry points of cloud_tco whose signatures the compiled core cannot state
(private).

``tco`` shows its default discount rate as ``Decimal("4.5")``, which a compiled function's
signature cannot hold; it calls the compiled ``tco`` and adds nothing else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional, Union

from . import _cloud_tco
from ._cloud_tco import Catalog, Project, Tco

__all__ = ["tco"]

DEFAULT_DISCOUNT_RATE = Decimal("4.5")
"""The social discount rate of Korean preliminary feasibility studies (예비타당성조사, 2017), %."""


def tco(
    project: Project,
    catalog: Optional[Catalog] = None,
    basis: Optional[str] = None,
    discount_rate: Union[Decimal, int, str, float] = DEFAULT_DISCOUNT_RATE,
) -> Tco:
    """The TCO comparison of a project against staying on premises, as ``cloud-tco tco``.

    The cloud side is priced as :func:`cloud_tco.plan` does (``catalog=None``: the embedded
    catalog; ``basis`` overrides the project's own); the project's ``[on_premises]`` section is
    costed over the same fiscal years; the net present values are discounted to the budget year at
    ``discount_rate`` percent — default 4.5, the social discount rate of Korean preliminary
    feasibility studies. The rate may be a ``Decimal``, ``int``, ``str`` or ``float`` (read at its
    shortest decimal form, ``3.5`` is exactly 3.5) and must be greater than -100 and at most 100.

    Raises :class:`cloud_tco.ProjectError` for a project without ``[on_premises]`` (field
    ``on_premises``) or a rate out of range (field ``discount_rate``),
    :class:`cloud_tco.PricingError` for a price the catalog cannot give, and ``TypeError`` for an
    argument of the wrong type::

        t = cloud_tco.tco(cloud_tco.Project.from_toml("data/examples/conversion.toml"))
        t.break_even_year, t.npv["savings"]
    """
    return _cloud_tco.tco(project, catalog, basis, discount_rate)
