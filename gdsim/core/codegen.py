"""The current run as a runnable PyTorch or Keras script ("equivalent code").

``torch_script(dataset, config)`` writes a plain PyTorch training script that
does what gdsim does, step by step: float64, ``nn.Linear`` starting at gdsim's
initial parameters, the same loss (``nn.MSELoss`` / ``nn.L1Loss`` /
``nn.BCEWithLogitsLoss``, or ``torch.sigmoid`` + ``nn.MSELoss``), the optimizer
with the config's hyperparameters, the scheduler stepped once per epoch,
standardisation with the population std and mini-batches in row order.  Run,
it prints ``{"params": [w1, ..., wd, b], ...}`` as JSON: the same numbers as
``gdsim train --json`` (full batch, or mini-batches without shuffling).

``keras_script(dataset, config)`` writes the idiomatic tf.keras version
(``Sequential`` + ``Dense(1)``, ``compile``, ``fit``), with comments where
Keras's optimizers or losses are not quite torch's.  It is not expected to
reproduce gdsim's numbers exactly.

Datasets up to ``EMBED_MAX_ROWS`` rows are pasted into the script; larger ones
are read from a CSV file named on the script's command line.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any, Sequence

from .dataset import Dataset, format_number
from .optim import hyperparams, make_optimizer, torch_class_name
from .problem import LOSS_TITLES
from .schedules import make_schedule
from .standardize import Standardizer
from .training import TrainingConfig

__all__ = ["EMBED_MAX_ROWS", "FRAMEWORKS", "generate", "keras_script", "torch_script"]

FRAMEWORKS = ("torch", "keras")
EMBED_MAX_ROWS = 10_000
TORCH_LOSS_CLASS = {"mse": "MSELoss", "mae": "L1Loss", "bce": "BCEWithLogitsLoss"}
KERAS_LOSS_CLASS = {"mse": "MeanSquaredError", "mae": "MeanAbsoluteError", "bce": "BinaryCrossentropy"}
KERAS_OPTIMIZER_CLASS = {
    "sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adadelta": "Adadelta",
    "adam": "Adam", "adamw": "AdamW", "nadam": "Nadam",
}
TORCH_SCHEDULER_CLASS = {"step": "StepLR", "exponential": "ExponentialLR", "cosine": "CosineAnnealingLR"}


# --- small helpers ------------------------------------------------------------------------
def _literal(value: Any) -> str:
    """A Python literal for a hyperparameter value (floats round-trip exactly)."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    return repr(value)


def _comment_text(text: str) -> str:
    return " ".join(str(text).split())


def _call(name: str, args: Sequence[str], indent: str = "", width: int = 88) -> str:
    """``name(a, b, c)`` on one line, or one argument per line when too long."""
    one = f"{name}({', '.join(args)})"
    if len(indent) + len(one) <= width:
        return indent + one
    inner = "".join(f"{indent}    {a},\n" for a in args)
    return f"{indent}{name}(\n{inner}{indent})"


def _table_lines(dataset: Dataset, columns: Sequence[str], indent: str = "    ") -> list[str]:
    """Rows ``[x1, x2, y],`` with aligned columns."""
    idx = [dataset.column_index(c) for c in columns]
    cells = [[format_number(v) for v in row] for row in dataset.values[:, idx].tolist()]
    widths = [max(len(r[j]) for r in cells) for j in range(len(idx))]
    lines = []
    for r in cells:
        body = ", ".join(c.rjust(w) for c, w in zip(r, widths))
        lines.append(f"{indent}[{body}],")
    return lines


