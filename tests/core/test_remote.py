"""Steps in a child process (gdsim.core.remote) give the run exactly what local steps give."""

import time

import numpy as np
import pytest

from gdsim.core import remote
from gdsim.core.history import History
from gdsim.core.presets import large_synthetic, load_preset, two_classes
from gdsim.core.training import TrainingConfig, TrainingRun


@pytest.fixture(scope="module")
def stepper():
    s = remote.Stepper()
    deadline = time.monotonic() + 30
    while not s.ready():
        assert time.monotonic() < deadline, "the child process did not start"
        time.sleep(0.01)
    yield s
    s.close()


def assert_same(a: TrainingRun, b: TrainingRun) -> None:
    assert len(a.history) == len(b.history) == a.iteration + 1
    for name in History.COLUMNS:
        assert np.array_equal(getattr(a.history, name), getattr(b.history, name), equal_nan=True), name
    assert a.params.tolist() == b.params.tolist()
    assert (a.iteration, a.epoch, a.batch_in_epoch, a.status, a.message, a.lr) == \
           (b.iteration, b.epoch, b.batch_in_epoch, b.status, b.message, b.lr)
    assert repr(a.state) == repr(b.state)  # optimizer state (moments...), float for float
    assert a.snapshot().batch_rows.tolist() == b.snapshot().batch_rows.tolist()
    assert a.sampler.epochs_started == b.sampler.epochs_started


def stream(stepper, run, slices=None, seconds=0.005):
    """Let the child step ``run`` for some slices (or to the end), then halt it."""
    count = 0
    while slices is None or count < slices:
        count += 1
        if not stepper.next_slice(run, seconds) and not stepper.streaming:
            break
    stepper.halt(run)


INSURANCE = TrainingConfig(model="logistic", optimizer="adam", hyper={"lr": 0.01}, epochs=4000,
                           standardize=True)
MINIBATCH = TrainingConfig(model="logistic", optimizer="sgd", hyper={"lr": 0.1, "momentum": 0.9},
                           batch_size=7, epochs=400, seed=3)


@pytest.mark.parametrize("config", [INSURANCE, MINIBATCH], ids=["full-batch-adam", "minibatch-sgd"])
def test_child_steps_equal_local_steps(stepper, config):
    data = load_preset("insurance") if config is INSURANCE else two_classes(60)
    remote_run, local = TrainingRun(data, config), TrainingRun(data, config)
    stream(stepper, remote_run, slices=3)
    assert 0 < remote_run.iteration < remote_run.total_iterations
    local.advance(remote_run.iteration)
    assert_same(remote_run, local)
    # Local changes between streams reach the child: steps, a new lr, more epochs.
    for run in (remote_run, local):
        run.advance(5)
        run.set_hyper(lr=0.02)
        run.set_epochs(config.epochs + 100)
    stream(stepper, remote_run)
    local.run()
    assert remote_run.status == "finished"
    assert_same(remote_run, local)


def test_a_long_table_sends_its_row_order_only_with_a_new_epoch(stepper):
    # 3000 rows, batches of 10: an epoch is 300 steps, so epochs begin inside slices.
    data = large_synthetic(3000, model="logistic")
    config = TrainingConfig(model="logistic", optimizer="adam", batch_size=10, epochs=40, seed=1)
    remote_run, local = TrainingRun(data, config), TrainingRun(data, config)
    while remote_run.epoch < 1:  # into the second epoch (how many slices that takes varies)
        stream(stepper, remote_run, slices=1)
    assert not remote_run.done
    local.advance(remote_run.iteration)
    assert_same(remote_run, local)
    # The row order the child drew for this epoch came back: local steps go on with it.
    remote_run.advance(450)
    local.advance(450)
    assert_same(remote_run, local)
    stream(stepper, remote_run)
    local.run()
    assert remote_run.epoch == 40
    assert_same(remote_run, local)


