"""``python -m gdsim.bench``: speed and memory figures of the numpy core.

Every figure is a ratio against a baseline measured in the same run (a torch
loop on the same float64 problem, bare numpy passes, or the same code at a
small size), so the numbers mean something on a noisy machine.  Each timing is
the median of several repeats; baseline and candidate are measured in
alternation so that a slow spell hits both.  The process exits with 1 when a
measured target is missed (2 on a usage error), 0 otherwise.

    python -m gdsim.bench            # the full table (about two minutes)
    python -m gdsim.bench --quick    # tiny sizes: checks that every row runs
    python -m gdsim.bench --rows 1,2 --repeats 9

Modules: ``timing`` (clocks, medians, the table), ``steps`` (rows 1-3:
training steps against torch and numpy), ``surfaces`` (rows 4-5),
``memory`` (row 6, in a subprocess), ``gui`` and ``gui_probe`` (rows 7 and 9:
the window, in subprocesses), ``startup`` (row 8), ``runner`` (the command line).
"""

from .runner import ROW_KEYS, main, run_bench
from .timing import Row

__all__ = ["ROW_KEYS", "Row", "main", "run_bench"]
