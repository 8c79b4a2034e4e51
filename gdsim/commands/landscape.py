"""`gdsim landscape`: train, then the loss on a plane through parameter space, and the path on it."""

from __future__ import annotations

import argparse
import json
import re

from .options import add_run_options, options_of

HELP = "train, then evaluate the loss on a plane through parameter space (pca, random or two parameters)"
# "I,J": indices or names; a name may hold a comma inside brackets (0.weight[0,1])
_SPLIT = re.compile(r",(?![^\[]*\])")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_run_options(p)
    g = p.add_argument_group("landscape")
    g.add_argument("--plane", choices=("pca", "random", "params"), default="pca",
                   help="pca: the path's top two principal directions; random: filter-normalised random "
                        "directions (Li et al. 2018); params: two parameters (default pca)")
    g.add_argument("--params", metavar="I,J",
                   help="the two parameters of --plane params, by index (from 0) or name, e.g. w1,b "
                        "(default the first two)")
    g.add_argument("--grid", type=int, default=41, metavar="N", help="points along each direction (default 41)")
    g.add_argument("--span", type=float, metavar="S",
                   help="the grid covers -S..S (default: the path with a margin; 1 for random)")
    g.add_argument("--json", action="store_true", help="print everything as JSON")


def parameter_pair(text: str | None, names: tuple[str, ...]) -> tuple[int, int]:
    """'I,J' (indices from 0, or parameter names) -> two indices."""
    if text is None:
        return 0, 1
    parts = [p.strip() for p in _SPLIT.split(text)]
    if len(parts) != 2:
        raise ValueError(f"Invalid --params: {text!r} (two parameters, e.g. 0,1 or w1,b).")
    out = []
    for part in parts:
        if part in names:
            out.append(names.index(part))
        elif part.isdigit():
            out.append(int(part))
        else:
            raise ValueError(f"There is no parameter '{part}'; the parameters are {', '.join(names[:6])}"
                             f"{', …' if len(names) > 6 else ''} (or give indices from 0).")
    return out[0], out[1]


def run(args: argparse.Namespace) -> int:
    from ..api import prepare
    from ..core.landscape import landscape

    options = options_of(args, skip=("plane", "params", "grid", "span"))
    if args.params is not None and args.plane != "params":
        raise ValueError("--params applies to --plane params.")
    training = prepare(**options)
    if training.problem is None:
        raise ValueError("A landscape needs a dataset; a test function already is its own surface.")
    pair = parameter_pair(args.params, training.parameter_names)
    training.run()
    result = landscape(training, args.plane, pair, args.grid, args.span, training.config.seed)
    if args.json:
        out = result.to_dict()
        out["parameter_names"] = list(training.parameter_names)
        out["status"] = training.status
        out["final_loss"] = training.current_loss
        print(json.dumps(out))
        return 0
    i, j = divmod(int(result.loss.argmin()), result.loss.shape[1])
    print(f"{training.status}: {training.message}")
    what = {"pca": "the path's top two principal directions", "random": "two filter-normalised random directions",
            "params": f"parameters {result.axes[0]} and {result.axes[1]}" if result.axes else ""}[args.plane]
    print(f"plane: {what}, through the final parameters (loss {training.current_loss:.6g})")
    if result.explained is not None:
        print(f"explained variance of the path: {result.explained[0]:.1%} and {result.explained[1]:.1%}")
    print(f"grid: {len(result.a)}×{len(result.b)} points, a and b from {result.a[0]:.4g} to {result.a[-1]:.4g}")
    print(f"loss on the grid: {result.loss.min():.6g} (at a = {result.a[i]:.4g}, b = {result.b[j]:.4g}) "
          f"to {result.loss.max():.6g}")
    print(f"path: {len(result.path)} points, starting at ({result.path[0][0]:.4g}, {result.path[0][1]:.4g}); "
          "use --json for every number")
    return 0
