"""The exceptions of cloud_tco.

Every error of the engine is a :class:`CloudTcoError`. Bad input — a catalog, a project, a price
that cannot be found, an amount too large to compute exactly — is also a :class:`ValueError`.
Each exception carries **every** problem found (``problems``), each with its file, line and
field, so a spreadsheet export can be fixed in one pass; ``file``, ``line`` and ``field`` are
those of the first problem::

    try:
        catalog = cloud_tco.Catalog.from_csv("quotes.csv")
    except cloud_tco.CatalogError as e:
        pandas.DataFrame(e.problems)       # one row per problem

The Rust extension raises these classes; they are defined here, in Python, so that they can
derive from both ``CloudTcoError`` and ``ValueError``, pickle, and be read by type checkers.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, TypedDict

__all__ = [
    "Problem",
    "CloudTcoError",
    "CatalogError",
    "ProjectError",
    "PricingError",
    "TooLargeError",
    "ReportError",
    "SlaError",
]


class Problem(TypedDict):
    """One problem of an input, with its position.

    ``record`` is the 0-based index of the record for catalogs built from records or a
    DataFrame (then ``line`` is ``record + 2``, the line in a CSV export with a header), else
    ``None``.
    """

    file: Optional[str]
    line: Optional[int]
    field: Optional[str]
    message: str
    record: Optional[int]


def _problem(p: Any) -> Problem:
    d = dict(p)
    return Problem(
        file=d.get("file"),
        line=d.get("line"),
        field=d.get("field"),
        message=str(d.get("message", "")),
        record=d.get("record"),
    )


class CloudTcoError(Exception):
    """Base class of every cloud_tco error.

    Raised as such (not as a subclass) only for an internal error of the engine — a bug to
    report. ``str(e)`` is the message of the command line, listing every problem.
    """

    message: str
    problems: list[Problem]

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = [_problem(p) for p in problems]

    @property
    def file(self) -> Optional[str]:
        """The file (or source name) of the first problem."""
        return self.problems[0]["file"] if self.problems else None

    @property
    def line(self) -> Optional[int]:
        """The 1-based line of the first problem."""
        return self.problems[0]["line"] if self.problems else None

    @property
    def field(self) -> Optional[str]:
        """The column (catalog) or field path (project, e.g. ``servers[1].count``) of the first
        problem."""
        return self.problems[0]["field"] if self.problems else None

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.problems), self.__dict__)


class CatalogError(CloudTcoError, ValueError):
    """A price catalog is not valid (SPEC §2): every problem of every file, each with its file,
    line and column."""


class ProjectError(CloudTcoError, ValueError):
    """A project is not valid (SPEC §4): each problem with its file, line and field path."""


class PricingError(CloudTcoError, ValueError):
    """A line cannot be priced from the catalog under the basis (SPEC §3), or the basis is unknown.

    ``kind`` is one of ``not_listed``, ``provider_missing``, ``no_fitting_flavor``,
    ``not_priceable``, ``unknown_basis``, ``unknown_provider``; ``details`` holds the named parts of
    the message (``category``, ``item``, ``provider``, ``needed_by``, …). ``field`` is the project
    field that needs the price, e.g. ``servers[0]``.
    """

    kind: str
    details: dict[str, str]

    def __init__(
        self,
        message: str,
        problems: Iterable[Problem] = (),
        kind: str = "",
        details: Optional[dict[str, str]] = None,
    ) -> None:
        super().__init__(message, problems)
        self.kind = kind
        self.details = dict(details or {})


class TooLargeError(CloudTcoError, ValueError):
    """An amount does not fit the exact arithmetic (about 7.9 × 10²⁸ won)."""


class ReportError(CloudTcoError):
    """A report (e.g. the Excel workbook) could not be produced."""


class SlaError(CloudTcoError, ValueError):
    """An SLA evaluation file (or its text or dict) is not valid: every problem with its file,
    line and field path (e.g. ``indicators[2].target_min``)."""
