"""The arithmetic of the iteration just taken, as the lecture writes it.

``explain_last_step(run)`` recomputes the last update of a ``TrainingRun``
from what the run keeps of it (θ before the update, the optimizer state before
it, the mini-batch rows and the learning rate) with the very same functions
the run used, so the recomputed parameters equal ``run.params`` bit for bit:
the numbers shown are the numbers used.  Nothing here runs in the training
loop; it costs one gradient of one mini-batch, when someone asks.

Numbers in the texts are rounded to ``SIGNIFICANT`` significant digits
(``format_number``); the arrays in the explanation hold the exact float64
values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .explain_network import NetworkStep, network_pass
from .network import NetworkProblem
from .problem import CHUNK_ROWS, LOSS_TITLES, TORCH_LOSS, Problem, sigmoid

__all__ = [
    "LECTURE_START",
    "MSE_FACTOR_NOTE",
    "SHOW_ALL_ROWS",
    "SIGNIFICANT",
    "NUMBER_NOTE",
    "GradientTerm",
    "StateTerm",
    "ParamUpdate",
    "StepExplanation",
    "explain_last_step",
    "format_number",
]

SIGNIFICANT = 6
NUMBER_NOTE = (
    f"Numbers rounded to {SIGNIFICANT} significant digits; "
    "the step itself is computed in float64."
)
MINUS = "\u2212"  # the typographic minus sign
#: a mini-batch of up to this many rows is shown whole (insurance: 11); a bigger one, its first rows
SHOW_ALL_ROWS = 12
FIRST_ROWS = 10
#: why gdsim's (torch's) MSE gradient has 2/n where the lecture's slide has 1/n
MSE_FACTOR_NOTE = (
    "Why 2/n: torch's MSELoss is L = 1/n Σ(ŷᵢ − yᵢ)², and the derivative of a square "
    "(ŷᵢ − yᵢ)² is 2(ŷᵢ − yᵢ). The lecture's slide writes ∂L/∂w = 1/n Σ xᵢ(ŷᵢ − yᵢ): "
    "the gradient of ½·MSE, the same direction at half the length, so the slide's step "
    "with lr is the step here with lr/2."
)
# Sums are written out term by term up to this many rows.
EXPAND_ROWS = 6


@dataclass(frozen=True)
class LectureStart:
    """The lecture's own worked example: a preset, its start point, raw (not standardised) data."""

    preset: str
    init: tuple[float, ...]
    standardize: bool
    text: str


LECTURE_START = LectureStart("insurance", (1.0, 1.0, 0.0), False,
                             "the lecture's start: insurance, raw data, w1 = w2 = 1, b = 0")


def format_number(value: float) -> str:
    """``value`` to SIGNIFICANT significant digits, with a real minus sign."""
    value = float(value)
    if value == 0.0:
        return "0"  # also −0.0
    return f"{value:.{SIGNIFICANT}g}".replace("-", MINUS)


def operand(value: float) -> str:
    """format_number, in parentheses when negative (for the middle of an expression)."""
    text = format_number(value)
    return f"({text})" if text.startswith(MINUS) else text


@dataclass(frozen=True)
class GradientTerm:
    """One partial derivative of the mini-batch loss."""

    name: str  # parameter name, "w1" or "b"
    symbol: str  # "∂L/∂w1"
    formula: str  # "2/n Σ xᵢ(ŷᵢ − yᵢ)"
    factor: float  # 2/n, 1/n, 2 or 1
    factor_text: str  # "2/5"
    row_terms: np.ndarray  # the summands of the rows shown (all rows unless max_rows)
    row_sum: float  # Σ of the summands over the whole batch
    value: float  # the gradient component the optimizer received
    text: str  # "∂L/∂w1 = 2/n Σ xᵢ(ŷᵢ − yᵢ) = 2/5 × (−310) = −124"


@dataclass(frozen=True)
class StateTerm:
    """One quantity the optimizer computed, with the equation it comes from."""

    key: str  # the optimizer's trace key: "exp_avg", "bias_correction1", ...
    symbol: str  # "m_t"
    equation: str  # "m_t = β1·m_{t-1} + (1 − β1)·g_t"
    value: Any  # a float (scalars) or one value per parameter
    per_parameter: bool
    details: tuple[str, ...]  # the equation with numbers, per parameter (or one line), when written out


