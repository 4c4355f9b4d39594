"""examples/notebooks/budget.ipynb runs from top to bottom in a headless kernel."""

from __future__ import annotations

import os
import sys

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

from conftest import NOTEBOOK


def kernel_name() -> str:
    """The kernel run-tests.sh registers in the virtualenv (its interpreter is the venv's), else
    the default `python3` kernel of the interpreter running the tests."""
    name = os.environ.get("CLOUD_TCO_KERNEL", "python3")
    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        pytest.fail(f"no Jupyter kernel {name!r}: python -m ipykernel install --prefix .venv --name {name}")
    return name


def test_notebook_runs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # A last cell, in memory only: which interpreter and which cloud_tco the kernel ran.
    nb.cells.append(
        nbformat.v4.new_code_cell("import sys, cloud_tco\nprint(sys.prefix)\nprint(cloud_tco.__file__)")
    )
    client = NotebookClient(
        nb,
        kernel_name=kernel_name(),
        timeout=300,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)
    # The 평균단가 table, the plan table, the comparison and the TCO render as Korean HTML tables.
    for text in ["평균단가", "중기재정계획", "이용료 소계", "합계(부가세 포함)", "공급자별 비교",
                 "TCO 비교", "온프레미스 합계", "손익분기 연도", "순현재가치", "누적 절감액"]:
        assert text in html, text
    printed = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "손익분기 연도: 2031" in printed
    # Both charts were drawn: the plan's bars and the TCO's cumulative costs.
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
    # The kernel ran this interpreter (the virtualenv's) and this build of cloud_tco.
    import cloud_tco

    prefix, module = nb.cells[-1].outputs[0]["text"].splitlines()
    assert prefix == sys.prefix
    assert module == cloud_tco.__file__