class _Plan:
    """Everything both scripts need, computed once from the dataset and config."""

    def __init__(self, dataset: Dataset, config: TrainingConfig, data_path: str | None,
                 max_rows: int) -> None:
        if config.model in ("mlp", "softmax") or config.features:
            raise ValueError("gdsim code writes linear and logistic models on the data's own features, "
                             "not yet networks or feature maps.")
        config.check(dataset)
        if config.standardize:
            Standardizer.fit(dataset.X, dataset.feature_names)  # same refusal as a run
        self.dataset = dataset
        self.config = config
        self.problem = config.problem()
        self.model = self.problem.model
        self.loss = self.problem.loss
        self.reduction = self.problem.reduction
        self.n = dataset.n_rows
        self.d = dataset.n_features
        self.features = list(dataset.feature_names)
        self.target = dataset.target
        self.columns = self.features + [self.target]
        self.embed = self.n <= max_rows
        self.data_path = data_path
        optimizer = make_optimizer(config.optimizer, **config.hyper)
        self.optimizer = optimizer
        self.hyper = optimizer.hyper()
        self.defaults = {h.name: h.default for h in hyperparams(config.optimizer)}
        self.schedule = make_schedule(config.schedule, **config.schedule_params)
        self.batch_size = self.n if config.batch_size is None else int(config.batch_size)
        self.full_batch = self.batch_size >= self.n
        self.shuffle = bool(config.shuffle) and not self.full_batch
        self.drop_last = bool(config.drop_last) and not self.full_batch
        if self.drop_last:
            self.iterations = self.n // self.batch_size
        else:
            self.iterations = math.ceil(self.n / self.batch_size)
        p = self.d + 1
        self.init = tuple(float(v) for v in config.init) if config.init is not None else (0.0,) * p
        self.zero_init = all(v == 0 for v in self.init)
        self.epochs = int(config.epochs)

    # --- words for the docstrings ---------------------------------------------------------
    def data_words(self) -> str:
        name = self.dataset.name or "the current dataset"
        feats = ", ".join(self.features)
        return f"{name}: {self.n:,} rows, feature{'s' if self.d > 1 else ''} {feats} -> target {self.target}"

    def model_words(self) -> str:
        kind = "linear regression" if self.model == "linear" else "logistic regression"
        loss = LOSS_TITLES[self.loss]
        if self.model == "logistic" and self.loss == "mse":
            loss = "MSE on the sigmoid output"
        return f"{kind}, loss {loss} ({self.reduction} over the batch)"

    def batch_words(self) -> str:
        if self.full_batch:
            how = f"batch gradient descent (all {self.n} rows per update)"
        else:
            kind = "stochastic gradient descent (1 row" if self.batch_size == 1 else \
                f"mini-batches of {self.batch_size} rows"
            if self.batch_size == 1:
                kind += " per update)"
            order = "reshuffled every epoch" if self.shuffle else "in row order"
            extra = ""
            if self.n % self.batch_size:
                extra = ", the last partial batch dropped" if self.drop_last else ", the last one partial"
            how = f"{kind}, {order} ({self.iterations} per epoch{extra})"
        return f"{self.epochs} epochs, {how}"

    def differing_hyper(self) -> list[tuple[str, Any]]:
        """lr always (gdsim's default lr 0.01 is not every torch default), then the rest
        that differ from torch's defaults, in torch's order."""
        out = [("lr", self.hyper["lr"])]
        for name, value in self.hyper.items():
            if name == "lr":
                continue
            default = self.defaults.get(name)
            if isinstance(default, (tuple, list)):
                same = tuple(value) == tuple(default)
            else:
                same = value == default
            if not same:
                out.append((name, value))
        return out

    def torch_optimizer_words(self) -> str:
        args = ", ".join(f"{k}={_literal(v)}" for k, v in self.differing_hyper())
        return f"{torch_class_name(self.config.optimizer)}({args})"

    def schedule_args(self) -> list[tuple[str, Any]]:
        return list(self.schedule.params().items())


def _docstring(plan: _Plan, title: str, run_line: str, origin: Sequence[str], promise: str,
               optimizer_suffix: str = "") -> list[str]:
    lines = [f'"""{title}', ""]
    lines.append(f"Data:      {_comment_text(plan.data_words())}")
    if plan.config.standardize:
        lines.append("           features standardised (z-scores, population std as gdsim)")
    lines.append(f"Model:     {plan.model_words()}")
    lines.append(f"Optimizer: {plan.torch_optimizer_words()}{optimizer_suffix}")
    if plan.config.schedule != "constant":
        args = ", ".join(f"{k}={_literal(v)}" for k, v in plan.schedule_args())
        lines.append(f"Schedule:  {TORCH_SCHEDULER_CLASS[plan.config.schedule]}({args}), once per epoch")
    lines.append(f"Training:  {plan.batch_words()}")
    lines.append("")
    lines.append(f"Run it:    {run_line}")
    lines.extend(promise.splitlines())
    if origin:
        lines.append("")
        for o in origin:
            lines.extend(textwrap.wrap(" ".join(str(o).splitlines()), 88, subsequent_indent=" " * 11,
                                       break_on_hyphens=False, break_long_words=False))
    lines.append('"""')
    return [line.replace("\\", "\\\\").replace('"""', "'''") if 0 < i < len(lines) - 1 else line
            for i, line in enumerate(lines)]


