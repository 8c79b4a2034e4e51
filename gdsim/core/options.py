"""Flat options (the command line's, in snake_case) to a dataset and a TrainingConfig.

The command line, the Python API (``gdsim.train``) and session files all go
through here, so an option has one name and one meaning everywhere.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from .csvio import read_csv
from .dataset import Dataset
from .feature_maps import parse_features
from .network import ACTIVATIONS, check_hidden
from .optim import OPTIMIZERS, hyperparams
from .limits import MAX_EPOCHS, check_int
from .presets import DEFAULT_PRESET, get_preset, load_preset
from .schedules import SCHEDULES, make_schedule
from .training import TrainingConfig

OPTIMIZER_OPTIONS = (
    "lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps", "alpha",
    "centered", "rho", "lr_decay", "initial_accumulator_value", "amsgrad", "momentum_decay",
)
# option name -> torch.optim.lr_scheduler argument name
SCHEDULE_OPTIONS = {"step_size": "step_size", "gamma": "gamma", "t_max": "T_max", "eta_min": "eta_min"}
SCHEDULE_ARGUMENTS = {
    "constant": (),
    "step": ("step_size", "gamma"),
    "exponential": ("gamma",),
    "cosine": ("t_max", "eta_min"),
}
RUN_OPTIONS = (
    "model", "loss", "reduction", "optimizer", "schedule", "batch_size", "epochs", "shuffle",
    "drop_last", "seed", "init", "standardize", "tolerance", "hidden", "activation", "features",
)
DATA_OPTIONS = ("preset", "data", "target", "function", "condition", "rows", "noise", "data_seed")
# generator-preset options -> the generator's parameter
GENERATOR_OPTIONS = {"rows": "n", "noise": "noise", "data_seed": "seed"}


class OptionError(ValueError):
    """A user's option that cannot be used; the message is one sentence."""


def load_data(preset: str | None = None, data: str | None = None, target: str | None = None,
              **generator: Any) -> Dataset:
    """The dataset named by ``--preset`` or ``--data`` (default: the default preset);
    ``rows``, ``noise`` and ``data_seed`` go to a generator preset."""
    for option, value in (("--preset", preset), ("--data", data), ("--target", target)):
        if value is not None and not str(value).strip():
            raise OptionError(f"{option} needs a name; it was given an empty one.")
    if preset and data:
        raise OptionError("Give either --preset or --data, not both.")
    given = {k: v for k, v in generator.items() if v is not None}
    unknown = sorted(set(given) - set(GENERATOR_OPTIONS))
    if unknown:
        raise OptionError(f"Unknown option '{unknown[0]}'.")
    if given and (data or get_preset(preset or DEFAULT_PRESET).kind != "generator"):
        option = "--" + next(iter(given)).replace("_", "-")
        what = "--data" if data else "a fixed table"
        raise OptionError(f"{option} applies to a generated preset (e.g. --preset spiral), not to {what}.")
    if data:
        return read_csv(data, target=target)
    dataset = load_preset(preset or DEFAULT_PRESET, **{GENERATOR_OPTIONS[k]: v for k, v in given.items()})
    if target:
        dataset = dataset.with_target(target)
    return dataset


