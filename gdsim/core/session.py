"""Session files (``.gdsim``): the dataset, every setting and the pinned runs.

A session is JSON::

    {"format": "gdsim-session", "version": 1,
     "dataset": {"name": ..., "columns": [...], "target": ..., "values": [[row], ...]},
     "config": {every TrainingConfig field; hyper, schedule_params as objects,
                betas and init as lists},
     "speed": 30.0, "surface_axes": [0, 1], "surface_plane": "pca",
     "pins": [{"label": ..., "parameter_names": [...], "params": [[...], ...],
               "iterations": [...], "full_loss": [...], "config": {...}}, ...]}

Numbers are written with Python's shortest round-tripping ``repr``, so a
dataset comes back bit for bit (``Dataset.equals``).  The seed is the
config's ``seed``, which is also all a random surface plane needs to come back
the same (gdsim.core.landscape draws its directions from it).  A file without
"surface_plane" (written before planes) opens on two parameters.  Only pin
arrays may hold non-finite numbers (a diverged run's loss); they are written
as the strings "NaN", "Infinity", "-Infinity".

Reading refuses anything that is not such a file (not JSON, another format,
a wrong type, a non-finite number, an unknown optimizer...) with a
``SessionError`` whose message is one sentence, and builds nothing partial.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from . import limits
from .atomic import ReadError, atomic_write_text, read_regular
from .dataset import DataError, Dataset
from .optim import OPTIMIZERS, hyperparams, make_optimizer
from .schedules import SCHEDULES, make_schedule, schedule_params
from .feature_maps import parse_features
from .network import ACTIVATIONS, DEFAULT_HIDDEN, NETWORK_LOSSES, NETWORK_MODELS, check_hidden
from .session_pieces import parse_in_pieces
from .source import source_for
from .surface_tracker import PLANES as SURFACE_PLANES
from .training import TrainingConfig

FORMAT = "gdsim-session"
VERSION = 1
EXTENSION = ".gdsim"

_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class SessionError(ValueError):
    """A file that cannot be opened as a session; the message is one sentence."""


class ReadCancelled(Exception):
    """Raised by a reader's ``progress`` callback to stop reading a session (nothing is built)."""


@dataclass(frozen=True)
class PinRecord:
    """A pinned run as stored in a session (used when gdsim.core.compare has no PinnedRun)."""

    label: str
    parameter_names: tuple[str, ...]
    params: np.ndarray
    iterations: Any
    full_loss: Any
    config: TrainingConfig | None = None
    params_original: np.ndarray | None = None
    iterations_per_epoch: int = 1
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Session:
    """Everything a session file holds."""

    dataset: Dataset
    config: TrainingConfig
    speed: float = 0.0
    surface_axes: tuple[int, int] | None = None
    pins: tuple[Any, ...] = field(default_factory=tuple)
    surface_plane: str = "params"  # the loss surface's plane: "params", "pca" or "random"


# --- writing ------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """JSON-ready copy of a setting value (tuples -> lists, numpy scalars -> Python)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (numbers.Integral,)):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def config_to_dict(config: TrainingConfig) -> dict[str, Any]:
    """Every field of ``config`` as JSON-ready values."""
    return {f.name: _plain(getattr(config, f.name)) for f in fields(TrainingConfig)}


def dataset_to_dict(dataset: Dataset) -> dict[str, Any]:
    return {
        "name": dataset.name,
        "columns": list(dataset.columns),
        "target": dataset.target,
        "values": dataset.values.tolist(),  # floats: json writes repr, exact
    }


def _array_out(a: Any) -> Any:
    """A number or (nested) array with non-finite entries as strings."""
    arr = np.asarray(a)
    if arr.ndim == 0:
        return _number_out(arr.item())
    return [_array_out(v) for v in arr]


