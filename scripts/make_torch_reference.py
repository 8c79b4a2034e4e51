#!/usr/bin/env python
"""Generate tests/data/torch_reference.npz: torch.optim trajectories in float64.

For every case of CASES, real torch (float64 everywhere, including the
optimizers' scalar state such as NAdam's mu_product) minimises a small fixed
objective -- linear regression with MSE or logistic regression with BCE on the
deterministic data of make_data(), parameters (w1, w2, b) -- for N_STEPS steps,
optionally stepping an lr scheduler after each optimizer step.  Stored per case:

    <case>/params   (N_STEPS + 1, 3)  params before step 1, after step 1, ...
    <case>/grads    (N_STEPS, 3)      gradient (autograd) used at each step
    <case>/lrs      (N_STEPS,)        learning rate used at each step

plus, for the schedule tests, ``sched/<case>/lrs`` (N_EPOCHS + 1,) learning
rates after 0..N_EPOCHS scheduler steps, the data (``data/X``, ``data/y``) and
the case tables as JSON (``cases_json``, ``schedule_cases_json``).

Usage:  python scripts/make_torch_reference.py [output.npz]
The tests import this module to run the same cases live against torch.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import numpy as np

N_STEPS = 150
N_EPOCHS = 300
INITIAL_PARAMS = (0.5, -1.0, 0.25)
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "torch_reference.npz"

# (name, optimizer, hyperparameters, schedule or None, problem)
CASES: list[dict] = [
    dict(name="sgd_plain", optimizer="sgd", hyper=dict(lr=0.05), schedule=None, problem="linear"),
    dict(name="sgd_momentum_dampening", optimizer="sgd", hyper=dict(lr=0.02, momentum=0.9, dampening=0.3),
         schedule=dict(name="step", step_size=30, gamma=0.5), problem="linear"),
    dict(name="sgd_nesterov", optimizer="sgd", hyper=dict(lr=0.3, momentum=0.8, nesterov=True),
         schedule=None, problem="logistic"),
    dict(name="sgd_weight_decay", optimizer="sgd", hyper=dict(lr=0.4, momentum=0.5, weight_decay=0.05),
         schedule=dict(name="cosine", T_max=50, eta_min=0.01), problem="logistic"),
    dict(name="adagrad_plain", optimizer="adagrad", hyper=dict(lr=0.1), schedule=None, problem="linear"),
    dict(name="adagrad_decay", optimizer="adagrad",
         hyper=dict(lr=0.5, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01),
         schedule=None, problem="logistic"),
    dict(name="rmsprop_plain", optimizer="rmsprop", hyper=dict(lr=0.01), schedule=None, problem="linear"),
    dict(name="rmsprop_centered_momentum", optimizer="rmsprop",
         hyper=dict(lr=0.005, centered=True, momentum=0.9), schedule=None, problem="logistic"),
    dict(name="rmsprop_weight_decay", optimizer="rmsprop", hyper=dict(lr=0.01, alpha=0.95, weight_decay=0.1),
         schedule=dict(name="exponential", gamma=0.98), problem="linear"),
    dict(name="adadelta_plain", optimizer="adadelta", hyper=dict(), schedule=None, problem="linear"),
    dict(name="adadelta_weight_decay", optimizer="adadelta",
         hyper=dict(lr=0.5, rho=0.95, eps=1e-5, weight_decay=0.01), schedule=None, problem="logistic"),
    dict(name="adam_plain", optimizer="adam", hyper=dict(lr=0.05), schedule=None, problem="linear"),
    dict(name="adam_amsgrad", optimizer="adam", hyper=dict(lr=0.1, betas=[0.8, 0.99], amsgrad=True),
         schedule=None, problem="logistic"),
    dict(name="adam_weight_decay", optimizer="adam", hyper=dict(lr=0.05, weight_decay=0.1),
         schedule=dict(name="step", step_size=25, gamma=0.7), problem="linear"),
    dict(name="adamw", optimizer="adamw", hyper=dict(lr=0.05, weight_decay=0.1),
         schedule=dict(name="cosine", T_max=60), problem="logistic"),
    dict(name="adamw_amsgrad", optimizer="adamw", hyper=dict(lr=0.03, amsgrad=True), schedule=None,
         problem="linear"),
    dict(name="nadam_plain", optimizer="nadam", hyper=dict(lr=0.05),
         schedule=dict(name="exponential", gamma=0.99), problem="linear"),
    dict(name="nadam_weight_decay", optimizer="nadam",
         hyper=dict(lr=0.05, weight_decay=0.05, momentum_decay=0.01), schedule=None, problem="logistic"),
]

# schedule reference: (name, schedule, base_lr)
SCHEDULE_CASES: list[dict] = [
    dict(name="constant", schedule=dict(name="constant"), base_lr=0.1),
    dict(name="step_7_half", schedule=dict(name="step", step_size=7, gamma=0.5), base_lr=0.1),
    dict(name="step_1", schedule=dict(name="step", step_size=1, gamma=0.9), base_lr=1.0),
    dict(name="exponential", schedule=dict(name="exponential", gamma=0.97), base_lr=0.05),
    dict(name="cosine_40", schedule=dict(name="cosine", T_max=40, eta_min=0.001), base_lr=0.1),
    dict(name="cosine_100", schedule=dict(name="cosine", T_max=100), base_lr=0.3),
    dict(name="cosine_1", schedule=dict(name="cosine", T_max=1, eta_min=0.01), base_lr=0.1),
    dict(name="cosine_7", schedule=dict(name="cosine", T_max=7), base_lr=0.5),
]

TORCH_CLASSES = {
    "sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adadelta": "Adadelta",
    "adam": "Adam", "adamw": "AdamW", "nadam": "NAdam",
}


def make_data() -> tuple[np.ndarray, np.ndarray]:
    """Fixed 24-row data set with two features; y is continuous (linear) and its sign gives labels."""
    rng = np.random.default_rng(20240531)
    X = rng.normal(size=(24, 2)) * np.array([1.5, 0.7]) + np.array([0.3, -0.2])
    y = X @ np.array([2.0, -1.0]) + 0.5 + 0.4 * rng.normal(size=24)
    return X, y


def labels(y: np.ndarray) -> np.ndarray:
    return (y > np.median(y)).astype(np.float64)


@contextlib.contextmanager
def float64_default():
    import torch

    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def torch_optimizer(optimizer: str, params, hyper: dict):
    import torch

    hyper = dict(hyper)
    if "betas" in hyper:
        hyper["betas"] = tuple(float(b) for b in hyper["betas"])
    hyper.setdefault("lr", 1.0 if optimizer == "adadelta" else 0.01)  # gdsim's lr default
    cls = getattr(torch.optim, TORCH_CLASSES[optimizer])
    return cls(params, foreach=False, **hyper)


def torch_scheduler(opt, schedule: dict | None):
    import torch

    if schedule is None or schedule["name"] == "constant":
        return None
    kw = {k: v for k, v in schedule.items() if k != "name"}
    cls = {
        "step": torch.optim.lr_scheduler.StepLR,
        "exponential": torch.optim.lr_scheduler.ExponentialLR,
        "cosine": torch.optim.lr_scheduler.CosineAnnealingLR,
    }[schedule["name"]]
    return cls(opt, **kw)


def run_torch_case(case: dict, X: np.ndarray, y: np.ndarray, n_steps: int = N_STEPS):
    """Run one case with torch; returns (params (n+1, 3), grads (n, 3), lrs (n,))."""
    import torch

    with float64_default():
        Xt = torch.tensor(X, dtype=torch.float64)
        target = torch.tensor(y if case["problem"] == "linear" else labels(y), dtype=torch.float64)
        theta = torch.tensor(INITIAL_PARAMS, dtype=torch.float64, requires_grad=True)
        opt = torch_optimizer(case["optimizer"], [theta], case["hyper"])
        sched = torch_scheduler(opt, case["schedule"])
        params = [theta.detach().clone().numpy()]
        grads, lrs = [], []
        for _ in range(n_steps):
            opt.zero_grad()
            z = Xt @ theta[:2] + theta[2]
            if case["problem"] == "linear":
                loss = torch.mean((z - target) ** 2)
            else:
                loss = torch.nn.functional.binary_cross_entropy_with_logits(z, target)
            loss.backward()
            grads.append(theta.grad.detach().clone().numpy())
            lrs.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            if sched is not None:
                sched.step()
            params.append(theta.detach().clone().numpy())
    return np.array(params), np.array(grads), np.array(lrs)


def torch_schedule_lrs(case: dict, n_epochs: int = N_EPOCHS) -> np.ndarray:
    """Learning rates after 0..n_epochs scheduler steps, from torch."""
    import torch

    with float64_default():
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=case["base_lr"])
        sched = torch_scheduler(opt, case["schedule"])
        lrs = [opt.param_groups[0]["lr"]]
        for _ in range(n_epochs):
            opt.step()  # (no gradient: a no-op, but keeps the scheduler's order check quiet)
            if sched is not None:
                sched.step()
            lrs.append(opt.param_groups[0]["lr"])
    return np.array(lrs, dtype=np.float64)


def main(argv: list[str]) -> int:
    import torch

    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    X, y = make_data()
    arrays: dict[str, np.ndarray] = {"data/X": X, "data/y": y}
    for case in CASES:
        params, grads, lrs = run_torch_case(case, X, y)
        arrays[f"{case['name']}/params"] = params
        arrays[f"{case['name']}/grads"] = grads
        arrays[f"{case['name']}/lrs"] = lrs
    for case in SCHEDULE_CASES:
        arrays[f"sched/{case['name']}/lrs"] = torch_schedule_lrs(case)
    arrays["cases_json"] = np.array(json.dumps(CASES))
    arrays["schedule_cases_json"] = np.array(json.dumps(SCHEDULE_CASES))
    arrays["meta_json"] = np.array(json.dumps(
        {"torch": torch.__version__, "numpy": np.__version__, "n_steps": N_STEPS, "n_epochs": N_EPOCHS,
         "initial_params": INITIAL_PARAMS}))
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(CASES)} optimizer cases, "
          f"{len(SCHEDULE_CASES)} schedule cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
