"""Rows 1-3: training steps of the real engine against torch and bare numpy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..core.dataset import Dataset
from ..core.optim import make_optimizer
from ..core.presets import load_preset
from ..core.training import TrainingConfig, TrainingRun
from .timing import Row, fmt_rate, fmt_time, median, median_ratio, paired


@dataclass(frozen=True)
class StepSizes:
    repeats: int
    small_steps: int  # row 1: steps per timed chunk (insurance, 11 rows)
    large_rows: int  # rows 2-3: rows of large-synthetic
    large_steps: int  # row 2: full-batch steps per timed chunk
    batch: int  # row 3: batch size
    minibatch_repeats: int  # row 3: timed epochs


FULL_STEPS = StepSizes(repeats=7, small_steps=2000, large_rows=1_000_000, large_steps=3,
                       batch=32, minibatch_repeats=3)
QUICK_STEPS = StepSizes(repeats=2, small_steps=20, large_rows=2_000, large_steps=2,
                        batch=32, minibatch_repeats=1)


def engine_chunk(dataset: Dataset, config: TrainingConfig, steps: int, chunks: int) -> Callable[[], int]:
    """A callable advancing one long TrainingRun by ``steps`` iterations per call."""
    run = TrainingRun(dataset, config.replace(epochs=max(1, steps * chunks)))
    iterations_per_epoch = run.iterations_per_epoch
    if iterations_per_epoch > 1:  # mini-batch: enough epochs for every chunk
        epochs = -(-steps * chunks // iterations_per_epoch) + 1
        run = TrainingRun(dataset, config.replace(epochs=epochs))

    def chunk() -> int:
        done = run.advance(steps)
        if done != steps:
            raise RuntimeError(f"the run stopped early ({run.status}: {run.message})")
        return done

    chunk.run = run  # type: ignore[attr-defined]
    return chunk


def torch_chunk(torch: Any, X: np.ndarray, y: np.ndarray, steps: int, lr: float = 0.01) -> Callable[[], None]:
    """The plain torch loop on the same float64 problem: logistic + BCE, Adam."""
    Xt = torch.tensor(np.asarray(X, dtype=np.float64))  # a copy: torch wants writable memory
    yt = torch.tensor(np.asarray(y, dtype=np.float64))
    model = torch.nn.Linear(X.shape[1], 1, dtype=torch.float64)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    return torch_adam_bce_chunk(torch, model, Xt, yt, steps, lr)


def torch_adam_bce_chunk(torch: Any, model, Xt, yt, steps: int, lr: float) -> Callable[[], None]:
    """``steps`` full-batch Adam steps of ``model`` on BCE with logits, as a torch user writes them."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def chunk() -> None:
        for _ in range(steps):
            opt.zero_grad()
            loss = loss_fn(model(Xt).squeeze(1), yt)
            loss.backward()
            opt.step()

    return chunk


ADAM = TrainingConfig(model="logistic", optimizer="adam")


def row_small_adam(torch: Any | None, sizes: StepSizes) -> list[Row]:
    """Row 1: full-batch Adam on the 11-row insurance table."""
    data = load_preset("insurance")
    steps = sizes.small_steps
    gd = engine_chunk(data, ADAM, steps, sizes.repeats + 2)
    what = "full batch, insurance (11 rows), logistic+BCE, Adam"
    if torch is None:
        [t_gd] = paired([gd], sizes.repeats)
        return [Row("1", what, f"{fmt_rate(steps / median(t_gd))} steps", "≥ 20× torch", None,
                    "torch missing: ratio skipped")]
    tc = torch_chunk(torch, gd.run.X, gd.run.y, steps)
    t_gd, t_torch = paired([gd, tc], sizes.repeats)
    ratio = median_ratio(t_torch, t_gd)
    return [Row("1", what, f"{ratio:.2f}× torch", "≥ 20× torch", ratio >= 20.0,
                f"gdsim {fmt_rate(steps / median(t_gd))}, torch {fmt_rate(steps / median(t_torch))} steps "
                f"({fmt_time(median(t_gd) / steps)} vs {fmt_time(median(t_torch) / steps)} a step)")]


def bce_floor(X: np.ndarray) -> Callable[[], None]:
    """The least a logistic+BCE step that records its loss must do: two matrix-vector
    passes over X (X @ v for the logits, Xᵀ @ r for the gradient) plus one np.exp and
    one np.log1p over the rows (the sigmoid and the loss's softplus)."""
    v = np.full(X.shape[1], 0.5)
    r = np.linspace(-1.0, 1.0, X.shape[0])
    e = np.empty(X.shape[0])
    s = np.empty(X.shape[0])

    def passes() -> None:
        z = X @ v
        X.T @ r
        np.exp(z, out=e)
        np.log1p(e, out=s)

    return passes


