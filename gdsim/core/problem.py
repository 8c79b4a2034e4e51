"""Models and losses: the objective gradient descent minimises.

Parameters are one float64 vector ``theta = [w1, ..., wd, b]``.

Models (the logit ``z = X·w + b``):

* linear:   ŷ = z
* logistic: ŷ = σ(z) = 1 / (1 + e^(−z))

Losses, with the same numbers as ``torch.nn`` in float64:

* ``mse`` (``MSELoss``):            L = mean((ŷ − y)²)
* ``mae`` (``L1Loss``):             L = mean|ŷ − y|,  ∂L/∂ŷ = sign(ŷ − y)/n (0 at 0)
* ``bce`` (``BCEWithLogitsLoss``):  L = mean(max(z, 0) − z·y + log(1 + e^(−|z|))), on the logits

``reduction="sum"`` drops the 1/n (the lecture's "total error").
Gradients are analytic: with r = ∂L/∂z (one number per row),
∂L/∂w = Xᵀ r and ∂L/∂b = Σ r. For logistic + BCE that is the lecture's
∂L/∂w = 1/n Σ xᵢ(ŷᵢ − yᵢ) and ∂L/∂b = 1/n Σ (ŷᵢ − yᵢ).

Two evaluations of the same formulas: numpy over whole columns
(``_terms_and_dz``), and, for short batches, row by row on Python floats
(``_row_terms_and_dz``), where numpy's fixed cost of about a microsecond per
call (fifteen calls a batch) would be most of the work.  They agree to within
the rounding of the sums (tests/core/test_problem.py checks every combination).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp, log1p

import numpy as np

# Batches longer than this are evaluated in slices of this many rows, so the
# per-row temporaries stay in the CPU cache and no full-length temporary is
# allocated (on a million rows that makes a full-batch step about 3× faster).
# Shorter batches are evaluated in one go, bit for bit as before.
CHUNK_ROWS = 1 << 15
# Batches of at most this many rows are evaluated row by row on Python floats
# (``Problem.short_loss_and_grad``): below about 50 rows that beats numpy's
# columns, whose fifteen-odd calls cost a microsecond each whatever the length
# (logistic+BCE, 2 features: 12 µs against 17 µs at 32 rows, 23 against 19 at 64).
SHORT_ROWS = 48

MODELS = ("linear", "logistic")
LOSSES = ("mse", "mae", "bce", "ce")  # ce: networks only (gdsim.core.network)
REDUCTIONS = ("mean", "sum")
ALLOWED_LOSSES = {"linear": ("mse", "mae"), "logistic": ("bce", "mse")}
NATURAL_LOSS = {"linear": "mse", "logistic": "bce"}
LOSS_TITLES = {"mse": "MSE", "mae": "MAE", "bce": "binary cross-entropy", "ce": "cross-entropy"}
TORCH_LOSS = {"mse": "MSELoss", "mae": "L1Loss", "bce": "BCEWithLogitsLoss", "ce": "CrossEntropyLoss"}


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) without overflow for any |z| (e^(−|z|) never overflows)."""
    e = _exp_neg_abs(z)
    return _sigmoid_numerator(z) / (1.0 + e)


def _exp_neg_abs(z: np.ndarray) -> np.ndarray:
    """e^(−|z|), in one new array."""
    e = np.abs(z)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def _sigmoid_numerator(z: np.ndarray) -> np.ndarray:
    """e^min(z, 0): 1 where z ≥ 0, e^z below (a NaN stays NaN); σ(z) = this / (1 + e^(−|z|)).

    A second exponential, not a select: numpy's exp is vectorised, while a
    choice by the sign of z (random signs) costs more than it (1.0 against
    1.4 ms a million rows for m·e + (1 − m) with m = [z < 0]; np.where 4.7).
    """
    out = np.minimum(z, 0.0)
    return np.exp(out, out=out)


def _bce_sum_and_residual(z: np.ndarray, y: np.ndarray, need_grad: bool) -> tuple[float, np.ndarray | None]:
    """Σ of the BCE-with-logits terms of a chunk, and σ(z) − y (None without need_grad).

    The same formulas as ``Problem._terms_and_dz`` in fewer passes over the rows
    (a million-row step is mostly these passes): the sum as Σ max(z, 0) − z·y
    (one dot product) + Σ log1p(e) with e = e^(−|z|), and σ = e^min(z, 0) / (1 + e).
    """
    e = _exp_neg_abs(z)
    t = np.maximum(z, 0.0)
    total = t.sum() - z @ y
    dz = None
    if need_grad:
        dz = _sigmoid_numerator(z)
        np.add(e, 1.0, out=t)
        dz /= t
        dz -= y
    np.log1p(e, out=e)
    return total + e.sum(), dz


