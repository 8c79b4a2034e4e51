"""The ``gdsim`` command line.

``gdsim`` alone opens the window; ``gdsim train ...`` and ``gdsim presets``
run headless and never import Qt. Every user error is one line on stderr and
exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

SUBCOMMANDS = ("train", "presets")
USAGE_ERROR = 2


class UserError(Exception):
    """An error the user can fix; printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise UserError(message)


def _add_data_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    src = g.add_mutually_exclusive_group()
    src.add_argument("--preset", help="a built-in dataset (see `gdsim presets`)")
    src.add_argument("--data", metavar="FILE.csv", help="a CSV file with a header row")
    g.add_argument("--target", metavar="COLUMN", help="the target column (default: the last)")
    g.add_argument("--standardize", action="store_true", default=None,
                   help="z-score the features (parameters are also reported in original units)")


def _add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--model", choices=("linear", "logistic"))
    g.add_argument("--loss", choices=("mse", "mae", "bce"),
                   help="default: mse for linear, bce for logistic")
    g.add_argument("--reduction", choices=("mean", "sum"))
    g.add_argument("--init", metavar="W1,...,Wd,B", help="initial parameters (default zeros)")


def _add_optimizer_options(p: argparse.ArgumentParser) -> None:
    from .core.optim import OPTIMIZERS

    g = p.add_argument_group("optimizer (torch.optim names and defaults; lr defaults to 0.01)")
    g.add_argument("--optimizer", choices=tuple(OPTIMIZERS))
    for name in ("lr", "momentum", "dampening", "weight-decay", "eps", "alpha", "rho",
                 "lr-decay", "initial-accumulator-value", "momentum-decay"):
        g.add_argument(f"--{name}", type=float)
    g.add_argument("--betas", metavar="B1,B2")
    for name in ("nesterov", "centered", "amsgrad"):
        g.add_argument(f"--{name}", action="store_true", default=None)
    s = p.add_argument_group("learning-rate schedule (stepped once per epoch)")
    s.add_argument("--schedule", choices=("constant", "step", "exponential", "cosine"))
    s.add_argument("--step-size", type=int)
    s.add_argument("--gamma", type=float)
    s.add_argument("--t-max", type=int)
    s.add_argument("--eta-min", type=float)


def _add_batch_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("epochs, iterations and batch size")
    g.add_argument("--batch-size", metavar="N|full", help="rows per mini-batch (default full)")
    g.add_argument("--epochs", type=int)
    g.add_argument("--shuffle", action=argparse.BooleanOptionalAction, default=None,
                   help="reshuffle every epoch (default on)")
    g.add_argument("--drop-last", action="store_true", default=None)
    g.add_argument("--seed", type=int)
    g.add_argument("--tolerance", type=float, help="stop as converged when the gradient norm is below this")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdsim",
        description="Gradient-descent simulator. `gdsim` alone opens the window.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    train = sub.add_parser("train", help="train headless and print a summary")
    _add_data_options(train)
    _add_model_options(train)
    _add_optimizer_options(train)
    _add_batch_options(train)
    out = train.add_argument_group("output")
    out.add_argument("--history", metavar="FILE.csv", help="write every iteration to a CSV file")
    out.add_argument("--json", action="store_true", help="print a JSON summary")
    sub.add_parser("presets", help="list the built-in datasets")
    return parser


def _options(args: argparse.Namespace) -> dict[str, Any]:
    skip = {"command", "json", "history"}
    return {k: v for k, v in vars(args).items() if k not in skip and v is not None}


def cmd_train(args: argparse.Namespace) -> int:
    from .api import train

    result = train(history=args.history, **_options(args))
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        names = result.parameter_names
        params = ", ".join(f"{n} = {v:.6g}" for n, v in zip(names, result.params))
        print(f"{result.status}: {result.message}")
        print(f"parameters: {params}")
        print(f"loss: {result.loss:.6g} after {result.iterations} iterations "
              f"({result.iterations_per_epoch} per epoch)")
    return 0


def cmd_presets(args: argparse.Namespace) -> int:
    from .core.presets import list_presets

    for preset in list_presets():
        print(f"{preset.id:28} {preset.kind:9} {preset.model:8} {preset.title}")
    return 0


def _user_errors() -> tuple[type[BaseException], ...]:
    from .core.dataset import DataError

    return (UserError, DataError, ValueError, OSError)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS or argv[:1] in (["-h"], ["--help"]):
            args = build_parser().parse_args(argv)
            return {"train": cmd_train, "presets": cmd_presets}[args.command](args)
        return _open_window(argv)
    except _user_errors() as exc:
        print(f"gdsim: error: {exc}", file=sys.stderr)
        return USAGE_ERROR


def _open_window(argv: list[str]) -> int:
    try:
        from .gui.app import main as gui_main
    except ImportError:
        build_parser().print_help()
        return 0
    return gui_main(argv)
