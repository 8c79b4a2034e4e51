"""`gdsim animate`: train headless and save the descent as an animated GIF.

The frames are drawn with the window's own plot widgets (loss surface with
the path, and the loss curve), so Qt is imported inside ``run`` only, on the
offscreen platform when there is no display.
"""

from __future__ import annotations

import argparse
import math
import os

from .options import add_run_options, options_of

HELP = "train headless and save the descent as an animated GIF"
DEFAULT_FRAMES = 60


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_run_options(p)
    out = p.add_argument_group("animation")
    out.add_argument("--out", metavar="FILE.gif", required=True, help="the GIF to write")
    out.add_argument("--frames", type=int, default=DEFAULT_FRAMES,
                     help=f"number of frames, evenly spaced in iterations (default {DEFAULT_FRAMES})")
    out.add_argument("--fps", type=float, default=12.0, help="frames per second (default 12)")
    out.add_argument("--axes", metavar="P1,P2",
                     help="the two parameters of the loss surface, e.g. w1,b (default: the first two)")
    out.add_argument("--size", metavar="WxH", default="1200x540", help="picture size in pixels")


def _axes(text: str | None, names: tuple[str, ...]) -> tuple[int, int] | None:
    if text is None:
        return None
    parts = [s.strip() for s in text.split(",")]
    if len(parts) != 2 or any(p not in names for p in parts) or parts[0] == parts[1]:
        raise ValueError(f"Invalid --axes {text!r}: two different parameters of {', '.join(names)}.")
    return names.index(parts[0]), names.index(parts[1])


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"Invalid --size {text!r} (width x height in pixels, e.g. 1200x540).") from None
    if not (200 <= w <= 4000 and 150 <= h <= 3000):
        raise ValueError(f"Invalid --size {text!r} (200x150 to 4000x3000 pixels).")
    return w, h


def run(args: argparse.Namespace) -> int:
    from ..api import prepare
    from ..core.animation import AnimationPlan, MAX_FRAMES

    if not 1 <= args.frames <= MAX_FRAMES:
        raise ValueError(f"Invalid --frames {args.frames} (1 to {MAX_FRAMES}).")
    if not (math.isfinite(args.fps) and 0 < args.fps <= 50):
        raise ValueError(f"Invalid --fps {args.fps:g} (more than 0, at most 50).")
    if not args.out.lower().endswith(".gif"):
        raise ValueError(f"--out {args.out}: the animation is a GIF, so the name must end in .gif.")
    size = _size(args.size)
    if getattr(args, "function", None):
        raise ValueError("`gdsim animate` works on data (--preset or --data); a test function runs with "
                         "`gdsim train --function` or in the window.")
    options = options_of(args, skip=("out", "frames", "fps", "axes", "size"))
    if options.get("model") in ("mlp", "softmax"):
        raise ValueError("gdsim animate draws linear and logistic models; for a network use gdsim landscape.")
    run_ = prepare(**options).run()
    plan = AnimationPlan(run_, args.frames, _axes(args.axes, tuple(run_.parameter_names)))

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..gui.app import application
    from ..gui.render import render_gif

    application()
    n = render_gif(plan, args.out, fps=args.fps, size=size)
    print(f"{run_.status}: {run_.message}")
    print(f"saved {args.out} ({n} frames, {args.fps:g} fps, iterations 0 to {plan.frames[-1].row})")
    return 0