def test_divergence_in_the_child_is_the_same_divergence(stepper):
    data = load_preset("insurance")
    config = TrainingConfig(model="linear", optimizer="sgd", hyper={"lr": 5.0}, epochs=10_000)
    remote_run, local = TrainingRun(data, config), TrainingRun(data, config)
    stream(stepper, remote_run)
    local.run()
    assert remote_run.status == "diverged"
    assert_same(remote_run, local)


def test_a_lost_child_leaves_the_run_as_its_last_slice_left_it():
    s = remote.Stepper()
    while not s.ready():
        time.sleep(0.01)
    data = load_preset("insurance")
    config = INSURANCE.replace(epochs=10**6)
    run = TrainingRun(data, config)
    s.next_slice(run, 0.005)
    s.next_slice(run, 0.005)
    s._process.kill()
    s._process.join()
    with pytest.raises(remote.StepperLost):
        for _ in range(100):  # slices already in the pipe may still arrive
            s.next_slice(run, 0.005)
    assert s.lost and not s.ready()
    done = run.iteration
    local = TrainingRun(data, config)
    local.advance(done)
    assert_same(run, local)
    run.advance(10)  # and it steps on in-process
    local.advance(10)
    assert_same(run, local)
    s.close()


def test_the_child_has_one_blas_thread_and_the_parent_keeps_its_environment(stepper):
    """The child's matrix products run on one thread (no spinning BLAS helper at full priority)."""
    import os

    before = {name: os.environ.get(name) for name in remote.BLAS_THREADS_ENV}
    pid = stepper._process.pid
    with open(f"/proc/{pid}/environ", "rb") as f:
        child_env = dict(item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item)
    assert all(child_env.get(name.encode()) == b"1" for name in remote.BLAS_THREADS_ENV)
    run = TrainingRun(large_synthetic(100_000, model="logistic"), TrainingConfig(model="logistic", epochs=1000))
    stream(stepper, run, slices=2)  # products over 32,768-row slices: a BLAS would thread them
    assert run.iteration > 0
    assert len(os.listdir(f"/proc/{pid}/task")) == 1  # the child's only thread
    assert {name: os.environ.get(name) for name in remote.BLAS_THREADS_ENV} == before


def test_steps_stay_in_process_when_asked(monkeypatch):
    monkeypatch.setenv(remote.LOCAL_ENV, "1")
    assert remote.acquire() is None


def test_released_steppers_are_reused(stepper):
    s = remote.acquire()
    assert s is not None
    remote.release(s)
    assert remote.acquire() is s
    remote.release(s)
    remote.shutdown()
    assert s.lost


def test_the_child_does_not_run_the_command_line():
    # `python -m gdsim` is the main module; a spawned child imports it again,
    # which must not open a second window (see gdsim/__main__.py).
    import runpy

    runpy.run_module("gdsim.__main__", run_name="__mp_main__")  # no SystemExit, no window


def test_the_child_does_not_run_the_parents_script(tmp_path):
    # A user's script without an `if __name__ == "__main__"` guard must run once,
    # not again in the child (multiprocessing's spawn would import it there).
    import subprocess
    import sys

    script = tmp_path / "no_guard.py"
    script.write_text(
        "import time\n"
        "from gdsim.core import remote\n"
        "print('script body', flush=True)\n"
        "s = remote.Stepper()\n"
        "t0 = time.monotonic()\n"
        "while not s.ready() and time.monotonic() - t0 < 30:\n"
        "    time.sleep(0.01)\n"
        "print('ready', s.ready(), flush=True)\n"
        "s.close()\n"
    )
    import os
    from pathlib import Path

    import gdsim

    env = {**os.environ, "PYTHONPATH": str(Path(gdsim.__file__).parents[1])}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["script body", "ready True"]


def test_gdsim_check_reports_the_child_process(capsys, monkeypatch):
    from gdsim.cli import main

    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gdsim check: ok: the child process started") and "bit-identical" in out
    monkeypatch.setenv(remote.LOCAL_ENV, "1")
    assert main(["check"]) == 1
    assert "stays in-process" in capsys.readouterr().out