@dataclass(frozen=True)
class ParamUpdate:
    """The update of one parameter, in numbers."""

    name: str
    old: float
    lr: float
    gradient: float  # ∂L/∂θ of the mini-batch
    step: float  # the quantity lr multiplies in the text (∂L/∂θ, g_t, b_t, ...) or Δθ
    delta: float  # the optimizer's Δθ_t (AdamW adds it to the decayed θ'_{t-1})
    new: float
    text: str  # "w1 = w1 − lr × ∂L/∂w1 = 0 − 0.01 × (−124) = 1.24"


@dataclass(frozen=True)
class StepExplanation:
    """Everything about the iteration just taken, as data for a panel to render."""

    iteration: int
    epoch: int
    iteration_in_epoch: int
    iterations_per_epoch: int
    mode: str  # "batch", "mini-batch" or "stochastic"
    batch_size: int  # rows in the mini-batch; the per-row arrays below may show fewer (max_rows)
    indices: np.ndarray  # 0-based rows of the mini-batch
    row_numbers: np.ndarray  # the same rows, 1-based, as the dataset table numbers them
    feature_names: tuple[str, ...]
    target_name: str
    parameter_names: tuple[str, ...]
    standardized: bool
    X_b: np.ndarray  # the batch's features in training units (standardised when standardized)
    X_b_original: np.ndarray  # the same rows in the data's own units
    y_b: np.ndarray
    logits: np.ndarray  # z = X·w + b
    predictions: np.ndarray  # ŷ
    residuals: np.ndarray  # ŷ − y
    model: str
    loss_name: str  # "mse", "mae", "bce"
    loss_title: str  # "MSE", ...
    torch_loss: str
    reduction: str  # "mean" or "sum"
    loss: float  # the mini-batch loss at θ before the update
    loss_formula: str
    params_before: np.ndarray
    gradient: np.ndarray
    gradient_terms: tuple[GradientTerm, ...]
    optimizer_name: str
    torch_optimizer: str
    hyper: dict
    lr: float
    state_terms: tuple[StateTerm, ...]
    updates: tuple[ParamUpdate, ...]
    params_after: np.ndarray
    matches_run: bool  # the recomputed θ equals run.params bit for bit
    number_note: str = NUMBER_NOTE
    network: NetworkStep | None = None  # a network's pass, layer by layer (its updates: a few parameters)

    @property
    def rows_shown(self) -> int:
        return int(self.y_b.shape[0])

    def rows_to_list(self) -> int:
        """How many of the rows shown a table lists: all of a mini-batch of up to
        SHOW_ALL_ROWS rows, else its first FIRST_ROWS."""
        n = min(self.rows_shown, self.batch_size)
        return n if self.batch_size <= SHOW_ALL_ROWS else min(n, FIRST_ROWS)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the lecture's notation needs besides the numbers (the MSE factor of 2)."""
        return (MSE_FACTOR_NOTE,) if self.loss_name == "mse" else ()

    def optimizer_text(self) -> str:
        """``SGD(lr=0.01, momentum=0, ...)`` with torch's names."""
        parts = []
        for key, value in self.hyper.items():
            if isinstance(value, bool):
                parts.append(f"{key}={value}")
            elif isinstance(value, tuple):
                parts.append(f"{key}=({', '.join(format_number(v) for v in value)})")
            else:
                parts.append(f"{key}={format_number(value)}")
        return f"{self.torch_optimizer}({', '.join(parts)})"


# --- the loss and its gradient ----------------------------------------------------------
_LOSS_FORMULAS = {
    ("linear", "mse"): "ŷ = X·w + b,  L = {r}(ŷᵢ − yᵢ)²",
    ("linear", "mae"): "ŷ = X·w + b,  L = {r}|ŷᵢ − yᵢ|",
    ("logistic", "bce"): "ŷ = σ(X·w + b),  L = −{r}[yᵢ·log ŷᵢ + (1 − yᵢ)·log(1 − ŷᵢ)]",
    ("logistic", "mse"): "ŷ = σ(X·w + b),  L = {r}(ŷᵢ − yᵢ)²",
}
# (factor before the sum, the per-row factor written after xᵢ)
_GRAD_SHAPES = {
    ("linear", "mse"): (2.0, "(ŷᵢ − yᵢ)"),
    ("linear", "mae"): (1.0, "·sign(ŷᵢ − yᵢ)"),
    ("logistic", "bce"): (1.0, "(ŷᵢ − yᵢ)"),
    ("logistic", "mse"): (2.0, "(ŷᵢ − yᵢ)·ŷᵢ(1 − ŷᵢ)"),
}


