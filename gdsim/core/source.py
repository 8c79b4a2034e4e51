"""What a run descends: a dataset, or a classic test function.

A ``ProblemSource`` is the one interface the window and its features use for
every kind of run, instead of asking ``run.dataset is None``: the parameter
names, the rows an epoch goes through, which controls and views apply, the
known minima, how to check a config, the title, and how to make a run.
``DataSource`` (a dataset) is here; ``FunctionSource`` (a test function) is in
gdsim.core.functions. Every run carries its source as ``run.source``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

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
    surface_planes: bool = True  # pca and random planes through parameter space (a dataset's loss)


DATA_APPLIES = Applies(table=True, fit_view=True, model=True, batches=True, batch_loss=True, surface_axes=True)
FUNCTION_APPLIES = Applies(table=False, fit_view=False, model=False, batches=False, batch_loss=False,
                           surface_axes=False, surface_planes=False)


class ProblemSource:
    """The interface; see the module docstring."""

    kind: str  # "data" or "function"
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


class DataSource(ProblemSource):
    """A dataset: linear or logistic regression on its rows."""

    kind = "data"
    applies = DATA_APPLIES

    def __init__(self, dataset: "Dataset") -> None:
        self.dataset = dataset
        self.title = dataset.name or "data"
        self.parameter_names = tuple(f"w{i + 1}" for i in range(dataset.n_features)) + ("b",)
        self.n_rows = dataset.n_rows

    def check(self, config: "TrainingConfig") -> None:
        config.check(self.dataset)

    def surface_title(self, run: "TrainingRun") -> str:
        return f"{run.problem.loss.upper()} loss"

    def make_run(self, config: "TrainingConfig") -> "TrainingRun":
        from .training import TrainingRun

        return TrainingRun(self.dataset, config)

    def is_same_problem(self, other: "ProblemSource | None") -> bool:
        return isinstance(other, DataSource) and other.dataset.name == self.dataset.name