def _number_out(v: Any) -> Any:
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def pin_to_dict(pin: Any) -> dict[str, Any]:
    """A PinnedRun-like object (label, parameter_names, params, iterations, full_loss, config)."""
    config = getattr(pin, "config", None)
    out = {
        "label": str(pin.label),
        "parameter_names": [str(n) for n in pin.parameter_names],
        "params": _array_out(np.asarray(pin.params, dtype=np.float64)),
        "iterations": _array_out(pin.iterations),
        "full_loss": _array_out(pin.full_loss),
        "config": config_to_dict(config) if isinstance(config, TrainingConfig) else None,
    }
    original = getattr(pin, "params_original", None)
    if original is not None:
        out["params_original"] = _array_out(np.asarray(original, dtype=np.float64))
    ipe = getattr(pin, "iterations_per_epoch", None)
    if isinstance(ipe, numbers.Integral) and not isinstance(ipe, bool):
        out["iterations_per_epoch"] = int(ipe)
    extra = getattr(pin, "extra", None)
    if isinstance(extra, Mapping) and extra:
        try:  # free-form data travels only when it is plain JSON
            out["extra"] = json.loads(json.dumps(dict(extra), allow_nan=False))
        except (TypeError, ValueError):
            pass
    return out


def session_to_dict(session: Session) -> dict[str, Any]:
    axes = session.surface_axes
    return {
        "format": FORMAT,
        "version": VERSION,
        "dataset": dataset_to_dict(session.dataset),
        "config": config_to_dict(session.config),
        "speed": float(session.speed),
        "surface_axes": None if axes is None else [int(axes[0]), int(axes[1])],
        "surface_plane": str(session.surface_plane),
        "pins": [pin_to_dict(p) for p in session.pins],
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


def session_text(session: Session) -> str:
    """The file's text: one key per line, one data row per line (diff- and eye-friendly)."""
    d = session_to_dict(session)
    out = ["{"]
    items = list(d.items())
    for k, (key, value) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        if key == "dataset":
            rows = value["values"]
            out.append(f' "dataset": {{"name": {_dumps(value["name"])}, '
                       f'"columns": {_dumps(value["columns"])}, "target": {_dumps(value["target"])},')
            out.append('  "values": [')
            out += [f"   {_dumps(r)}{',' if n < len(rows) - 1 else ''}" for n, r in enumerate(rows)]
            out.append(f"  ]}}{comma}")
        elif key == "pins" and value:
            out.append(' "pins": [')
            out += [f"  {_dumps(p)}{',' if n < len(value) - 1 else ''}" for n, p in enumerate(value)]
            out.append(f" ]{comma}")
        else:
            out.append(f" {_dumps(key)}: {_dumps(value)}{comma}")
    out.append("}")
    return "\n".join(out) + "\n"


def save_session(path: str | os.PathLike, session: Session) -> None:
    """Write ``session`` to ``path`` atomically (the old file stays whole on failure)."""
    atomic_write_text(path, session_text(session))


# --- reading ------------------------------------------------------------------------------
class _Bad(Exception):
    """A reason (a clause, no final period) why the content is not a valid session."""


def _reject_constant(name: str) -> Any:
    raise _Bad(f"it holds {name}, which is not a finite number")


def _type_name(v: Any) -> str:
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, str):
        return f"the text {_short(v)!r}"
    if isinstance(v, (int, float)):
        return f"the number {v!r}"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _get(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise _Bad(f"{where} has no '{key}'")
    return obj[key]


def _obj(v: Any, where: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _Bad(f"{where} should be an object but is {_type_name(v)}")
    return v


def _text(v: Any, where: str) -> str:
    if not isinstance(v, str):
        raise _Bad(f"{where} should be text but is {_type_name(v)}")
    return v


def _bool(v: Any, where: str) -> bool:
    if not isinstance(v, bool):
        raise _Bad(f"{where} should be true or false but is {_type_name(v)}")
    return v


def _int(v: Any, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Bad(f"{where} should be a whole number but is {_type_name(v)}")
    return v


def _real(v: Any, where: str) -> float | int:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _Bad(f"{where} should be a number but is {_type_name(v)}")
    try:
        finite = math.isfinite(v)
    except OverflowError:  # an integer literal past 1e308
        raise _Bad(f"{where} is a number past 1e308") from None
    if not finite:
        raise _Bad(f"{where} is {v!r}, which is not a finite number")
    return v


def _within(v: Any, where: str, low: float, high: float) -> Any:
    """``v`` (already a number) inside [low, high]: the range the window's box for it has."""
    if not low <= v <= high:
        shown = limits.shown(v)
        span = f"{low:,} to {high:,}" if isinstance(low, int) and isinstance(high, int) else f"{low:g} to {high:g}"
        raise _Bad(f"{where} is {shown}, outside what gdsim allows ({span})")
    return v


def _hyper_range(hp: Any) -> tuple[float, float]:
    """The range of the window's editor of a float or int setting (gdsim.core.limits)."""
    if hp.kind == "int":
        return int(hp.minimum if hp.minimum is not None else 0), limits.MAX_EPOCHS
    if hp.name == "lr":
        return limits.LR_RANGE
    low = hp.minimum if hp.minimum is not None else -limits.HYPER_MAX
    high = hp.maximum if hp.maximum is not None else limits.HYPER_MAX
    return low, high


def _list(v: Any, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise _Bad(f"{where} should be a list but is {_type_name(v)}")
    return v


def _optional(v: Any, check: Callable[[Any, str], Any], where: str) -> Any:
    return None if v is None else check(v, where)


def _hyper_value(hp: Any, v: Any, where: str) -> Any:
    kind = hp.kind
    if kind == "bool":
        return _bool(v, where)
    if kind == "int":
        return _within(_int(v, where), where, *_hyper_range(hp))
    if kind == "pair":
        items = _list(v, where)
        if len(items) != 2:
            raise _Bad(f"{where} should hold two numbers but holds {len(items)}")
        return tuple(float(_real(x, where)) for x in items)
    return _within(_real(v, where), where, *_hyper_range(hp))


def config_from_dict(d: Any, where: str = "the settings") -> TrainingConfig:
    """A TrainingConfig from ``config_to_dict`` output; raises ``_Bad`` on any wrong value."""
    d = _obj(d, where)
    optimizer = _text(_get(d, "optimizer", where), "the optimizer")
    if optimizer not in OPTIMIZERS:
        raise _Bad(f"its optimizer '{_short(optimizer)}' is unknown (gdsim has {', '.join(OPTIMIZERS)})")
    kinds = {h.name: h for h in hyperparams(optimizer)}
    hyper_in = _obj(d.get("hyper", {}), "the optimizer settings")
    hyper: dict[str, Any] = {}
    for name, value in hyper_in.items():
        if name not in kinds:
            raise _Bad(f"its optimizer setting '{_short(name)}' does not belong to {optimizer}")
        hyper[name] = _hyper_value(kinds[name], value, f"the {optimizer} setting '{name}'")
    schedule = _text(d.get("schedule", "constant"), "the schedule")
    if schedule not in SCHEDULES:
        raise _Bad(f"its learning-rate schedule '{_short(schedule)}' is unknown")
    skinds = {h.name: h for h in schedule_params(schedule)}
    sched_in = _obj(d.get("schedule_params", {}), "the schedule settings")
    sched: dict[str, Any] = {}
    for name, value in sched_in.items():
        if name not in skinds:
            raise _Bad(f"its schedule setting '{_short(name)}' does not belong to the {schedule} schedule")
        sched[name] = _hyper_value(skinds[name], value, f"the schedule setting '{name}'")
    init = _optional(d.get("init"), _list, "the start point")
    if init is not None:
        init = tuple(float(_within(_real(v, "a start value"), "a start value",
                                   -limits.INIT_RANGE, limits.INIT_RANGE)) for v in init)
    tolerance = _optional(d.get("tolerance"), _real, "the tolerance")
    # the network's shape and the feature maps (absent from files written before networks)
    hidden = tuple(_int(h, "a hidden layer size") for h in _list(d.get("hidden", list(DEFAULT_HIDDEN)),
                                                                  "the hidden layers"))
    activation = _text(d.get("activation", "tanh"), "the activation")
    features = _optional(d.get("features"), _list, "the feature maps")
    if features is not None:
        features = tuple(_text(f, "a feature map") for f in features) or None
    config = TrainingConfig(
        model=_text(_get(d, "model", where), "the model"),
        loss=_optional(d.get("loss"), _text, "the loss"),
        reduction=_text(d.get("reduction", "mean"), "the reduction"),
        optimizer=optimizer,
        hyper=hyper,
        schedule=schedule,
        schedule_params=sched,
        batch_size=_optional(d.get("batch_size"), _int, "the batch size"),
        epochs=_within(_int(_get(d, "epochs", where), "the number of epochs"), "its number of epochs",
                       1, limits.MAX_EPOCHS),
        shuffle=_bool(d.get("shuffle", True), "shuffle"),
        drop_last=_bool(d.get("drop_last", False), "drop-last"),
        seed=_within(_int(d.get("seed", 0), "the seed"), "its seed", 0, limits.MAX_SEED),
        init=init,
        standardize=_bool(d.get("standardize", False), "standardize"),
        tolerance=None if tolerance is None else float(tolerance),
        hidden=hidden,
        activation=activation,
        features=features,
    )
    try:
        if config.model in NETWORK_MODELS:  # (its size depends on the data: checked with it)
            if config.loss is not None and config.loss not in NETWORK_LOSSES[config.model]:
                raise ValueError(f"the {config.model} model cannot be trained with {config.loss}")
            check_hidden(config.hidden)
            if config.activation not in ACTIVATIONS:
                raise ValueError(f"unknown activation '{_short(config.activation)}'")
        else:
            config.problem()
        if config.features is not None:
            parse_features(config.features)
        make_optimizer(config.optimizer, **config.hyper)
        make_schedule(config.schedule, **config.schedule_params)
    except (ValueError, TypeError) as exc:
        raise _Bad(f"its settings are invalid ({str(exc).rstrip('.')})") from None
    if config.batch_size is not None and config.batch_size < 1:
        raise _Bad(f"its batch size is {config.batch_size} (at least 1)")
    if config.tolerance is not None and not config.tolerance > 0:
        raise _Bad(f"its tolerance is {config.tolerance!r} (must be positive)")
    return config


def dataset_from_dict(d: Any) -> Dataset:
    d = _obj(d, "the dataset")
    columns = [_text(c, "a column name") for c in _list(_get(d, "columns", "the dataset"), "the columns")]
    rows = _get(d, "values", "the dataset")
    if isinstance(rows, np.ndarray):  # read in pieces (gdsim.core.session_pieces): finite numbers
        rows = rows if rows.shape[1] == len(columns) else rows.tolist()
    values = rows if isinstance(rows, np.ndarray) else _fast_table(
        _list(rows, "the dataset values"), len(columns))
    if values is None:  # something is wrong: find it, cell by cell, for the message
        values = _checked_table(rows, columns)
    target = _optional(d.get("target"), _text, "the target")
    name = _text(d.get("name", ""), "the dataset name")
    try:
        return Dataset(tuple(columns), values, target, name)
    except DataError as exc:
        raise _Bad(f"its data is invalid ({str(exc).rstrip('.')})") from None


def _fast_table(rows: list[Any], n_columns: int) -> np.ndarray | None:
    """The rows as an array when every cell is a finite int or float (no bool, no text) and
    every row has ``n_columns`` cells; else None. A million rows take about a second less
    than checking each cell with ``_real``."""
    if not all(type(row) is list for row in rows):
        return None
    kinds = {type(v) for row in rows for v in row}
    if not kinds <= {float, int}:
        return None
    try:
        values = np.array(rows, dtype=np.float64)
    except (ValueError, OverflowError):
        return None
    if values.shape != (len(rows), n_columns) or not np.isfinite(values).all():
        return None
    return values


def _checked_table(rows: list[Any], columns: list[str]) -> np.ndarray:
    for r, row in enumerate(rows):
        row = _list(row, f"row {r + 1} of the data")
        if len(row) != len(columns):
            raise _Bad(f"row {r + 1} of the data has {len(row)} values for {len(columns)} columns")
        for v in row:
            _real(v, f"a value in row {r + 1} of the data")
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(columns))


def _array_in(v: Any, where: str) -> Any:
    if isinstance(v, list):
        return [_array_in(x, where) for x in v]
    if isinstance(v, str):
        if v not in _SPECIAL:
            raise _Bad(f"{where} holds the text {_short(v)!r} where a number belongs")
        return _SPECIAL[v]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _Bad(f"{where} holds {_type_name(v)} where a number belongs")
    return v


def _default_pin_factory(**fields_: Any) -> Any:
    try:
        from .compare import PinnedRun  # built by the pinned-runs feature
    except ImportError:
        return PinRecord(**fields_)
    try:
        return PinnedRun(**fields_)
    except TypeError:  # a PinnedRun that wants other fields: keep the data anyway
        return PinRecord(**fields_)


def pin_from_dict(d: Any, n: int = 1, factory: Callable[..., Any] | None = None) -> Any:
    where = f"pinned run {n}"
    d = _obj(d, where)
    label = _text(_get(d, "label", where), f"the label of {where}")
    names = tuple(_text(x, f"a parameter name of {where}")
                  for x in _list(_get(d, "parameter_names", where), f"the parameter names of {where}"))
    try:
        params = np.array(_array_in(_list(_get(d, "params", where), f"the path of {where}"), where),
                          dtype=np.float64)
    except ValueError:
        raise _Bad(f"the path of {where} is not a table of numbers") from None
    if params.ndim != 2 or params.shape[1] != len(names):
        raise _Bad(f"the path of {where} does not have one column per parameter ({len(names)})")
    params.flags.writeable = False
    iterations = _array_in(_list(_get(d, "iterations", where), f"the iterations of {where}"), where)
    full_loss = _array_in(_list(_get(d, "full_loss", where), f"the losses of {where}"), where)
    try:
        iterations = np.array(iterations, dtype=np.int64 if all(
            isinstance(v, int) for v in iterations) else np.float64)
        full_loss = np.array(full_loss, dtype=np.float64)
    except (ValueError, OverflowError):
        raise _Bad(f"the iterations or losses of {where} are not a list of numbers") from None
    if iterations.ndim != 1 or full_loss.ndim != 1:
        raise _Bad(f"the iterations and losses of {where} should be flat lists of numbers")
    if len(iterations) != len(params) or len(full_loss) != len(params):
        raise _Bad(f"{where} has {len(params)} points but {len(iterations)} iterations "
                   f"and {len(full_loss)} losses")
    iterations.flags.writeable = False
    full_loss.flags.writeable = False
    config = d.get("config")
    config = None if config is None else config_from_dict(config, f"the settings of {where}")
    optional: dict[str, Any] = {}
    if d.get("params_original") is not None:
        try:
            original = np.array(_array_in(_list(d["params_original"], where), where), dtype=np.float64)
        except ValueError:
            raise _Bad(f"the original-units path of {where} is not a table of numbers") from None
        if original.shape != params.shape:
            raise _Bad(f"the original-units path of {where} does not match its path")
        optional["params_original"] = original
    if "iterations_per_epoch" in d:
        ipe = _int(d["iterations_per_epoch"], f"the iterations per epoch of {where}")
        if ipe < 1:
            raise _Bad(f"the iterations per epoch of {where} is {ipe} (at least 1)")
        optional["iterations_per_epoch"] = ipe
    if "extra" in d:
        optional["extra"] = _obj(d["extra"], f"the extra data of {where}")
    make = factory or _default_pin_factory
    try:
        return make(label=label, parameter_names=names, params=params, iterations=iterations,
                    full_loss=full_loss, config=config, **optional)
    except (ValueError, TypeError) as exc:
        raise _Bad(f"{where} is invalid ({str(exc).rstrip('.')})") from None


def session_from_dict(d: Any, pin_factory: Callable[..., Any] | None = None) -> Session:
    """A Session from parsed JSON; raises ``SessionError`` (one sentence) on anything wrong."""
    try:
        return _session_from_dict(d, pin_factory)
    except _Bad as exc:
        raise SessionError(_sentence(str(exc))) from None


def _sentence(reason: str, name: str = "") -> str:
    head = f"Cannot open {name}: " if name else "This is not a usable gdsim session: "
    return f"{head}{reason}."


def _session_from_dict(d: Any, pin_factory) -> Session:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise _Bad("it is not a gdsim session file (it lacks the \"format\": \"gdsim-session\" marker)")
    version = d.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Bad(f"its session version is {_type_name(version)}, not a whole number from 1")
    if version > VERSION:
        raise _Bad(f"it was saved by a newer gdsim (session version {limits.shown(version)}; this one reads up to {VERSION})")
    dataset = dataset_from_dict(_get(d, "dataset", "the file"))
    config = config_from_dict(_get(d, "config", "the file"))
    if config.batch_size is not None and config.batch_size > dataset.n_rows:
        raise _Bad(f"its batch size is {limits.shown(config.batch_size)} but the data has "
                   f"{dataset.n_rows} rows")
    source = source_for(dataset, config)  # the parameters of its model on its data
    if source.error:
        raise _Bad(f"its settings do not fit its data ({source.error.rstrip('.')})")
    p = source.n_parameters
    if config.init is not None and len(config.init) != p:
        raise _Bad(f"its start point has {len(config.init)} values but the model needs {p}")
    speed = float(_real(d.get("speed", 0.0), "the speed"))
    if speed < 0:
        raise _Bad(f"its speed is {speed!r} (must not be negative)")
    axes = d.get("surface_axes")
    if axes is not None:
        axes = _list(axes, "the surface axes")
        if len(axes) != 2:
            raise _Bad("its surface axes should be two parameter numbers")
        i, j = (_int(a, "a surface axis") for a in axes)
        if not (0 <= i < p and 0 <= j < p and i != j):
            raise _Bad(f"its surface axes {limits.shown(i)}, {limits.shown(j)} are not two different "
                       f"parameters of {p}")
        axes = (i, j)
    plane = surface_plane_from(d.get("surface_plane", "params"))
    pins = tuple(pin_from_dict(p, k + 1, pin_factory)
                 for k, p in enumerate(_list(d.get("pins", []), "the pinned runs")))
    return Session(dataset=dataset, config=config, speed=speed, surface_axes=axes, pins=pins,
                   surface_plane=plane)


def surface_plane_from(v: Any, where: str = "its surface plane") -> str:
    """A plane's name ("params", "pca" or "random"); ``_Bad`` naming the choices otherwise."""
    if v not in SURFACE_PLANES:
        shown = f"'{_short(v)}'" if isinstance(v, str) else _type_name(v)
        raise _Bad(f"{where} is {shown}, not one of {', '.join(SURFACE_PLANES)}")
    return v


def check_session(session: Session) -> None:
    """Raise SessionError (one sentence) unless everything in ``session`` fits what the window can
    show: a Session built in code gets the checks a loaded file had, before anything is applied."""
    config, dataset = session.config, session.dataset
    try:
        config.check_bounds()
        if config.batch_size is not None and not 1 <= config.batch_size <= dataset.n_rows:
            raise ValueError(f"its batch size is {limits.shown(config.batch_size)} but the data has "
                             f"{dataset.n_rows} rows")
        config_from_dict(json.loads(_dumps(config_to_dict(config))))  # the ranges a file's settings get
        surface_plane_from(session.surface_plane)
    except (_Bad, ValueError, TypeError, OverflowError) as exc:
        raise SessionError(_sentence(str(exc).rstrip("."))) from None


def parse_session(text: str | bytes, name: str = "", pin_factory: Callable[..., Any] | None = None,
                  progress: Callable[[float], None] | None = None) -> Session:
    """A Session from a file's text (or its bytes, UTF-8); ``SessionError`` (one sentence) when it
    is not a valid one. ``progress(fraction)`` is called while a big table is read; it may raise
    ``ReadCancelled``, which goes through."""
    try:
        data = None
        if isinstance(text, bytes):
            try:
                data = parse_in_pieces(text, progress, _reject_constant)
            except ReadCancelled:
                raise
            except Exception:  # noqa: BLE001 - any doubt: the ordinary way below says what is wrong
                data = None
            if data is None:
                try:
                    text = text.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise _Bad("it is not a gdsim session (not a text file)") from None
        if data is None:
            data = json.loads(text, parse_constant=_reject_constant)
        return _session_from_dict(data, pin_factory)
    except _Bad as exc:
        raise SessionError(_sentence(str(exc), name)) from None
    except json.JSONDecodeError as exc:
        raise SessionError(_sentence(f"it is not a gdsim session (not valid JSON at line {exc.lineno})",
                                     name)) from None
    except RecursionError:
        raise SessionError(_sentence("it is nested too deeply to be a gdsim session", name)) from None
    except ValueError:  # Python's limit on integer digits (4300), reached while parsing
        raise SessionError(_sentence("it holds a number with thousands of digits", name)) from None


def load_session(path: str | os.PathLike, pin_factory: Callable[..., Any] | None = None,
                 progress: Callable[[float], None] | None = None) -> Session:
    """Read a session file; ``SessionError`` (one sentence) when it is not a valid one.

    A big file's table is read in pieces (``progress`` as in ``parse_session``), so a thread
    reading it leaves the others time to run.
    """
    name = Path(path).name
    try:
        raw = read_regular(path, limits.MAX_READ_BYTES)
    except ReadError as exc:
        raise SessionError(f"Cannot open {name}: {str(exc).rstrip('.')}.") from None
    except OSError as exc:
        raise SessionError(f"Cannot open {name}: {exc.strerror or exc}.") from None
    return parse_session(raw, name, pin_factory, progress)