def _row_factor(model: str, loss: str, pred: np.ndarray, residual: np.ndarray) -> np.ndarray:
    if loss == "mae":
        return np.sign(residual)
    if model == "logistic" and loss == "mse":
        return residual * pred * (1.0 - pred)
    return residual


def _factor(constant: float, reduction: str, n: int) -> tuple[float, str, str]:
    """(value, symbolic text, numeric text) of the factor before Σ."""
    c = "2" if constant == 2.0 else "1"
    if reduction == "mean":
        return constant / n, f"{c}/n ", f"{c}/{n}"
    return constant, ("2 " if constant == 2.0 else ""), ("2" if constant == 2.0 else "")


def _row_sums(problem: Problem, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """[Σ x1ᵢ·rᵢ, …, Σ xdᵢ·rᵢ, Σ rᵢ] over the whole batch, r being the per-row factor
    of the gradient formula; in slices of CHUNK_ROWS rows, so a million-row batch
    never builds a million-row temporary."""
    sums = np.zeros(X.shape[1] + 1)
    for start in range(0, y.shape[0], CHUNK_ROWS):
        Xc, yc = X[start:start + CHUNK_ROWS], y[start:start + CHUNK_ROWS]
        pred = problem.predict(theta, Xc)
        r = _row_factor(problem.model, problem.loss, pred, pred - yc)
        sums[:-1] += Xc.T @ r
        sums[-1] += r.sum()
    return sums


def _gradient_terms(model: str, loss: str, reduction: str, names: tuple[str, ...], n: int,
                    X: np.ndarray, pred: np.ndarray, residual: np.ndarray, row_sums: np.ndarray,
                    grad: np.ndarray, standardized: bool = False) -> tuple[GradientTerm, ...]:
    """``X``, ``pred``, ``residual``: the rows shown (maybe fewer than the batch's ``n``)."""
    constant, row_text = _GRAD_SHAPES[(model, loss)]
    factor, factor_sym, factor_num = _factor(constant, reduction, n)
    r = _row_factor(model, loss, pred, residual)
    d = X.shape[1]
    expand = n <= EXPAND_ROWS and residual.shape[0] == n
    terms = []
    for j, name in enumerate(names):
        if j < d:
            x = "x̃" if standardized else "x"  # x̃: the standardised feature training uses
            x_sym = f"{x}ᵢ" if d == 1 else f"{x}{j + 1}ᵢ"
            summand = x_sym + row_text
            row_terms = X[:, j] * r
            xs = X[:, j]
        else:
            summand = row_text.lstrip("·")
            row_terms = np.array(r, dtype=np.float64)
            xs = None
        row_sum = float(row_sums[j])
        symbol = f"∂L/∂{name}"
        formula = f"{factor_sym}Σ {summand}"
        value = float(grad[j])
        expanded = _expanded_sum(xs, r) if expand else ""
        if factor_num:
            middle = f"{factor_num} × {expanded or operand(row_sum)}"
        else:
            middle = expanded
        numbers = f" = {middle}" if middle else ""
        text = f"{symbol} = {formula}{numbers} = {format_number(value)}"
        terms.append(GradientTerm(name, symbol, formula, factor, factor_num or "1", row_terms,
                                  row_sum, value, text))
    return tuple(terms)


def _expanded_sum(xs: np.ndarray | None, r: np.ndarray) -> str:
    """The sum written out term by term, in brackets, for small batches ("" for large ones)."""
    if xs is None:
        parts = [operand(v) if k else format_number(v) for k, v in enumerate(r)]
    else:
        parts = [f"{operand(x)}×{operand(v)}" for x, v in zip(xs, r)]
    return f"[{' + '.join(parts)}]"


# --- optimizer state terms --------------------------------------------------------------
_SYMBOLS = {
    "lr": "γ", "grad": "g_t", "momentum_buffer": "b_t", "direction": "d_t", "update": "Δθ_t",
    "params": "θ_t", "exp_avg": "m_t", "exp_avg_sq": "v_t", "max_exp_avg_sq": "v̂max_t",
    "bias_correction1": "c1_t", "bias_correction2": "c2_t", "step_size": "α_t", "denom": "d_t",
    "decay_factor": "k_t", "decayed_params": "θ'_{t-1}", "clr": "γ̃_t", "sum": "s_t", "std": "σ_t",
    "square_avg": "v_t", "grad_avg": "ḡ_t", "avg": "a_t", "delta": "Δx_t", "acc_delta": "u_t",
    "mu": "μ_t", "mu_next": "μ_{t+1}", "mu_product": "Π_t", "grad_coef": "a_t",
    "exp_avg_coef": "b_t",
}


def _prev(state: Any, field: str, j: int) -> float:
    value = getattr(state, field, None)
    return 0.0 if value is None else float(np.asarray(value)[j])


def _details(opt: Any, key: str, trace: dict, prev_state: Any, t: int,
             names: tuple[str, ...]) -> tuple[str, ...]:
    """The state equations of SGD momentum and the Adam family with numbers in them."""
    name = opt.name
    g = trace.get("grad")
    fmt, op = format_number, operand
    lines: list[str] = []
    if name == "sgd" and key == "momentum_buffer":
        mu, tau = opt.momentum, opt.dampening
        first = prev_state.momentum_buffer is None
        for j, p in enumerate(names):
            new = fmt(trace[key][j])
            if first:
                lines.append(f"b_t[{p}] = g_t = {new}   (first step: b_1 = g_1)")
            else:
                lines.append(f"b_t[{p}] = {fmt(mu)} × {op(_prev(prev_state, 'momentum_buffer', j))}"
                             f" + (1 − {fmt(tau)}) × {op(g[j])} = {new}")
        return tuple(lines)
    if name in ("adam", "adamw", "nadam"):
        b1, b2 = opt.betas
        if key == "exp_avg":
            return tuple(f"m_t[{p}] = {fmt(b1)} × {op(_prev(prev_state, 'exp_avg', j))} + "
                         f"{fmt(1 - b1)} × {op(g[j])} = {fmt(trace[key][j])}" for j, p in enumerate(names))
        if key == "exp_avg_sq":
            return tuple(f"v_t[{p}] = {fmt(b2)} × {op(_prev(prev_state, 'exp_avg_sq', j))} + "
                         f"{fmt(1 - b2)} × {op(g[j])}² = {fmt(trace[key][j])}" for j, p in enumerate(names))
        if key == "bias_correction1":
            return (f"c1_t = 1 − {fmt(b1)}^{t} = {fmt(trace[key])}",)
        if key == "bias_correction2":
            return (f"c2_t = 1 − {fmt(b2)}^{t} = {fmt(trace[key])}",)
        if key == "step_size" and name != "nadam":
            return (f"α_t = {fmt(trace['lr'])} / {fmt(trace['bias_correction1'])} = {fmt(trace[key])}",)
        if key == "denom" and name != "nadam":
            v = trace["max_exp_avg_sq"] if "max_exp_avg_sq" in trace else trace["exp_avg_sq"]
            c2 = trace["bias_correction2"]
            return tuple(f"d_t[{p}] = √{op(v[j])} / √{fmt(c2)} + {fmt(opt.eps)} = {fmt(trace[key][j])}"
                         for j, p in enumerate(names))
    return ()


def _state_terms(opt: Any, trace: dict, prev_state: Any, t: int,
                 names: tuple[str, ...]) -> tuple[StateTerm, ...]:
    equations = dict(opt.equations)
    if opt.name == "sgd":  # say which branch of the direction equation this step took
        if opt.momentum == 0:
            equations["direction"] = "d_t = g_t   (no momentum)"
        elif opt.nesterov:
            equations["direction"] = "d_t = g_t + μ·b_t   (Nesterov)"
        else:
            equations["direction"] = "d_t = b_t"
    order = [key for key, _ in opt.equations] + [k for k in trace if k not in equations]
    terms = []
    for key in order:
        if key not in trace or key == "params":
            continue
        value = trace[key]
        per_parameter = isinstance(value, np.ndarray) and value.ndim == 1
        value = np.array(value, dtype=np.float64) if per_parameter else float(value)
        terms.append(StateTerm(
            key, _SYMBOLS.get(key, key), equations.get(key, key), value, per_parameter,
            _details(opt, key, trace, prev_state, t, names),
        ))
    return tuple(terms)


# --- the parameter updates --------------------------------------------------------------
# rule(j, name, old) -> (symbolic right-hand side, numeric right-hand side, step value)
_Rule = Callable[[int, str, float], tuple[str, str, float]]


def _update_rule(opt: Any, trace: dict, grad: np.ndarray, lr: float) -> _Rule:
    fmt, op = format_number, operand
    name = opt.name
    wd = getattr(opt, "weight_decay", 0.0)

    def lr_times(symbol: str, values: np.ndarray) -> _Rule:
        return lambda j, p, old: (f"{p} − lr × {symbol.format(p=p)}",
                                  f"{fmt(old)} − {op(lr)} × {op(values[j])}", float(values[j]))

    if name == "sgd":
        if opt.momentum == 0:
            return lr_times("∂L/∂{p}", grad) if wd == 0 else lr_times("g_t", trace["grad"])
        return lr_times("d_t" if opt.nesterov else "b_t", trace["direction"])
    if name in ("adam", "adamw"):
        a, m, d = trace["step_size"], trace["exp_avg"], trace["denom"]
        if "decay_factor" in trace:
            k = trace["decay_factor"]
            return lambda j, p, old: (f"k_t × {p} − α_t × m_t / d_t",
                                      f"{fmt(k)} × {op(old)} − {op(a)} × {op(m[j])} / {op(d[j])}",
                                      float(m[j] / d[j]))
        return lambda j, p, old: (f"{p} − α_t × m_t / d_t",
                                  f"{fmt(old)} − {op(a)} × {op(m[j])} / {op(d[j])}", float(m[j] / d[j]))
    if name == "adagrad":
        clr, g, s = trace["clr"], trace["grad"], trace["std"]
        return lambda j, p, old: (f"{p} − γ̃_t × g_t / σ_t",
                                  f"{fmt(old)} − {op(clr)} × {op(g[j])} / {op(s[j])}", float(g[j] / s[j]))
    if name == "rmsprop":
        if opt.momentum > 0:
            return lr_times("b_t", trace["momentum_buffer"])
        g, a = trace["grad"], trace["avg"]
        return lambda j, p, old: (f"{p} − lr × g_t / a_t",
                                  f"{fmt(old)} − {op(lr)} × {op(g[j])} / {op(a[j])}", float(g[j] / a[j]))
    if name == "adadelta":
        return lr_times("Δx_t", trace["delta"])
    if name == "nadam":
        ca, cb, g, m, d = (trace["grad_coef"], trace["exp_avg_coef"], trace["grad"],
                           trace["exp_avg"], trace["denom"])
        return lambda j, p, old: (
            f"{p} + a_t × g_t / d_t + b_t × m_t / d_t",
            f"{fmt(old)} + {op(ca)} × {op(g[j])} / {op(d[j])} + {op(cb)} × {op(m[j])} / {op(d[j])}",
            float(trace["update"][j]))
    delta = trace["update"]
    return lambda j, p, old: (f"{p} + Δθ_t", f"{fmt(old)} + {op(delta[j])}", float(delta[j]))


def _updates(opt: Any, trace: dict, grad: np.ndarray, lr: float, old: np.ndarray, new: np.ndarray,
             names: tuple[str, ...]) -> tuple[ParamUpdate, ...]:
    rule = _update_rule(opt, trace, grad, lr)
    delta = np.asarray(trace.get("update", new - old), dtype=np.float64)
    out = []
    for j, p in enumerate(names):
        symbolic, numeric, step = rule(j, p, float(old[j]))
        text = f"{p} = {symbolic} = {numeric} = {format_number(new[j])}"
        out.append(ParamUpdate(p, float(old[j]), float(lr), float(grad[j]), step, float(delta[j]),
                               float(new[j]), text))
    return tuple(out)


# --- the whole step -----------------------------------------------------------------------
def _rows_array(rows: slice | np.ndarray, count: int) -> np.ndarray:
    """The first ``count`` rows of a batch as 0-based indices."""
    if isinstance(rows, slice):
        start = rows.start or 0
        return np.arange(start, min(start + count, rows.stop or 0))
    return np.asarray(rows[:count], dtype=np.intp).copy()


def explain_last_step(run: Any, max_rows: int | None = None) -> StepExplanation | None:
    """The arithmetic of ``run``'s last update, or None before the first one.

    The per-row arrays (rows, x, y, ŷ, ŷ − y, summands) cover the first
    ``max_rows`` rows of the mini-batch (all when None); the sums, the loss,
    the gradient and the update always use every row, as the step did.

    Safe to call from another thread while a worker steps the run: the fields
    are read once; ``matches_run`` tells whether the recomputation reproduces
    the parameters the run holds (it does, bit for bit, unless a step happened
    while reading or the optimizer settings changed since the step).
    """
    iteration = int(run.iteration)
    if iteration == 0:
        return None
    if run.source.kind == "function":
        return _explain_function_step(run, iteration)
    rows = run._last_rows
    theta = np.array(run._prev_params, dtype=np.float64)
    prev_state = run._prev_state
    lr = float(run._last_lr)
    opt = run.optimizer
    batch_in_epoch = int(run.batch_in_epoch)
    completed = int(run.epoch)
    current = np.array(run.params, dtype=np.float64)
    same_iteration = int(run.iteration) == iteration

    problem = run.problem
    X_b, y_b = run.X[rows], run.y[rows]
    loss, grad = run.loss_and_grad(theta, rows)
    trace: dict = {}
    new, _ = opt.update(grad, prev_state, theta, lr, trace=trace)
    new = np.array(new, dtype=np.float64)

    n = int(y_b.shape[0])
    k = n if max_rows is None else max(0, min(n, int(max_rows)))
    dataset = run.dataset
    indices = _rows_array(rows, k)
    X_s = np.array(X_b[:k], dtype=np.float64)
    y_s = np.array(y_b[:k], dtype=np.float64)
    X_original = np.asarray(dataset.X[indices], dtype=np.float64) if run.standardizer is not None \
        else X_s.copy()
    if isinstance(problem, NetworkProblem):
        return _network_explanation(run, iteration, rows, indices, X_s, X_original, y_s, theta, loss, grad,
                                    trace, prev_state, new, lr, same_iteration and np.array_equal(new, current),
                                    batch_in_epoch, completed)
    logits = problem.logits(theta, X_s)
    pred = sigmoid(logits) if problem.model == "logistic" else logits.copy()
    residual = pred - y_s
    row_sums = _row_sums(problem, theta, X_b, y_b)
    names = tuple(run.parameter_names)
    in_epoch = batch_in_epoch if batch_in_epoch else run.iterations_per_epoch
    epoch = completed + (1 if batch_in_epoch else 0)
    r = "1/n Σ " if problem.reduction == "mean" else "Σ "
    t = int(getattr(prev_state, "step", iteration - 1)) + 1
    return StepExplanation(
        iteration=iteration, epoch=epoch, iteration_in_epoch=in_epoch,
        iterations_per_epoch=int(run.iterations_per_epoch), mode=str(run.mode), batch_size=n,
        indices=indices, row_numbers=indices + 1,
        feature_names=tuple(dataset.feature_names), target_name=str(dataset.target),
        parameter_names=names, standardized=run.standardizer is not None,
        X_b=X_s, X_b_original=X_original, y_b=y_s,
        logits=logits, predictions=pred, residuals=residual,
        model=problem.model, loss_name=problem.loss, loss_title=LOSS_TITLES[problem.loss],
        torch_loss=TORCH_LOSS[problem.loss], reduction=problem.reduction, loss=float(loss),
        loss_formula=_LOSS_FORMULAS[(problem.model, problem.loss)].format(r=r),
        params_before=theta, gradient=np.array(grad, dtype=np.float64),
        gradient_terms=_gradient_terms(problem.model, problem.loss, problem.reduction, names, n,
                                       X_s, pred, residual, row_sums, grad,
                                       run.standardizer is not None),
        optimizer_name=opt.name, torch_optimizer=opt.torch_name, hyper=opt.hyper(), lr=lr,
        state_terms=_state_terms(opt, trace, prev_state, t, names),
        updates=_updates(opt, trace, grad, lr, theta, new, names),
        params_after=new,
        matches_run=same_iteration and np.array_equal(new, current),
    )


def _explain_function_step(run: Any, iteration: int) -> StepExplanation:
    """A test function's step: no rows; the gradient is the function's own (mode "function")."""
    theta = np.array(run._prev_params, dtype=np.float64)
    prev_state, lr, opt = run._prev_state, float(run._last_lr), run.optimizer
    current = np.array(run.params, dtype=np.float64)
    same_iteration = int(run.iteration) == iteration
    loss, grad = run.loss_and_grad(theta, slice(0, 0))
    trace: dict = {}
    new, _ = opt.update(grad.tolist(), prev_state, theta.tolist(), lr, trace=trace)
    new = np.array(new, dtype=np.float64)
    names = tuple(run.parameter_names)
    empty = np.empty(0)
    terms = tuple(GradientTerm(n, f"∂f/∂{n}", "", 1.0, "", empty, float(g), float(g),
                               f"∂f/∂{n} at ({', '.join(format_number(v) for v in theta)}) = {format_number(g)}")
                  for n, g in zip(names, grad))
    t = int(getattr(prev_state, "step", iteration - 1)) + 1
    return StepExplanation(
        iteration=iteration, epoch=iteration, iteration_in_epoch=1, iterations_per_epoch=1,
        mode="function", batch_size=0, indices=np.empty(0, dtype=np.intp), row_numbers=np.empty(0, dtype=np.intp),
        feature_names=(), target_name="", parameter_names=names, standardized=False,
        X_b=np.empty((0, 0)), X_b_original=np.empty((0, 0)), y_b=empty, logits=empty, predictions=empty,
        residuals=empty, model="function", loss_name="f", loss_title=run.source.title, torch_loss="",
        reduction="", loss=float(loss), loss_formula=run.function.formula, params_before=theta,
        gradient=np.array(grad, dtype=np.float64), gradient_terms=terms,
        optimizer_name=opt.name, torch_optimizer=opt.torch_name, hyper=opt.hyper(), lr=lr,
        state_terms=_state_terms(opt, trace, prev_state, t, names),
        updates=_updates(opt, trace, grad, lr, theta, new, names),
        params_after=new, matches_run=same_iteration and np.array_equal(new, current),
    )


def _network_explanation(run: Any, iteration: int, rows: Any, indices: np.ndarray, X_s: np.ndarray,
                         X_original: np.ndarray, y_s: np.ndarray, theta: np.ndarray, loss: float,
                         grad: np.ndarray, trace: dict, prev_state: Any, new: np.ndarray, lr: float,
                         matches: bool, batch_in_epoch: int, completed: int) -> StepExplanation:
    """A network's step: the pass layer by layer; the update of each layer's first weight and bias."""
    problem, opt = run.problem, run.optimizer
    grad = np.asarray(grad, dtype=np.float64)
    step = network_pass(problem, theta, run.X[rows], run.y[rows], grad)
    names = tuple(run.parameter_names)
    shown = set(step.shown)
    t = int(getattr(prev_state, "step", iteration - 1)) + 1
    picked = [names[j] for j in step.shown]
    states = []
    for term in _state_terms(opt, trace, prev_state, t, names):
        value = term.value[list(step.shown)] if term.per_parameter else term.value
        details = tuple(line for line in term.details if not term.per_parameter
                        or any(f"[{p}]" in line for p in picked))
        states.append(StateTerm(term.key, term.symbol, term.equation, value, term.per_parameter, details))
    updates = tuple(u for j, u in enumerate(_updates(opt, trace, grad, lr, theta, new, names)) if j in shown)
    empty = np.empty(0)
    in_epoch = batch_in_epoch if batch_in_epoch else run.iterations_per_epoch
    n = int(np.asarray(run.y[rows]).shape[0])
    return StepExplanation(
        iteration=iteration, epoch=completed + (1 if batch_in_epoch else 0), iteration_in_epoch=in_epoch,
        iterations_per_epoch=int(run.iterations_per_epoch), mode=str(run.mode), batch_size=n,
        indices=indices, row_numbers=indices + 1, feature_names=tuple(run.dataset.feature_names),
        target_name=str(run.dataset.target), parameter_names=tuple(picked),
        standardized=run.standardizer is not None, X_b=X_s, X_b_original=X_original, y_b=y_s,
        logits=empty, predictions=empty, residuals=empty, model=problem.model, loss_name=problem.loss,
        loss_title=LOSS_TITLES[problem.loss], torch_loss=TORCH_LOSS[problem.loss], reduction=problem.reduction,
        loss=float(loss), loss_formula=step.loss_formula, params_before=theta[list(step.shown)],
        gradient=grad, gradient_terms=(), optimizer_name=opt.name, torch_optimizer=opt.torch_name,
        hyper=opt.hyper(), lr=lr, state_terms=tuple(states), updates=updates, params_after=new,
        matches_run=matches, network=step,
    )
