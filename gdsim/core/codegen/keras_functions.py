"""A test function's descent (``gdsim train --function ...``) as a Keras 3 script.

Keras trains models on data, so the point (x, y) is the weight of a one-layer model whose
output is f(x, y) whatever its input, and the loss is that output: each ``train_on_batch``
on one dummy row is one step of the optimizer on f.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Sequence

from ..functions import ClassicFunction
from ..optim import make_optimizer
from ..schedules import make_schedule
from ..training import TrainingConfig
from .functions import start_of
from .keras3 import keras_optimizer, schedule_lines
from .plan import call, literal


def function_keras_script(function: ClassicFunction, config: TrainingConfig, *,
                          origin: Sequence[str] = ()) -> str:
    """A runnable Keras 3 script descending ``function`` with ``config``'s optimizer and schedule."""
    init, formula, epochs = start_of(function, config)
    optimizer = make_optimizer(config.optimizer, **config.hyper)
    schedule = make_schedule(config.schedule, **config.schedule_params)
    plan = SimpleNamespace(hyper=optimizer.hyper(), config=config, schedule=schedule,
                           schedule_args=lambda: list(schedule.params().items()))
    differs: list[str] = []
    cls, args, notes, custom = keras_optimizer(plan, differs)
    if config.tolerance is not None:
        differs.append(f"gdsim stops once the gradient norm is below {config.tolerance:g}; train_on_batch "
                       "does not show the gradient, so this runs every step")
    wd = float(plan.hyper.get("weight_decay", 0.0))
    regularizer = f", regularizer=keras.regularizers.L2({literal(wd / 2)})" if wd and config.optimizer != "adamw" else ""
    lines = [
        f'"""{function.title} descended by Keras 3, as gdsim does it.',
        "",
        f"f(x, y) = {formula}, from (x, y) = ({literal(init[0])}, {literal(init[1])}), {epochs} steps.",
        'It prints the final point as JSON, {"params": [x, y], ...}: the numbers of',
        "`gdsim train --function ...`, on any Keras 3 backend; what differs it prints as \"differs\".",
    ]
    if origin:
        lines += ["", *origin]
    lines += ['"""', "", "import json"] + (["import math"] if config.schedule == "cosine" else []) + [
        "import sys", "", "import keras", "import numpy as np"] + (["from keras import ops"] if custom else []) + [
        "", 'keras.config.set_floatx("float64")  # like gdsim (jax needs JAX_ENABLE_X64=1)']
    if custom:
        lines += ["", "", *custom.strip("\n").splitlines()]
    lines += [
        "", "",
        "def f(x, y):", f'    """{function.formula}"""', f"    return {formula}",
        "", "",
        "class Point(keras.layers.Layer):",
        '    """The parameters (x, y) as a weight; the layer outputs f(x, y) whatever its input."""',
        "",
        "    def build(self, input_shape):",
        f'        self.xy = self.add_weight(shape=(2,), initializer="zeros", name="xy"{regularizer})',
        "",
        "    def call(self, inputs):",
        "        return keras.ops.zeros_like(inputs[:, 0]) + f(self.xy[0], self.xy[1])",
        "",
        "",
        "model = keras.Sequential([keras.Input(shape=(1,)), Point()])",
        f"model.layers[0].xy.assign(np.array([{literal(init[0])}, {literal(init[1])}]))  # the start",
    ]
    for note in notes:
        lines += [f"# {note}"]
    lines += [call(f"optimizer = {'' if custom else 'keras.optimizers.'}{cls}", args),
              "model.compile(optimizer=optimizer, loss=lambda _target, value: value)  # minimise f itself",
              "nothing = np.zeros((1, 1))  # Keras trains on data: one dummy row",
              "precision = keras.backend.standardize_dtype(model.layers[0].xy.dtype)",
              'print(f"Keras {keras.__version__} on {keras.backend.backend()}: (x, y) in {precision}", file=sys.stderr)']
    for what in differs:
        lines += [f"print({('This run differs from gdsim: ' + what + '.')!r}, file=sys.stderr)"]
    if config.schedule != "constant":
        lines += schedule_lines(plan)
        lines += [f"lr = {literal(plan.hyper['lr'])}"]
    else:
        lines += [""]
    lines += [f"for step in range({epochs}):  # an epoch is one step on a test function"]
    lines += ["    model.train_on_batch(nothing, nothing[:, 0])"]
    if config.schedule != "constant":
        lines += ["    lr = next_lr(step + 1, lr)", "    optimizer.learning_rate = lr"]
    lines += ["", "x, y = keras.ops.convert_to_numpy(model.layers[0].xy).tolist()",
              'result = {"params": [x, y], "loss": f(x, y), "precision": precision}',
              "print(json.dumps(result, indent=2))", ""]
    return "\n".join(lines)
