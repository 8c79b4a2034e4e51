"""Row 11: opening a lesson (Teach ▸ Lessons, Next) until the window is drawn.

``python -m gdsim.bench.lessons --repeats N`` (run in a fresh process by
``row_lesson_open``) opens the real window, shows every built-in lesson once
to warm up, then times ``LessonsController.show(i)`` plus processing events
until none are left (``gdsim.gui.app.settle``: the plots drawn, the docks laid
out) for each lesson, N times in turn, and as a baseline the same window
switching between two lecture presets (no lesson); prints one line of JSON.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from .gui import probe_main, probe_module
from .timing import Row, median

TARGET_MS = 300.0


def measure(repeats: int) -> dict:
    from ..gui.app import settle
    from .gui_probe import open_window

    app, window = open_window()
    settle(app)
    controller = window.lessons
    controller.open_builtin(0)
    names = [lesson.name for lesson in controller.lessons]
    on_default = {lesson.name: _on_a_default_preset(lesson.session.dataset) for lesson in controller.lessons}
    for i in range(len(names)):  # warm up: first imports, first docks
        controller.show(i)
        settle(app)
    times: dict[str, list[float]] = {name: [] for name in names}
    setup: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(repeats):
        for i, name in enumerate(names):
            t0 = time.perf_counter()
            controller.show(i)
            t1 = time.perf_counter()
            settle(app)
            times[name].append((time.perf_counter() - t0) * 1000)
            setup[name].append((t1 - t0) * 1000)
    baseline = []  # the same window switching between two lecture presets (no lesson)
    controller.close()
    settle(app)
    for _ in range(repeats):
        for preset in ("lecture-2x", "lecture-3x-plus-2"):
            t0 = time.perf_counter()
            window.dataset_panel.load_preset(preset)
            settle(app)
            baseline.append((time.perf_counter() - t0) * 1000)
    window.shutdown()
    return {"platform": app.platformName(), "load": os.getloadavg()[0],
            "preset_switch_ms": statistics.median(baseline),
            "median_ms": {name: statistics.median(t) for name, t in times.items()},
            "on_default_preset": on_default,
            "setup_ms": {name: statistics.median(t) for name, t in setup.items()}}


def _on_a_default_preset(dataset) -> bool:
    """Whether a lesson's data is a built-in preset as it comes (the target's "default
    presets"), not, say, the 10,000 generated rows of the lecture's batch-size example."""
    from ..core.presets import default_rows, list_presets

    if dataset.name not in {p.id for p in list_presets()}:
        return False
    rows = default_rows(dataset.name)
    return rows is None or rows == dataset.n_rows


def row_lesson_open(repeats: int) -> list[Row]:
    r = probe_module("gdsim.bench.lessons", "--repeats", str(repeats))
    medians = r["median_ms"]
    default = {name: ms for name, ms in medians.items() if r["on_default_preset"][name]}
    worst = max(default, key=default.get)
    value = default[worst]
    others = "; ".join(f"{name} (not a default preset) {ms:.0f} ms" for name, ms in medians.items()
                       if name not in default)
    return [Row("11", "open a lesson on a default preset (set up + draw), slowest", f"{value:.0f} ms",
                f"< {TARGET_MS:g} ms", value < TARGET_MS,
                f"{worst}; {others}; median over the {len(medians)} lessons {median(list(medians.values())):.0f} ms, "
                f"of which setting up (before painting) {median(list(r['setup_ms'].values())):.0f} ms; "
                f"baseline: switching between two lecture presets {r['preset_switch_ms']:.0f} ms; "
                f"{r['platform']}, load {r['load']:.1f}, median of {repeats} per lesson")]


def main(argv: list[str] | None = None) -> int:
    return probe_main("gdsim.bench.lessons", measure, "repeats", 5, argv)


if __name__ == "__main__":
    sys.exit(main())
