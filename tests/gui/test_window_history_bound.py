"""The window's runs keep a bounded (thinned) history, and everything that reads it labels each
row with its true iteration: the loss curve, the path, pins, exports, sessions, the race, the
distance to the optimum and the animation."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QSpinBox

from gdsim.core import limits
from gdsim.core.history import History
from gdsim.core.session import load_session
from gdsim.core.training import TrainingConfig, TrainingRun
from helpers import choose

ROWS = 64  # the bound under test: a 3,000-iteration run is thinned several times
EPOCHS = 3000


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(limits, "HISTORY_BYTES", ROWS * History(2).row_bytes)
    from gdsim.gui.main_window import MainWindow

    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()


def run_to_the_end(qtbot, w, local: bool):
    if local:  # stepped in this process (History.append); else by the child (History.extend)
        w.worker._stepper_failed = True
    choose(w.findChild(QComboBox, "speedCombo"), 0.0)
    w.findChild(QSpinBox, "epochsSpin").setValue(EPOCHS)
    qtbot.waitUntil(lambda: w.current_run is not None and w.current_run.total_iterations == EPOCHS,
                    timeout=5000)
    w.start()
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.done, timeout=60000)
    qtbot.wait(200)


@pytest.mark.parametrize("local", [True, False], ids=["in-process", "child-process"])
def test_a_long_window_run_keeps_a_bounded_truly_numbered_history(qtbot, window, tmp_path, local):
    w = window
    run_to_the_end(qtbot, w, local)
    run, h, frame = w.current_run, w.run_history(), w._last_frame
    assert run.iteration == EPOCHS and len(h) <= ROWS and h.thinned
    its = np.asarray(h.iteration)
    assert its[0] == 0 and its[-1] == EPOCHS and (np.diff(its) > 0).all()
    # the same run, unbounded: every kept row is that iteration's state, bit for bit
    alone = TrainingRun(w.document.dataset, run.config).run()
    assert np.array_equal(h.params, alone.history.params[its])
    assert np.array_equal(frame.iterations, its) and np.array_equal(frame.params, h.params)

    # loss curve and path: one point per kept row, at its true iteration
    x, _ = w.loss_view.full_item.getData()
    assert x.max() == EPOCHS and len(x) <= ROWS
    assert len(w.surface_view.path_points()) == len(h)

    # a pin, and a session that saves it
    w.pins.pin_current()
    pin = w.pinned_runs()[-1]
    assert np.array_equal(pin.iterations, its) and pin.n_iterations == EPOCHS
    assert np.array_equal(pin.params, h.params)
    path = tmp_path / "s.gdsim"
    assert w.sessions.save(path)
    saved = load_session(path).pins[-1]
    assert np.array_equal(saved.iterations, its)

    # the history export: the iteration column holds the true numbers
    out = tmp_path / "h.csv"
    assert w.exports.export_history(out)
    column = [int(line.split(",")[1]) for line in out.read_text().splitlines()[1:]]
    assert column == its.tolist()

    # the distance to the optimum, against iteration
    dock = w.optimum_distance_dock
    dock.show()
    qtbot.waitUntil(lambda: dock.curve is not None and dock.curve.getData()[0] is not None, timeout=5000)
    assert dock.curve.getData()[0].max() == EPOCHS

    # the animation picks rows evenly spaced in iterations, labelled by them
    from gdsim.core.animation import AnimationPlan

    plan = AnimationPlan(run, 10, tuple(w.surface_model.axes), history=h)
    assert [f.iteration for f in plan.frames] == [int(its[f.row]) for f in plan.frames]
    assert plan.frames[-1].iteration == EPOCHS and plan.frames[0].iteration == 0
    assert np.all(np.diff([f.iteration for f in plan.frames]) <= 2 * EPOCHS / 9)


def test_the_race_keeps_bounded_histories_and_true_iteration_numbers(qtbot, window):
    from test_race_gui import click, open_race, remove_row, set_speed, wait_race_done

    w = window
    w.findChild(QSpinBox, "epochsSpin").setValue(EPOCHS)
    set_speed(w, 0.0)
    open_race(qtbot, w)
    panel = w.race_feature.panel
    remove_row(qtbot, w, panel, 2)
    panel.threshold_auto_check.setChecked(False)  # loss ≤ 1
    click(qtbot, w, "raceStartButton")
    wait_race_done(qtbot, w, timeout=60000)
    race = w.race_feature.race
    for run, curve in zip(race.runs, w.race_feature.loss_curves):
        h = run.history
        assert len(h) <= ROWS and h.iteration[-1] == EPOCHS == run.iteration
        x, _ = curve.getData()
        assert x.max() <= EPOCHS and x.max() > EPOCHS / 2  # iterations, not row numbers
    sgd = TrainingRun(w.document.dataset, TrainingConfig(epochs=EPOCHS)).run()
    first = int(np.flatnonzero(sgd.history.full_loss <= 1.0)[0])
    reached = race.iterations_to_threshold()[0]
    assert reached == first  # found before thinning dropped its row
