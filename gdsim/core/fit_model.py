"""The fit plot's picture for a run: any model, with or without feature maps.

A linear or logistic model on the data's own features is drawn in the data's
units (``gdsim.core.fit.fit_picture``: a line, a sigmoid, a boundary line;
the boundary over the same regions a network's has, ``extra["regions"]``).
Anything else — a network, or any model on feature maps — cannot be mapped
back to the data's units, so the model is evaluated where it was trained: the
points of the picture (a curve over the one input, or a grid over the two)
go through the feature maps and the standardisation, then the model:

* two inputs, classification: ``regions``, a ``REGION_GRID``² grid over the
  data's range of P(class 1) (binary) or the predicted class (k classes);
* one input: the model's curve (``line``) or its probability (``logistic_1d``);
* otherwise predicted against actual.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .feature_maps import map_features
from .fit import CURVE_POINTS, FitPicture, fit_picture
from .problem import Problem

REGION_GRID = 60
PAD = 0.08  # the picture reaches this share of the data's span past it on each side


def _span(values: np.ndarray, n: int) -> tuple[float, float]:
    lo, hi = float(values.min(initial=np.inf)), float(values.max(initial=-np.inf))
    if not (np.isfinite(lo) and np.isfinite(hi)):  # (two passes, no copy, when every value is finite)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return -1.0, 1.0
        lo, hi = float(finite.min()), float(finite.max())
    pad = (hi - lo) * PAD or 1.0
    return lo - pad, hi + pad


class ModelPoints:
    """Where a run's model is drawn, mapped once into its training inputs (per run)."""

    def __init__(self, run) -> None:
        self.run = run
        raw = run.source.dataset
        self.raw = raw
        d = raw.n_features
        self.extent: tuple[float, float, float, float] | None = None
        if d == 1:
            lo, hi = _span(raw.X[:, 0], CURVE_POINTS)
            self.xs = np.linspace(lo, hi, CURVE_POINTS)
            points = self.xs[:, None]
        elif d == 2 and (run.problem.loss in ("bce", "ce") or getattr(run.problem, "model", "") == "logistic"):
            (x0, x1), (y0, y1) = _span(raw.X[:, 0], REGION_GRID), _span(raw.X[:, 1], REGION_GRID)
            self.extent = (x0, x1, y0, y1)
            # cell centres; the image's pixel (i, j) is the cell at x index i, y index j
            gx = x0 + (np.arange(REGION_GRID) + 0.5) * (x1 - x0) / REGION_GRID
            gy = y0 + (np.arange(REGION_GRID) + 0.5) * (y1 - y0) / REGION_GRID
            points = np.column_stack((np.repeat(gx, REGION_GRID), np.tile(gy, REGION_GRID)))
        else:
            points = None  # predicted against actual: the run's own inputs
        self.inputs = None if points is None else self._training_inputs(points)

    def _training_inputs(self, points: np.ndarray) -> np.ndarray:
        run = self.run
        X = map_features(points, run.config.features) if run.config.features else points
        if run.standardizer is not None:
            X = run.standardizer.transform(X)
        return np.ascontiguousarray(X, dtype=np.float64)

    def picture(self, params: np.ndarray) -> FitPicture:
        run, raw = self.run, self.raw
        problem = run.problem
        names = raw.feature_names
        if self.extent is not None:
            out = problem.outputs(params, self.inputs) if hasattr(problem, "outputs") \
                else problem.logits(params, self.inputs)[:, None]
            if problem.loss == "ce":
                values = out.argmax(axis=1).astype(np.float64)
                k = out.shape[1]
            else:
                from .problem import sigmoid

                values = sigmoid(out[:, 0])
                k = 2
            grid = values.reshape(REGION_GRID, REGION_GRID)  # [x index, y index]
            return FitPicture("regions", raw.X[:, 0], raw.X[:, 1], None, None, raw.y, names[0], names[1],
                              {"values": grid, "extent": self.extent, "classes": k,
                               "probability": problem.loss != "ce"})
        if self.inputs is not None:
            predicted = problem.predict(params, self.inputs)
            if problem.loss == "ce":
                predicted = predicted.argmax(axis=1).astype(np.float64)
            kind = "logistic_1d" if problem.loss == "bce" else "line"
            return FitPicture(kind, raw.X[:, 0], raw.y, (self.xs, predicted), None, None, names[0], raw.target)
        predicted = problem.predict(params, run.X)
        if problem.loss == "ce":
            predicted = predicted.argmax(axis=1).astype(np.float64)
        return FitPicture("predicted_vs_actual", raw.y, predicted, None, None, None,
                          f"actual {raw.target}", f"predicted {raw.target}")


_points: ModelPoints | None = None  # the last run's (the window draws one run)


def run_picture(run, params: np.ndarray, optimum_original: np.ndarray | None = None) -> FitPicture:
    """The fit plot's picture of ``run`` at ``params`` (its training parameters)."""
    global _points
    if _points is None or _points.run is not run:
        _points = ModelPoints(run)
    if isinstance(run.problem, Problem) and not run.config.features:
        theta = run.standardizer.params_to_original(params) if run.standardizer else params
        picture = fit_picture(run.dataset, run.problem, theta, optimum_original)
        if picture.kind == "boundary" and _points.extent is not None:
            regions = _points.picture(np.asarray(params, dtype=np.float64)).extra
            picture = replace(picture, extra={"regions": regions})
        return picture
    return _points.picture(np.asarray(params, dtype=np.float64))
