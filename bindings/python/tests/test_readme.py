"""The README's Python quick start runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT

README = Path(__file__).resolve().parents[1] / "README.md"


def test_quick_start_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python quick start") :]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    code = block.group(1)
    assert len(code.strip().splitlines()) == 5
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(code, str(README), "exec"), namespace)
    plan = namespace["plan"]
    assert plan.totals["midterm"]["from"] == 2027  # type: ignore[attr-defined]
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize(
    ("heading", "checks"),
    [
        ("### 7-year TCO against staying on premises",
         {"t.break_even_year": 2031}),
        ("### SLA evaluation",
         {"r.composite": __import__("decimal").Decimal("79.25"), "r.grade": "C",
          "r.reduced_fee": __import__("decimal").Decimal("11975300")}),
    ],
)
def test_feature_examples_run(
    monkeypatch: pytest.MonkeyPatch, heading: str, checks: dict[str, object]
) -> None:
    """The TCO and SLA examples run as written and give the figures their comments state."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"ct": __import__("cloud_tco")}
    exec(compile(block.group(1), str(README), "exec"), namespace)
    for expression, expected in checks.items():
        assert eval(expression, namespace) == expected, expression
    import matplotlib.pyplot as plt

    plt.close("all")