def _sigmoid(z: float) -> float:
    """``sigmoid`` of one float, the same formula."""
    if z >= 0.0:
        return 1.0 / (1.0 + exp(-z))
    e = exp(z)
    return e / (1.0 + e)


def _sign(x: float) -> float:
    """``np.sign`` of one float: −1, 0 or 1 (NaN stays NaN)."""
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else x * 0.0


def design_matrix(X: np.ndarray) -> np.ndarray:
    """[X | 1]: with it the logits are one product, z = A·θ, and ∂L/∂θ = Aᵀ·∂L/∂z."""
    A = np.empty((X.shape[0], X.shape[1] + 1))
    A[:, :-1] = X
    A[:, -1] = 1.0
    return A


@dataclass(frozen=True)
class Problem:
    """A model with a loss: computes the loss and its gradient for a batch."""

    model: str = "linear"
    loss: str = "mse"
    reduction: str = "mean"

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"Unknown model '{self.model}'; choose linear, logistic, mlp or softmax.")
        if self.loss not in LOSSES:
            raise ValueError(f"Unknown loss '{self.loss}'; choose one of: {', '.join(LOSSES)}.")
        if self.loss not in ALLOWED_LOSSES[self.model]:
            allowed = " or ".join(ALLOWED_LOSSES[self.model])
            raise ValueError(
                f"The {self.model} model cannot be trained with {self.loss}; use {allowed}."
            )
        if self.reduction not in REDUCTIONS:
            raise ValueError(f"Unknown reduction '{self.reduction}'; choose mean or sum.")

    @classmethod
    def create(cls, model: str = "linear", loss: str | None = None, reduction: str = "mean") -> "Problem":
        """A problem with the model's natural loss when ``loss`` is None."""
        if model not in MODELS:
            raise ValueError(f"Unknown model '{model}'; choose linear, logistic, mlp or softmax.")
        return cls(model, loss or NATURAL_LOSS[model], reduction)

    # --- forward -----------------------------------------------------------------
    @staticmethod
    def logits(theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        return X @ theta[:-1] + theta[-1]

    def predict(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """ŷ for each row: z for linear, σ(z) for logistic."""
        z = self.logits(theta, X)
        return sigmoid(z) if self.model == "logistic" else z

    def loss_value(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
        if 0 < y.shape[0] <= SHORT_ROWS:
            return self.short_loss_and_grad(theta, design_matrix(X), y.tolist())[0]
        if y.shape[0] > CHUNK_ROWS:
            return self._chunked(theta, X, y, need_grad=False)[0]
        return self._loss_and_dz(self.logits(theta, X), y, need_grad=False)[0]

    def loss_and_grad(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """(L, ∂L/∂θ) on the rows X, y."""
        if 0 < y.shape[0] <= SHORT_ROWS:
            return self.short_loss_and_grad(theta, design_matrix(X), y.tolist())
        if y.shape[0] > CHUNK_ROWS:
            return self._chunked(theta, X, y, need_grad=True)
        return self._columns_loss_and_grad(theta, X, y)

    def short_loss_and_grad(self, theta: np.ndarray, A: np.ndarray, y: list[float]) -> tuple[float, np.ndarray]:
        """(L, ∂L/∂θ) on a short batch: ``A`` its design matrix [X | 1], ``y`` its targets as floats.

        The logits z = A·θ and the gradient Aᵀ·∂L/∂z are one numpy product each;
        the per-row formulas between them run on Python floats.
        """
        n = len(y)
        mean = self.reduction == "mean"
        if self.loss == "mae":
            # x·w, then + b, rounded twice as torch's nn.Linear does: A·θ may fuse the bias into
            # one FMA, and on an exact line a residual 0 here and 2e-15 in torch flips sign(ŷ − y)
            z = A[:, :-1].dot(theta[:-1]) + theta[-1]
        else:
            z = A.dot(theta)
        total, dz = self._row_terms_and_dz(z.tolist(), y, 1.0 / n if mean else 1.0)
        return (total / n if mean else total), np.array(dz).dot(A)

    def _columns_loss_and_grad(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """loss_and_grad on numpy columns, in one go."""
        loss, dz = self._loss_and_dz(self.logits(theta, X), y, need_grad=True)
        grad = np.empty_like(theta)
        grad[:-1] = X.T @ dz
        grad[-1] = dz.sum()
        return loss, grad

    def _chunked(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray,
                 need_grad: bool) -> tuple[float, np.ndarray | None]:
        """loss_and_grad (or the loss alone) summed over slices of CHUNK_ROWS rows.

        Same formulas; only the order of the sums differs (by a few ulps).
        """
        n = y.shape[0]
        scale = 1.0 / n if self.reduction == "mean" else 1.0
        w, b = theta[:-1], theta[-1]
        total = 0.0
        grad = np.zeros_like(theta) if need_grad else None
        for start in range(0, n, CHUNK_ROWS):
            Xc, yc = X[start:start + CHUNK_ROWS], y[start:start + CHUNK_ROWS]
            z = Xc @ w
            z += b
            if self.loss == "bce":
                part, dz = _bce_sum_and_residual(z, yc, need_grad)
            else:
                terms, dz = self._terms_and_dz(z, yc, 1.0, need_grad)
                part = terms.sum()
            total += part
            if need_grad:
                grad[:-1] += Xc.T @ dz
                grad[-1] += dz.sum()
        if need_grad:
            grad *= scale
        return float(total * scale), grad

    def loss_of_logits(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per-row loss terms for logits ``z`` (any shape broadcasting with y), unreduced."""
        return self._terms_and_dz(z, y, 1.0, need_grad=False)[0]

    def _loss_and_dz(self, z: np.ndarray, y: np.ndarray, need_grad: bool) -> tuple[float, np.ndarray | None]:
        n = y.shape[0]
        scale = 1.0 / n if self.reduction == "mean" else 1.0
        terms, dz = self._terms_and_dz(z, y, scale, need_grad)
        loss = terms.mean() if self.reduction == "mean" else terms.sum()
        return float(loss), dz

    def _terms_and_dz(self, z: np.ndarray, y: np.ndarray, scale: float,
                      need_grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Per-row loss terms and ∂L/∂z (``scale`` = 1/n or 1), or None without need_grad."""
        dz = None
        if self.loss == "bce":
            # In place where possible: the same operations in the same order as
            # max(z, 0) − z·y + log1p(e^(−|z|)), with fewer temporaries.
            e = _exp_neg_abs(z)
            terms = np.maximum(z, 0.0)
            terms -= z * y
            terms += np.log1p(e)
            if need_grad:
                # σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) below, without overflow
                dz = _sigmoid_numerator(z)
                dz /= 1.0 + e
                dz -= y
                dz *= scale  # (σ(z) − y)·scale
        else:
            if self.model == "logistic":
                p = sigmoid(z)
                diff = p - y
            else:
                diff = z - y
            if self.loss == "mse":
                terms = diff * diff
                if need_grad:
                    dpred = 2.0 * diff * scale
            else:
                terms = np.abs(diff)
                if need_grad:
                    dpred = np.sign(diff) * scale
            if need_grad:
                dz = dpred * p * (1.0 - p) if self.model == "logistic" else dpred
        return terms, dz

    def _row_terms_and_dz(self, z: list[float], y: list[float], scale: float) -> tuple[float, list[float]]:
        """``_terms_and_dz`` on Python floats, one row at a time: Σ of the terms, and ∂L/∂z per row."""
        total = 0.0
        dz = []
        if self.loss == "bce":
            for zi, yi in zip(z, y):
                # max(z, 0) − z·y + log1p(e^(−|z|)) and (σ(z) − y)·scale, one branch per sign of z
                if zi >= 0.0:
                    e = exp(-zi)
                    total += zi - zi * yi + log1p(e)
                    dz.append((1.0 / (1.0 + e) - yi) * scale)
                else:
                    e = exp(zi)
                    total += log1p(e) - zi * yi
                    dz.append((e / (1.0 + e) - yi) * scale)
            return total, dz
        logistic, mse = self.model == "logistic", self.loss == "mse"
        for zi, yi in zip(z, y):
            p = _sigmoid(zi) if logistic else zi
            diff = p - yi
            if mse:
                total += diff * diff
                dpred = 2.0 * diff * scale
            else:
                total += abs(diff)
                dpred = _sign(diff) * scale
            dz.append(dpred * p * (1.0 - p) if logistic else dpred)
        return total, dz

    def n_params(self, n_features: int) -> int:
        return n_features + 1

    def accuracy(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float | None:
        """Share of rows classified right (ŷ > 0.5, i.e. z > 0) for logistic regression; None for linear."""
        if self.model != "logistic" or y.size == 0:
            return None
        return float(np.mean((self.logits(theta, X) > 0.0) == y))

    def parameter_names(self, n_features: int) -> tuple[str, ...]:
        return tuple(f"w{i + 1}" for i in range(n_features)) + ("b",)

