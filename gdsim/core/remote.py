"""Training steps in a child process, so that they do not share a GIL with the window.

A window that trains on a thread of its own process shares Python's GIL with
it: every millisecond the window spends painting is a millisecond the steps
wait, and the other way round. ``Stepper`` keeps a replica of a
``TrainingRun`` in a child process and advances it there for a slice of time;
the rows and the state that slice produced come back and are applied to the
caller's run, which afterwards is exactly as if it had stepped itself (same
code, same floats, bit for bit). Between slices the caller's run is the one
that counts: anything done to it locally (single steps, a new learning rate)
is sent to the replica before the next slice.

The child streams: once handed the run (``next_slice``) it steps on, slice
after slice, while the caller applies each slice and draws; ``halt`` stops it
before the caller changes the run itself. A stepper is optional: ``acquire``
starts the child without waiting for it, ``ready`` says when it can take the
run, and a child that dies or fails raises ``StepperLost``; the caller then
steps in-process from where the last applied slice left the run.
"""

from __future__ import annotations

import copy
import os
import sys
import threading
import traceback
import weakref
from math import isnan, nan
from typing import NoReturn

from .history import History
from .training import TrainingRun, advance_for

#: Set (to anything but "" or "0") to keep every step in-process.
LOCAL_ENV = "GDSIM_LOCAL_STEPS"
#: How much lower the child's scheduling priority is than the window's (Unix).
CHILD_NICENESS = 10
#: Set to 1 in the child's environment (see start_child).
BLAS_THREADS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class StepperLost(RuntimeError):
    """The child process is gone or failed; the caller's run is as the last applied slice left it."""


class _SliceRows(History):
    """The rows one slice appends, numbered as in the full history from ``start`` on.

    A full-batch run learns row k's full-dataset loss at step k + 1, so the
    first step of a slice may fill in the row before ``start`` (kept aside).
    """

    def __init__(self, n_params: int, start: int) -> None:
        super().__init__(n_params, 256)
        self.start = start
        self.previous_full_loss = nan

    def set_full_loss(self, row: int, value: float) -> None:
        if row < self.start:
            self.previous_full_loss = value
        else:
            super().set_full_loss(row - self.start, value)


def serve(conn) -> None:
    """The child process: answer the parent's messages until it goes away."""
    if hasattr(os, "nice"):
        # Below the window: on a machine with few cores its painting (and Qt's
        # raster helper threads) must not wait for the steps.
        os.nice(CHILD_NICENESS)
    try:
        _serve(conn)
    except (BrokenPipeError, EOFError, ConnectionError):
        pass  # the parent went away: so do we


def _serve(conn) -> None:
    run: TrainingRun | None = None
    sent_epochs = 0  # the sampler's epochs_started when the parent last had it
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        kind = message[0]
        try:
            if kind == "quit":
                return
            if kind == "load":
                run = message[1]
            elif kind == "state":
                run.load_state_dict(message[1])
                sent_epochs = run.sampler.epochs_started
            elif kind == "run":  # slices until the run ends or a message (a "stop") arrives
                while True:
                    rows = _SliceRows(run.history.n_params, run.iteration + 1)
                    run.history = rows
                    steps = advance_for(run, message[1])
                    new_sampler = run.sampler.epochs_started != sent_epochs
                    sent_epochs = run.sampler.epochs_started
                    conn.send(("slice", steps, rows.rows(), rows.previous_full_loss,
                               run.state_dict(sampler=new_sampler)))
                    if run.done or conn.poll():
                        break
                conn.send(("stopped",))
            # "stop" when not running: the run had already ended; nothing to do
        except Exception:  # noqa: BLE001 (reported to the parent, which steps itself)
            conn.send(("error", traceback.format_exc()))


