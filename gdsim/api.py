"""The Python API: ``gdsim.train(...)`` with the command line's options as keywords."""

from __future__ import annotations

from dataclasses import dataclass
import os
from typing import Any

import numpy as np

from .core.csvio import write_csv
from .core.dataset import Dataset
from .core.history import HistoryCopy
from .core.network import NetworkProblem
from .core.atomic import writable_target
from .core.limits import HISTORY_BYTES
from .core.options import build_config, load_data, split_options
from .core.training import TrainingRun


@dataclass(frozen=True)
class TrainingResult:
    """What a finished run leaves: parameters, status and the whole history."""

    params: np.ndarray  # in the units trained on (standardised when asked)
    params_original: np.ndarray  # in the data's original units
    parameter_names: tuple[str, ...]
    status: str  # finished, converged or diverged
    message: str
    loss: float  # full-dataset loss at the final parameters
    epochs: int  # epochs completed
    iterations: int
    iterations_per_epoch: int
    history: HistoryCopy
    initial_params: np.ndarray | None = None
    accuracy: float | None = None  # share of rows classified right (classification only)
    network: str | None = None  # e.g. "2-8-8-1 tanh network, binary cross-entropy"

    def summary(self) -> dict[str, Any]:
        """The JSON summary printed by ``gdsim train --json``."""
        summary = {
            "params": [float(v) for v in self.params],
            "parameter_names": list(self.parameter_names),
            "params_original": [float(v) for v in self.params_original],
            "loss": float(self.loss),
            "status": self.status,
            "message": self.message,
            "epochs": self.epochs,
            "iterations": self.iterations,
            "iterations_per_epoch": self.iterations_per_epoch,
        }
        if self.initial_params is not None:
            summary["initial_params"] = [float(v) for v in self.initial_params]
        if self.accuracy is not None:
            summary["accuracy"] = self.accuracy
        if self.network is not None:  # a network's parameters have no "original units"
            del summary["params_original"]
            summary["network"] = self.network
        return summary


def result_of(run: TrainingRun) -> TrainingResult:
    params = run.params.copy()
    params.flags.writeable = False
    return TrainingResult(
        params=params,
        params_original=run.params_original,
        parameter_names=run.parameter_names,
        status=run.status,
        message=run.message,
        loss=run.current_loss,
        epochs=run.epoch,
        iterations=run.iteration,
        iterations_per_epoch=run.iterations_per_epoch,
        history=run.history.copy(),
        initial_params=run.history.params[0].copy(),
        accuracy=None if run.problem is None else run.problem.accuracy(run.params, run.X, run.y),
        network=run.problem.describe() if isinstance(run.problem, NetworkProblem) else None,
    )


def prepare(save_data: str | None = None, **options: Any) -> TrainingRun:
    """A ready run from flat options: data (``preset``/``data``/``target``, and
    ``rows``/``noise``/``data_seed`` for a generated preset) or a test function
    (``function``, ``condition``), and the run options.

    ``save_data``: a CSV file to write the dataset to (header, target last), as
    loaded: before standardisation and feature maps.
    """
    data_options, run_options = split_options(options)
    function = data_options.pop("function", None)
    condition = data_options.pop("condition", None)
    if function:
        from .core.functions import FunctionRun, make_function

        if any(data_options.values()):
            raise ValueError("Give either a dataset (--preset/--data) or --function, not both.")
        for name in ("model", "loss", "reduction", "batch_size", "standardize", "features", "hidden", "activation"):
            if run_options.get(name) not in (None, False):
                raise ValueError(f"--{name.replace('_', '-')} does not apply to a test function.")
        if save_data:
            raise ValueError("--save-data needs a dataset; a test function has none.")
        return FunctionRun(make_function(function, condition), build_config(**run_options))
    if condition is not None:
        raise ValueError("--condition applies to --function bowl only.")
    dataset = load_data(**data_options)
    run = TrainingRun(dataset, build_config(**run_options))
    if save_data:
        columns = (*dataset.feature_names, dataset.target)
        values = dataset.values[:, [dataset.columns.index(c) for c in columns]]
        write_csv(Dataset(columns, values, dataset.target, dataset.name), save_data)
    return run


def train(**options: Any) -> TrainingResult:
    """Train to the end and return the result.

    >>> run = train(preset="lecture-3x-plus-2", model="linear", optimizer="sgd",
    ...             lr=0.01, momentum=0.9, epochs=100)
    """
    history_path = options.pop("history", None)
    run = prepare(**options)
    if history_path is not None:
        check_history_path(history_path, options.get("data"))
    # A long run keeps a thinned history (see History.bound): memory stays under HISTORY_BYTES.
    run.history.bound(HISTORY_BYTES // run.history.row_bytes)
    run.run()
    if history_path:
        run.history.to_csv(history_path, run.parameter_names)
    return result_of(run)


def check_history_path(path: Any, data: Any = None) -> None:
    """Refuse an empty ``--history`` and one that names the input data file."""
    if not str(path).strip():
        raise ValueError("--history needs a file name.")
    writable_target(path)  # a device or a folder: refused before the run, not after
    if data and os.path.exists(path) and os.path.exists(data) and os.path.samefile(path, data):
        raise ValueError(f"--history {path} is the input data file; choose another name.")
