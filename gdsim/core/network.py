"""Small neural networks with a loss: ``torch.nn.Sequential(Linear, act, …, Linear)`` in numpy.

Models:

* ``mlp``: Linear(d, h1), act, Linear(h1, h2), act, …, Linear(h_last, k);
  1 to 4 hidden layers of 1 to 16 units, act = tanh, relu or sigmoid.
* ``softmax``: multinomial logistic regression, one Linear(d, k) and cross-entropy.

The output has k = 1 unit for regression (``mse``/``mae``) and for two classes
(``bce``, ``BCEWithLogitsLoss`` on the one logit), and k units for ``ce``
(``CrossEntropyLoss`` on integer labels 0..k−1).

Parameters are one flat float64 vector in the order of torch's
``model.parameters()``: for each Linear layer its weight (out × in, row-major),
then its bias. Initialisation is torch's for ``nn.Linear``: weights and biases
U(−1/√fan_in, 1/√fan_in), drawn from a generator seeded by the run's seed.

Gradients by backpropagation over all the rows at once. With A₀ = X,
Zₗ = Aₗ₋₁·Wₗᵀ + bₗ and Aₗ = act(Zₗ) (the last layer has no activation):
∂L/∂Wₗ = δₗᵀ·Aₗ₋₁, ∂L/∂bₗ = Σ_rows δₗ, δₗ₋₁ = (δₗ·Wₗ) ⊙ act′(Zₗ₋₁),
where δ_last = ∂L/∂(outputs) and act′ is written with the activation's output:
tanh′ = 1 − a², sigmoid′ = a(1 − a), relu′ = [a > 0] (as torch's backward functions).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from .problem import CHUNK_ROWS, LOSS_TITLES, _bce_sum_and_residual, sigmoid

NETWORK_MODELS = ("mlp", "softmax")
ACTIVATIONS = ("tanh", "relu", "sigmoid")
NETWORK_LOSSES = {"mlp": ("mse", "mae", "bce", "ce"), "softmax": ("ce",)}
DEFAULT_HIDDEN = (8, 8)
MAX_HIDDEN_LAYERS = 4
MAX_UNITS = 16
MAX_CLASSES = 100
# Labels 0..k−1 with every class present and k at most this many make the
# natural loss of an mlp cross-entropy (0/1 labels: BCE; anything else: MSE).
NATURAL_CE_CLASSES = 10
# Which draws of the seed's generator initialise a network (its own stream,
# so the mini-batch order does not depend on the model).
INIT_STREAM = 1417
# The landscape evaluates this many (grid point × row × unit) values per slice.
BATCH_ELEMENTS = 1 << 21


class Layer(NamedTuple):
    """Where a Linear layer's weight and bias sit in the flat parameter vector."""

    weight: slice
    bias: slice
    n_out: int
    n_in: int


def layout(sizes: tuple[int, ...]) -> tuple[Layer, ...]:
    """The Linear layers of a network with units ``sizes`` (inputs first, outputs last)."""
    layers, start = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w_end = start + n_out * n_in
        layers.append(Layer(slice(start, w_end), slice(w_end, w_end + n_out), n_out, n_in))
        start = w_end + n_out
    return tuple(layers)


def _ones(n: int) -> np.ndarray:
    """A read-only vector of n ones (a view of one shared vector)."""
    global _ONES
    if _ONES.shape[0] < n:
        _ONES = np.ones(max(n, 1024))
        _ONES.setflags(write=False)
    return _ONES[:n]


_ONES = np.ones(0)


def _activate(z: np.ndarray, activation: str) -> np.ndarray:
    """act(z) in place."""
    if activation == "tanh":
        return np.tanh(z, out=z)
    if activation == "relu":
        return np.maximum(z, 0.0, out=z)
    z[...] = sigmoid(z)
    return z


def _backprop_activation(delta: np.ndarray, a: np.ndarray, activation: str) -> np.ndarray:
    """delta ⊙ act′, in place, with act′ from the activation's output ``a``."""
    if activation == "tanh":
        t = a * a
        np.subtract(1.0, t, out=t)
        delta *= t
    elif activation == "relu":
        delta *= a > 0.0
    else:
        delta *= 1.0 - a
        delta *= a
    return delta


