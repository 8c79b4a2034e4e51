"""`gdsim sweep`: train once per learning rate and compare the outcomes."""

from __future__ import annotations

import argparse
import json
import math

from .options import add_run_options, options_of

HELP = "train once per learning rate (log-spaced) and print final loss, status and iterations"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_run_options(p)
    g = p.add_argument_group("sweep")
    g.add_argument("--lrs", default="1e-4:1:20", metavar="LO:HI:COUNT|LR,LR,...",
                   help="learning rates: COUNT log-spaced values from LO to HI, or a comma list "
                        "(default 1e-4:1:20)")
    g.add_argument("--metric", choices=("loss", "iterations"), default="loss",
                   help="final loss, or iterations until ‖∇L‖ < --tolerance (default 1e-3)")
    out = p.add_argument_group("output")
    out.add_argument("--json", action="store_true",
                     help="print JSON: {metric, tolerance, stability_limit, results: [...]}")


def _number(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def run(args: argparse.Namespace) -> int:
    from ..core.options import OptionError, build_config, load_data, split_options
    from ..core.sweep import LrSweep, parse_lrs

    if getattr(args, "function", None):
        raise ValueError("`gdsim sweep` works on data (--preset or --data); a test function runs with "
                         "`gdsim train --function` or in the window.")
    options = options_of(args, skip=("lrs", "metric"))
    if "lr" in options:
        raise OptionError("--lr does not apply to a sweep; give the learning rates with --lrs.")
    lrs = parse_lrs(args.lrs)
    data_options, run_options = split_options(options)
    dataset = load_data(**data_options)
    config = build_config(**run_options)
    sweep = LrSweep(dataset, config, lrs, metric=args.metric).run()
    limit = sweep.limit
    if args.json:
        print(json.dumps({
            "metric": sweep.metric,
            "tolerance": sweep.config.tolerance,
            "stability_limit": _number(limit),
            "results": [p.as_dict() for p in sweep.points],
        }, indent=2))
        return 0
    print(f"{'lr':>12}  {'final loss':>14}  {'status':<10}  {'iterations':>10}")
    for p in sweep.points:
        print(f"{p.lr:>12.6g}  {p.loss:>14.6g}  {p.status:<10}  {p.iterations:>10d}")
    if limit is not None:
        print(f"2/λmax = {limit:.6g} (full-batch gradient descent diverges above this learning rate)")
    stable, unstable = sweep.boundary()
    if unstable is not None:
        below = f"last stable lr = {stable:.6g}" if stable is not None else "every lr diverged"
        print(f"diverged from lr = {unstable:.6g} ({below})")
    return 0
