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
the window, in subprocesses), ``startup`` (row 8), ``lessons`` (row 11: opening a lesson), ``networks`` (row 10),
``session_open`` (row 12: opening a 10⁶-row session), ``runner`` (the command line).

Every engine runs on one thread: torch (``--torch-threads``, see
``runner.load_torch``) and numpy's BLAS, which ``python -m gdsim.bench`` starts
with one thread (``OPENBLAS_NUM_THREADS=1`` and its kin, unless already set).
OpenBLAS's second thread spins between products on a 2-core machine; with it
gdsim's million-row step took 11-17 ms instead of about 11, and the two-pass
floor 2.3 ms instead of 3.6-4.3 here (measured in alternation with the other
engines, so X is not in the cache; back to back, 1.5 ms against 2.2). gdsim's
window steps on one BLAS thread too (``gdsim.core.remote``).
"""

__all__ = ["ROW_KEYS", "Row", "main", "run_bench"]


def __getattr__(name):
    # Loaded on first use: ``python -m gdsim.bench`` sets numpy's BLAS threads
    # (see __main__) before anything imports numpy.
    if name in ("ROW_KEYS", "main", "run_bench"):
        from . import runner

        return getattr(runner, name)
    if name == "Row":
        from .timing import Row

        return Row
    raise AttributeError(f"module 'gdsim.bench' has no attribute {name!r}")
