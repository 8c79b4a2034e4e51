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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Batches longer than this are evaluated in slices of this many rows, so the
# per-row temporaries stay in the CPU cache and no full-length temporary is
# allocated (on a million rows that makes a full-batch step about 3× faster).
# Shorter batches are evaluated in one go, bit for bit as before.
CHUNK_ROWS = 1 << 15

MODELS = ("linear", "logistic")
LOSSES = ("mse", "mae", "bce")
REDUCTIONS = ("mean", "sum")
ALLOWED_LOSSES = {"linear": ("mse", "mae"), "logistic": ("bce", "mse")}
NATURAL_LOSS = {"linear": "mse", "logistic": "bce"}
LOSS_TITLES = {"mse": "MSE", "mae": "MAE", "bce": "binary cross-entropy"}
TORCH_LOSS = {"mse": "MSELoss", "mae": "L1Loss", "bce": "BCEWithLogitsLoss"}


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) without overflow for any |z| (e^(−|z|) never overflows)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@dataclass(frozen=True)
class Problem:
    """A model with a loss: computes the loss and its gradient for a batch."""

    model: str = "linear"
    loss: str = "mse"
    reduction: str = "mean"

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"Unknown model '{self.model}'; choose linear or logistic.")
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
            raise ValueError(f"Unknown model '{model}'; choose linear or logistic.")
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
        if y.shape[0] > CHUNK_ROWS:
            return self._chunked(theta, X, y, need_grad=False)[0]
        return self._loss_and_dz(self.logits(theta, X), y, need_grad=False)[0]

    def loss_and_grad(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """(L, ∂L/∂θ) on the rows X, y."""
        if y.shape[0] > CHUNK_ROWS:
            return self._chunked(theta, X, y, need_grad=True)
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
            terms, dz = self._terms_and_dz(z, yc, scale, need_grad)
            total += terms.sum()
            if need_grad:
                grad[:-1] += Xc.T @ dz
                grad[-1] += dz.sum()
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
            e = np.abs(z)
            np.negative(e, out=e)
            np.exp(e, out=e)  # e^(−|z|)
            terms = np.maximum(z, 0.0)
            terms -= z * y
            terms += np.log1p(e)
            if need_grad:
                # σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) below, without overflow
                dz = np.where(z >= 0, 1.0, e)
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

    def parameter_names(self, n_features: int) -> tuple[str, ...]:
        return tuple(f"w{i + 1}" for i in range(n_features)) + ("b",)

