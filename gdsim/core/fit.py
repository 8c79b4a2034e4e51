"""What the fit plot shows for the current parameters, computed (the view only draws).

* one feature, linear: the data and the fitted line ŷ = w·x + b;
* one feature, logistic: the 0/1 points and the sigmoid curve;
* two features, logistic: points by class and the decision boundary w1·x1 + w2·x2 + b = 0;
* otherwise: predicted against actual.

Everything is in the data's original units (parameters mapped back from
standardised units when needed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .dataset import Dataset
from .problem import Problem

CURVE_POINTS = 200


@dataclass(frozen=True)
class FitPicture:
    kind: str  # "line", "logistic_1d", "boundary", "predicted_vs_actual"
    x: np.ndarray  # data: feature (or actual for predicted_vs_actual)
    y: np.ndarray  # data: target (or x2 for boundary, or predicted)
    curve: tuple[np.ndarray, np.ndarray] | None = None  # line / sigmoid / boundary
    optimum_curve: tuple[np.ndarray, np.ndarray] | None = None
    labels: np.ndarray | None = None  # classes for the boundary picture
    x_label: str = ""
    y_label: str = ""
    extra: dict = field(default_factory=dict)


def _span(values: np.ndarray) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    pad = (hi - lo) * 0.08 or 1.0
    return np.linspace(lo - pad, hi + pad, CURVE_POINTS)


def fit_picture(dataset: Dataset, problem: Problem, theta_original: np.ndarray,
                optimum_original: np.ndarray | None = None) -> FitPicture:
    """The picture for ``theta_original`` (parameters in the data's units)."""
    X, y = dataset.X, dataset.y
    names = dataset.feature_names
    theta = np.asarray(theta_original, dtype=np.float64)
    if dataset.n_features == 1:
        xs = _span(X[:, 0])
        grid = xs[:, np.newaxis]
        curve = (xs, problem.predict(theta, grid))
        optimum = None
        if optimum_original is not None:
            optimum = (xs, problem.predict(np.asarray(optimum_original), grid))
        kind = "logistic_1d" if problem.model == "logistic" else "line"
        return FitPicture(kind, X[:, 0], y, curve, optimum, None, names[0], dataset.target)
    if dataset.n_features == 2 and problem.model == "logistic":
        w1, w2, b = theta
        x1 = _span(X[:, 0])
        curve = None
        if abs(w2) > 1e-300:
            curve = (x1, -(w1 * x1 + b) / w2)
        elif abs(w1) > 1e-300:  # vertical boundary x1 = −b/w1
            x2 = _span(X[:, 1])
            curve = (np.full_like(x2, -b / w1), x2)
        return FitPicture("boundary", X[:, 0], X[:, 1], curve, None, y, names[0], names[1])
    predicted = problem.predict(theta, X)
    return FitPicture("predicted_vs_actual", y, predicted, None, None, None,
                      f"actual {dataset.target}", f"predicted {dataset.target}")