def _csv_reader_lines(plan: _Plan, array: str, script: str) -> list[str]:
    """Read the table from the CSV file named on the command line."""
    lines = [
        f"# The dataset has {plan.n:,} rows, too many to paste here: this script reads them",
        "# from a CSV file with a header row: in gdsim's window File > Export CSV..., or",
        "# `gdsim code --save-data DATA.csv ...` on the command line.",
    ]
    if plan.data_path:
        lines += [
            f"#     python {script} [DATA.csv]   (default: the file gdsim read)",
            f"path = sys.argv[1] if len(sys.argv) > 1 else {plan.data_path!r}",
        ]
    else:
        lines += [
            f"#     python {script} DATA.csv",
            "if len(sys.argv) < 2:",
            f'    sys.exit("usage: python {script} DATA.csv (the dataset exported from gdsim)")',
            "path = sys.argv[1]",
        ]
    lines += [
        f"COLUMNS = {plan.columns!r}  # the features, then the target",
        'with open(path, newline="", encoding="utf-8-sig") as f:',
        '    dialect = csv.Sniffer().sniff(f.readline(), delimiters=",;\\t")',
        "    f.seek(0)",
        "    rows = list(csv.DictReader(f, dialect=dialect))",
        f"data = {array}([[float(row[c]) for c in COLUMNS] for row in rows]{', dtype=torch.float64' if array == 'torch.tensor' else ', dtype=np.float64'})",
    ]
    return lines


def _embedded_lines(plan: _Plan, array: str) -> list[str]:
    dtype = "torch.float64" if array == "torch.tensor" else "np.float64"
    head = ", ".join(plan.columns)
    return [
        f"# columns: {_comment_text(head)}  (the features, then the target {_comment_text(plan.target)})",
        f"data = {array}([",
        *_table_lines(plan.dataset, plan.columns),
        f"], dtype={dtype})",
    ]


