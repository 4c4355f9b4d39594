"""The summary of ``cloud-tco batch`` as a DataFrame (private).

Apart from ``_frames`` so that a batch imports (and, without cached bytecode, compiles) only what
it needs: the extension builds every column and this module only wraps them.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd


def batch_frame(
    data: Sequence[Any], columns: Sequence[Any], attrs: Mapping[str, Any]
) -> pd.DataFrame:
    """The DataFrame of the extension's whole columns: NumPy ``object`` arrays, kept as they
    are (no copy, no per-row work).

    ``project`` gets pandas' own text dtype; every other column is ``object`` so that ``None``
    (an empty cell) and ``Decimal`` stay as they are.
    """
    series = {}
    for i, (name, array) in enumerate(zip(columns, data)):
        # An explicit object dtype keeps pandas from turning text with None into its string
        # dtype (NaN).
        series[name] = pd.Series(array) if i == 0 else pd.Series(array, dtype=object, copy=False)
    df = pd.DataFrame(series, copy=False)
    df.columns = pd.Index(list(columns), dtype=object)
    df.attrs.update(attrs)
    return df