def class_labels(y: np.ndarray) -> np.ndarray | None:
    """``y`` as integer class labels, or None unless every value is a whole number 0..MAX_CLASSES−1."""
    if y.size == 0 or not ((y >= 0) & (y < MAX_CLASSES) & (y == np.floor(y))).all():
        return None
    return y.astype(np.intp)


def natural_loss(model: str, y: np.ndarray) -> str:
    """ce for softmax; for an mlp bce on 0/1 labels, ce on labels 0..k−1 (3 ≤ k ≤ 10, all present), else mse."""
    if model == "softmax":
        return "ce"
    if np.isin(y, (0.0, 1.0)).all():
        return "bce"
    labels = class_labels(y)
    if labels is not None:
        k = int(labels.max()) + 1
        if 3 <= k <= NATURAL_CE_CLASSES and np.unique(labels).size == k:
            return "ce"
    return "mse"


def check_hidden(hidden: tuple[int, ...]) -> tuple[int, ...]:
    """The hidden layer sizes, checked: 1 to 4 layers of 1 to 16 units."""
    try:
        sizes = tuple(int(h) for h in hidden)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid hidden layers: {hidden!r} (sizes such as 8,8).") from None
    if not 1 <= len(sizes) <= MAX_HIDDEN_LAYERS or any(not 1 <= h <= MAX_UNITS for h in sizes) \
            or any(h != float(v) for h, v in zip(sizes, hidden)):
        raise ValueError(
            f"Invalid hidden layers: {','.join(str(h) for h in hidden)} "
            f"(1 to {MAX_HIDDEN_LAYERS} layers of 1 to {MAX_UNITS} units, e.g. 8,8)."
        )
    return sizes


def network_problem(model: str, loss: str | None, reduction: str, hidden: tuple[int, ...],
                    activation: str, n_inputs: int, y: np.ndarray, target: str = "y") -> "NetworkProblem":
    """The network for data with ``n_inputs`` features and targets ``y`` (its loss, output units).

    Raises ValueError (one sentence) for a loss the model cannot use or targets it cannot fit.
    """
    if model not in NETWORK_MODELS:
        raise ValueError(f"Unknown model '{model}'; choose one of: linear, logistic, {', '.join(NETWORK_MODELS)}.")
    loss = loss or natural_loss(model, y)
    if loss not in NETWORK_LOSSES[model]:
        allowed = " or ".join(NETWORK_LOSSES[model])
        raise ValueError(f"The {model} model cannot be trained with {loss}; use {allowed}.")
    if loss == "bce":
        bad = ~np.isin(y, (0.0, 1.0))
        if bad.any():
            row = int(np.argmax(bad))
            raise ValueError(f"Binary cross-entropy needs a target of 0 or 1; "
                             f"row {row + 1} of '{target}' is {y[row]:g}.")
    n_out = 1
    if loss == "ce":
        labels = class_labels(y)
        if labels is None:
            bad = ~((y >= 0) & (y < MAX_CLASSES) & (y == np.floor(y)))
            row = int(np.argmax(bad)) if y.size else 0
            value = f"{y[row]:g}" if y.size else "missing"
            raise ValueError(f"Cross-entropy needs class labels 0, 1, 2, … (below {MAX_CLASSES}); "
                             f"row {row + 1} of '{target}' is {value}.")
        n_out = max(int(labels.max()) + 1, 2)
    layers = () if model == "softmax" else check_hidden(hidden)
    return NetworkProblem(model, loss, reduction, (int(n_inputs), *layers, n_out), activation)


