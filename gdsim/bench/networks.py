"""Row 10: a small network's training step against torch, and its loss landscape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..core.landscape import landscape
from ..core.presets import load_preset
from ..core.training import TrainingConfig
from .steps import engine_chunk, torch_adam_bce_chunk
from .timing import Row, fmt_rate, fmt_time, median, median_ratio, paired, timed

HIDDEN = (8, 8)
NETWORK = TrainingConfig(model="mlp", hidden=HIDDEN, activation="tanh", optimizer="adam")


@dataclass(frozen=True)
class NetworkSizes:
    repeats: int
    rows: int  # rows of the spiral preset
    steps: int  # full-batch steps per timed chunk
    grid: int  # landscape points along each direction


FULL_NETWORK = NetworkSizes(repeats=7, rows=200, steps=500, grid=41)
QUICK_NETWORK = NetworkSizes(repeats=2, rows=200, steps=20, grid=11)


def torch_network_chunk(torch: Any, X: np.ndarray, y: np.ndarray, init: np.ndarray, steps: int,
                        lr: float = 0.01) -> Callable[[], None]:
    """The plain torch loop on the same float64 problem: 2-8-8-1 tanh, BCE, Adam, full batch."""
    Xt = torch.tensor(np.array(X, dtype=np.float64))
    yt = torch.tensor(np.array(y, dtype=np.float64))
    sizes = (X.shape[1], *HIDDEN, 1)
    layers: list[Any] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b, dtype=torch.float64))
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    torch.nn.utils.vector_to_parameters(torch.tensor(init, dtype=torch.float64), model.parameters())
    return torch_adam_bce_chunk(torch, model, Xt, yt, steps, lr)


def row_network(torch: Any | None, sizes: NetworkSizes) -> list[Row]:
    """Row 10a: full-batch Adam steps of a 2-8-8-1 tanh network on spiral; 10b: its pca landscape."""
    data = load_preset("spiral", n=sizes.rows)
    gd = engine_chunk(data, NETWORK, sizes.steps, sizes.repeats + 2)
    what = f"full batch, spiral ({sizes.rows} rows), 2-8-8-1 tanh + BCE, Adam"
    rows = []
    if torch is None:
        [t_gd] = paired([gd], sizes.repeats)
        rows.append(Row("10a", what, f"{fmt_rate(sizes.steps / median(t_gd))} steps", "≥ 5× torch", None,
                        "torch missing: ratio skipped"))
    else:
        tc = torch_network_chunk(torch, gd.run.X, gd.run.y, gd.run.params, sizes.steps)
        t_gd, t_torch = paired([gd, tc], sizes.repeats)
        ratio = median_ratio(t_torch, t_gd)
        rows.append(Row("10a", what, f"{ratio:.2f}× torch", "≥ 5× torch", ratio >= 5.0,
                        f"gdsim {fmt_rate(sizes.steps / median(t_gd))}, torch "
                        f"{fmt_rate(sizes.steps / median(t_torch))} steps ({fmt_time(median(t_gd) / sizes.steps)} "
                        f"vs {fmt_time(median(t_torch) / sizes.steps)} a step)"))
    trained = gd.run  # trained for (repeats + 2) chunks: a path of that many steps
    seconds = median([timed(lambda: landscape(trained, "pca", grid=sizes.grid)) for _ in range(sizes.repeats)])
    rows.append(Row("10b", f"  landscape, pca plane, grid {sizes.grid}×{sizes.grid}, path of {trained.iteration:,} "
                           "steps", fmt_time(seconds), "≤ 1 s", seconds <= 1.0,
                    f"{sizes.grid ** 2} full-data losses, {fmt_time(seconds / sizes.grid ** 2)} each"))
    return rows
