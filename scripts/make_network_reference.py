#!/usr/bin/env python
"""Generate tests/data/torch_network_reference.npz: small networks trained by torch in float64.

Every case of ``cases()`` -- each activation x loss x optimizer family with
shuffled mini-batches, plus full-batch, softmax and sum-reduction cases --
trains ``torch.nn.Sequential(Linear, act, Linear, act, Linear)`` (or one
Linear for softmax) from gdsim's initial parameters, taking the rows of each
mini-batch in gdsim's order (its seeded BatchSampler), for N_STEPS steps.
Stored per case:

    <case>/init         the initial parameters (gdsim's nn.Linear initialisation)
    <case>/checkpoints  (len(CHECKPOINTS), p) parameters after those steps
    <case>/loss         the mini-batch loss of those steps

plus the data (``data/X``, ``data/y_<kind>``) and the case table (``cases_json``).

Usage:  python scripts/make_network_reference.py [output.npz]
tests/core/test_network_torch.py imports this module to run the cases live against torch.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "tests" / "data" / "torch_network_reference.npz"
N_ROWS, BATCH, N_STEPS = 40, 8, 120  # 5 mini-batches an epoch: 24 epochs
HIDDEN = (5, 4)
CHECKPOINTS = (1, 5, 20, 60, 100, 120)  # steps whose parameters are stored

OPTIMIZER_FAMILIES = {  # one setting per torch.optim family (gdsim's names)
    "sgd": dict(lr=0.1, momentum=0.9),
    "adagrad": dict(lr=0.1),
    "rmsprop": dict(lr=0.01),
    "adadelta": dict(lr=1.0),
    "adam": dict(lr=0.02),
    "adamw": dict(lr=0.02, weight_decay=0.05),
    "nadam": dict(lr=0.02),
}
ACTIVATIONS = ("tanh", "relu", "sigmoid")
LOSSES = ("mse", "mae", "bce", "ce")
TARGET_KIND = {"mse": "regression", "mae": "regression", "bce": "binary", "ce": "three"}


def cases() -> list[dict]:
    out = []
    for activation, loss, optimizer in itertools.product(ACTIVATIONS, LOSSES, OPTIMIZER_FAMILIES):
        out.append(dict(name=f"{activation}_{loss}_{optimizer}", model="mlp", activation=activation, loss=loss,
                        optimizer=optimizer, hyper=OPTIMIZER_FAMILIES[optimizer], batch_size=BATCH,
                        reduction="mean", seed=len(out)))
    extra = [
        dict(name="tanh_bce_adam_full_batch", activation="tanh", loss="bce", optimizer="adam", batch_size=None),
        dict(name="relu_ce_sgd_nesterov_full_batch", activation="relu", loss="ce", optimizer="sgd",
             hyper=dict(lr=0.2, momentum=0.8, nesterov=True), batch_size=None),
        dict(name="sigmoid_mse_rmsprop_sum", activation="sigmoid", loss="mse", optimizer="rmsprop",
             hyper=dict(lr=0.005, centered=True, momentum=0.5), reduction="sum"),
        dict(name="softmax_ce_adam", model="softmax", loss="ce", optimizer="adam"),
        dict(name="softmax_ce_sgd_full_batch", model="softmax", loss="ce", optimizer="sgd",
             hyper=dict(lr=0.5), batch_size=None),
    ]
    for case in extra:
        full = dict(model="mlp", activation="tanh", batch_size=BATCH, reduction="mean", seed=len(out))
        full.update(case)
        full.setdefault("hyper", OPTIMIZER_FAMILIES[full["optimizer"]])
        out.append(full)
    for case in out:
        case["epochs"] = N_STEPS if case["batch_size"] is None else N_STEPS * case["batch_size"] // N_ROWS
    return out


def make_data() -> dict[str, np.ndarray]:
    """Fixed 40-row data: two features; a regression target, 0/1 labels and labels 0..2."""
    rng = np.random.default_rng(20261203)
    X = rng.normal(size=(N_ROWS, 2))
    angle = np.arctan2(X[:, 1], X[:, 0])
    return {
        "X": X,
        "y_regression": np.sin(2.0 * X[:, 0]) + 0.5 * X[:, 1] + 0.1 * rng.normal(size=N_ROWS),
        "y_binary": (X[:, 0] * X[:, 1] > 0).astype(np.float64),
        "y_three": np.floor((angle + np.pi) / (2 * np.pi / 3)).clip(0, 2),
    }


def target(data: dict[str, np.ndarray], case: dict) -> np.ndarray:
    return data["y_" + TARGET_KIND[case["loss"]]]


def gdsim_config(case: dict):
    from gdsim.core.training import TrainingConfig

    extra = dict(hidden=HIDDEN, activation=case["activation"]) if case["model"] == "mlp" else {}
    return TrainingConfig(model=case["model"], loss=case["loss"], reduction=case["reduction"],
                          optimizer=case["optimizer"], hyper=dict(case["hyper"]), batch_size=case["batch_size"],
                          epochs=case["epochs"], seed=case["seed"], **extra)


def gdsim_run(case: dict, data: dict[str, np.ndarray]):
    """The case trained by gdsim: its TrainingRun, finished."""
    from gdsim.core.dataset import Dataset
    from gdsim.core.training import TrainingRun

    values = np.column_stack([data["X"], target(data, case)])
    return TrainingRun(Dataset(("x1", "x2", "y"), values, "y"), gdsim_config(case)).run()


def batch_orders(case: dict, n_rows: int = N_ROWS) -> list[np.ndarray]:
    """The rows of every step, as gdsim's seeded sampler draws them."""
    from gdsim.core.batching import BatchSampler

    size = n_rows if case["batch_size"] is None else case["batch_size"]
    sampler = BatchSampler(n_rows, size, True, False, case["seed"])
    orders = []
    for _ in range(case["epochs"]):
        sampler.start_epoch()
        rows = sampler.batch
        orders += [np.arange(n_rows)[rows(k)] for k in range(sampler.iterations_per_epoch)]
    return orders


