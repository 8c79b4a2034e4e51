"""Row 8: start-up, ``gdsim --screenshot`` against the bare import of its GUI libraries.

Both sides are fresh interpreters (``sys.executable``) on Qt's offscreen
platform, timed from spawn to exit, in alternation (bare, gdsim, bare, ...)
after one untimed warm-up of each; the ratio is the median of the per-pair
ratios.  The children share a private bytecode cache (``PYTHONPYCACHEPREFIX``
in a temporary folder, ``PYTHONDONTWRITEBYTECODE`` dropped), filled by the
warm-up: an installed gdsim has its ``.pyc`` files like PySide6 and pyqtgraph
do, so neither side pays for compiling its sources on every start.

gdsim pauses Python's cyclic garbage collector while it starts (``cli``): that
also makes its import of PySide6 and pyqtgraph faster than the bare import.  So
the row also shows the ratio to the bare import with the collector paused the
same way: gdsim's own start-up work, like for like.  The target is the first
ratio's, as the benchmark has always defined it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .timing import Row, fmt_time, median, median_ratio, paired

BARE_IMPORT = "import PySide6.QtWidgets, pyqtgraph"
BARE_IMPORT_PAUSED = "import gc; gc.disable(); " + BARE_IMPORT
TARGET_RATIO = 1.5
TIMEOUT_SECONDS = 300


class _ChildFailed(RuntimeError):
    pass


def startup_env(folder: str | os.PathLike) -> dict[str, str]:
    """The children's environment: offscreen Qt, own settings and bytecode cache under ``folder``."""
    folder = Path(folder)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    env["XDG_CONFIG_HOME"] = str(folder / "config")  # no saved layout or recent files
    # the gdsim being measured, whatever the current directory
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, *args], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=TIMEOUT_SECONDS)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise _ChildFailed(f"`python {' '.join(args)}` exited with {proc.returncode}: {last}")


def row_startup(repeats: int) -> list[Row]:
    """Row 8: ``python -m gdsim --screenshot FILE`` (default preset) vs the bare import."""
    what = "start-up: gdsim --screenshot vs bare import PySide6.QtWidgets, pyqtgraph"
    target = f"≤ {TARGET_RATIO:g}×"
    with tempfile.TemporaryDirectory(prefix="gdsim-bench-startup-") as folder:
        env = startup_env(folder)
        picture = Path(folder) / "startup.png"

        def bare() -> None:
            _run(["-c", BARE_IMPORT], env)

        def bare_paused() -> None:
            _run(["-c", BARE_IMPORT_PAUSED], env)

        def gdsim() -> None:
            _run(["-m", "gdsim", "--screenshot", str(picture)], env)

        try:
            t_bare, t_gdsim, t_paused = paired([bare, gdsim, bare_paused], max(1, repeats), warmup=1)
        except (_ChildFailed, OSError, subprocess.TimeoutExpired) as exc:
            return [Row("8", what, "not measured", target, None, str(exc))]
        if not picture.is_file() or picture.stat().st_size == 0:
            return [Row("8", what, "not measured", target, None, "no screenshot was written")]
    ratio = median_ratio(t_gdsim, t_bare)
    own = median_ratio(t_gdsim, t_paused)
    return [Row("8", what, f"{ratio:.2f}× bare", target, ratio <= TARGET_RATIO,
                f"{fmt_time(median(t_gdsim))} vs {fmt_time(median(t_bare))}; "
                f"{own:.2f}× the bare import with the collector paused as gdsim does "
                f"({fmt_time(median(t_paused))}) (fresh processes, offscreen, median of {len(t_bare)})")]
