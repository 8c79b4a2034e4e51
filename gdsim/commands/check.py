"""`gdsim check`: can this installation train in a child process, with the same numbers?

At full speed the window steps its run in a child process (gdsim.core.remote);
if the child cannot start it silently steps in-process, only slower. This
command says which, so a packaged build (or a user's machine) can be checked.
"""

from __future__ import annotations

import argparse
import time

HELP = "check that training can run in a child process (as the window does at full speed)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the child (default 30)")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ..core import remote
    from ..core.history import History
    from ..core.presets import load_preset
    from ..core.training import TrainingConfig, TrainingRun

    if not remote.enabled():
        print(f"gdsim check: {remote.LOCAL_ENV} is set: every step stays in-process.")
        return 1
    config = TrainingConfig(model="logistic", optimizer="adam", hyper={"lr": 0.01}, epochs=10**6,
                            standardize=True)
    dataset = load_preset("insurance")
    started = time.perf_counter()
    stepper = remote.acquire()
    if stepper is None:
        print("gdsim check: no child process could be started; the window steps in-process.")
        return 1
    try:
        while not stepper.ready() and not stepper.lost and time.perf_counter() - started < args.timeout:
            time.sleep(0.01)
        ready = time.perf_counter() - started
        if not stepper.ready():
            print(f"gdsim check: the child process did not start within {ready:.1f} s; "
                  "the window steps in-process.")
            return 1
        run = TrainingRun(dataset, config)
        for _ in range(4):
            stepper.next_slice(run, 0.05)
        stepper.halt(run)
    except remote.StepperLost as exc:
        print(f"gdsim check: the child process failed: {exc}")
        return 1
    finally:
        stepper.close()
    local = TrainingRun(dataset, config)
    local.advance(run.iteration)
    for name in History.COLUMNS:
        if not np.array_equal(getattr(run.history, name), getattr(local.history, name), equal_nan=True):
            print(f"gdsim check: the child's {name} differs from in-process steps.")
            return 1
    print(f"gdsim check: ok: the child process started in {ready:.2f} s and made {run.iteration} steps, "
          "bit-identical to in-process steps.")
    return 0
