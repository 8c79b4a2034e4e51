"""Column widths of the dataset table: every value whole, headers elided when space is short.

A column is never narrower than its widest value (as the table shows it,
``table_model.format_value``); the header's text is what gives way (the view
elides it, the tooltip has the full name).  Space left over goes first to
headers that would otherwise be elided, then evenly to every column.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from PySide6.QtGui import QFontMetrics

from .table_model import format_value

#: Up to this many rows a column's texts are all measured; past it, a bound
#: from the shapes its values can take (see ``_widest_shape``).
EXACT_ROWS = 20_000
MIN_WIDTH = 36


def _shape(text: str) -> str:
    """The text with every digit as 8: texts of one shape have one width (tabular digits)."""
    return text.translate(_DIGITS)


_DIGITS = str.maketrans("0123456789", "8888888888")


def _widest_shape(column: np.ndarray) -> list[str]:
    """Texts at least as wide as any ``.6g`` text of the column's values (no formatting of each).

    A few passes over the column, none copying it: 10⁶ rows in about 10 ms (the window
    measures the columns of an opened session on its own thread)."""
    a = np.abs(column)  # NaN stays NaN and compares False; ±inf is inf
    finite = np.isfinite(column).all()
    sign = "-" if (column < 0).any() else ""
    shapes = [sign + "8.88888"]  # every value ≥ 1 in fixed notation: at most 6 digits and a point
    tiny = (a < 1e-4) & (a != 0)
    huge = a >= 999_999.5 if finite else (a >= 999_999.5) & (a != np.inf)
    if tiny.any() or huge.any():
        shapes.append(sign + "8.88888e+88")
    smallest = np.where((a >= 1e-4) & (a < 1), a, np.inf).min()  # (min(where=) is 5× slower)
    if smallest < 1:  # 0.000123457: a leading zero, the point and zeros before 6 digits
        zeros = int(-np.floor(np.log10(smallest))) - 1
        shapes.append(sign + "0." + "0" * zeros + "888888")
    if not finite:
        shapes += [format_value(v) for v in (np.nan, -np.inf)]
    return shapes


def value_texts(column: np.ndarray) -> set[str]:
    """Shapes of the column's texts (exact up to EXACT_ROWS rows, a bound past that)."""
    if column.size <= EXACT_ROWS:
        return {_shape(format_value(float(v))) for v in column}
    return set(_widest_shape(column))


def value_width(fm: QFontMetrics, column: np.ndarray) -> int:
    """Pixels of the widest text of ``column`` in the font of ``fm``."""
    digit = max("0123456789", key=fm.horizontalAdvance)  # each shape's 8s as the widest digit
    texts = value_texts(np.asarray(column, dtype=float))
    return max((fm.horizontalAdvance(t.replace("8", digit)) for t in texts), default=0)


def share_widths(needed: Sequence[int], wanted: Sequence[int], available: int) -> list[int]:
    """Widths of columns that need ``needed`` (their values) and want ``wanted`` (their headers).

    Each gets what it needs; what is left goes to the headers' wants, in
    proportion to how much each is short, then evenly; the sum is
    ``available`` whenever the needs fit in it.
    """
    n = len(needed)
    widths = [int(v) for v in needed]
    left = available - sum(widths)
    if n == 0 or left <= 0:
        return widths
    short = [max(0, int(w) - v) for w, v in zip(wanted, widths)]
    total_short = sum(short)
    if total_short:
        give = min(left, total_short)
        gifts = [s * give // total_short for s in short]
        for i in range(give - sum(gifts)):  # the rounding remainder, to the most short
            gifts[sorted(range(n), key=lambda k: -short[k])[i % n]] += 1
        widths = [w + g for w, g in zip(widths, gifts)]
        left -= give
    share, rest = divmod(left, n)
    return [w + share + (1 if i < rest else 0) for i, w in enumerate(widths)]
