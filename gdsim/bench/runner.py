"""The command line: ``python -m gdsim.bench [--quick] [--rows 1,2,...] [--no-torch]``."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from typing import Any, Callable, Sequence, TextIO

import numpy as np

from . import gui, lessons, memory, networks, session_open, startup, steps, surfaces
from .timing import Row, format_table

ROW_KEYS = ("1", "2a", "2b", "3", "4a", "4b", "4c", "5a", "5b", "5c", "6", "7a", "7b", "7c", "8", "9", "10a", "10b", "10c", "10d",
            "11", "12")
HISTORY_ITERATIONS = {False: 1_000_000, True: 2_000}
# Rows 7-9 start fresh processes: (GUI repeats, seconds each, start-up repeats, path iterations, frames)
GUI_SIZES = {False: (3, 4.0, 15, 1_000_000, 30), True: (1, 1.0, 1, 5_000, 4)}


def load_torch(wanted: bool, out: TextIO, threads: int | None = 1) -> Any | None:
    """torch, or None (with a line saying so) when it is missing or not wanted.

    ``threads``: torch's intra-op threads for the baseline; 1 by default, because
    on a shared 2-core machine a second torch thread that gets descheduled makes
    a tiny step 10x slower (spin-waiting), which would flatter gdsim. numpy's
    elementwise work is single-threaded too.  None keeps torch's default.
    """
    if not wanted:
        print("torch disabled (--no-torch): torch rows are skipped.", file=out)
        return None
    try:
        import torch
    except ImportError:
        print("torch is not installed: torch rows are skipped "
              "(install it with pip install '.[torch]').", file=out)
        return None
    if threads is not None:
        torch.set_num_threads(threads)
    return torch


def run_bench(quick: bool = False, rows: Sequence[str] | None = None, use_torch: bool = True,
              repeats: int | None = None, out: TextIO = sys.stdout,
              torch_threads: int | None = 1) -> list[Row]:
    """Measure the selected rows (all by default) and return them; progress goes to ``out``."""
    torch = load_torch(use_torch, out, torch_threads)
    print(f"gdsim bench{' (quick: sizes too small for the targets to mean anything)' if quick else ''}: "
          f"{describe_machine(torch)}", file=out)
    gui_repeats, gui_seconds, startup_repeats, path_iterations, path_frames = GUI_SIZES[quick]
    step_sizes = steps.QUICK_STEPS if quick else steps.FULL_STEPS
    surface_sizes = surfaces.QUICK_SURFACES if quick else surfaces.FULL_SURFACES
    if repeats is not None:
        step_sizes = replace(step_sizes, repeats=repeats)
        surface_sizes = replace(surface_sizes, repeats=repeats)
    groups: list[tuple[str, Callable[[], list[Row]]]] = [
        ("1", lambda: steps.row_small_adam(torch, step_sizes)),
        ("2", lambda: steps.row_large_adam(torch, step_sizes)),
        ("3", lambda: steps.row_minibatch_sgd(step_sizes)),
        ("4", lambda: surfaces.row_mse_surface(surface_sizes)),
        ("5", lambda: surfaces.row_bce_surface(surface_sizes)),
        ("6", lambda: memory.row_history_memory(HISTORY_ITERATIONS[quick])),
        ("7", lambda: gui.row_full_speed(gui_repeats, gui_seconds)),
        ("8", lambda: startup.row_startup(startup_repeats)),
        ("9", lambda: gui.row_long_path(path_iterations, path_frames)),
        ("10", lambda: networks.row_network(torch, networks.QUICK_NETWORK if quick else networks.FULL_NETWORK)
         + gui.row_network_window(gui_repeats, gui_seconds)),
        ("11", lambda: lessons.row_lesson_open(1 if quick else 5)),
        ("12", lambda: session_open.row_session_open(1 if quick else 5, 20_000 if quick else 1_000_000)),
    ]
    wanted = None if not rows else {str(r) for r in rows}
    result: list[Row] = []
    for group, measure in groups:
        if wanted is not None and group not in wanted:
            continue
        t0 = time.perf_counter()
        print(f"row {group} ...", end="", flush=True, file=out)
        got = measure()
        print(f" {time.perf_counter() - t0:.1f} s", file=out, flush=True)
        result.extend(got)
    return result


def describe_machine(torch: Any | None) -> str:
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    parts = [f"python {platform.python_version()}", f"numpy {np.__version__} (BLAS threads: {blas})",
             f"{os.cpu_count()} cpus"]
    if torch is not None:
        parts.append(f"torch {torch.__version__} ({torch.get_num_threads()} threads)")
    try:
        parts.append(f"load {os.getloadavg()[0]:.2f}")
    except OSError:
        pass
    return ", ".join(parts)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m gdsim.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes: checks that every row runs (timings meaningless)")
    parser.add_argument("--rows", default="", help="comma-separated row groups, e.g. 1,2,6")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per figure")
    parser.add_argument("--no-torch", action="store_true", help="skip torch baselines")
    parser.add_argument("--presentation", action="store_true",
                        help="the window rows (7-9) in presentation mode (GDSIM_PRESENTATION=1)")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch intra-op threads for the baseline (default 1; 0 keeps torch's default)")
    args = parser.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    bad = [r for r in rows if r not in {str(k) for k in range(1, 13)}]
    if bad:
        parser.error(f"unknown row {bad[0]!r}; rows are 1 to 12")
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.torch_threads < 0:
        parser.error("--torch-threads must be 0 (torch's default) or more")
    threads = args.torch_threads or None
    if args.presentation:  # read by the window the child processes open
        os.environ["GDSIM_PRESENTATION"] = "1"
    table = run_bench(args.quick, rows, not args.no_torch, args.repeats, out, threads)
    print(file=out)
    print(format_table(table), file=out)
    missed = [r.key for r in table if r.ok is False]
    print(file=out)
    if missed:
        print(f"{len(missed)} target(s) missed: rows {', '.join(missed)}.", file=out)
        return 1
    print("Every measured target met.", file=out)
    return 0
