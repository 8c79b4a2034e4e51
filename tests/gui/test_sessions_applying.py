"""A big session, once read, is applied in turns of the event loop (its least-squares optimum
on a thread): the window answers meanwhile, and the end state is the one applying it at once gives."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

from gdsim.core import surface_tracker
from gdsim.core.dataset import Dataset
from gdsim.core.session import Session, save_session
from gdsim.core.surface import least_squares_optimum
from gdsim.core.training import TrainingConfig
from gdsim.gui.features import sessions as sessions_module
from gdsim.gui.features.sessions import apply_session
from test_sessions import make_window, private_settings  # noqa: F401 (an autouse fixture)


@pytest.fixture(autouse=True)
def everything_is_big(monkeypatch):
    monkeypatch.setattr(sessions_module, "BIG_SESSION_BYTES", 0)


def session_of(rows: int, seed: int = 0) -> Session:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    values = np.column_stack([x, 3 * x + 2 + rng.normal(size=rows)])
    dataset = Dataset(("x", "y"), values, "y", f"data {seed}")
    return Session(dataset, TrainingConfig(epochs=3, standardize=True), speed=0.0, surface_axes=(0, 1))


def settled(w) -> bool:
    """Read, applied, drawn, and no optimum on its way."""
    optimizer = getattr(w, "_optimizer", None)  # (getattr: the test also runs on the old code)
    return (w.sessions.reading is None and getattr(w.sessions, "applying", None) is None
            and w._stages is None and not w._stage_timer.isActive()
            and not (optimizer is not None and optimizer.busy))


def state(w) -> dict:
    run, tracker = w.current_run, w.surface_model
    return {"dataset": w.document.dataset, "config": w.controls.config(), "speed": w.controls.speed(),
            "optimum": tracker.optimum, "original": tracker.optimum_original, "window": tracker.window,
            "surface": tracker.shown().values, "params": run.history.params, "loss": run.history.full_loss,
            "fit_rows": w.fit_view._rows, "modified": w.document.is_modified}


def assert_same(a: dict, b: dict) -> None:
    assert a["dataset"].equals(b["dataset"]) and a["dataset"].name == b["dataset"].name
    assert a["config"] == b["config"] and a["speed"] == b["speed"] and a["modified"] == b["modified"]
    assert a["window"] == b["window"]
    for key in ("optimum", "original", "surface", "params", "loss", "fit_rows"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_applying_in_turns_ends_as_applying_at_once(qtbot, tmp_path, monkeypatch):
    session = session_of(30_000)
    path = tmp_path / "big.gdsim"
    save_session(path, session)
    at_once = make_window(qtbot)
    apply_session(at_once, session, path)  # (30,000 rows: its optimum is solved here)
    assert at_once.surface_model.optimum is not None
    monkeypatch.setattr(surface_tracker, "OPTIMUM_HERE_ELEMENTS", 0)  # on the thread, as 10⁶ rows
    in_turns = make_window(qtbot)
    assert in_turns.sessions.open(path)
    qtbot.waitUntil(lambda: settled(in_turns), timeout=30000)
    qtbot.waitUntil(lambda: in_turns.surface_model.optimum is not None, timeout=10000)
    assert_same(state(in_turns), state(at_once))
    for w in (at_once, in_turns):  # and they descend alike
        w.step_epoch()
    qtbot.waitUntil(lambda: all(w.current_run.iteration == 1 and w._stages is None
                                for w in (at_once, in_turns)), timeout=10000)
    assert_same(state(in_turns), state(at_once))
    for w in (at_once, in_turns):
        w.shutdown()


def test_the_window_answers_between_the_parts_of_the_apply(qtbot, tmp_path):
    w = make_window(qtbot)
    session = session_of(20_000)
    path = tmp_path / "big.gdsim"
    save_session(path, session)
    seen = []

    def look() -> None:
        cancel = w.findChild(QPushButton, "sessionReadingCancel")
        seen.append((w.current_run.dataset.equals(session.dataset), w.status_label.text(),
                     cancel.isVisible() and cancel.isEnabled()))

    # the table has the new rows: what has the window done by the next turn of the event loop?
    w.dataset_panel.dataset_changed.connect(lambda _dataset: QTimer.singleShot(0, look))
    w.sessions.open(path)
    qtbot.waitUntil(lambda: settled(w), timeout=30000)
    # the timer fired before the new run was made, while the status line said what was going on
    # (Cancel is off: the read was the part to cancel)
    assert seen == [(False, "Opening big.gdsim … applying", False)]
    assert w.current_run.dataset.equals(session.dataset) and not w.document.is_modified
    assert w.findChild(QPushButton, "sessionReadingCancel").isEnabled()
    assert str(path.resolve()) in w.sessions.recent_files()
    w.shutdown()


def test_closing_the_window_while_applying_finishes_it_and_leaves_no_thread(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(surface_tracker, "OPTIMUM_HERE_ELEMENTS", 0)
    w = make_window(qtbot)
    w.ask_before_discarding = True  # (a half-applied session would ask about unsaved edits)
    session = session_of(20_000)
    path = tmp_path / "big.gdsim"
    save_session(path, session)
    w.sessions.open(path)
    qtbot.waitUntil(lambda: w.sessions.applying is not None, timeout=30000)
    assert w.close()
    assert w.sessions.applying is None
    assert w.document.dataset.equals(session.dataset) and not w.document.is_modified
    assert w.controls.config().epochs == 3
    assert str(path.resolve()) in w.sessions.recent_files()
    assert not w._optimum_solver.busy and not w._refiner.busy
    assert not [t for t in threading.enumerate() if t.name.startswith("gdsim-s")]


def test_an_optimum_for_replaced_data_is_dropped(qtbot, monkeypatch):
    monkeypatch.setattr(surface_tracker, "OPTIMUM_HERE_ELEMENTS", 0)
    w = make_window(qtbot)
    jobs = []
    monkeypatch.setattr(w._optimum_solver, "submit", jobs.append)  # (delivered below, in any order)
    first, second = session_of(500, seed=1), session_of(500, seed=2)
    apply_session(w, first)
    apply_session(w, second)  # the user opened other data before the first optimum arrived
    old, new = jobs[-2], jobs[-1]
    w._on_optimum_found(old, old.compute())
    assert w.surface_model.optimum is None  # the first data's optimum is not shown for the second
    w._on_optimum_found(new, new.compute())
    run = w.current_run
    np.testing.assert_array_equal(w.surface_model.optimum, least_squares_optimum(run.X, run.y))
    w._on_optimum_found(old, old.compute())  # late, after the right one: still dropped
    np.testing.assert_array_equal(w.surface_model.optimum, least_squares_optimum(run.X, run.y))
    w.shutdown()


def test_a_big_csv_import_draws_its_plots_in_turns(qtbot, tmp_path, monkeypatch):
    from gdsim.gui import main_window

    monkeypatch.setattr(main_window, "DRAW_IN_TURNS_ROWS", 1_000)  # as 10⁶ rows (200,000 and up)
    session = session_of(2_000)
    path = tmp_path / "big.csv"
    np.savetxt(path, session.dataset.values, delimiter=",", header="x,y", comments="", fmt="%.17g")
    at_once = make_window(qtbot)
    in_turns = make_window(qtbot)
    for w in (at_once, in_turns):
        w.controls.set_config(session.config)
    monkeypatch.setattr(main_window, "DRAW_IN_TURNS_ROWS", 10**9)
    assert at_once.dataset_panel.import_csv(path)
    monkeypatch.setattr(main_window, "DRAW_IN_TURNS_ROWS", 1_000)
    assert in_turns.dataset_panel.import_csv(path)
    assert in_turns._stages is not None  # the new run is made; its plots come a part per turn
    qtbot.waitUntil(lambda: settled(in_turns), timeout=10000)
    assert_same(state(in_turns), state(at_once))
    for w in (at_once, in_turns):
        w.shutdown()


def test_an_optimum_arriving_between_the_parts_of_the_drawing_wins(qtbot, tmp_path, monkeypatch):
    session = session_of(3_000)
    at_once = make_window(qtbot)
    apply_session(at_once, session)
    monkeypatch.setattr(surface_tracker, "OPTIMUM_HERE_ELEMENTS", 0)
    w = make_window(qtbot)
    jobs = []
    monkeypatch.setattr(w._optimum_solver, "submit", jobs.append)
    w.sessions._start_applying(session, tmp_path / "big.gdsim")
    qtbot.waitUntil(lambda: bool(jobs), timeout=10000)  # the surface without the optimum is computed ...
    assert w._stages is not None  # ... and not shown yet when the optimum arrives
    w._on_optimum_found(jobs[0], jobs[0].compute())
    qtbot.waitUntil(lambda: settled(w), timeout=10000)
    assert_same(state(w), state(at_once))
    # and the view shows that surface, not the one computed before the optimum came
    shown = [window.surface_view.image_item for window in (w, at_once)]
    np.testing.assert_array_equal(shown[0].image, shown[1].image)
    assert shown[0].mapRectToParent(shown[0].boundingRect()) == shown[1].mapRectToParent(shown[1].boundingRect())
    for window in (at_once, w):
        window.shutdown()