def torch_run(case: dict, data: dict[str, np.ndarray], init: np.ndarray, orders) -> tuple[np.ndarray, np.ndarray]:
    """Parameters after every step (steps + 1, p) and the loss of every step, from torch (float64)."""
    import torch

    old, threads = torch.get_default_dtype(), torch.get_num_threads()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)  # tiny tensors: on a busy machine a second thread spins, 10× slower
    try:
        X = torch.tensor(data["X"])
        y = torch.tensor(target(data, case))
        n_out = 3 if case["loss"] == "ce" else 1
        sizes = (2, *HIDDEN, n_out) if case["model"] == "mlp" else (2, n_out)
        activations = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}
        act = activations[case.get("activation", "tanh")]
        modules = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            modules += [torch.nn.Linear(a, b)] + ([act()] if i < len(sizes) - 2 else [])
        model = torch.nn.Sequential(*modules)
        torch.nn.utils.vector_to_parameters(torch.tensor(init), model.parameters())
        hyper = {**case["hyper"]}
        hyper.setdefault("lr", 0.01)
        cls = {"sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
               "adadelta": torch.optim.Adadelta, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
               "nadam": torch.optim.NAdam}[case["optimizer"]]
        opt = cls(model.parameters(), foreach=False, **hyper)
        reduction = case["reduction"]
        loss_fn = {
            "mse": lambda o, t: torch.nn.functional.mse_loss(o[:, 0], t, reduction=reduction),
            "mae": lambda o, t: torch.nn.functional.l1_loss(o[:, 0], t, reduction=reduction),
            "bce": lambda o, t: torch.nn.functional.binary_cross_entropy_with_logits(o[:, 0], t, reduction=reduction),
            "ce": lambda o, t: torch.nn.functional.cross_entropy(o, t.long(), reduction=reduction),
        }[case["loss"]]
        params = [init.copy()]
        losses = []
        for rows in orders:
            index = torch.tensor(rows)
            opt.zero_grad()
            loss = loss_fn(model(X[index]), y[index])
            loss.backward()
            opt.step()
            losses.append(loss.item())
            params.append(torch.nn.utils.parameters_to_vector(model.parameters()).detach().numpy().copy())
        return np.array(params), np.array(losses)
    finally:
        torch.set_default_dtype(old)
        torch.set_num_threads(threads)


def main(argv: list[str]) -> int:
    import torch

    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    sys.path.insert(0, str(ROOT))
    data = make_data()
    arrays: dict[str, np.ndarray] = {f"data/{k}": v for k, v in data.items()}
    table = cases()
    for case in table:
        init = gdsim_run(case, data).history.params[0].copy()
        params, losses = torch_run(case, data, init, batch_orders(case))
        arrays[f"{case['name']}/init"] = init
        arrays[f"{case['name']}/checkpoints"] = params[list(CHECKPOINTS)]
        arrays[f"{case['name']}/loss"] = losses[[k - 1 for k in CHECKPOINTS]]
    arrays["cases_json"] = np.array(json.dumps(table))
    arrays["meta_json"] = np.array(json.dumps({"torch": torch.__version__, "numpy": np.__version__,
                                               "checkpoints": CHECKPOINTS}))
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(table)} cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
