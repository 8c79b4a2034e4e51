"""Argument groups shared by the subcommands (train, race, code, ...)."""

from __future__ import annotations

import argparse
from typing import Any


def add_data_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    src = g.add_mutually_exclusive_group()
    src.add_argument("--preset", help="a built-in dataset (see `gdsim presets`)")
    src.add_argument("--data", metavar="FILE.csv", help="a CSV file with a header row")
    g.add_argument("--target", metavar="COLUMN", help="the target column (default: the last)")
    src.add_argument("--function", choices=("bowl", "rosenbrock", "beale", "himmelblau", "saddle"),
                     help="a classic test function instead of data (parameters x, y; an epoch is one step)")
    g.add_argument("--condition", type=float, metavar="K", help="the bowl's condition number (default 10)")
    g.add_argument("--rows", type=int, metavar="N", help="rows a generated preset makes (noisy-line, xor, spiral, ...)")
    g.add_argument("--noise", type=float, help="noise level of a generated preset")
    g.add_argument("--data-seed", type=int, metavar="SEED", help="seed of a generated preset (default 0)")
    g.add_argument("--features", metavar="x1,x2,x1^2,...",
                   help="feature maps fed to the model: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2) (any subset)")
    g.add_argument("--standardize", action="store_true", default=None,
                   help="z-score the features (parameters are also reported in original units)")


def add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--model", choices=("linear", "logistic", "mlp", "softmax"),
                   help="mlp: torch.nn.Sequential(Linear, act, ..., Linear); softmax: multinomial logistic regression")
    g.add_argument("--loss", choices=("mse", "mae", "bce", "ce"),
                   help="default: mse for linear, bce for logistic, ce for softmax; "
                        "for mlp bce on 0/1 labels, ce on labels 0..k-1, else mse")
    g.add_argument("--hidden", metavar="H1,H2", help="mlp hidden layer sizes (1-4 layers of 1-16 units; default 8,8)")
    g.add_argument("--activation", choices=("tanh", "relu", "sigmoid"), help="mlp activation (default tanh)")
    g.add_argument("--reduction", choices=("mean", "sum"))
    g.add_argument("--init", metavar="W1,...,Wd,B",
                   help="initial parameters (default zeros; a network: torch's nn.Linear initialisation, seeded by --seed)")


def add_optimizer_options(p: argparse.ArgumentParser) -> None:
    from ..core.optim import OPTIMIZERS

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


def add_batch_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("epochs, iterations and batch size")
    g.add_argument("--batch-size", metavar="N|full", help="rows per mini-batch (default full)")
    g.add_argument("--epochs", type=int)
    g.add_argument("--shuffle", action=argparse.BooleanOptionalAction, default=None,
                   help="reshuffle every epoch (default on)")
    g.add_argument("--drop-last", action="store_true", default=None)
    g.add_argument("--seed", type=int)
    g.add_argument("--tolerance", type=float, help="stop as converged when the gradient norm is below this")



def add_run_options(p: argparse.ArgumentParser, optimizer: bool = True) -> None:
    """Data, model, (optimizer) and batch options, as `gdsim train` has them."""
    add_data_options(p)
    add_model_options(p)
    if optimizer:
        add_optimizer_options(p)
    add_batch_options(p)


def options_of(args: argparse.Namespace, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The given options as keyword arguments (unset ones left out)."""
    skip_all = {"command", "json", "history", *skip}
    return {k: v for k, v in vars(args).items() if k not in skip_all and v is not None}
