"""The training worker survives any error of a step: the run ends as failed, the thread goes on."""

import numpy as np
import pytest

from gdsim.core.functions import FunctionRun, make_function
from gdsim.core.training import TrainingConfig
from gdsim.gui.worker import WorkerThread


class Boom(FunctionRun):
    """A run whose step ``fail_at`` raises ``error`` (as Beale's floats overflowed)."""

    def __init__(self, error, fail_at=3):
        super().__init__(make_function("bowl"), TrainingConfig(hyper={"lr": 0.1}, epochs=50))
        self.error, self.fail_at = error, fail_at

    def loss_and_grad(self, theta, rows):
        if self.iteration + 1 == self.fail_at:
            raise self.error
        return super().loss_and_grad(theta, rows)


@pytest.fixture
def thread():
    t = WorkerThread()
    yield t
    assert t.shutdown()


def frames_until(qtbot, worker, done, timeout=5000):
    seen = []

    def check():
        frame = worker.take_frame()
        if frame is not None:
            seen.append(frame)
        return bool(seen) and done(seen[-1])

    qtbot.waitUntil(check, timeout=timeout)
    return seen[-1]


@pytest.mark.parametrize("error", [OverflowError(34, "Numerical result out of range"),
                                   ZeroDivisionError("float division by zero"), RuntimeError(),
                                   KeyError("lr"), MemoryError()])
@pytest.mark.parametrize("command", ["start", "step"])
def test_any_error_of_a_step_fails_the_run_and_the_worker_stays_usable(qtbot, thread, error, command):
    worker = thread.worker
    run = Boom(error)
    worker.set_run(run, 1)
    worker.start() if command == "start" else worker.step(5)
    frame = frames_until(qtbot, worker, lambda f: f.snapshot.done)
    snap = frame.snapshot
    assert snap.status == "failed" and snap.iteration == 2 and not worker.is_running
    assert snap.message.startswith("Stopped at iteration 3: the step raised ")
    assert type(error).__name__ in snap.message and snap.message.count(". ") == 0  # one sentence
    assert np.isfinite(snap.params).all() and thread.isRunning()
    if isinstance(error, OverflowError):
        assert "raised OverflowError (Numerical result out of range);" in snap.message
    # the same thread takes the next run and steps it
    fresh = FunctionRun(make_function("bowl"), TrainingConfig(hyper={"lr": 0.1}, epochs=50))
    worker.set_run(fresh, 2)
    worker.step(4)
    frame = frames_until(qtbot, worker, lambda f: f.run_id == 2 and f.snapshot.iteration == 4)
    assert frame.snapshot.status == "running"
    worker.start()
    frame = frames_until(qtbot, worker, lambda f: f.run_id == 2 and f.snapshot.done)
    assert frame.snapshot.status == "finished" and fresh.iteration == 50