# --- PyTorch ----------------------------------------------------------------------------------
def torch_script(dataset: Dataset, config: TrainingConfig, *, data_path: str | None = None,
                 max_rows: int = EMBED_MAX_ROWS, origin: Sequence[str] = ()) -> str:
    """A runnable PyTorch script training ``config`` on ``dataset`` like gdsim does."""
    plan = _Plan(dataset, config, data_path, max_rows)
    d, script = plan.d, "train_torch.py"
    out: list[str] = []
    promise = (
        'It prints the final parameters as JSON, {"params": [w1, ..., wd, b], ...}:\n'
        + ("the same numbers as gdsim (float64, same updates in the same order)."
           if not plan.shuffle else
           "with shuffling on, torch draws a different row order than gdsim's numpy\n"
           "generator, so the numbers differ from gdsim's (turn shuffle off to compare).")
    )
    run_line = f"python {script}" + ("" if plan.embed else " DATA.csv")
    out += _docstring(plan, "gdsim's current run as a PyTorch script.", run_line, origin, promise)
    out += [""]
    if not plan.embed:
        out += ["import csv"]
    out += ["import json"]
    if not plan.embed:
        out += ["import sys"]
    out += ["", "import torch", "from torch import nn, optim"]
    if not plan.full_batch:
        out += ["from torch.utils.data import DataLoader, TensorDataset"]
    out += [
        "",
        "# float64 everywhere, like gdsim (NAdam also keeps its mu_product in this dtype).",
        "torch.set_default_dtype(torch.float64)",
    ]
    if plan.shuffle:
        out += [
            f"torch.manual_seed({plan.config.seed})  # the DataLoader's shuffling draws from torch's generator",
        ]
    out += ["", "# --- the data"]
    out += _embedded_lines(plan, "torch.tensor") if plan.embed else _csv_reader_lines(plan, "torch.tensor", script)
    out += [
        f"X = data[:, :{d}]  # features, one row per example",
        f"y = data[:, {d}:]  # target as a column (n, 1), the shape of the model's output",
    ]
    if plan.config.standardize:
        out += [
            "",
            "# --- standardise the features as gdsim does: z = (x - mean) / std,",
            "# with the population standard deviation (ddof=0, i.e. correction=0)",
            "mean = X.mean(dim=0)",
            "std = X.std(dim=0, correction=0)",
            "X = (X - mean) / std",
        ]
    out += [
        "",
        "# --- the model: z = x·w + b, one weight per feature and a bias",
        f"model = nn.Linear({d}, 1)",
    ]
    if plan.zero_init:
        out += [
            "with torch.no_grad():  # start from zeros as gdsim does (torch's default is random)",
            "    model.weight.zero_()",
            "    model.bias.zero_()",
        ]
    else:
        w = ", ".join(_literal(v) for v in plan.init[:-1])
        out += [
            "with torch.no_grad():  # start where gdsim starts (torch's default is random)",
            f"    model.weight.copy_(torch.tensor([[{w}]]))",
            f"    model.bias.fill_({_literal(plan.init[-1])})",
        ]
    out += [""]
    loss_class = TORCH_LOSS_CLASS[plan.loss]
    loss_note = ""
    if plan.loss == "bce":
        loss_note = "  # applies the sigmoid itself, stably"
    out += [f'loss_fn = nn.{loss_class}(reduction="{plan.reduction}"){loss_note}']
    if plan.model == "logistic" and plan.loss == "mse":
        out += [
            "",
            "",
            "def predict(X):",
            '    """The logistic model\'s output: the probability σ(x·w + b)."""',
            "    return torch.sigmoid(model(X))",
            "",
            "",
        ]
        forward = "predict"
    else:
        forward = "model"
    opt_args = ["model.parameters()"] + [f"{k}={_literal(v)}" for k, v in plan.differing_hyper()]
    out += [_call(f"optimizer = optim.{torch_class_name(plan.config.optimizer)}", opt_args)]
    if plan.config.schedule != "constant":
        sched_args = ["optimizer"] + [f"{k}={_literal(v)}" for k, v in plan.schedule_args()]
        out += [_call(f"scheduler = optim.lr_scheduler.{TORCH_SCHEDULER_CLASS[plan.config.schedule]}", sched_args)
                + "  # stepped once per epoch"]
    tol = plan.config.tolerance
    if not plan.full_batch:
        out += [""]
        if plan.shuffle:
            out += [
                "# shuffle=True: a new order every epoch, drawn by torch, not by gdsim's numpy",
                "# generator, so the mini-batches (and the numbers) differ from gdsim's.",
            ]
        else:
            out += ["# shuffle=False: consecutive rows, in order, as gdsim takes them"]
        out += [
            f"loader = DataLoader(TensorDataset(X, y), batch_size={plan.batch_size}, "
            f"shuffle={plan.shuffle}, drop_last={plan.drop_last})"
        ]
    out += ["", "# --- training"]
    if tol is not None:
        out += ["converged = False"]
    out += [f"for epoch in range({plan.epochs}):"]
    if plan.full_batch:
        body_indent, xb, yb = "    ", "X", "y"
    else:
        out += ["    for X_batch, y_batch in loader:"]
        body_indent, xb, yb = "        ", "X_batch", "y_batch"
    i = body_indent
    out += [
        f"{i}optimizer.zero_grad()  # forget the previous gradient",
        f"{i}loss = loss_fn({forward}({xb}), {yb})  # forward pass",
        f"{i}loss.backward()  # gradients ∂L/∂w and ∂L/∂b land in .grad",
    ]
    if tol is not None:
        out += [f"{i}grad_norm = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).norm()"]
    out += [f"{i}optimizer.step()  # one update of w and b"]
    if tol is not None:
        out += [
            f"{i}if grad_norm < {_literal(float(tol))}:  # gdsim's tolerance: stop as converged",
            f"{i}    converged = True",
            f"{i}    break",
        ]
        if not plan.full_batch:
            out += ["    if converged:", "        break"]
    if plan.config.schedule != "constant":
        out += ["    scheduler.step()"]
    out += [
        "# (gdsim also stops early when the loss explodes; this loop would keep going.)",
        "",
        "# --- the result, in gdsim's order w1..wd, b",
        "w = model.weight.detach().reshape(-1)",
        "b = model.bias.detach()",
        "with torch.no_grad():",
        f"    full_loss = loss_fn({forward}(X), y).item()  # on the whole dataset",
        'result = {"params": w.tolist() + b.tolist(), "loss": full_loss}',
    ]
    return "\n".join(out + _result_lines(plan))


