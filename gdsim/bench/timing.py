"""Clocks, medians and the printed table."""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Sequence


@dataclass(frozen=True)
class Row:
    """One line of the table.

    ``ok`` is True/False for a measured target, None for a figure reported
    without a target (or not measured: then ``value`` says why).
    """

    key: str
    what: str
    value: str
    target: str = ""
    ok: bool | None = None
    detail: str = ""

    @property
    def verdict(self) -> str:
        return {True: "ok", False: "MISS", None: "-"}[self.ok]


def timed(fn: Callable[[], object]) -> float:
    """Seconds for one call of ``fn`` (garbage collection off while it runs)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        if enabled:
            gc.enable()


def paired(fns: Sequence[Callable[[], object]], repeats: int, warmup: int = 1) -> list[list[float]]:
    """Times of each of ``fns``, measured in alternation ``repeats`` times.

    Returns one list of times per function.  Alternating (A, B, A, B, ...)
    rather than (A, A, ..., B, B, ...) lets a noisy neighbour slow both sides.
    """
    for _ in range(warmup):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            times[k].append(timed(fn))
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def median_ratio(num: Sequence[float], den: Sequence[float]) -> float:
    """Median of the per-repeat ratios num[k] / den[k]."""
    return statistics.median(a / b for a, b in zip(num, den))


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_rate(per_second: float) -> str:
    if per_second >= 1e3:
        return f"{per_second / 1e3:.1f}k/s"
    return f"{per_second:.1f}/s"


def format_table(rows: Sequence[Row]) -> str:
    header = ("row", "what", "measured", "target", "", "detail")
    cells = [header] + [(r.key, r.what, r.value, r.target, r.verdict, r.detail) for r in rows]
    widths = [max(len(c[k]) for c in cells) for k in range(5)]
    lines = []
    for n, c in enumerate(cells):
        line = "  ".join(c[k].ljust(widths[k]) for k in range(5))
        if c[5]:
            line += "  " + c[5]
        lines.append(line.rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
