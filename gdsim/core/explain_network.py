"""A network's step, layer by layer: the forward and backward pass of the mini-batch.

Shown as the lecture writes a layer, rows × units (torch's convention): A₀ = X,
Zₗ = Aₗ₋₁·Wₗᵀ + bₗ, Aₗ = act(Zₗ) (the last layer has no activation), then the loss,
δ_last = ∂L/∂Z_last, ∂L/∂Wₗ = δₗᵀ·Aₗ₋₁, ∂L/∂bₗ = Σ_rows δₗ, δₗ₋₁ = (δₗ·Wₗ) ⊙ act′(Zₗ₋₁).

Each matrix is kept as its shape and its top-left corner (``CORNER_ROWS`` × ``CORNER_COLS``),
not every number. Z, A and δ are computed by the same numpy operations as
``NetworkProblem.loss_and_grad`` (so the same bits) on the first ``CHUNK_ROWS`` rows of the
batch; ∂L/∂W and ∂L/∂b are the gradient the step used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import NetworkProblem, _backprop_activation
from .problem import CHUNK_ROWS

CORNER_ROWS = 3
CORNER_COLS = 3
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
DERIVATIVE = {"tanh": "tanh′(Z) = 1 − A²", "sigmoid": "σ′(Z) = A ⊙ (1 − A)", "relu": "relu′(Z) = [A > 0]"}
LOSS_FORMULAS = {
    "mse": "L = {r}(ŷᵢ − yᵢ)²,  ŷ = Z_out",
    "mae": "L = {r}|ŷᵢ − yᵢ|,  ŷ = Z_out",
    "bce": "L = {r}[log(1 + e^zᵢ) − yᵢ·zᵢ],  z = Z_out (the logit)",
    "ce": "L = {r}−log softmax(zᵢ)[yᵢ],  z = the row of Z_out",
}
OUTPUT_DELTAS = {
    "mse": "δ_out = ∂L/∂Z_out = {f}2·(ŷ − y)",
    "mae": "δ_out = ∂L/∂Z_out = {f}sign(ŷ − y)",
    "bce": "δ_out = ∂L/∂Z_out = {f}(σ(z) − y)",
    "ce": "δ_out = ∂L/∂Z_out = {f}(softmax(z) − onehot(y))",
}


def sub(k: int) -> str:
    return str(k).translate(SUBSCRIPTS)


@dataclass(frozen=True)
class Matrix:
    """A matrix of the pass: its symbol, the equation it comes from, its shape and first numbers."""

    symbol: str  # "Z₁"
    equation: str  # "A₀·W₁ᵀ + b₁"
    shape: tuple[int, ...]
    corner: np.ndarray  # the top-left CORNER_ROWS × CORNER_COLS (a row for a vector)

    @property
    def shape_text(self) -> str:
        return " × ".join(str(s) for s in self.shape)

    @property
    def more_rows(self) -> bool:
        return self.shape[0] > self.corner.shape[0] if self.corner.ndim == 2 else False

    @property
    def more_cols(self) -> bool:
        return self.shape[-1] > self.corner.shape[-1]


def matrix(symbol: str, equation: str, values: np.ndarray, rows: int | None = None) -> Matrix:
    """``values`` (2-D, or a vector) as a Matrix; ``rows``: the real row count when values are the first rows."""
    values = np.asarray(values)
    shape = tuple(values.shape) if rows is None else (rows, *values.shape[1:])
    corner = values[:CORNER_ROWS, :CORNER_COLS] if values.ndim == 2 else values[:CORNER_COLS]
    return Matrix(symbol, equation, shape, np.array(corner, dtype=np.float64))


@dataclass(frozen=True)
class LayerStep:
    """One Linear layer (and its activation) in the forward and the backward pass."""

    number: int  # 1-based
    module: int  # its index in nn.Sequential (the torch names' prefix)
    n_in: int
    n_out: int
    activation: str | None  # None: the output layer
    weight: Matrix
    bias: Matrix
    z: Matrix
    a: Matrix | None
    delta: Matrix
    grad_weight: Matrix
    grad_bias: Matrix


@dataclass(frozen=True)
class NetworkStep:
    description: str  # "2-8-8-1 tanh network, binary cross-entropy"
    inputs: Matrix  # A₀ = X
    layers: tuple[LayerStep, ...]
    loss_formula: str
    output_delta: str
    backprop_rule: str  # δₗ₋₁ = (δₗ·Wₗ) ⊙ act′(Zₗ₋₁), with act′
    rows_computed: int  # Z, A, δ of the first rows (all unless the batch exceeds CHUNK_ROWS)
    batch_rows: int
    shown: tuple[int, ...]  # parameters whose update is written out: each layer's first weight and bias


def network_pass(problem: NetworkProblem, theta: np.ndarray, X: np.ndarray, y: np.ndarray,
                 grad: np.ndarray) -> NetworkStep:
    """The pass of the batch (X, y) at ``theta``; ``grad`` is the step's ∂L/∂θ (NetworkProblem.loss_and_grad)."""
    n = int(y.shape[0])
    k = min(n, CHUNK_ROWS)
    Xk, yk = X[:k], y[:k]
    scale = problem._scale(n)
    outputs, weights = problem._forward(theta, Xk)  # (units × rows): Aₗᵀ
    last = len(problem.layers) - 1
    zs = []  # Zₗᵀ, recomputed by the very products _forward made before the activation
    for i, (w, b, n_out, n_in) in enumerate(problem.layers):
        z = np.dot(weights[i], outputs[i])
        z += theta[b][:, None]
        zs.append(z)
    _, delta = problem._loss_sum_and_delta(outputs[-1], yk, scale, True)
    deltas = [None] * len(problem.layers)
    for i in range(last, -1, -1):
        deltas[i] = delta
        if i:
            delta = np.dot(weights[i].T, delta)
            _backprop_activation(delta, outputs[i], problem.activation)
    layers = []
    for i, (w, b, n_out, n_in) in enumerate(problem.layers):
        L, P = sub(i + 1), sub(i)
        act = None if i == last else problem.activation
        a = None if act is None else matrix(f"A{L}", f"{act}(Z{L})", outputs[i + 1].T, n)
        if i == last:
            d_eq = "∂L/∂Z_out"
        else:
            d_eq = f"(δ{sub(i + 2)}·W{sub(i + 2)}) ⊙ {act}′(Z{L})"
        layers.append(LayerStep(
            number=i + 1, module=2 * i, n_in=n_in, n_out=n_out, activation=act,
            weight=matrix(f"W{L}", f"{2 * i}.weight", weights[i]),
            bias=matrix(f"b{L}", f"{2 * i}.bias", theta[b]),
            z=matrix(f"Z{L}", f"A{P}·W{L}ᵀ + b{L}", zs[i].T, n),
            a=a,
            delta=matrix(f"δ{L}", d_eq, deltas[i].T, n),
            grad_weight=matrix(f"∂L/∂W{L}", f"δ{L}ᵀ·A{P}", np.asarray(grad[w]).reshape(n_out, n_in)),
            grad_bias=matrix(f"∂L/∂b{L}", f"Σ_rows δ{L}", np.asarray(grad[b])),
        ))
    r = "1/n Σ " if problem.reduction == "mean" else "Σ "
    f = "1/n·" if problem.reduction == "mean" else ""
    shown = tuple(j for layer in problem.layers for j in (layer.weight.start, layer.bias.start))
    return NetworkStep(
        description=problem.describe(), inputs=matrix("A₀", "X, the batch's inputs", Xk, n),
        layers=tuple(layers), loss_formula=LOSS_FORMULAS[problem.loss].format(r=r),
        output_delta=OUTPUT_DELTAS[problem.loss].format(f=f),
        backprop_rule=f"δₗ₋₁ = (δₗ·Wₗ) ⊙ {DERIVATIVE[problem.activation]}" if last else "",
        rows_computed=k, batch_rows=n, shown=shown,
    )