FLOOR_TARGET = 1.6  # row 2b: a step within this factor of bce_floor


def row_large_adam(torch: Any | None, sizes: StepSizes) -> list[Row]:
    """Row 2: full-batch Adam on large-synthetic; vs torch and the two-pass floor."""
    data = load_preset("large-synthetic", n=sizes.large_rows)
    steps = sizes.large_steps
    gd = engine_chunk(data, ADAM, steps, sizes.repeats + 2)
    floor = bce_floor(gd.run.X)
    n = f"{sizes.large_rows:,}"
    fns = [gd, floor]
    if torch is not None:
        fns.append(torch_chunk(torch, gd.run.X, gd.run.y, steps))
    times = paired(fns, sizes.repeats)
    t_gd, t_floor = times[0], times[1]
    step = median(t_gd) / steps
    rows = []
    if torch is None:
        rows.append(Row("2a", f"full batch, {n}×2, logistic+BCE, Adam", f"{fmt_rate(1 / step)} steps",
                        "≥ 1.5× torch", None, "torch missing: ratio skipped"))
    else:
        t_torch = times[2]
        ratio = median_ratio(t_torch, t_gd)
        rows.append(Row("2a", f"full batch, {n}×2, logistic+BCE, Adam", f"{ratio:.2f}× torch",
                        "≥ 1.5× torch", ratio >= 1.5,
                        f"gdsim {fmt_time(step)}, torch {fmt_time(median(t_torch) / steps)} a step"))
    floor_ratio = median_ratio([t / steps for t in t_gd], t_floor)
    rows.append(Row("2b", "  same step vs numpy floor (X@v, Xᵀ@r, exp, log1p)", f"{floor_ratio:.2f}× floor",
                    f"≤ {FLOOR_TARGET:g}× floor", floor_ratio <= FLOOR_TARGET,
                    f"gdsim {fmt_time(step)}, floor {fmt_time(median(t_floor))}"))
    return rows


def arithmetic_chunk(data: Dataset, batch: int, steps: int, seed: int = 0) -> Callable[[], None]:
    """loss_and_grad on 32-row batches + the SGD update, without the engine.

    The batches are gathered beforehand (a fixed set, cycled), so this is
    the gradient arithmetic alone.
    """
    config = TrainingConfig(model="logistic", optimizer="sgd")
    problem = config.problem()
    opt = make_optimizer("sgd")
    X = np.ascontiguousarray(data.X, dtype=np.float64)
    y = np.ascontiguousarray(data.y, dtype=np.float64)
    rng = np.random.default_rng(seed)
    n_batches = min(1024, max(1, X.shape[0] // batch))
    order = rng.permutation(X.shape[0])[: n_batches * batch].reshape(n_batches, batch)
    batches = [(X[rows], y[rows]) for rows in order]
    box = {"theta": np.zeros(X.shape[1] + 1)}
    box["state"] = opt.init(box["theta"])
    lr = opt.lr

    def chunk() -> None:
        theta, state = box["theta"], box["state"]
        for k in range(steps):
            Xb, yb = batches[k % n_batches]
            _, grad = problem.loss_and_grad(theta, Xb, yb)
            theta, state = opt.update(grad, state, theta, lr)
        box["theta"], box["state"] = theta, state

    return chunk


def row_minibatch_sgd(sizes: StepSizes) -> list[Row]:
    """Row 3: one mini-batch epoch (shuffled) through the engine vs the arithmetic alone."""
    data = load_preset("large-synthetic", n=sizes.large_rows)
    config = TrainingConfig(model="logistic", optimizer="sgd", batch_size=sizes.batch)
    probe = TrainingRun(data, config.replace(epochs=1))
    per_epoch = probe.iterations_per_epoch
    del probe
    repeats = sizes.minibatch_repeats
    epoch = engine_chunk(data, config, per_epoch, repeats + 1)
    arith = arithmetic_chunk(data, sizes.batch, per_epoch)
    t_epoch, t_arith = paired([epoch, arith], repeats)
    engine_it = median(t_epoch) / per_epoch
    arith_it = median(t_arith) / per_epoch
    total = median_ratio(t_epoch, t_arith)
    overhead = total - 1.0
    n = f"{sizes.large_rows:,}"
    return [Row("3", f"mini-batch epoch, {n} rows, batch {sizes.batch}, SGD: overhead",
                f"{overhead:.2f}× arithmetic", "≤ 3× arithmetic", overhead <= 3.0,
                f"engine {fmt_time(engine_it)}/it = {total:.2f}× arithmetic {fmt_time(arith_it)}/it; "
                f"epoch ({per_epoch:,} it) {fmt_time(median(t_epoch))}")]
