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
