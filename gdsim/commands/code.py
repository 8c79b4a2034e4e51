"""`gdsim code`: print the run as an equivalent PyTorch or Keras script."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from .options import add_run_options, options_of

HELP = "print the run as a PyTorch or Keras script"


def add_arguments(p: argparse.ArgumentParser) -> None:
    out = p.add_argument_group("script")
    out.add_argument("--framework", choices=("torch", "keras"), default="torch",
                     help="torch (default; reproduces gdsim's numbers) or keras (idiomatic tf.keras)")
    out.add_argument("--output", "-o", metavar="FILE.py", help="write the script to a file instead of printing it")
    out.add_argument("--save-data", metavar="FILE.csv",
                     help="also write the dataset to this CSV file; the script then reads it when the "
                          "dataset is too large to paste (more than 10,000 rows)")
    add_run_options(p)


def _flags(options: dict[str, Any]) -> str:
    """The options as command-line flags (``--batch-size 4 --no-shuffle``)."""
    parts: list[str] = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            parts.append(flag)
        elif value is False:
            if key == "shuffle":
                parts.append("--no-shuffle")
        else:
            parts += [flag, str(value)]
    return shlex.join(parts)


def run(args: argparse.Namespace) -> int:
    from ..core.codegen import generate
    from ..core.csvio import write_csv
    from ..core.options import build_config, load_data, split_options

    options = options_of(args, skip=("framework", "output", "save_data"))
    data_options, run_options = split_options(options)
    dataset = load_data(**data_options)
    config = build_config(**run_options)
    data_path = args.data
    if args.save_data:
        write_csv(dataset, args.save_data)
        data_path = args.save_data
    flags = _flags(options)
    origin = [
        "Made by:   " + " ".join(filter(None, ["gdsim code --framework", args.framework, flags])),
        "Compare:   " + " ".join(filter(None, ["gdsim train", flags, "--json"])),
    ]
    text = generate(args.framework, dataset, config, data_path=data_path, origin=origin)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text, end="")
    return 0