def parse_batch_size(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() == "full"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise OptionError(f"Invalid batch size: {value!r} (a whole number or 'full').") from None
    if isinstance(value, float) and value != number:
        raise OptionError(f"Invalid batch size: {value!r} (a whole number or 'full').")
    return number


def parse_numbers(value: Any, what: str) -> tuple[float, ...]:
    """'1,2.5' or a sequence -> a tuple of floats."""
    if isinstance(value, str):
        parts = [p for p in value.replace(" ", "").split(",") if p != ""]
    else:
        parts = list(value)
    try:
        return tuple(float(p) for p in parts)
    except (TypeError, ValueError):
        raise OptionError(f"Invalid {what}: {value!r} (comma-separated numbers).") from None


def optimizer_hyper(optimizer: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The given optimizer options, checked to belong to ``optimizer``."""
    if optimizer not in OPTIMIZERS:
        raise OptionError(f"Unknown optimizer '{optimizer}'; choose one of: {', '.join(OPTIMIZERS)}.")
    own = [h.name for h in hyperparams(optimizer)]
    hyper: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        if name not in own:
            raise OptionError(
                f"Option '{name}' does not apply to {optimizer}; its options are: {', '.join(own)}."
            )
        if name == "betas":
            value = parse_numbers(value, "betas")
            if len(value) != 2:
                raise OptionError(f"Invalid betas: {options['betas']!r} (two numbers, e.g. 0.9,0.999).")
        hyper[name] = value
    return hyper


def schedule_params(schedule: str, options: Mapping[str, Any]) -> dict[str, Any]:
    if schedule not in SCHEDULES:
        raise OptionError(f"Unknown schedule '{schedule}'; choose one of: {', '.join(SCHEDULES)}.")
    params: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        if name not in SCHEDULE_ARGUMENTS[schedule]:
            allowed = ", ".join(SCHEDULE_ARGUMENTS[schedule]) or "none"
            raise OptionError(f"Option '{name}' does not apply to the {schedule} schedule (its options: {allowed}).")
        if name in ("step_size", "t_max"):
            value = check_int(value, f"--{name.replace('_', '-')}", 1, MAX_EPOCHS)
        params[SCHEDULE_OPTIONS[name]] = value
    try:
        make_schedule(schedule, **params)
    except (TypeError, ValueError) as exc:
        raise OptionError(_option_names(str(exc))) from None
    return params


def _option_names(message: str) -> str:
    """A schedule's message with torch's argument names (T_max) as the options' (--t-max)."""
    for option, torch_name in SCHEDULE_OPTIONS.items():
        message = re.sub(rf"'?\b{torch_name}\b'?", f"--{option.replace('_', '-')}", message)
    message = message.replace("Schedule 'step' requires parameter", "The step schedule needs")
    return message if message.endswith(".") else message + "."


def build_config(**options: Any) -> TrainingConfig:
    """A TrainingConfig from flat options; unknown options are refused."""
    known = set(OPTIMIZER_OPTIONS) | set(SCHEDULE_OPTIONS) | set(RUN_OPTIONS)
    unknown = sorted(set(options) - known)
    if unknown:
        raise OptionError(f"Unknown option '{unknown[0]}'.")
    optimizer = options.get("optimizer") or "sgd"
    schedule = options.get("schedule") or "constant"
    hyper = optimizer_hyper(optimizer, {k: options.get(k) for k in OPTIMIZER_OPTIONS if k in options})
    sched = schedule_params(schedule, {k: options.get(k) for k in SCHEDULE_OPTIONS if k in options})
    init = options.get("init")
    config = TrainingConfig(
        model=options.get("model") or "linear",
        loss=options.get("loss"),
        reduction=options.get("reduction") or "mean",
        optimizer=optimizer,
        hyper=hyper,
        schedule=schedule,
        schedule_params=sched,
        batch_size=parse_batch_size(options.get("batch_size")),
        epochs=100 if options.get("epochs") is None else options["epochs"],
        shuffle=True if options.get("shuffle") is None else bool(options["shuffle"]),
        drop_last=bool(options.get("drop_last")),
        seed=0 if options.get("seed") is None else int(options["seed"]),
        init=None if init is None else parse_numbers(init, "initial parameters"),
        standardize=bool(options.get("standardize")),
        tolerance=options.get("tolerance"),
        **network_options(options),
    )
    return config


def network_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """``hidden``, ``activation`` and ``features`` as TrainingConfig fields (only those given).

    The hidden sizes and activation belong to ``--model mlp``; feature maps go with any model.
    """
    out: dict[str, Any] = {}
    model = options.get("model") or "linear"
    for name in ("hidden", "activation"):
        if options.get(name) is not None and model != "mlp":
            raise OptionError(f"--{name} applies to --model mlp only.")
    if options.get("hidden") is not None:
        hidden = options["hidden"]
        parts = hidden.replace(" ", "").split(",") if isinstance(hidden, str) else list(hidden)
        try:
            sizes = tuple(int(p) for p in parts)
            if any(float(p) != s for p, s in zip(parts, sizes)):
                raise ValueError
        except (TypeError, ValueError):
            raise OptionError(f"Invalid hidden layers: {hidden!r} (unit counts such as 8,8).") from None
        try:
            out["hidden"] = check_hidden(sizes)
        except ValueError as exc:
            raise OptionError(str(exc)) from None
    if options.get("activation") is not None:
        if options["activation"] not in ACTIVATIONS:
            raise OptionError(f"Unknown activation '{options['activation']}'; choose one of: {', '.join(ACTIVATIONS)}.")
        out["activation"] = options["activation"]
    if options.get("features") is not None:
        try:
            out["features"] = parse_features(options["features"])
        except ValueError as exc:
            raise OptionError(str(exc)) from None
    return out


def split_options(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(data options, run options)."""
    data = {k: options[k] for k in DATA_OPTIONS if k in options}
    run = {k: v for k, v in options.items() if k not in DATA_OPTIONS}
    return data, run
