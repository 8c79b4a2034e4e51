"""The run as a Keras 3 script (``import keras``; any backend) on gdsim's batches.

Keras's built-in optimizer is used where it computes torch's algorithm; where it does
not (momentum under a changing learning rate, SGD's dampening, RMSprop's and Adagrad's
ε outside the root, Adagrad's lr_decay, NAdam's momentum schedule) the script carries
torch's update as a small Keras optimizer (gdsim.core.codegen.keras_optimizers).  What
remains different is said in comments and, at run time, in one line containing "differs".
"""

from __future__ import annotations

from typing import Sequence

from ..dataset import Dataset
from ..training import TrainingConfig
from . import keras_optimizers
from .plan import (
    EMBED_MAX_ROWS, TORCH_SCHEDULER_CLASS, Plan, batch_loop_lines, call, csv_reader_lines, docstring,
    embedded_lines, literal, result_lines, wrap_comment,
)
from .network import feature_map_lines, keras_model_lines, keras_result_lines

KERAS_LOSS_CLASS = {"mse": "MeanSquaredError", "mae": "MeanAbsoluteError", "bce": "BinaryCrossentropy",
                    "ce": "SparseCategoricalCrossentropy"}
KERAS_OPTIMIZER_CLASS = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adadelta": "Adadelta",
                         "adam": "Adam", "adamw": "AdamW", "nadam": "Nadam"}


def keras_optimizer(plan: Plan, differs: list[str]) -> tuple[str, list[str], list[str], str]:
    """(class, arguments, comment notes, pasted class source or ""); appends to ``differs`` what
    the script must say differs at run time."""
    h, name = plan.hyper, plan.config.optimizer
    changing_lr = plan.config.schedule != "constant"
    lr = f"learning_rate={literal(h['lr'])}"
    notes: list[str] = []
    if name == "sgd" and h["momentum"] and (changing_lr or h["dampening"]):
        args = [lr, f"momentum={literal(h['momentum'])}", f"dampening={literal(h['dampening'])}",
                f"nesterov={literal(h['nesterov'])}"]
        return "TorchSGD", args, notes, keras_optimizers.TORCH_SGD
    if name == "rmsprop":
        args = [lr, f"alpha={literal(h['alpha'])}", f"momentum={literal(h['momentum'])}",
                f"epsilon={literal(h['eps'])}", f"centered={literal(h['centered'])}"]
        return "TorchRMSprop", args, notes, keras_optimizers.TORCH_RMSPROP
    if name == "adagrad":
        args = [lr, f"lr_decay={literal(h['lr_decay'])}",
                f"initial_accumulator_value={literal(h['initial_accumulator_value'])}", f"epsilon={literal(h['eps'])}"]
        return "TorchAdagrad", args, notes, keras_optimizers.TORCH_ADAGRAD
    if name == "nadam":
        b1, b2 = h["betas"]
        args = [lr, f"beta_1={literal(b1)}", f"beta_2={literal(b2)}", f"epsilon={literal(h['eps'])}",
                f"momentum_decay={literal(h['momentum_decay'])}"]
        return "TorchNAdam", args, notes, keras_optimizers.TORCH_NADAM
    args = [lr]
    if name == "sgd":
        args += [f"momentum={literal(h['momentum'])}", f"nesterov={literal(h['nesterov'])}"]
        if h["momentum"]:
            notes.append("Keras keeps v = momentum·v - lr·g and adds it to the weights: torch's path "
                         "while the learning rate is constant, as here.")
    elif name == "adadelta":
        args += [f"rho={literal(h['rho'])}", f"epsilon={literal(h['eps'])}"]
        notes.append("The same update as torch's; Keras's default learning_rate is 0.001, torch's 1.0.")
    else:  # adam, adamw
        b1, b2 = h["betas"]
        if name == "adamw":
            args.append(f"weight_decay={literal(h['weight_decay'])}")
            notes.append("Keras's AdamW weight_decay is decoupled like torch's: w ← w - lr·λ·w.")
        args += [f"beta_1={literal(b1)}", f"beta_2={literal(b2)}", f"epsilon={literal(h['eps'])}",
                 f"amsgrad={literal(h['amsgrad'])}"]
        notes.append("Keras adds epsilon to √v before the bias correction (the paper's 'epsilon hat'); "
                     "torch adds it after, √v / √(1 - β2^t) + ε. Close while ε is small next to √v.")
        differs.append(f"Keras's {KERAS_OPTIMIZER_CLASS[name]} adds epsilon before the bias correction, torch's "
                       "after: about 1e-8 to 1e-4 relative, more as the gradients vanish")
    return KERAS_OPTIMIZER_CLASS[name], args, notes, ""


