"""Z-score standardisation of features, with parameters mapped to original units.

Training on standardised features ``z = (x - mean) / std`` (population std,
ddof=0) with parameters ``theta = [w1..wd, b]`` is the same model as
``w_orig = w / std`` and ``b_orig = b - sum(w * mean / std)`` on the original
features; :meth:`Standardizer.params_to_original` and
:meth:`Standardizer.params_from_original` convert between the two.  Both accept
a single vector ``(d+1,)`` or a stack of them ``(..., d+1)`` (a whole
trajectory at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .dataset import DataError

__all__ = ["Standardizer"]

# A column whose values span at most this many units in the last place of its
# largest magnitude is treated as constant: its spread is rounding noise (0.1
# computed three ways). A relative threshold on the std (1e-12 of the mean) also
# refused honest columns far from zero, such as 1e15+1 ... 1e15+10.
_ROUNDING_ULPS = 4


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Standardizer:
    """Per-feature mean and population standard deviation (read-only arrays)."""

    mean: np.ndarray
    std: np.ndarray

    def __post_init__(self) -> None:
        mean = _readonly(np.atleast_1d(self.mean))
        std = _readonly(np.atleast_1d(self.std))
        if mean.ndim != 1 or mean.shape != std.shape:
            raise DataError("The standardiser needs one mean and one standard deviation per feature.")
        if not (np.isfinite(mean).all() and np.isfinite(std).all()) or (std <= 0).any():
            raise DataError("The standardiser needs finite means and positive standard deviations.")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", std)

    @property
    def n_features(self) -> int:
        return int(self.mean.shape[0])

    @classmethod
    def fit(cls, X: np.ndarray, feature_names: Sequence[str] | None = None) -> Standardizer:
        """Mean and population std of each column of ``X`` (n, d).

        A constant column raises ``DataError("Column 'x' is constant, so it
        cannot be standardised.")`` (unnamed columns are called x1, x2, ...).
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
            raise DataError("Standardisation needs a table with at least one row and one feature.")
        d = X.shape[1]
        names = list(feature_names) if feature_names is not None else [f"x{j + 1}" for j in range(d)]
        if len(names) != d:
            raise DataError(f"There are {len(names)} feature names for {d} feature columns.")
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        span = X.max(axis=0) - X.min(axis=0)
        noise = _ROUNDING_ULPS * np.spacing(np.abs(X).max(axis=0))
        for j in range(d):
            if not (span[j] > noise[j] and std[j] > 0):
                raise DataError(f"Column '{names[j]}' is constant, so it cannot be standardised.")
        return cls(mean, std)

    def _check_X(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.shape[-1:] != (self.n_features,):
            raise DataError(
                f"Expected {self.n_features} feature column(s), got an array of shape {X.shape}."
            )
        return X

    def _check_theta(self, theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape[-1:] != (self.n_features + 1,):
            raise DataError(
                f"Expected {self.n_features + 1} parameters (w1..w{self.n_features}, b), "
                f"got an array of shape {theta.shape}."
            )
        return theta

    def transform(self, X: np.ndarray) -> np.ndarray:
        """``(X - mean) / std`` as a new array."""
        return (self._check_X(X) - self.mean) / self.std

    def inverse_transform(self, X_std: np.ndarray) -> np.ndarray:
        """``X_std * std + mean`` as a new array."""
        return self._check_X(X_std) * self.std + self.mean

    def params_to_original(self, theta: np.ndarray) -> np.ndarray:
        """``[w, b]`` on standardised features -> ``[w/std, b - sum(w*mean/std)]``."""
        theta = self._check_theta(theta)
        w = theta[..., :-1] / self.std
        b = theta[..., -1] - np.sum(w * self.mean, axis=-1)
        return np.concatenate([w, b[..., None]], axis=-1)

    def params_from_original(self, theta_orig: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`params_to_original`: ``[w*std, b + sum(w*mean)]``."""
        theta_orig = self._check_theta(theta_orig)
        w0 = theta_orig[..., :-1]
        b = theta_orig[..., -1] + np.sum(w0 * self.mean, axis=-1)
        return np.concatenate([w0 * self.std, b[..., None]], axis=-1)
