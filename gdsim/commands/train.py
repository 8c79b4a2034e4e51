"""`gdsim train`: train headless and print a summary."""

from __future__ import annotations

import argparse
import json

from .options import add_run_options, options_of

HELP = "train headless and print a summary"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_run_options(p)
    out = p.add_argument_group("output")
    out.add_argument("--history", metavar="FILE.csv", help="write every iteration to a CSV file")
    out.add_argument("--save-data", metavar="FILE.csv",
                     help="write the dataset used (before standardisation and feature maps) to a CSV file")
    out.add_argument("--json", action="store_true", help="print a JSON summary")


def run(args: argparse.Namespace) -> int:
    from ..api import train

    result = train(history=args.history, save_data=args.save_data, **options_of(args, skip=("save_data",)))
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        names = result.parameter_names
        print(f"{result.status}: {result.message}")
        if result.network is not None:  # a hundred numbers would hide the rest
            print(f"model: {result.network}; {len(names)} parameters (all of them with --json or --history)")
        else:
            params = ", ".join(f"{n} = {v:.6g}" for n, v in zip(names, result.params))
            print(f"parameters: {params}")
        print(f"loss: {result.loss:.6g} after {result.iterations} iterations "
              f"({result.iterations_per_epoch} per epoch)")
        if result.accuracy is not None:
            print(f"accuracy: {result.accuracy:.4g}")
    return 0