def schedule_lines(plan: Plan) -> list[str]:
    """``next_lr(epoch, lr)``: torch's scheduler.step() after epoch ``epoch`` (1, 2, ...)."""
    s, name = plan.schedule, plan.config.schedule
    if name == "step":
        body = [f"    return lr * {literal(s.gamma)} if epoch % {s.step_size} == 0 else lr"]
    elif name == "exponential":
        body = [f"    return lr * {literal(s.gamma)}"]
    else:
        body = [
            f"    T_max, eta_min, base_lr = {s.T_max}, {literal(s.eta_min)}, {literal(plan.hyper['lr'])}",
            "    if (epoch - 1 - T_max) % (2 * T_max) == 0:",
            "        return lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2",
            "    return (1 + math.cos(math.pi * epoch / T_max)) / (1 + math.cos(math.pi * (epoch - 1) / T_max)) \\",
            "        * (lr - eta_min) + eta_min",
        ]
    args = ", ".join(f"{k}={literal(v)}" for k, v in plan.schedule_args())
    return ["", "", "def next_lr(epoch, lr):",
            f'    """torch\'s {TORCH_SCHEDULER_CLASS[name]}({args}).step() after epoch `epoch` (from 1)."""',
            *body, "", ""]


def keras_script(dataset: Dataset, config: TrainingConfig, *, data_path: str | None = None,
                 max_rows: int = EMBED_MAX_ROWS, origin: Sequence[str] = ()) -> str:
    """A Keras 3 script for ``config`` on ``dataset``: gdsim's numbers to about 1e-7."""
    plan = Plan(dataset, config, data_path, max_rows)
    d, script, h = plan.d_data, "train_keras.py", plan.hyper
    differs: list[str] = []
    cls, opt_args, opt_notes, custom = keras_optimizer(plan, differs)
    promise = (
        f'It prints the final parameters as JSON, {{"params": {plan.params_words()}, ...}}, trained on\n'
        "gdsim's mini-batches with torch's algorithm: gdsim's numbers to about 1e-7 (Keras\n"
        "rounds its products to float32 off TensorFlow). It runs on any Keras 3 backend\n"
        "(KERAS_BACKEND=torch, jax or tensorflow) and says on stderr which float precision\n"
        'it really computed in; anything else that differs from gdsim it prints as "differs".'
    )
    run_line = f"KERAS_BACKEND=torch python {script}" + ("" if plan.embed else " DATA.csv")
    out = docstring(plan, "gdsim's current run as a Keras 3 script.", run_line, origin, promise,
                    optimizer_suffix="  (torch.optim's names)")
    out += [""]
    if not plan.embed:
        out += ["import csv"]
    out += ["import json"]
    if config.schedule == "cosine":
        out += ["import math"]
    out += ["import sys", "", "import keras", "import numpy as np"]
    if custom:
        out += ["from keras import ops"]
    out += [
        "",
        "# Ask for float64 like gdsim. Keras keeps float64 weights, but off TensorFlow it rounds",
        "# float64 matrix products down to float32 (keras/src/backend/common/dtypes.py), and jax",
        "# needs JAX_ENABLE_X64=1 for float64 at all. The script reports what it got.",
        'keras.config.set_floatx("float64")',
        "",
        "# --- the data",
    ]
    out += embedded_lines(plan, "np.array") if plan.embed else csv_reader_lines(plan, "np.array", script)
    out += [f"X = data[:, :{d}]  # features, one row per example"]
    if plan.loss == "ce":
        out += [f"y = data[:, {d}].astype(np.int64)  # class labels 0..k-1, as SparseCategoricalCrossentropy takes them"]
    else:
        out += [f"y = data[:, {d}:]  # target as a column (n, 1)"]
    out += feature_map_lines(plan, "np")
    if config.standardize:
        out += [
            "",
            "# --- standardise the features as gdsim does: z = (x - mean) / std,",
            "# with the population standard deviation (numpy's default, ddof=0)",
            "mean = X.mean(axis=0)",
            "std = X.std(axis=0)",
            "X = (X - mean) / std",
        ]
    if custom:
        out += ["", "", *custom.strip("\n").splitlines()]
    wd = float(h.get("weight_decay", 0.0))
    regularize = wd != 0.0 and config.optimizer != "adamw"
    logits = plan.loss in ("bce", "ce")
    regularizers = []
    if regularize:
        c = literal(wd / 2)
        regularizers = [f"kernel_regularizer=keras.regularizers.L2({c})", f"bias_regularizer=keras.regularizers.L2({c})"]
    if plan.network:
        out += keras_model_lines(plan, regularizers)
    else:
        activation = '"sigmoid"' if plan.model == "logistic" and not logits else "None"
        dense_args = ["1", f"activation={activation}", 'kernel_initializer="zeros"', 'bias_initializer="zeros"',
                      *regularizers]
        what = ("the logit z = x·w + b (the loss applies the sigmoid)" if logits else
                "σ(x·w + b), the probability of class 1" if plan.model == "logistic" else "x·w + b")
        out += ["", "", f"# --- the model: one Dense unit computing {what}",
                "model = keras.Sequential([", f"    keras.Input(shape=({plan.d},)),",
                call("keras.layers.Dense", dense_args, indent="    ") + ",", "])"]
    if regularize:
        out += wrap_comment(f"torch's weight_decay={literal(wd)} adds λ·w to the gradient (an L2 penalty): here "
                            f"the layer's L2({literal(wd / 2)}) regularizers, since L2(c) adds 2c·w. (Keras's own "
                            "weight_decay= argument is decoupled, AdamW-style, not the same.)")
    if not plan.zero_init and not plan.network:
        kernel = ", ".join(f"[{literal(v)}]" for v in plan.init[:-1])
        out += ["# start where gdsim starts: kernel (d, 1), bias (1,)",
                f"model.layers[0].set_weights([np.array([{kernel}]), np.array([{literal(plan.init[-1])}])])"]
    loss_args = ["from_logits=True"] if logits else []
    if plan.reduction == "sum":
        loss_args.append('reduction="sum"')
    out += [""]
    if logits:
        torch_loss = "CrossEntropyLoss, on the logits" if plan.loss == "ce" else "BCEWithLogitsLoss, on z"
        out += [f"# from_logits=True: torch's {torch_loss}, without clipping a probability"]
    out += [f"loss_fn = keras.losses.{KERAS_LOSS_CLASS[plan.loss]}({', '.join(loss_args)})"]
    for note in opt_notes:
        out += wrap_comment(note)
    out += [call(f"optimizer = {'' if custom else 'keras.optimizers.'}{cls}", opt_args),
            "model.compile(optimizer=optimizer, loss=loss_fn)"]
    out += [
        "",
        "# What precision did we get (see the note at the top)?",
        'one = keras.ops.ones((1, 1), dtype="float64")',
        "precision = keras.backend.standardize_dtype(keras.ops.matmul(one, one).dtype)",
        'weights = keras.backend.standardize_dtype(model.layers[0].kernel.dtype)',
        'print(f"Keras {keras.__version__} on {keras.backend.backend()}: weights in {weights}, x·w in {precision}"',
        '      + ("" if precision == "float64" else ": the numbers differ from gdsim\'s float64, by about "',
        '         "1e-8 to 1e-6 of the weights on most runs and more where the descent magnifies rounding"),',
        "      file=sys.stderr)",
    ]
    if config.tolerance is not None:
        differs.append(f"gdsim stops once the gradient norm is below {config.tolerance:g}; train_on_batch "
                       "does not show the gradient, so this runs every epoch")
    for what in differs:
        out += [f"print({('This run differs from gdsim: ' + what + '.')!r}, file=sys.stderr)"]
    if config.schedule != "constant":
        out += schedule_lines(plan)
    else:
        out += [""]
    before, epoch_lines, xb, yb = batch_loop_lines(plan)
    out += ["# --- training: one train_on_batch per update, on gdsim's batches", *before]
    if config.schedule != "constant":
        out += [f"lr = {literal(h['lr'])}"]
    if plan.loss == "mae":
        out += ["at_kink = False",
                "near_zero = 4 * np.finfo(precision).eps * np.abs(y).max()  # a residual 0 up to rounding"]
    out += [f"for epoch in range({plan.epochs}):", *epoch_lines]
    i = "    " if plan.full_batch else "        "
    mae = plan.loss == "mae"
    if mae:
        out += [f"{i}X_batch, y_batch = {xb}, {yb}",
                f"{i}residual = keras.ops.convert_to_numpy(model(X_batch)) - y_batch",
                f"{i}at_kink |= bool(np.any(np.abs(residual) < near_zero))  # where sign(ŷ - y) jumps"]
        xb, yb = "X_batch", "y_batch"
    out += [f"{i}model.train_on_batch({xb}, {yb})"]
    if config.schedule != "constant":
        out += ["    lr = next_lr(epoch + 1, lr)", "    optimizer.learning_rate = lr"]
    if mae:
        out += [
            "if at_kink:",
            "    print(\"This run differs from gdsim: a residual reached 0 (an exact fit), where MAE's gradient \"",
            "          \"sign(ŷ - y) jumps; there a rounding of 1e-16, which Keras and torch do differently, \"",
            "          \"picks the side, and the parameters can part by percents.\", file=sys.stderr)",
        ]
    if plan.network:
        return "\n".join(out + keras_result_lines(plan))
    out += [
        "",
        "# --- the result, in gdsim's order w1..wd, b",
        "kernel, bias = model.layers[0].get_weights()",
        "w, b = kernel[:, 0], bias",
        "full_loss = float(keras.ops.convert_to_numpy(loss_fn(y, model(X))))  # on the whole dataset",
        'result = {"params": w.tolist() + b.tolist(), "loss": full_loss, "weights": weights, "precision": precision}',
    ]
    return "\n".join(out + result_lines(plan))