# --- Keras ----------------------------------------------------------------------------------
def _keras_optimizer(plan: _Plan) -> tuple[list[str], list[str], bool]:
    """(arguments of tf.keras.optimizers.X, comment lines, whether L2 regularizers are needed)."""
    h = plan.hyper
    name = plan.config.optimizer
    lr = h["lr"]
    args: list[str] = []
    notes: list[str] = []
    if name == "adagrad" and h.get("lr_decay", 0.0) != 0.0:
        if plan.config.schedule == "constant":
            args.append(
                "learning_rate=tf.keras.optimizers.schedules.InverseTimeDecay("
                f"{_literal(lr)}, decay_steps=1, decay_rate={_literal(h['lr_decay'])})"
            )
            notes.append("torch's lr_decay: lr / (1 + (t - 1)·lr_decay), Keras's InverseTimeDecay.")
        else:
            args.append(f"learning_rate={_literal(lr)}")
            notes.append(f"torch's lr_decay={_literal(h['lr_decay'])} is left out: Keras cannot combine "
                         "InverseTimeDecay with the per-epoch schedule below.")
    else:
        args.append(f"learning_rate={_literal(lr)}")
    wd = float(h.get("weight_decay", 0.0))
    regularize = wd != 0.0 and name != "adamw"
    if name == "sgd":
        args += [f"momentum={_literal(h['momentum'])}", f"nesterov={_literal(h['nesterov'])}"]
        if h["momentum"]:
            notes.append("Keras keeps v = momentum·v - lr·g and adds it to the weights: the same path as "
                         "torch's momentum buffer while the learning rate is constant.")
        if h["dampening"]:
            notes.append(f"Keras's SGD has no dampening: torch's dampening={_literal(h['dampening'])} "
                         "is left out, so the numbers differ.")
    elif name == "adagrad":
        args += [f"initial_accumulator_value={_literal(h['initial_accumulator_value'])}",
                 f"epsilon={_literal(h['eps'])}"]
        notes.append("Keras adds epsilon inside the square root, lr·g / √(G + ε); torch adds it outside, "
                     "lr·g / (√G + ε). Keras's initial_accumulator_value defaults to 0.1, torch's to 0.")
    elif name == "rmsprop":
        args += [f"rho={_literal(h['alpha'])}", f"momentum={_literal(h['momentum'])}",
                 f"epsilon={_literal(h['eps'])}", f"centered={_literal(h['centered'])}"]
        notes.append("torch's alpha is Keras's rho. Keras adds epsilon inside the square root, "
                     "√(v + ε); torch adds it outside, √v + ε.")
    elif name == "adadelta":
        args += [f"rho={_literal(h['rho'])}", f"epsilon={_literal(h['eps'])}"]
        notes.append("The same update as torch's; note Keras's default learning_rate is 0.001, torch's 1.0.")
    elif name in ("adam", "adamw", "nadam"):
        b1, b2 = h["betas"]
        if name == "adamw":
            args.append(f"weight_decay={_literal(wd)}")
        args += [f"beta_1={_literal(b1)}", f"beta_2={_literal(b2)}", f"epsilon={_literal(h['eps'])}"]
        if name != "nadam":
            args.append(f"amsgrad={_literal(h['amsgrad'])}")
            notes.append("Keras adds epsilon to √v before the bias correction (the paper's 'epsilon hat'); "
                         "torch adds it after, √v / √(1 - β2^t) + ε. Close while ε is small next to √v.")
        if name == "adamw":
            notes.append("Keras's AdamW weight_decay is decoupled like torch's: w ← w - lr·λ·w.")
        if name == "nadam":
            notes.append("Keras's Nadam fixes the momentum decay at 0.004 (torch's default momentum_decay).")
            if h["momentum_decay"] != 0.004:
                notes.append(f"torch's momentum_decay={_literal(h['momentum_decay'])} has no Keras argument, "
                             "so the numbers differ.")
    if regularize:
        notes.append(f"torch's weight_decay={_literal(wd)} adds λ·w to the gradient (an L2 penalty): "
                     f"here the layer's L2({_literal(wd / 2)}) regularizers, since L2(c) adds 2c·w. "
                     "(Keras's own weight_decay= argument is decoupled, AdamW-style, not the same.)")
    if any("epsilon" in a for a in args) or name == "adadelta":
        notes.append("Every value is spelled out: Keras's defaults differ from torch's.")
    return args, notes, regularize


