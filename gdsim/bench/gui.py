"""Rows 7 and 9: the window at full speed, and redrawing a million-iteration path.

Each measurement runs ``gdsim.bench.gui_probe`` in a fresh process (its own
QApplication), on the ``offscreen`` Qt platform unless QT_QPA_PLATFORM says
otherwise (set it to ``xcb`` under Xvfb or a desktop to include the X server).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from .timing import Row, fmt_rate, median

LATENESS_TARGET_MS = 20.0
REDRAW_TARGET = 30.0
WINDOW_SHARE_TARGET = 0.70


def probe(*args: str) -> dict:
    return probe_module("gdsim.bench.gui_probe", *args)


def probe_module(module: str, *args: str) -> dict:
    """Run ``python -m module args`` (offscreen unless QT_QPA_PLATFORM says otherwise); its last line's JSON."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="gdsim-bench-") as folder:
        # a fresh config: no saved layout, presentation mode or zoom of the user's
        # (GDSIM_PRESENTATION, set by --presentation, still applies)
        env["XDG_CONFIG_HOME"] = folder
        out = subprocess.run([sys.executable, "-m", module, *args], env=env,
                             capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else
                           f"exit {out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def probe_main(module: str, measure, option: str, default: int, argv: list[str] | None = None) -> int:
    """A probe's entry point: ``python -m module [--option N]`` prints ``measure(N)`` as one
    line of JSON (what ``probe_module`` reads)."""
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m {module}")
    parser.add_argument(f"--{option}", type=int, default=default)
    print(json.dumps(measure(getattr(parser.parse_args(argv), option))))
    return 0


def row_full_speed(repeats: int, seconds: float, preset: str = "insurance") -> list[Row]:
    """Row 7: event-loop lateness, redraws per second, and steps in the window vs headless."""
    runs = [probe("full-speed", "--preset", preset, "--seconds", str(seconds)) for _ in range(repeats)]
    p99 = median([r["late_p99_ms"] for r in runs])
    redraws = median([r["redraws_per_second"] for r in runs])
    share = median([r["window_steps_per_second"] / r["headless_steps_per_second"] for r in runs])
    first = runs[0]
    where = (f"{preset}, {first['config']}, {first['platform']}, median of {repeats} runs "
             f"of {seconds:g} s")
    return [
        Row("7a", "GUI at full speed: event-loop lateness p99 (5 ms timer)", f"{p99:.1f} ms",
            f"≤ {LATENESS_TARGET_MS:g} ms", p99 <= LATENESS_TARGET_MS,
            f"{where}; p50 {median([r['late_p50_ms'] for r in runs]):.1f} ms, "
            f"worst {max(r['late_max_ms'] for r in runs):.0f} ms"),
        Row("7b", "GUI at full speed: redraws per second", f"{redraws:.1f}/s",
            f"≥ {REDRAW_TARGET:g}/s", redraws >= REDRAW_TARGET,
            f"{where}; GUI thread {median([r['gui_cpu_ms_per_frame'] for r in runs]):.1f} ms CPU a frame"),
        Row("7c", "GUI at full speed: steps in the window vs headless", f"{share:.0%}",
            f"≥ {WINDOW_SHARE_TARGET:.0%}", share >= WINDOW_SHARE_TARGET,
            f"window {fmt_rate(median([r['window_steps_per_second'] for r in runs]))}, "
            f"headless {fmt_rate(median([r['headless_steps_per_second'] for r in runs]))}"),
    ]


def row_network_window(repeats: int, seconds: float) -> list[Row]:
    """Rows 10c, 10d: row 7's lateness and redraws on a network run (spiral, 2-8-8-1 tanh, full-batch
    Adam) with the decision regions and the network view drawn live."""
    runs = [probe("network", "--seconds", str(seconds)) for _ in range(repeats)]
    p99 = median([r["late_p99_ms"] for r in runs])
    redraws = median([r["redraws_per_second"] for r in runs])
    where = (f"spiral 200 rows, 2-8-8-1 tanh, full-batch Adam, {runs[0]['platform']}, median of {repeats} "
             f"runs of {seconds:g} s; regions {median([r['regions_model_ms_median'] for r in runs]):.1f} + "
             f"{median([r['regions_image_ms_median'] for r in runs]):.1f} ms a frame, network view painted "
             f"{median([r['network_view_paints_per_second'] for r in runs]):.0f}/s")
    drawn = all(r["network_view_paints_per_second"] > 0 for r in runs)  # (else the rows do not count)
    return [
        Row("10c", "network in the window at full speed: lateness p99", f"{p99:.1f} ms",
            f"≤ {LATENESS_TARGET_MS:g} ms", drawn and p99 <= LATENESS_TARGET_MS, where),
        Row("10d", "network in the window at full speed: redraws per second", f"{redraws:.1f}/s",
            f"≥ {REDRAW_TARGET:g}/s", drawn and redraws >= REDRAW_TARGET,
            f"GUI thread {median([r['gui_cpu_ms_per_frame'] for r in runs]):.1f} ms CPU a frame"),
    ]


def row_long_path(iterations: int, frames: int, preset: str = "insurance") -> list[Row]:
    """Row 9: redraws per second with ``iterations`` points on the surface and loss curve."""
    r = probe("long-path", "--preset", preset, "--iterations", str(iterations),
              "--frames", str(frames))
    rate = r["redraws_per_second"]
    return [Row("9", f"redraw with a {r['iterations']:,}-iteration path and loss curve",
                f"{rate:.0f}/s", f"≥ {REDRAW_TARGET:g}/s", rate >= REDRAW_TARGET,
                f"{preset}, {r['platform']}; median {r['redraw_ms_median']:.1f} ms a frame "
                f"(worst {r['redraw_ms_max']:.0f} ms) over {frames} frames, each 1,000 "
                f"iterations longer; history filled in {r['fill_seconds']:.0f} s")]
