"""Two-dimensional toy data for small networks, as in TensorFlow Playground (seeded).

Every generator takes ``n`` (rows), ``noise`` and ``seed`` and draws from
``np.random.default_rng(seed)``: the same arguments give the same table.
Points lie in about [−1, 1]²; ``noise`` is the standard deviation of a
Gaussian jitter added to each coordinate after the label is decided (for
``sine``, added to y). Labels cycle 0, 1, (2,) 0, … down the rows, so every
class has its share of any run of rows. Values are rounded to 3 decimals, so a
saved table reads back the same.
"""

from __future__ import annotations

import numpy as np

from .dataset import DataError, Dataset

__all__ = ["xor", "circles", "moons", "spiral", "spiral3", "sine", "TOY_GENERATORS"]


def _check(n: object, noise: object, minimum: int) -> tuple[int, float]:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise DataError(f"The number of rows must be a whole number of at least {minimum}, not {n!r}.")
    try:
        level = float(noise)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"The noise level must be a number, not {noise!r}.") from None
    if not (np.isfinite(level) and level >= 0):
        raise DataError(f"The noise level must be a finite number of at least 0, not {noise!r}.")
    return int(n), level


def _table(points: np.ndarray, label: np.ndarray, rng: np.random.Generator, noise: float,
           name: str) -> Dataset:
    points = points + noise * rng.standard_normal(points.shape)
    values = np.column_stack([np.round(points, 3), label.astype(np.float64)])
    values.setflags(write=False)
    return Dataset(("x1", "x2", "label"), values, "label", name)


def xor(n: int = 200, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Points in the four quadrants (|x| from 0.05 to 1); label 1 where x1·x2 > 0."""
    n, noise = _check(n, noise, 1)
    rng = np.random.default_rng(seed)
    label = np.arange(n) % 2
    magnitude = rng.uniform(0.05, 1.0, (n, 2))
    first = rng.choice((-1.0, 1.0), n)
    second = np.where(label == 1, first, -first)  # same signs for label 1
    points = magnitude * np.column_stack([first, second])
    return _table(points, label, rng, noise, "xor")


def circles(n: int = 200, noise: float = 0.05, seed: int = 0) -> Dataset:
    """A disc of radius 0.5 (label 1) inside a ring from 0.7 to 1 (label 0)."""
    n, noise = _check(n, noise, 1)
    rng = np.random.default_rng(seed)
    label = np.arange(n) % 2
    radius = np.where(label == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0.0, 2 * np.pi, n)
    points = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _table(points, label, rng, noise, "circles")


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaved half circles (scikit-learn's make_moons), centred: label 0 above, 1 below."""
    n, noise = _check(n, noise, 1)
    rng = np.random.default_rng(seed)
    label = np.arange(n) % 2
    t = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    points = np.where(label[:, None] == 0, upper, lower) - [0.5, 0.25]
    return _table(points, label, rng, noise, "moons")


def _spiral(n: int, noise: float, seed: int, arms: int, name: str) -> Dataset:
    rng = np.random.default_rng(seed)
    label = np.arange(n) % arms
    # position along the arm, 0 (centre) to 1 (outer end), evenly spread per arm
    along = (np.arange(n) // arms + rng.uniform(0.0, 1.0, n)) / -(-n // arms)
    angle = 1.75 * 2 * np.pi * along + 2 * np.pi * label / arms
    points = along[:, None] * np.column_stack([np.sin(angle), np.cos(angle)])
    return _table(points, label, rng, noise, name)


def spiral(n: int = 200, noise: float = 0.03, seed: int = 0) -> Dataset:
    """Two interleaved spiral arms (TensorFlow Playground's), labels 0 and 1."""
    n, noise = _check(n, noise, 1)
    return _spiral(n, noise, seed, 2, "spiral")


def spiral3(n: int = 300, noise: float = 0.03, seed: int = 0) -> Dataset:
    """Three interleaved spiral arms, labels 0, 1 and 2 (for cross-entropy)."""
    n, noise = _check(n, noise, 1)
    return _spiral(n, noise, seed, 3, "spiral3")


def sine(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """1-D regression: x uniform in [−π, π] (sorted), y = sin(x) + noise·N(0, 1)."""
    n, noise = _check(n, noise, 1)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-np.pi, np.pi, n))
    y = np.sin(x) + noise * rng.standard_normal(n)
    values = np.round(np.column_stack([x, y]), 3)
    values.setflags(write=False)
    return Dataset(("x", "y"), values, "y", "sine")


TOY_GENERATORS = {"xor": xor, "circles": circles, "moons": moons, "spiral": spiral,
                  "spiral3": spiral3, "sine": sine}