def _keras_schedule_lines(plan: _Plan) -> list[str]:
    s = plan.schedule
    name = plan.config.schedule
    if name == "step":
        body = [f"    return lr * {_literal(s.gamma)} if epoch > 0 and epoch % {s.step_size} == 0 else lr"]
    elif name == "exponential":
        body = [f"    return lr * {_literal(s.gamma)} if epoch > 0 else lr"]
    else:
        lr0 = plan.hyper["lr"]
        body = [
            f"    eta_min, base_lr, T_max = {_literal(s.eta_min)}, {_literal(lr0)}, {s.T_max}",
            "    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2",
        ]
    args = ", ".join(f"{k}={_literal(v)}" for k, v in plan.schedule_args())
    return [
        "",
        "",
        "def learning_rate(epoch, lr):",
        f'    """torch\'s {TORCH_SCHEDULER_CLASS[name]}({args}): the rate for epoch `epoch` (from 0)."""',
        *body,
        "",
        "",
    ]


def keras_script(dataset: Dataset, config: TrainingConfig, *, data_path: str | None = None,
                 max_rows: int = EMBED_MAX_ROWS, origin: Sequence[str] = ()) -> str:
    """An idiomatic tf.keras script for ``config`` on ``dataset`` (close to gdsim, not exact)."""
    plan = _Plan(dataset, config, data_path, max_rows)
    d, script = plan.d, "train_keras.py"
    promise = (
        'It prints the final parameters as JSON, {"params": [w1, ..., wd, b], ...}.\n'
        "Keras's optimizers and losses differ from torch's in small ways (see the comments),\n"
        "so expect numbers close to gdsim's, not identical ones."
    )
    run_line = f"python {script}" + ("" if plan.embed else " DATA.csv")
    out = _docstring(plan, "gdsim's current run as a tf.keras script.", run_line, origin, promise,
                     optimizer_suffix="  (torch.optim's names)")
    out += [""]
    if not plan.embed:
        out += ["import csv"]
    out += ["import json"]
    if plan.config.schedule == "cosine":
        out += ["import math"]
    if not plan.embed:
        out += ["import sys"]
    out += ["", "import numpy as np", "import tensorflow as tf", ""]
    out += [
        'tf.keras.backend.set_floatx("float64")  # float64, like gdsim',
        f"tf.keras.utils.set_random_seed({plan.config.seed})",
        "",
        "# --- the data",
    ]
    out += _embedded_lines(plan, "np.array") if plan.embed else _csv_reader_lines(plan, "np.array", script)
    out += [
        f"X = data[:, :{d}]  # features, one row per example",
        f"y = data[:, {d}:]  # target as a column (n, 1)",
    ]
    if plan.config.standardize:
        out += [
            "",
            "# --- standardise the features as gdsim does: z = (x - mean) / std,",
            "# with the population standard deviation (numpy's default, ddof=0)",
            "mean = X.mean(axis=0)",
            "std = X.std(axis=0)",
            "X = (X - mean) / std",
        ]
    opt_args, opt_notes, regularize = _keras_optimizer(plan)
    activation = '"sigmoid"' if plan.model == "logistic" else "None"
    dense_args = [
        "1",
        f"activation={activation}",
        'kernel_initializer="zeros"',
        'bias_initializer="zeros"',
    ]
    if regularize:
        c = _literal(float(plan.hyper["weight_decay"]) / 2)
        dense_args += [f"kernel_regularizer=tf.keras.regularizers.L2({c})",
                       f"bias_regularizer=tf.keras.regularizers.L2({c})"]
    what = "σ(x·w + b), the probability of class 1" if plan.model == "logistic" else "x·w + b"
    out += [
        "",
        f"# --- the model: one Dense unit computing {what}",
        "model = tf.keras.Sequential([",
        f"    tf.keras.Input(shape=({d},)),",
        _call("tf.keras.layers.Dense", dense_args, indent="    ") + ",",
        "])",
    ]
    if not plan.zero_init:
        kernel = ", ".join(f"[{_literal(v)}]" for v in plan.init[:-1])
        out += [
            "# start where gdsim starts: kernel (d, 1), bias (1,)",
            f"model.layers[0].set_weights([np.array([{kernel}]), np.array([{_literal(plan.init[-1])}])])",
        ]
    loss_args = []
    if plan.reduction == "sum":
        loss_args.append('reduction="sum"')
    loss = f"tf.keras.losses.{KERAS_LOSS_CLASS[plan.loss]}({', '.join(loss_args)})"
    notes = []
    if plan.loss == "bce":
        notes.append("torch's BCEWithLogitsLoss takes the logit z; here the layer outputs σ(z) and "
                     "BinaryCrossentropy takes that probability (Keras clips it to [1e-7, 1 - 1e-7]). "
                     "The logit form is Dense(1) + BinaryCrossentropy(from_logits=True).")
    if plan.reduction == "mean":
        notes.append("Keras's default reduction is the mean over the batch, like torch's reduction=\"mean\".")
    out += [""]
    for note in notes:
        out += _wrap_comment(note)
    out += [f"loss_fn = {loss}", ""]
    for note in opt_notes:
        out += _wrap_comment(note)
    out += [
        "model.compile(",
        _call(f"optimizer=tf.keras.optimizers.{KERAS_OPTIMIZER_CLASS[plan.config.optimizer]}", opt_args,
              indent="    ") + ",",
        "    loss=loss_fn,",
        ")",
    ]
    callbacks = ""
    if plan.config.schedule != "constant":
        out += _keras_schedule_lines(plan)
        callbacks = "callbacks=[tf.keras.callbacks.LearningRateScheduler(learning_rate)]"
    else:
        out += [""]
    out += ["# --- training"]
    if plan.shuffle:
        out += _wrap_comment("shuffle=True: Keras draws its own order every epoch, so the mini-batches "
                             "differ from gdsim's (and torch's).")
    elif not plan.full_batch:
        out += ["# shuffle=False: consecutive rows, in order, as gdsim takes them"]
    if plan.config.tolerance is not None:
        out += _wrap_comment(f"gdsim stops when the gradient norm falls below {plan.config.tolerance:g}; "
                             "Keras has no such stop (EarlyStopping watches the loss instead).")
    if plan.drop_last:
        out += ["# fit() has no drop_last: tf.data drops the last partial batch"]
        out += ["batches = tf.data.Dataset.from_tensor_slices((X, y))"]
        if plan.shuffle:
            out += [f"batches = batches.shuffle(len(X), seed={plan.config.seed}, reshuffle_each_iteration=True)"]
        out += [f"batches = batches.batch({plan.batch_size}, drop_remainder=True)"]
        out += [_call("model.fit", ["batches", f"epochs={plan.epochs}", "verbose=0"]
                      + ([callbacks] if callbacks else []))]
    else:
        batch = "len(X)" if plan.full_batch else str(plan.batch_size)
        comment = "  # full batch: one update per epoch" if plan.full_batch else ""
        fit_args = ["X", "y", f"batch_size={batch}", f"epochs={plan.epochs}", f"shuffle={plan.shuffle}",
                    "verbose=0"] + ([callbacks] if callbacks else [])
        out += [_call("model.fit", fit_args) + comment]
    out += [
        "",
        "# --- the result, in gdsim's order w1..wd, b",
        "kernel, bias = model.layers[0].get_weights()",
        "w, b = kernel[:, 0], bias",
        "full_loss = float(loss_fn(y, model.predict(X, verbose=0)))  # on the whole dataset",
        'result = {"params": w.tolist() + b.tolist(), "loss": full_loss}',
    ]
    return "\n".join(out + _result_lines(plan))


def _wrap_comment(text: str, width: int = 88) -> list[str]:
    words = _comment_text(text).split(" ")
    lines, line = [], "#"
    for word in words:
        if len(line) + 1 + len(word) > width and line != "#":
            lines.append(line)
            line = "#"
        line += " " + word
    lines.append(line)
    return lines


def generate(framework: str, dataset: Dataset, config: TrainingConfig, **options: Any) -> str:
    """``torch_script`` or ``keras_script`` by name ("torch" or "keras")."""
    if framework == "torch":
        return torch_script(dataset, config, **options)
    if framework == "keras":
        return keras_script(dataset, config, **options)
    raise ValueError(f"Unknown framework '{framework}'; choose torch or keras.")


def _result_lines(plan) -> list[str]:
    """The scripts' common ending: parameters in original units when standardised, then JSON."""
    out = []
    if plan.config.standardize:
        out += [
            "# the same model on the original (unstandardised) features",
            "w_original = w / std",
            "b_original = b - (w_original * mean).sum()",
            'result["params_original"] = w_original.tolist() + b_original.tolist()',
        ]
    return out + ["print(json.dumps(result, indent=2))", ""]
