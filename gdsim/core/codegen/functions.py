"""A test function's descent (``gdsim train --function ...``) as a PyTorch script."""

from __future__ import annotations

from typing import Sequence

from ..functions import ClassicFunction
from ..optim import hyperparams, make_optimizer, torch_class_name
from ..schedules import make_schedule
from ..training import TrainingConfig
from .plan import TORCH_SCHEDULER_CLASS, call, literal

# f(x, y) written out in Python, as gdsim.core.functions defines it
FORMULAS = {
    "bowl": "0.5 * (x * x + {k} * y * y)",
    "rosenbrock": "(1 - x) ** 2 + 100 * (y - x * x) ** 2",
    "beale": "(1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2",
    "himmelblau": "(x * x + y - 11) ** 2 + (x + y * y - 7) ** 2",
    "saddle": "x * x - y * y",
}


def start_of(function: ClassicFunction, config: TrainingConfig) -> tuple[tuple[float, float], str, int]:
    """(the starting point, f written out in Python, the number of steps); ValueError as a run gives."""
    epochs = int(config.epochs)
    if isinstance(config.epochs, bool) or epochs < 1:
        raise ValueError(f"Invalid number of epochs: {config.epochs} (at least 1).")
    init = function.init if config.init is None else tuple(float(v) for v in config.init)
    if len(init) != 2:
        raise ValueError(f"A test function has two parameters (x, y); got {len(init)} initial values.")
    kappa = literal(2 * float(function.value(0.0, 1.0)))  # the bowl's κ: f(0, 1) = κ/2
    return init, FORMULAS[function.name].format(k=kappa), epochs


def function_script(function: ClassicFunction, config: TrainingConfig, *, origin: Sequence[str] = ()) -> str:
    """A runnable PyTorch script descending ``function`` with ``config``'s optimizer and schedule."""
    init, formula, epochs = start_of(function, config)
    optimizer = make_optimizer(config.optimizer, **config.hyper)
    schedule = make_schedule(config.schedule, **config.schedule_params)
    defaults = {h.name: h.default for h in hyperparams(config.optimizer)}
    hyper = optimizer.hyper()
    args = ["[xy]", f"lr={literal(hyper['lr'])}"] + [
        f"{k}={literal(v)}" for k, v in hyper.items()
        if k != "lr" and (tuple(v) != tuple(defaults[k]) if isinstance(v, tuple) else v != defaults[k])]
    lines = [
        f'"""{function.title} descended by torch.optim.{torch_class_name(config.optimizer)}, as gdsim does it.',
        "",
        f"f(x, y) = {formula}, from (x, y) = ({literal(init[0])}, {literal(init[1])}), {epochs} steps.",
        "It prints the final point as JSON, {\"params\": [x, y], ...}: the numbers of",
        "`gdsim train --function ...` (float64; autograd against gdsim's written-out gradient,",
        "to about 1e-12).",
    ]
    if origin:
        lines += ["", *origin]
    lines += ['"""', "", "import json", "", "import torch", "from torch import optim", "",
              "torch.set_default_dtype(torch.float64)", "",
              "", "def f(xy):", f'    """{function.formula}"""', "    x, y = xy[0], xy[1]",
              f"    return {formula}", "", "",
              f"xy = torch.tensor([{literal(init[0])}, {literal(init[1])}], requires_grad=True)  # the parameters",
              call(f"optimizer = optim.{torch_class_name(config.optimizer)}", args)]
    if config.schedule != "constant":
        sched = ["optimizer"] + [f"{k}={literal(v)}" for k, v in schedule.params().items()]
        lines += [call(f"scheduler = optim.lr_scheduler.{TORCH_SCHEDULER_CLASS[config.schedule]}", sched)]
    lines += ["", f"for step in range({epochs}):  # an epoch is one step on a test function",
              "    optimizer.zero_grad()", "    loss = f(xy)", "    loss.backward()"]
    if config.tolerance is not None:
        lines += ["    grad_norm = xy.grad.norm()"]
    lines += ["    optimizer.step()"]
    if config.tolerance is not None:
        lines += [f"    if grad_norm < {literal(float(config.tolerance))}:  # gdsim's tolerance: converged",
                  "        break"]
    if config.schedule != "constant":
        lines += ["    scheduler.step()"]
    lines += ["", "with torch.no_grad():",
              '    result = {"params": xy.tolist(), "loss": f(xy).item()}',
              "print(json.dumps(result, indent=2))", ""]
    return "\n".join(lines)
