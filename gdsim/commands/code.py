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
                     help="torch (default; gdsim's numbers to 1e-12) or keras (Keras 3, any backend; to about 1e-6)")
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
    from ..core.atomic import atomic_write_text
    from ..core.options import OptionError

    options = options_of(args, skip=("framework", "output", "save_data"))
    flags = _flags(options)
    origin = [
        "Made by:   " + " ".join(filter(None, ["gdsim code --framework", args.framework, flags])),
        "Compare:   " + " ".join(filter(None, ["gdsim train", flags, "--json"])),
    ]
    if options.get("function"):
        text = _function_script(args, options, origin)
    else:
        text = _data_script(args, options, origin)
    if args.output:
        try:
            atomic_write_text(args.output, text)
        except OSError as exc:  # its message would name the temporary file
            raise OptionError(f"Cannot write {args.output}: {exc.strerror or exc}.") from None
    else:
        print(text, end="")
    return 0


def _data_script(args: argparse.Namespace, options: dict[str, Any], origin: list[str]) -> str:
    from ..core.codegen import generate
    from ..core.csvio import write_csv
    from ..core.options import OptionError, build_config, load_data, split_options

    data_options, run_options = split_options(options)
    if "condition" in data_options:
        raise OptionError("--condition applies to --function bowl only.")
    dataset = load_data(**data_options)
    config = build_config(**run_options)
    data_path = args.data
    if args.save_data:
        write_csv(dataset, args.save_data)
        data_path = args.save_data
    return generate(args.framework, dataset, config, data_path=data_path, origin=origin)


def _function_script(args: argparse.Namespace, options: dict[str, Any], origin: list[str]) -> str:
    from ..core.codegen import function_keras_script, function_script
    from ..core.functions import make_function
    from ..core.options import OptionError, build_config, split_options

    if args.save_data:
        raise OptionError("--save-data needs a dataset, not a test function.")
    data_options, run_options = split_options(options)
    for name in ("model", "loss", "reduction", "batch_size", "standardize", "drop_last"):
        if run_options.get(name) not in (None, False):
            raise OptionError(f"--{name.replace('_', '-')} does not apply to a test function.")
    run_options.pop("shuffle", None)
    condition = data_options.get("condition")
    function = make_function(data_options["function"], condition)
    write = function_keras_script if args.framework == "keras" else function_script
    return write(function, build_config(**run_options), origin=origin)
