"""The run as a PyTorch script that prints gdsim's final parameters (float64, same updates)."""

from __future__ import annotations

from typing import Sequence

from ..dataset import Dataset
from ..optim import torch_class_name
from ..training import TrainingConfig
from .plan import (
    EMBED_MAX_ROWS, TORCH_SCHEDULER_CLASS, Plan, batch_loop_lines, call, csv_reader_lines, docstring,
    embedded_lines, literal, result_lines,
)
from .network import feature_map_lines, torch_model_lines, torch_result_lines

TORCH_LOSS_CLASS = {"mse": "MSELoss", "mae": "L1Loss", "bce": "BCEWithLogitsLoss", "ce": "CrossEntropyLoss"}


def torch_script(dataset: Dataset, config: TrainingConfig, *, data_path: str | None = None,
                 max_rows: int = EMBED_MAX_ROWS, origin: Sequence[str] = ()) -> str:
    """A runnable PyTorch script training ``config`` on ``dataset`` like gdsim does."""
    plan = Plan(dataset, config, data_path, max_rows)
    d, script = plan.d_data, "train_torch.py"
    order = plan.params_words()
    promise = (
        f'It prints the final parameters as JSON, {{"params": {order}, ...}}:\n'
        "the same numbers as `gdsim train` (float64, the same updates on the same batches).\n"
        "They agree to about 1e-12; a run that passes a kink (MAE where a residual is exactly 0)\n"
        "can part further, since a rounding of 1e-16 there picks a side."
    )
    run_line = f"python {script}" + ("" if plan.embed else " DATA.csv")
    out = docstring(plan, "gdsim's current run as a PyTorch script.", run_line, origin, promise)
    out += [""]
    if not plan.embed:
        out += ["import csv"]
    out += ["import json"]
    if not plan.embed:
        out += ["import sys"]
    out += [""]
    if plan.shuffle:
        out += ["import numpy as np"]
    out += ["import torch", "from torch import nn, optim", ""]
    out += [
        "# float64 everywhere, like gdsim (NAdam also keeps its mu_product in this dtype).",
        "torch.set_default_dtype(torch.float64)",
        "",
        "# --- the data",
    ]
    out += embedded_lines(plan, "torch.tensor") if plan.embed else csv_reader_lines(plan, "torch.tensor", script)
    out += [f"X = data[:, :{d}]  # features, one row per example"]
    if plan.loss == "ce":
        out += [f"y = data[:, {d}].long()  # class labels 0..k-1, as CrossEntropyLoss takes them"]
    else:
        out += [f"y = data[:, {d}:]  # target as a column (n, 1), the shape of the model's output"]
    out += feature_map_lines(plan, "torch")
    if config.standardize:
        out += [
            "",
            "# --- standardise the features as gdsim does: z = (x - mean) / std,",
            "# with the population standard deviation (ddof=0, i.e. correction=0)",
            "mean = X.mean(dim=0)",
            "std = X.std(dim=0, correction=0)",
            "X = (X - mean) / std",
        ]
    if plan.network:
        out += torch_model_lines(plan)
    else:
        out += linear_model_lines(plan)
    out += [""]
    loss_note = "  # applies the sigmoid itself, stably" if plan.loss == "bce" else ""
    out += [f'loss_fn = nn.{TORCH_LOSS_CLASS[plan.loss]}(reduction="{plan.reduction}"){loss_note}']
    forward = "model"
    if plan.model == "logistic" and plan.loss == "mse":
        out += [
            "", "",
            "def predict(X):",
            '    """The logistic model\'s output: the probability σ(x·w + b)."""',
            "    return torch.sigmoid(model(X))",
            "", "",
        ]
        forward = "predict"
    opt_args = ["model.parameters()"] + [f"{k}={literal(v)}" for k, v in plan.differing_hyper()]
    out += [call(f"optimizer = optim.{torch_class_name(config.optimizer)}", opt_args)]
    if config.schedule != "constant":
        sched_args = ["optimizer"] + [f"{k}={literal(v)}" for k, v in plan.schedule_args()]
        out += [call(f"scheduler = optim.lr_scheduler.{TORCH_SCHEDULER_CLASS[config.schedule]}", sched_args)
                + "  # stepped once per epoch"]
    before, epoch_lines, xb, yb = batch_loop_lines(plan)
    out += ["", "# --- training", *before]
    tol = config.tolerance
    if tol is not None:
        out += ["converged = False"]
    out += [f"for epoch in range({plan.epochs}):", *epoch_lines]
    i = "    " if plan.full_batch else "        "
    out += [
        f"{i}optimizer.zero_grad()  # forget the previous gradient",
        f"{i}loss = loss_fn({forward}({xb}), {yb})  # forward pass",
        f"{i}loss.backward()  # gradients {'of every parameter' if plan.network else '∂L/∂w and ∂L/∂b'} land in .grad",
    ]
    if tol is not None:
        out += [f"{i}grad_norm = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).norm()"]
    out += [f"{i}optimizer.step()  # one update of {'every parameter' if plan.network else 'w and b'}"]
    if tol is not None:
        out += [
            f"{i}if grad_norm < {literal(float(tol))}:  # gdsim's tolerance: stop as converged",
            f"{i}    converged = True",
            f"{i}    break",
        ]
        if not plan.full_batch:
            out += ["    if converged:", "        break"]
    if config.schedule != "constant":
        out += ["    scheduler.step()"]
    out += ["# (gdsim also stops early when the loss explodes; this loop would keep going.)"]
    if plan.network:
        return "\n".join(out + torch_result_lines(plan))
    out += [
        "",
        "# --- the result, in gdsim's order w1..wd, b",
        "w = model.weight.detach().reshape(-1)",
        "b = model.bias.detach()",
        "with torch.no_grad():",
        f"    full_loss = loss_fn({forward}(X), y).item()  # on the whole dataset",
        'result = {"params": w.tolist() + b.tolist(), "loss": full_loss}',
    ]
    return "\n".join(out + result_lines(plan))


def linear_model_lines(plan: Plan) -> list[str]:
    """nn.Linear(d, 1) at gdsim's start (zeros or --init)."""
    out = ["", "# --- the model: z = x·w + b, one weight per feature and a bias", f"model = nn.Linear({plan.d}, 1)"]
    if plan.zero_init:
        return out + [
            "with torch.no_grad():  # start from zeros as gdsim does (torch's default is random)",
            "    model.weight.zero_()",
            "    model.bias.zero_()",
        ]
    w = ", ".join(literal(v) for v in plan.init[:-1])
    return out + [
        "with torch.no_grad():  # start where gdsim starts (torch's default is random)",
        f"    model.weight.copy_(torch.tensor([[{w}]]))",
        f"    model.bias.fill_({literal(plan.init[-1])})",
    ]
