"""An optimizer race: 2 to 8 optimizer settings on the same data, side by side.

Every entry is an ordinary :class:`~gdsim.core.training.TrainingRun` built
from one base config with only the optimizer and its hyperparameters
replaced, so all entries share the dataset, the start point, the schedule,
the batch size and the seed, hence the very same sequence of mini-batches.
``Race`` steps them in lockstep and offers the interface the GUI worker
drives (``advance``, ``run_epoch``, ``done``, ``snapshot``).

Optimizer specs (command line and GUI) look like::

    sgd                                  torch defaults (lr 0.01 here)
    sgd:lr=0.01,momentum=0.9,nesterov=true
    adam:lr=0.01,betas=0.9/0.999         a pair is two numbers joined by '/'

Items are separated by commas; a pair may also be written ``0.9;0.999`` or
``(0.9,0.999)``, but those need quotes in a shell, ``0.9/0.999`` does not.
Names are torch's (``weight_decay``; ``weight-decay`` is accepted too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .dataset import Dataset
from .optim import OPTIMIZERS, hyperparams, make_optimizer, torch_class_name
from .options import optimizer_hyper
from .training import Snapshot, TrainingConfig, TrainingRun

MIN_ENTRIES = 2
MAX_ENTRIES = 8
#: ``Race(threshold=AUTO_THRESHOLD)``: the threshold is the best final loss + AUTO_MARGIN of it,
#: known when the race ends (a fixed "loss ≤ 1" is met at the start by BCE's 0.693)
AUTO_THRESHOLD = "auto"
AUTO_MARGIN = 0.01

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


# --------------------------------------------------------------------------- specs

def _split_items(text: str) -> list[str]:
    """Split at commas that are not inside parentheses or brackets."""
    items, depth, current = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth <= 0:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _parse_value(optimizer: str, name: str, kind: str, text: str) -> Any:
    raw = text.strip()
    if kind == "bool":
        low = raw.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"Invalid value for {name} of {optimizer}: {raw!r} (true or false).")
    if kind == "pair":
        inner = raw.strip("()[] ")
        for sep in ("/", ";", ","):
            if sep in inner:
                parts = [p.strip() for p in inner.split(sep)]
                break
        else:
            parts = [inner]
        try:
            values = tuple(float(p) for p in parts)
        except ValueError:
            values = ()
        if len(values) != 2:
            raise ValueError(
                f"Invalid value for {name} of {optimizer}: {raw!r} (two numbers, e.g. {name}=0.9/0.999)."
            )
        return values
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"Invalid value for {name} of {optimizer}: {raw!r} (a number).") from None
    if kind == "int":
        if number != int(number):
            raise ValueError(f"Invalid value for {name} of {optimizer}: {raw!r} (a whole number).")
        return int(number)
    return number


def parse_hyper(optimizer: str, text: str) -> dict[str, Any]:
    """``"lr=0.01, momentum=0.9"`` -> ``{"lr": 0.01, "momentum": 0.9}`` for ``optimizer``.

    Names are checked against the optimizer's own, values parsed by kind and
    validated by the optimizer (torch's rules); any problem is a ValueError
    of one sentence.
    """
    optimizer = _optimizer_name(optimizer)
    kinds = {h.name: h.kind for h in hyperparams(optimizer)}
    raw: dict[str, str] = {}
    for item in _split_items(text):
        if "=" not in item:
            raise ValueError(
                f"Invalid setting {item!r} for {optimizer}: write name=value, e.g. lr=0.01."
            )
        name, value = (part.strip() for part in item.split("=", 1))
        name = name.replace("-", "_").lower()
        if not value:
            raise ValueError(f"Missing value for {name} of {optimizer}.")
        if name in raw:
            raise ValueError(f"{name} is given twice for {optimizer}.")
        raw[name] = value
    unknown = [name for name in raw if name not in kinds]
    if unknown:
        optimizer_hyper(optimizer, {unknown[0]: 0.0})  # raises its one-sentence message
    hyper = {name: _parse_value(optimizer, name, kinds[name], value) for name, value in raw.items()}
    hyper = optimizer_hyper(optimizer, hyper)
    try:
        make_optimizer(optimizer, **hyper)
    except ValueError as exc:
        message = str(exc).rstrip(".")
        raise ValueError(f"{torch_class_name(optimizer)}: {message}.") from None
    return hyper


def _optimizer_name(name: str) -> str:
    key = name.strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer '{name.strip()}'; choose one of: {', '.join(OPTIMIZERS)}.")
    return key


def parse_optimizer_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"sgd:lr=0.01,momentum=0.9"`` -> ``("sgd", {"lr": 0.01, "momentum": 0.9})``."""
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError("Empty optimizer spec; write e.g. sgd:lr=0.01,momentum=0.9.")
    name, _, settings = spec.partition(":")
    optimizer = _optimizer_name(name)
    return optimizer, parse_hyper(optimizer, settings)


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "/".join(_format_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_hyper(hyper: Mapping[str, Any]) -> str:
    """``{"lr": 0.01, "momentum": 0.9}`` -> ``"lr=0.01, momentum=0.9"`` (parse_hyper reads it back)."""
    return ", ".join(f"{name}={_format_value(value)}" for name, value in hyper.items())


def format_spec(optimizer: str, hyper: Mapping[str, Any]) -> str:
    """The command-line spec of an entry, e.g. ``sgd:lr=0.01,momentum=0.9``."""
    settings = ",".join(f"{name}={_format_value(value)}" for name, value in hyper.items())
    return f"{optimizer}:{settings}" if settings else optimizer


def default_label(optimizer: str, hyper: Mapping[str, Any]) -> str:
    """``"SGD lr=0.01, momentum=0.9"``: torch's class name and the settings given."""
    text = format_hyper(hyper)
    return f"{torch_class_name(optimizer)} {text}" if text else torch_class_name(optimizer)


# --------------------------------------------------------------------------- the race

@dataclass(frozen=True)
class RaceEntry:
    label: str
    optimizer: str
    hyper: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RaceSnapshot:
    """The state of every entry after the latest lockstep step; immutable."""

    labels: tuple[str, ...]
    entries: tuple[Snapshot, ...]
    iteration: int  # lockstep iterations done (the furthest entry)
    total_iterations: int
    threshold: float | None
    iterations_to_threshold: tuple[int | None, ...]
    auto_threshold: bool = False  # the threshold is AUTO_THRESHOLD's (None until the race ends)

    @property
    def done(self) -> bool:
        return all(s.done for s in self.entries)

    @property
    def status(self) -> str:
        if self.done:
            return "finished"
        return "ready" if self.iteration == 0 else "running"


@dataclass(frozen=True)
class RaceResult:
    """One entry's outcome."""

    label: str
    optimizer: str
    hyper: Mapping[str, Any]
    status: str
    message: str
    diverged: bool
    final_loss: float
    iterations: int
    iterations_to_threshold: int | None
    params: np.ndarray
    params_original: np.ndarray
    parameter_names: tuple[str, ...]

    def summary(self, threshold: float | None = None) -> dict[str, Any]:
        """A JSON-ready dict (what ``gdsim race --json`` prints per entry)."""
        return {
            "label": self.label,
            "optimizer": self.optimizer,
            "hyper": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.hyper.items()},
            "spec": format_spec(self.optimizer, self.hyper),
            "status": self.status,
            "message": self.message,
            "diverged": self.diverged,
            "final_loss": _json_float(self.final_loss),
            "iterations": self.iterations,
            "threshold": threshold,
            "iterations_to_threshold": self.iterations_to_threshold,
            "parameter_names": list(self.parameter_names),
            "params": [float(v) for v in self.params],
            "params_original": [float(v) for v in self.params_original],
        }


def _json_float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def first_at_or_below(full_loss: np.ndarray, threshold: float | None) -> int | None:
    """The first iteration (row) whose full-dataset loss is ≤ ``threshold``, or None."""
    if threshold is None:
        return None
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(np.asarray(full_loss) <= threshold)
    return int(hits[0]) if hits.size else None


def _unique_labels(labels: Iterable[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        count = seen.get(label, 0) + 1
        seen[label] = count
        out.append(label if count == 1 else f"{label} ({count})")
    return out


class Race:
    """Several TrainingRuns that differ only in the optimizer, stepped in lockstep.

    ``entries`` are ``(label, optimizer, hyper)`` triples (a label of ``""``
    or None gets :func:`default_label`; repeated labels get " (2)", " (3)").
    A diverged entry stops where it diverged while the others go on.
    """

    def __init__(self, dataset: Dataset, base_config: TrainingConfig,
                 entries: Sequence[tuple[str | None, str, Mapping[str, Any]]],
                 threshold: float | None = None) -> None:
        entries = list(entries)
        if not MIN_ENTRIES <= len(entries) <= MAX_ENTRIES:
            raise ValueError(
                f"A race needs {MIN_ENTRIES} to {MAX_ENTRIES} optimizer settings; got {len(entries)}."
            )
        self.auto_threshold = isinstance(threshold, str) and threshold.strip().lower() == AUTO_THRESHOLD
        if self.auto_threshold:
            threshold = None
        elif threshold is not None:
            try:
                threshold = float(threshold)
            except (TypeError, ValueError):
                raise ValueError(f"Invalid loss threshold: {threshold!r} (a number, or 'auto').") from None
            if not math.isfinite(threshold):
                raise ValueError(f"Invalid loss threshold: {threshold} (a finite number).")
        self.threshold = threshold
        checked = []
        for label, optimizer, hyper in entries:
            optimizer = _optimizer_name(optimizer)
            hyper = dict(hyper or {})
            checked.append((label or default_label(optimizer, hyper), optimizer, hyper))
        labels = _unique_labels(label for label, _, _ in checked)
        self.entries = tuple(RaceEntry(label, opt, hyper) for label, (_, opt, hyper) in zip(labels, checked))
        self.dataset = dataset
        self.base_config = base_config
        self.runs: tuple[TrainingRun, ...] = tuple(
            self._make_run(dataset, base_config, entry) for entry in self.entries
        )
        self._reached: list[int | None] = [None] * len(self.runs)
        self._scanned = [0] * len(self.runs)
        for run in self.runs:  # a bounded history is scanned before it drops rows
            run.history.before_thin = self.iterations_to_threshold

    @staticmethod
    def _make_run(dataset: Dataset, base: TrainingConfig, entry: RaceEntry) -> TrainingRun:
        config = base.replace(optimizer=entry.optimizer, hyper=dict(entry.hyper))
        try:
            return TrainingRun(dataset, config)
        except ValueError as exc:
            raise ValueError(f"{entry.label}: {str(exc).rstrip('.')}.") from None

    # --- information ------------------------------------------------------------------
    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(e.label for e in self.entries)

    @property
    def done(self) -> bool:
        return all(run.done for run in self.runs)

    @property
    def iteration(self) -> int:
        return max(run.iteration for run in self.runs)

    @property
    def total_iterations(self) -> int:
        return max(run.total_iterations for run in self.runs)

    @property
    def iterations_per_epoch(self) -> int:
        return self.runs[0].iterations_per_epoch

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return self.runs[0].parameter_names

    def _resolve_auto_threshold(self) -> None:
        """At the end of an auto-threshold race: the best final loss (of the entries that did
        not diverge) + AUTO_MARGIN of it."""
        if not self.auto_threshold or self.threshold is not None or not self.done:
            return
        finals = [float(run.current_loss) for run in self.runs
                  if run.status != "diverged" and math.isfinite(run.current_loss)]
        if finals:
            self.threshold = min(finals) * (1.0 + AUTO_MARGIN)

    def iterations_to_threshold(self) -> tuple[int | None, ...]:
        """Per entry, the first iteration with full-dataset loss ≤ threshold (None: not yet)."""
        self._resolve_auto_threshold()
        if self.threshold is None:
            return (None,) * len(self.runs)
        for i, run in enumerate(self.runs):
            if self._reached[i] is not None:
                continue
            full, its = run.history.full_loss, run.history.iteration
            # Iterations before _scanned were final when scanned, except the last one,
            # whose full loss may be filled in later (full-batch descent). Rows are
            # found by iteration: a bounded history thins (and renumbers) its rows.
            start = int(np.searchsorted(its, self._scanned[i]))
            hit = first_at_or_below(full[start:], self.threshold)
            if hit is not None:
                self._reached[i] = int(its[start + hit])
            self._scanned[i] = int(its[-1]) if len(its) else 0
        return tuple(self._reached)

    def snapshot(self) -> RaceSnapshot:
        return RaceSnapshot(
            labels=self.labels,
            entries=tuple(run.snapshot() for run in self.runs),
            iteration=self.iteration,
            total_iterations=self.total_iterations,
            iterations_to_threshold=self.iterations_to_threshold(),
            threshold=self.threshold,
            auto_threshold=self.auto_threshold,
        )

    def results(self) -> list[RaceResult]:
        reached = self.iterations_to_threshold()
        out = []
        for entry, run, hit in zip(self.entries, self.runs, reached):
            params = run.params.copy()
            params.flags.writeable = False
            out.append(RaceResult(
                label=entry.label, optimizer=entry.optimizer, hyper=dict(entry.hyper),
                status=run.status, message=run.message, diverged=run.status == "diverged",
                final_loss=float(run.current_loss), iterations=run.iteration,
                iterations_to_threshold=hit, params=params,
                params_original=run.params_original, parameter_names=run.parameter_names,
            ))
        return out

    # --- stepping ---------------------------------------------------------------------
    def advance(self, n: int) -> int:
        """Up to ``n`` lockstep iterations of every live entry; how many the furthest ran."""
        return max(run.advance(n) for run in self.runs)

    def run_epoch(self) -> RaceSnapshot | None:
        """Every live entry to the end of the current epoch (they share its length)."""
        if self.done:
            return None
        for run in self.runs:
            if not run.done:
                run.run_epoch()
        return self.snapshot()

    def run(self) -> "Race":
        """Every entry to the end."""
        while not self.done:
            self.advance(1 << 16)
        return self