@dataclass(frozen=True)
class NetworkProblem:
    """A network with a loss: the loss, its gradient, predictions and accuracy for a batch.

    The same interface as :class:`gdsim.core.problem.Problem` (``loss_value``,
    ``loss_and_grad``, ``predict``, ``parameter_names``), plus ``init_params``,
    ``accuracy`` and ``losses`` (many parameter vectors at once).
    """

    model: str
    loss: str
    reduction: str
    sizes: tuple[int, ...]  # units of every layer: inputs first, outputs last
    activation: str = "tanh"

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"Unknown activation '{self.activation}'; choose one of: {', '.join(ACTIVATIONS)}.")
        if self.reduction not in ("mean", "sum"):
            raise ValueError(f"Unknown reduction '{self.reduction}'; choose mean or sum.")
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"Invalid network sizes: {self.sizes}.")

    @cached_property
    def layers(self) -> tuple[Layer, ...]:
        return layout(self.sizes)

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    def n_params(self, n_features: int | None = None) -> int:
        return self.layers[-1].bias.stop

    @property
    def classification(self) -> bool:
        return self.loss in ("bce", "ce")

    def parameter_names(self, n_features: int | None = None) -> tuple[str, ...]:
        """torch's names, e.g. ``0.weight[1,0]``, ``0.bias[1]``, ``2.weight[0,3]`` (the modules of the Sequential)."""
        names: list[str] = []
        for i, layer in enumerate(self.layers):
            names += [f"{2 * i}.weight[{r},{c}]" for r in range(layer.n_out) for c in range(layer.n_in)]
            names += [f"{2 * i}.bias[{r}]" for r in range(layer.n_out)]
        return tuple(names)

    def describe(self) -> str:
        """E.g. ``2-8-8-1 tanh network, binary cross-entropy``."""
        shape = "-".join(map(str, self.sizes))
        kind = "softmax regression" if self.model == "softmax" else f"{self.activation} network"
        return f"{shape} {kind}, {LOSS_TITLES[self.loss]}"

    def init_params(self, seed: int) -> np.ndarray:
        """torch's nn.Linear initialisation, U(−1/√fan_in, 1/√fan_in), layer by layer (weight, then bias)."""
        rng = np.random.default_rng((INIT_STREAM, int(seed)))
        theta = np.empty(self.n_params())
        for layer in self.layers:
            bound = 1.0 / np.sqrt(layer.n_in)
            theta[layer.weight] = rng.uniform(-bound, bound, layer.weight.stop - layer.weight.start)
            theta[layer.bias] = rng.uniform(-bound, bound, layer.n_out)
        return theta

    # --- forward ------------------------------------------------------------------
    def _forward(self, theta: np.ndarray, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """([Xᵀ, A₁ᵀ, …, outputsᵀ], [W₁, W₂, …]): each layer's output for the rows of X, and the weights.

        Outputs are (units × rows): Aₗᵀ = Wₗ·Aₗ₋₁ᵀ + bₗ multiplies C-ordered
        matrices and adds the bias along contiguous rows (about 1.5× faster than
        rows × units at 200 rows and 8 units).
        """
        outputs, weights = [X.T], []
        a = X.T
        last = len(self.layers) - 1
        for i, (w, b, n_out, n_in) in enumerate(self.layers):
            W = theta[w].reshape(n_out, n_in)
            weights.append(W)
            z = np.dot(W, a)
            z += theta[b][:, None]
            a = z if i == last else _activate(z, self.activation)
            outputs.append(a)
        return outputs, weights

    def outputs(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The network's outputs (logits), (rows, k)."""
        return self._forward(np.asarray(theta, dtype=np.float64), X)[0][-1].T

    def predict(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """ŷ: the output for regression, P(class 1) for bce, the class probabilities (rows, k) for ce."""
        out = self.outputs(theta, X)
        if self.loss == "ce":
            e = np.exp(out - out.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return sigmoid(out[:, 0]) if self.loss == "bce" else out[:, 0]

    def predicted_class(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The class of each row: the largest output (ce), or output > 0 (bce)."""
        out = self.outputs(theta, X)
        return out.argmax(axis=1) if self.loss == "ce" else (out[:, 0] > 0.0).astype(np.intp)

    def accuracy(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float | None:
        """Share of rows whose predicted class is the label (None for regression)."""
        if not self.classification or y.size == 0:
            return None
        return float(np.mean(self.predicted_class(theta, X) == y))

    # --- loss and gradient ------------------------------------------------------------
    def _scale(self, n: int) -> float:
        return 1.0 / n if self.reduction == "mean" else 1.0

    def _loss_sum_and_delta(self, out: np.ndarray, y: np.ndarray, scale: float,
                            need_grad: bool) -> tuple[float, np.ndarray | None]:
        """Σ of the loss terms of the rows, and ∂L/∂outputs (already × scale) when asked; outputs (k × rows)."""
        if self.loss == "ce":
            labels = y.astype(np.intp)
            rows = np.arange(out.shape[1])
            shifted = out - out.max(axis=0)
            e = np.exp(shifted)
            total = e.sum(axis=0)
            log_total = np.log(total)
            value = log_total.sum() - shifted[labels, rows].sum()
            if not need_grad:
                return float(value), None
            e /= total  # softmax
            e[labels, rows] -= 1.0
            e *= scale
            return float(value), e
        z = out[0]
        if self.loss == "bce":
            value, dz = _bce_sum_and_residual(z, y, need_grad)
            if need_grad:
                dz *= scale
        else:
            diff = z - y
            if self.loss == "mse":
                value = diff @ diff
                dz = diff * (2.0 * scale) if need_grad else None
            else:
                value = np.abs(diff).sum()
                dz = np.sign(diff) * scale if need_grad else None
        return float(value), (dz[None, :] if need_grad else None)

    def _accumulate(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, scale: float,
                    grad: np.ndarray | None, first: bool = True) -> float:
        """Σ of the loss terms of these rows; their part of ∂L/∂θ written into ``grad`` (``first``)
        or added to it (unless it is None)."""
        outputs, weights = self._forward(theta, X)
        value, delta = self._loss_sum_and_delta(outputs[-1], y, scale, grad is not None)
        if grad is None:
            return value
        # δ is (units × rows); Σ over rows as δ·1, a matrix-vector product (faster than δ.sum(axis=1))
        ones = _ones(X.shape[0])
        for i in range(len(self.layers) - 1, -1, -1):
            w, b, n_out, n_in = self.layers[i]
            if first:  # straight into the gradient vector (the usual single-slice case)
                np.dot(delta, outputs[i].T, out=grad[w].reshape(n_out, n_in))
                np.dot(delta, ones, out=grad[b])
            else:
                grad[w] += np.dot(delta, outputs[i].T).ravel()
                grad[b] += np.dot(delta, ones)
            if i:
                delta = np.dot(weights[i].T, delta)
                _backprop_activation(delta, outputs[i], self.activation)
        return value

    def loss_value(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
        n = y.shape[0]
        total = sum(self._accumulate(theta, X[s:s + CHUNK_ROWS], y[s:s + CHUNK_ROWS], 1.0, None)
                    for s in range(0, n, CHUNK_ROWS))
        return float(total * self._scale(n))

    def loss_and_grad(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """(L, ∂L/∂θ) on the rows X, y (in slices of CHUNK_ROWS rows when there are more)."""
        theta = np.asarray(theta, dtype=np.float64)
        n = y.shape[0]
        scale = self._scale(n)
        grad = np.zeros_like(theta) if n == 0 else np.empty_like(theta)
        if n <= CHUNK_ROWS:
            return float(self._accumulate(theta, X, y, scale, grad) * scale), grad
        total = 0.0
        for s in range(0, n, CHUNK_ROWS):
            total += self._accumulate(theta, X[s:s + CHUNK_ROWS], y[s:s + CHUNK_ROWS], scale, grad, s == 0)
        return float(total * scale), grad

    # --- many parameter vectors at once --------------------------------------------------
    def losses(self, thetas: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The loss on (X, y) at each row of ``thetas`` (m, p): batched products, no loop per vector."""
        thetas = np.asarray(thetas, dtype=np.float64)
        m, n = thetas.shape[0], y.shape[0]
        out = np.empty(m)
        step = max(1, BATCH_ELEMENTS // max(1, n * max(self.sizes)))
        labels = y.astype(np.intp) if self.loss == "ce" else None
        for start in range(0, m, step):
            part = thetas[start:start + step]
            a = X
            last = len(self.layers) - 1
            for i, layer in enumerate(self.layers):
                w = part[:, layer.weight].reshape(-1, layer.n_out, layer.n_in)
                z = a @ w.transpose(0, 2, 1)  # (g, n, out)
                z += part[:, None, layer.bias]
                a = z if i == last else _activate(z, self.activation)
            out[start:start + step] = self._loss_sums(a, y, labels)
        return out * self._scale(n)

    def _loss_sums(self, out: np.ndarray, y: np.ndarray, labels: np.ndarray | None) -> np.ndarray:
        """Σ over rows of the loss terms, for outputs (g, n, k) of g parameter vectors."""
        if self.loss == "ce":
            shifted = out - out.max(axis=2, keepdims=True)
            log_total = np.log(np.exp(shifted).sum(axis=2))
            picked = np.take_along_axis(shifted, labels[None, :, None], axis=2)[..., 0]
            return log_total.sum(axis=1) - picked.sum(axis=1)
        z = out[..., 0]
        if self.loss == "bce":
            return (np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))).sum(axis=1)
        diff = z - y
        return (diff * diff).sum(axis=1) if self.loss == "mse" else np.abs(diff).sum(axis=1)
