"""What a run descends: a dataset, or a classic test function.

A ``ProblemSource`` is the one interface the window and its features use for
every kind of run, instead of asking ``run.dataset is None``: the parameter
names, the rows an epoch goes through, which controls and views apply, the
known minima, how to check a config, the title, and how to make a run.
``DataSource`` (a dataset, linear or logistic) and ``NetworkSource`` (a dataset
through a small network: mlp or softmax) are here; ``FunctionSource`` (a test
function) is in gdsim.core.functions. Every run carries its source as ``run.source``.

What a dataset's parameters are depends on the model: ``for_config(config)``
gives the source for a config (a network's names come from its problem, e.g.
``0.weight[1,0]``, and its default start is torch's init from the seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

if TYPE_CHECKING:
    from .dataset import Dataset
    from .training import TrainingConfig, TrainingRun


@dataclass(frozen=True)
class Applies:
    """Which settings and views mean something for a source."""

    table: bool  # an editable table of rows
    fit_view: bool  # the data with the model's line, boundary or predictions
    model: bool  # model, loss, reduction and standardisation
    batches: bool  # batch mode and size, ⌈N/B⌉, drop_last, shuffle, seed
    batch_loss: bool  # a mini-batch loss apart from the full loss
    surface_axes: bool  # a choice of the two parameters the loss surface is drawn over
    network: bool = False  # hidden layers and activation; the seed draws the start point


DATA_APPLIES = Applies(table=True, fit_view=True, model=True, batches=True, batch_loss=True, surface_axes=True)
NETWORK_APPLIES = Applies(table=True, fit_view=True, model=True, batches=True, batch_loss=True,
                          surface_axes=True, network=True)
FUNCTION_APPLIES = Applies(table=False, fit_view=False, model=False, batches=False, batch_loss=False,
                           surface_axes=False)


class ProblemSource:
    """The interface; see the module docstring."""

    kind: str  # "data", "network" or "function"
    title: str
    parameter_names: tuple[str, ...]
    n_rows: int  # the rows an epoch goes through (a test function: one step, one "row")
    applies: Applies
    known_minima: tuple[tuple[float, ...], ...] = ()  # () when none is known in advance
    default_init: tuple[float, ...] | None = None  # None: zeros
    defaults: Mapping[str, Any] = {}  # settings that suit it: "lr", "epochs"
    loss_label: str = "loss"  # what the status line calls the loss
    formula: str = ""  # the loss as a formula of the parameters, when it is one

    def surface_title(self, run: "TrainingRun") -> str:
        """The title of the loss surface of ``run``."""
        return self.title

    @property
    def n_parameters(self) -> int:
        return len(self.parameter_names)

    def check(self, config: "TrainingConfig") -> None:
        """Raise ValueError with one sentence when ``config`` cannot run on this source."""
        raise NotImplementedError

    def make_run(self, config: "TrainingConfig") -> "TrainingRun":
        raise NotImplementedError

    def is_same_problem(self, other: "ProblemSource | None") -> bool:
        """True when ``other`` is this problem, perhaps edited (the same preset or function)."""
        raise NotImplementedError

    def for_config(self, config: "TrainingConfig") -> "ProblemSource":
        """The source a run with ``config`` descends (a dataset's parameters depend on the model)."""
        return self


class DataSource(ProblemSource):
    """A dataset: linear or logistic regression on its rows (``NetworkSource``: a network).

    ``config`` (optional) gives the model and feature maps the parameters are named for.
    """

    kind = "data"
    applies = DATA_APPLIES

    def __init__(self, dataset: "Dataset", config: "TrainingConfig | None" = None) -> None:
        self.dataset = dataset
        self.title = dataset.name or "data"
        self.n_rows = dataset.n_rows
        self.problem = None  # the model and loss, when the config makes one
        self.error = ""  # why the config cannot make one (said when a run is made)
        self.parameter_names = tuple(f"w{i + 1}" for i in range(dataset.n_features)) + ("b",)
        if config is not None:
            self._name_parameters(config)

    def _name_parameters(self, config: "TrainingConfig") -> None:
        from .feature_maps import apply_features

        try:
            mapped = apply_features(self.dataset, config.features)
            self.problem = config.problem(mapped)
        except ValueError as exc:
            self.error = str(exc)
            self.parameter_names = ()
            return
        self.parameter_names = self.problem.parameter_names(mapped.n_features)

    def check(self, config: "TrainingConfig") -> None:
        config.check(self.dataset)

    def surface_title(self, run: "TrainingRun") -> str:
        return f"{run.problem.loss.upper()} loss"

    def make_run(self, config: "TrainingConfig") -> "TrainingRun":
        from .training import TrainingRun

        return TrainingRun(self.dataset, config)

    def is_same_problem(self, other: "ProblemSource | None") -> bool:
        return isinstance(other, DataSource) and other.dataset.name == self.dataset.name

    def for_config(self, config: "TrainingConfig") -> "DataSource":
        return source_for(self.dataset, config)

    def model_losses(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """The networks' losses for these targets, and each one's natural loss: {model: (losses, natural)}.

        An MLP offers MSE and MAE, binary cross-entropy on 0/1 targets, cross-entropy on class
        labels 0, 1, 2, …; softmax regression only cross-entropy.
        """
        from .network import NETWORK_LOSSES, class_labels, natural_loss

        y = self.dataset.y
        binary = bool(y.size) and bool(np.isin(y, (0.0, 1.0)).all())
        labels = class_labels(y) is not None
        mlp = tuple(loss for loss in NETWORK_LOSSES["mlp"]
                    if loss in ("mse", "mae") or (loss == "bce" and binary) or (loss == "ce" and labels))
        return {"mlp": (mlp, natural_loss("mlp", y)), "softmax": (NETWORK_LOSSES["softmax"], "ce")}


class NetworkSource(DataSource):
    """A dataset through a network (mlp or softmax): torch's parameter names, and torch's
    ``nn.Linear`` initialisation drawn from the seed as the default start."""

    kind = "network"
    applies = NETWORK_APPLIES

    def __init__(self, dataset: "Dataset", config: "TrainingConfig") -> None:
        super().__init__(dataset, config)
        self.default_init = None if self.problem is None else \
            tuple(float(v) for v in self.problem.init_params(config.seed))


def source_for(dataset: "Dataset", config: "TrainingConfig") -> DataSource:
    """The source that descends ``dataset`` with ``config``'s model: a network's or a linear model's."""
    from .network import NETWORK_MODELS

    if config.model in NETWORK_MODELS:
        return NetworkSource(dataset, config)
    return DataSource(dataset, config)
