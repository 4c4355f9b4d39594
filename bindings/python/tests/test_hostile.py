"""The hostile-input matrix of tests/hostile.rs, through Python: every file loads correctly or
raises a cloud_tco exception that names its position — never a PanicException."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import cloud_tco
from cloud_tco import CatalogError, CloudTcoError, PricingError, ProjectError, TooLargeError

from conftest import ROOT

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"

CATALOG_CASES = [
    ("empty.csv", CatalogError, ["the file is empty"]),
    ("non-utf8.csv", CatalogError, ["line 2", "UTF-8"]),
    ("ragged.csv", CatalogError, ["line 2", "4 fields but the header has 5"]),
    ("quoted-korean.csv", CatalogError, ["line 3", "`price`", '"1,200"']),
    ("nan-inf-sci.csv", CatalogError, ["line 2, `price`", "line 3, `price`", "line 4, `price`"]),
    ("price-35-digits.csv", CatalogError, ["line 2, `price`", "28 significant digits"]),
    ("missing.csv", CatalogError, ["does not exist"]),
    (".", CatalogError, ["directory"]),
]


@pytest.mark.parametrize(("name", "error", "words"), CATALOG_CASES, ids=[c[0] for c in CATALOG_CASES])
def test_bad_catalog_files_raise_with_their_position(name: str, error: type, words: list[str]) -> None:
    with pytest.raises(error) as info:
        cloud_tco.Catalog.from_csv(HOSTILE / name)
    text = str(info.value)
    for word in words:
        assert word in text
    assert info.value.problems, "every error carries its problems"
    assert info.value.file is not None


def test_bom_crlf_catalog_loads_exactly() -> None:
    catalog = cloud_tco.Catalog.from_csv(HOSTILE / "bom-crlf.csv")
    plan = cloud_tco.plan(cloud_tco.Project.from_toml(HOSTILE / "nas.toml"), catalog)
    assert plan.lines[0]["unit_price"] == Decimal("110.00")


def test_header_only_catalog_is_empty_and_cannot_price() -> None:
    catalog = cloud_tco.Catalog.from_csv(HOSTILE / "header-only.csv")
    assert len(catalog) == 0
    with pytest.raises(PricingError, match="storage/nas"):
        cloud_tco.plan(cloud_tco.Project.from_toml(HOSTILE / "nas.toml"), catalog)


def test_too_large_project_is_a_too_large_error() -> None:
    project = cloud_tco.Project.from_toml(HOSTILE / "too-large.toml")
    with pytest.raises(TooLargeError):
        cloud_tco.plan(project, cloud_tco.Catalog.from_csv(HOSTILE / "bom-crlf.csv"))


@pytest.mark.parametrize("name", ["missing.toml", "empty.csv", "non-utf8.csv"])
def test_bad_project_files_raise_project_errors(name: str) -> None:
    with pytest.raises(ProjectError) as info:
        cloud_tco.Project.from_toml(HOSTILE / name)
    assert isinstance(info.value, CloudTcoError)
    assert info.value.file is not None


def test_a_directory_as_project_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="directory"):
        cloud_tco.Project.from_toml(tmp_path)