class Stepper:
    """One child process holding a replica of one run at a time."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded Qt process
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(target=serve, args=(child_conn,), daemon=True,
                                        name="gdsim-steps")
        start_child(self._process)
        child_conn.close()
        self._ready = False
        self._lost = False
        self._streaming = False
        # The replica: which run, and what the caller's run looked like after the last slice.
        self.forget()

    def ready(self) -> bool:
        """True once the child has started (never blocks)."""
        if not self._ready and not self._lost:
            try:
                if self._conn.poll():
                    self._ready = self._conn.recv() == ("ready",)
                    self._lost = not self._ready
                elif not self._process.is_alive():
                    self._lost = True
            except (EOFError, OSError):
                self._lost = True
        return self._ready and not self._lost

    @property
    def lost(self) -> bool:
        return self._lost

    @staticmethod
    def _fingerprint(run: TrainingRun) -> tuple:
        # Local steps change the iteration; set_hyper and set_epochs replace the config.
        return run.iteration, run.config, run.status

    @property
    def streaming(self) -> bool:
        return self._streaming

    def next_slice(self, run: TrainingRun, seconds: float) -> int:
        """Apply to ``run`` the next slice (about ``seconds`` of steps) the child made.

        The first call (or the first after ``halt``) hands the run to the child,
        which then steps on while the caller draws. Returns the number of steps,
        0 once the run has ended. Raises StepperLost.
        """
        if not self.ready():
            raise StepperLost("the child process has not started")
        if not self._streaming:
            self._send_run(run)
            self._request(("run", seconds))
            self._streaming = True
        return self._receive(run)

    def halt(self, run: TrainingRun) -> None:
        """Stop the child's stepping; ``run`` takes every slice it made meanwhile."""
        if not self._streaming:
            return
        self._request(("stop",))
        while self._streaming:
            self._receive(run)

    def _send_run(self, run: TrainingRun) -> None:
        if self._run() is not run:
            replica = copy.copy(run)
            replica.history = History(run.history.n_params, 2)
            self._request(("load", replica))
            self._run, self._synced = weakref.ref(run), ()
        if self._synced != self._fingerprint(run):
            self._request(("state", run.state_dict()))

    def _request(self, message: tuple) -> None:
        try:
            self._conn.send(message)
        except (OSError, ValueError) as exc:  # ValueError: a closed connection
            self._fail(str(exc))

    def _receive(self, run: TrainingRun) -> int:
        try:
            reply = self._conn.recv()
        except (EOFError, OSError, ValueError) as exc:
            self._fail(str(exc) or "the child process ended")
        if reply[0] == "stopped":
            self._streaming = False
            return 0
        if reply[0] != "slice":
            self._fail(reply[1] if len(reply) > 1 else f"unexpected reply {reply[0]!r}")
        _, steps, rows, previous_full_loss, state = reply
        if not isnan(previous_full_loss):
            run.history.set_full_loss(run.history.last_iteration, previous_full_loss)
        run.history.extend(rows)
        run.load_state_dict(state)
        self._synced = self._fingerprint(run)
        return steps

    def _fail(self, why: str) -> NoReturn:
        self._lost, self._streaming = True, False
        raise StepperLost(why)

    def forget(self) -> None:
        """Drop the replica (the next slice loads its run afresh)."""
        self._run, self._synced = (lambda: None), ()

    def close(self) -> None:
        try:
            self._conn.send(("quit",))
        except (OSError, ValueError):
            pass
        self._process.join(1.0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(1.0)
        self._conn.close()
        self._lost = True


def start_child(process) -> None:
    """Start ``process`` on one core, without it running the parent's main script first.

    A spawned child imports the parent's ``__main__`` again (as
    ``__mp_main__``) unless it was a package's ``__main__``: a user's script
    that opens a gdsim window without an ``if __name__ == "__main__"`` guard
    would open another one in the child. ``serve`` needs nothing from it, so
    the child is told there is no main module to import.

    Its BLAS (numpy's matrix products) gets one thread. With more, OpenBLAS
    runs a helper thread that spins between products, at full priority (the
    child's nice applies to its main thread only): on 200,000 rows it took a
    whole core from the window, which stepped 90-190 it/s instead of 360-390
    (headless 400); on one thread the child steps as fast as before.
    """
    import types

    with _start_lock:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        saved = {name: os.environ.get(name) for name in BLAS_THREADS_ENV}
        os.environ.update(dict.fromkeys(BLAS_THREADS_ENV, "1"))  # the child's environment
        try:
            process.start()
        finally:
            sys.modules["__main__"] = main
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


_start_lock = threading.Lock()
# Idle steppers, reused by the next caller (a child takes a few hundred ms to start).
_idle: list[Stepper] = []
_idle_lock = threading.Lock()


def enabled() -> bool:
    return os.environ.get(LOCAL_ENV, "") in ("", "0")


def acquire() -> Stepper | None:
    """An idle stepper, or a new one starting; None when steps stay in-process."""
    if not enabled():
        return None
    with _idle_lock:
        while _idle:
            stepper = _idle.pop()
            if not stepper.lost:
                return stepper
    try:
        return Stepper()
    except Exception:  # noqa: BLE001 (no child processes here: step in-process)
        return None


def release(stepper: Stepper | None) -> None:
    """Give a stepper back for reuse (its replica is dropped at the next load)."""
    if stepper is None or stepper.lost:
        return
    if stepper.streaming:  # still stepping a run nobody applies: not worth keeping
        stepper.close()
        return
    stepper.forget()
    with _idle_lock:
        _idle.append(stepper)


def shutdown() -> None:
    """Stop every idle child (at exit; they are daemons, so they die with us anyway)."""
    with _idle_lock:
        steppers, _idle[:] = list(_idle), []
    for stepper in steppers:
        stepper.close()
