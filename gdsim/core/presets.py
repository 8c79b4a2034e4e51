"""Ready-made data sets: the lecture tables and seeded generators.

The lecture tables live in ``resources/presets/<id>.csv`` and are read with
:func:`gdsim.core.csvio.read_csv`.  Generators draw from
``np.random.default_rng(seed)``, so the same parameters give the same data.
Every loaded Dataset is named after its preset id.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .csvio import read_csv
from .dataset import DataError, Dataset
from .toy_data import TOY_GENERATORS

__all__ = [
    "Preset", "PRESETS", "DEFAULT_PRESET", "MAX_ROWS", "list_presets", "get_preset", "load_preset",
    "default_rows", "noisy_line", "two_classes", "large_synthetic",
]


@dataclass(frozen=True)
class Preset:
    id: str
    title: str
    description: str
    model: str  # the suggested model: "linear", "logistic" or "mlp"
    kind: str   # "table" or "generator"
    # Suggested for a first run: Age (19..65) beside a 0/1 column makes raw
    # gradient descent zig-zag, so the insurance table starts standardised.
    standardize: bool = False


PRESETS: tuple[Preset, ...] = (
    Preset("lecture-2x", "y = 2x",
           "Five points on the line y = 2x (x = 2..6), from the lecture.", "linear", "table"),
    Preset("lecture-3x", "y = 3x",
           "Five points on the line y = 3x (x = 2..6), from the lecture.", "linear", "table"),
    Preset("lecture-half-x-minus-2.5", "y = 0.5x - 2.5",
           "Five points on the line y = 0.5x - 2.5 (x = 2..6), from the lecture.", "linear", "table"),
    Preset("lecture-3x-plus-2", "y = 3x + 2",
           "Five points on the line y = 3x + 2 (x = 2..6), from the lecture.", "linear", "table"),
    Preset("insurance", "Car and insurance",
           "Eleven people: age and whether they have a car, and whether they have insurance "
           "(the lecture's logistic-regression example).", "logistic", "table", standardize=True),
    Preset("noisy-line", "Noisy line",
           "Points scattered around y = 3x + 2 with Gaussian noise (seeded).", "linear", "generator"),
    Preset("two-classes", "Two classes",
           "Two Gaussian clouds in the plane labelled 0 and 1, nearly separable (seeded).",
           "logistic", "generator"),
    Preset("large-synthetic", "Large synthetic",
           "A million rows with two features, for mini-batch training (seeded).",
           "logistic", "generator"),
    Preset("xor", "XOR", "Points in four quadrants; class 1 where x1 and x2 have the same sign (seeded).",
           "mlp", "generator"),
    Preset("circles", "Circles", "A disc of class 1 inside a ring of class 0 (seeded).", "mlp", "generator"),
    Preset("moons", "Moons", "Two interleaved half circles, classes 0 and 1 (seeded).", "mlp", "generator"),
    Preset("spiral", "Spiral", "Two interleaved spiral arms, classes 0 and 1 (seeded).", "mlp", "generator"),
    Preset("spiral3", "Three spirals", "Three interleaved spiral arms, classes 0, 1 and 2 (seeded).",
           "mlp", "generator"),
    Preset("sine", "Sine", "y = sin(x) plus Gaussian noise, x from -π to π: regression for a network (seeded).",
           "mlp", "generator"),
)

DEFAULT_PRESET = "lecture-3x-plus-2"

_BY_ID = {p.id: p for p in PRESETS}


def list_presets() -> tuple[Preset, ...]:
    return PRESETS


def get_preset(preset_id: str) -> Preset:
    try:
        return _BY_ID[preset_id]
    except (KeyError, TypeError):
        raise DataError(
            f"There is no preset '{preset_id}'; the presets are {', '.join(_BY_ID)}."
        ) from None


# ---------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------

#: The most rows a generator makes (ten million rows of three columns: 240 MB).
MAX_ROWS = 10_000_000


def _check_n(n: object, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise DataError(f"The number of rows must be a whole number of at least {minimum}, not {n!r}.")
    if n > MAX_ROWS:
        raise DataError(f"The number of rows must be at most {MAX_ROWS:,}, not {n:,}.")
    return int(n)


def _check_real(value: object, what: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"The {what} must be a number, not {value!r}.") from None
    if not np.isfinite(v):
        raise DataError(f"The {what} must be a finite number, not {value!r}.")
    return v


def _frozen(values: np.ndarray) -> np.ndarray:
    values = np.ascontiguousarray(values, dtype=np.float64)
    values.setflags(write=False)
    return values


def noisy_line(n: int = 50, slope: float = 3.0, intercept: float = 2.0, noise: float = 1.0,
               seed: int = 0, x_range: tuple[float, float] = (0, 10)) -> Dataset:
    """``n`` points (x, y): x uniform in ``x_range`` (sorted), y = slope*x +
    intercept + noise*N(0, 1); values rounded to 3 decimals so tables read well."""
    n = _check_n(n)
    slope = _check_real(slope, "slope")
    intercept = _check_real(intercept, "intercept")
    noise = _check_real(noise, "noise level")
    if noise < 0:
        raise DataError(f"The noise level must not be negative, not {noise!r}.")
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise DataError(f"The x range must be two numbers (low, high), not {x_range!r}.") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise DataError(f"The x range must go from a lower to a higher finite number, not {x_range!r}.")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(lo, hi, n))
    y = slope * x + intercept + noise * rng.standard_normal(n)
    values = np.round(np.column_stack([x, y]), 3)
    return Dataset(("x", "y"), _frozen(values), "y", "noisy-line")


def two_classes(n: int = 100, separation: float = 2.0, seed: int = 0) -> Dataset:
    """``n`` points (x1, x2, label): label 0 around (-s/2, -s/2), label 1
    around (s/2, s/2), unit Gaussian spread, classes alternating (ceil(n/2)
    zeros), values rounded to 3 decimals."""
    n = _check_n(n)
    separation = _check_real(separation, "separation")
    if separation < 0:
        raise DataError(f"The separation must not be negative, not {separation!r}.")
    rng = np.random.default_rng(seed)
    label = (np.arange(n) % 2).astype(np.float64)
    centre = (label - 0.5) * separation
    points = centre[:, None] + rng.standard_normal((n, 2))
    values = np.column_stack([np.round(points, 3), label])
    return Dataset(("x1", "x2", "label"), _frozen(values), "label", "two-classes")


def large_synthetic(n: int = 1_000_000, seed: int = 0, model: str = "logistic") -> Dataset:
    """``n`` rows (x1, x2, y) with standard normal features.

    ``model="linear"``: y = 1.5*x1 - 2*x2 + 0.5 + 0.3*N(0, 1).
    ``model="logistic"``: y ~ Bernoulli(sigmoid(2*x1 - x2 + 0.5)), in {0, 1}.
    One (n, 3) array is filled in place and adopted by the Dataset without a copy.
    """
    n = _check_n(n)
    if model not in ("linear", "logistic"):
        raise DataError(f"The model must be 'linear' or 'logistic', not {model!r}.")
    rng = np.random.default_rng(seed)
    values = np.empty((n, 3))
    values[:, :2] = rng.standard_normal((n, 2))
    x1, x2, y = values[:, 0], values[:, 1], values[:, 2]
    if model == "linear":
        np.multiply(x1, 1.5, out=y)
        y -= 2.0 * x2
        y += 0.5
        y += 0.3 * rng.standard_normal(n)
    else:
        z = 2.0 * x1 - x2 + 0.5
        p = 1.0 / (1.0 + np.exp(-z))
        y[:] = rng.random(n) < p
    values.setflags(write=False)
    return Dataset(("x1", "x2", "y"), values, "y", "large-synthetic")


_GENERATORS: dict[str, Callable[..., Dataset]] = {
    "noisy-line": noisy_line,
    "two-classes": two_classes,
    "large-synthetic": large_synthetic,
    **TOY_GENERATORS,
}


def generator_parameters(preset_id: str) -> dict[str, object]:
    """Parameter names and defaults of a generator preset ({} for a table)."""
    get_preset(preset_id)
    fn = _GENERATORS.get(preset_id)
    if fn is None:
        return {}
    return {k: p.default for k, p in inspect.signature(fn).parameters.items()}


def default_rows(preset_id: str) -> int | None:
    """How many rows a generator preset makes by default (None for a fixed table)."""
    n = generator_parameters(preset_id).get("n")
    return None if n is None else int(n)


def load_preset(preset_id: str, rows: int | None = None, **generator_params: object) -> Dataset:
    """The preset's Dataset, named ``preset_id``.

    Table presets take no parameters; generator presets take ``rows`` (their
    ``n``: the command line's ``--rows``) and the keyword parameters of their
    generator function.  Unknown ids or parameters raise DataError.
    """
    preset = get_preset(preset_id)
    if rows is not None:
        if preset.kind == "table":
            raise DataError(f"Preset '{preset_id}' is a fixed table; a number of rows applies to "
                            f"the generated presets ({', '.join(_GENERATORS)}).")
        if "n" in generator_params:
            raise DataError("Give the number of rows once (rows or n), not both.")
        generator_params["n"] = rows
    if preset.kind == "table":
        if generator_params:
            raise DataError(f"Preset '{preset_id}' is a fixed table and takes no parameters.")
        from .._resources import resource_path

        try:
            path = resource_path(f"presets/{preset_id}.csv")
        except FileNotFoundError:
            raise DataError(f"The table for preset '{preset_id}' is missing from this installation.") from None
        return read_csv(path).with_name(preset_id)
    fn = _GENERATORS[preset_id]
    allowed = generator_parameters(preset_id)
    unknown = [k for k in generator_params if k not in allowed]
    if unknown:
        raise DataError(
            f"Preset '{preset_id}' has no parameter '{unknown[0]}'; its parameters are {', '.join(allowed)}."
        )
    return fn(**generator_params).with_name(preset_id)
