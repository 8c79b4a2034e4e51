"""Nothing a user does can crash the window or lose their data.

A seeded monkey drives the real widgets through hundreds of actions; threads
are started, stopped and abandoned by closing the window mid-run.
"""

import random
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QComboBox, QPushButton

from gdsim.core.csvio import read_csv
from gdsim.gui.main_window import MainWindow
from helpers import type_into_cell

CELL_TEXTS = ["1", "-2.5", "0", "1e3", "abc", "", "nan", "1e999", "inf", " 7 ", "0.001", "3,5"]


def make_window(qtbot):
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    return w


def pick(box: QComboBox, rng: random.Random) -> None:
    if box.count() and box.isEnabled():
        index = rng.randrange(box.count())
        box.setCurrentIndex(index)
        box.activated.emit(index)


def consistent(w: MainWindow) -> None:
    """The table shows the document's dataset, and the engine trains on it."""
    dataset = w.document.dataset
    model = w.dataset_panel.model
    assert model.rowCount() == dataset.n_rows and model.columnCount() == len(dataset.columns)
    for row in {0, dataset.n_rows - 1}:
        for col in range(len(dataset.columns)):
            shown = float(model.index(row, col).data(Qt.EditRole))
            assert shown == dataset.values[row, col]
    run = w.current_run
    if run is not None:
        assert run.source.is_same_problem(w.source)  # the run descends what the window shows
        assert run.parameter_names == w.controls.parameter_names()
        if w.source.applies.table:
            assert run.dataset.equals(dataset)
        if not w.worker.is_running:
            # a rate typed or a Step pressed while it ran reaches the run through the worker thread:
            # soon, not at once (reading the run while the worker steps it would see half a step)
            deadline = time.monotonic() + 5.0
            while not w.worker.settled and time.monotonic() < deadline:
                time.sleep(0.005)
            assert w.worker.settled
        if run.iteration == 0 and not w.worker.is_running:
            assert run.config.hyper["lr"] == w.controls.config().hyper["lr"]
            if w.source.kind == "function":  # what the fields show is where it starts (an edited
                assert run.params.tolist() == list(w.controls.init())  # table goes on from the run's θ)
    assert np.isfinite(w.surface_view.path_points()).all()
    assert "Traceback" not in w.status_label.text()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_monkey_300_actions(qtbot, tmp_path, seed):
    rng = random.Random(seed)
    w = make_window(qtbot)
    combos = [w.findChild(QComboBox, n) for n in
              ("modelCombo", "lossCombo", "optimizerCombo", "batchModeCombo", "speedCombo")]
    preset_combo = w.dataset_panel.findChild(QComboBox, "presetCombo")
    presets = [preset_combo.itemData(i) for i in range(preset_combo.count())
               if preset_combo.itemData(i) not in ("large-synthetic",)]
    buttons = {n: w.findChild(QPushButton, n) for n in
               ("startButton", "pauseButton", "stepButton", "stepEpochButton", "resetButton")}
    csv_path = tmp_path / "monkey.csv"

    def edit():
        d = w.document.dataset
        type_into_cell(qtbot, w.dataset_panel, rng.randrange(d.n_rows), rng.randrange(len(d.columns)),
                       rng.choice(CELL_TEXTS))

    def preset():
        i = preset_combo.findData(rng.choice(presets))
        preset_combo.setCurrentIndex(i)
        preset_combo.activated.emit(i)

    def click(name):
        def go():
            if buttons[name].isEnabled():
                qtbot.mouseClick(buttons[name], Qt.LeftButton)
        return go

    def export_import():
        if w.dataset_panel.export_csv(csv_path):
            w.dataset_panel.import_csv(csv_path)

    actions = [
        (edit, 6), (lambda: pick(rng.choice(combos), rng), 5), (preset, 2),
        (click("startButton"), 4), (click("pauseButton"), 3), (click("stepButton"), 4),
        (click("stepEpochButton"), 2), (click("resetButton"), 2),
        (lambda: w.dataset_panel.undo_action().trigger(), 3),
        (lambda: w.dataset_panel.redo_action().trigger(), 2),
        (lambda: w.dataset_panel.add_row(), 1),
        (lambda: w.dataset_panel.delete_rows([rng.randrange(w.document.dataset.n_rows)]), 1),
        (export_import, 1),
        (lambda: qtbot.wait(rng.choice([0, 5, 30])), 3),
    ]
    funcs = [f for f, weight in actions for _ in range(weight)]
    for _ in range(300):
        rng.choice(funcs)()
    w.worker.pause()
    qtbot.wait(50)
    consistent(w)
    w.close()
    assert w._thread.isFinished()


FUNCTION_ACTIONS = ["actionProblemData", "actionProblemBowl", "actionProblemRosenbrock", "actionProblemBeale",
                    "actionProblemHimmelblau", "actionProblemSaddle"]
LEARNING_RATES = [1e-4, 0.001, 0.002, 0.01, 0.1, 1.0, 10.0]


@pytest.mark.parametrize("seed", [4, 5])
def test_monkey_with_test_functions_and_lessons_200_actions(qtbot, seed):
    """Switching problems, typing hyperparameters and start points, stepping, loading presets,
    opening lessons, Next and Back, answering, closing the lesson panel."""
    rng = random.Random(seed)
    w = make_window(qtbot)
    optimizer = w.findChild(QComboBox, "optimizerCombo")
    speed = w.findChild(QComboBox, "speedCombo")
    preset_combo = w.dataset_panel.findChild(QComboBox, "presetCombo")
    presets = [preset_combo.itemData(i) for i in range(preset_combo.count())
               if preset_combo.itemData(i) not in ("large-synthetic",)]
    buttons = {n: w.findChild(QPushButton, n) for n in
               ("startButton", "pauseButton", "stepButton", "stepEpochButton", "resetButton")}

    def problem():
        w.findChild(object, rng.choice(FUNCTION_ACTIONS)).trigger()

    def type_lr():
        spin = w.controls.learningRateSpin
        spin.setValue(rng.choice(LEARNING_RATES))
        spin.editingFinished.emit()

    def type_start():
        n = len(w.controls.parameter_names())
        w.controls.set_init([rng.choice([0.0, 1.0, -2.5, 100.0, 0.001]) for _ in range(n)])

    def preset():
        w.dataset_panel.load_preset(rng.choice(presets))

    def click(name):
        def go():
            if buttons[name].isEnabled():
                qtbot.mouseClick(buttons[name], Qt.LeftButton)
        return go

    def edit():
        if w.findChild(object, "datasetDock").isVisible():
            d = w.document.dataset
            type_into_cell(qtbot, w.dataset_panel, rng.randrange(d.n_rows), rng.randrange(len(d.columns)),
                           rng.choice(CELL_TEXTS))

    def lesson():
        lessons = w.lessons
        r = rng.random()
        if not lessons.dock.isVisible() or r < 0.25:
            lessons.open_builtin(rng.randrange(10))
        elif r < 0.5:
            button = w.findChild(QPushButton, rng.choice(["lessonNextButton", "lessonBackButton"]))
            if button.isEnabled():
                qtbot.mouseClick(button, Qt.LeftButton)
        elif r < 0.75:
            lessons.check_answer()  # whatever the learner typed (or nothing)
        else:
            lessons.close()

    actions = [
        (problem, 5), (type_lr, 5), (type_start, 3), (preset, 2), (edit, 2), (lesson, 4),
        (lambda: pick(optimizer, rng), 2), (lambda: pick(speed, rng), 2),
        (click("startButton"), 4), (click("pauseButton"), 3), (click("stepButton"), 5),
        (click("stepEpochButton"), 2), (click("resetButton"), 2),
        (lambda: qtbot.wait(rng.choice([0, 5, 30])), 3),
    ]
    funcs = [f for f, weight in actions for _ in range(weight)]
    for k in range(200):
        rng.choice(funcs)()
        if k % 10 == 9:
            consistent(w)
    w.worker.pause()
    qtbot.wait(50)
    consistent(w)
    assert w._thread.isRunning()  # the worker survived every step (an error only fails its run)
    w.close()
    assert w._thread.isFinished()


def test_start_and_stop_100_times(qtbot):
    w = make_window(qtbot)
    w.findChild(QComboBox, "speedCombo").setCurrentIndex(w.findChild(QComboBox, "speedCombo").findData(0.0))
    w.findChild(object, "epochsSpin").setValue(1_000_000)
    start, pause = w.findChild(QPushButton, "startButton"), w.findChild(QPushButton, "pauseButton")
    for k in range(100):
        qtbot.mouseClick(start, Qt.LeftButton)
        assert w.worker.is_running
        qtbot.mouseClick(pause, Qt.LeftButton)
        assert not w.worker.is_running
        if k % 10 == 0:
            qtbot.mouseClick(w.findChild(QPushButton, "resetButton"), Qt.LeftButton)
    qtbot.wait(50)  # the chunk of steps under way when Pause was clicked ends
    n = len(w.run_history())
    qtbot.wait(200)
    assert len(w.run_history()) == n  # really stopped
    w.close()
    assert w._thread.isFinished()


def test_close_mid_run_20_times(qtbot):
    threads: list[QThread] = []
    for _ in range(20):
        w = MainWindow()
        w.ask_before_discarding = False
        w.show()
        w.findChild(QComboBox, "speedCombo").setCurrentIndex(w.findChild(QComboBox, "speedCombo").findData(0.0))
        w.findChild(object, "epochsSpin").setValue(1_000_000)
        w.start()
        qtbot.waitUntil(lambda: len(w.run_history()) > 10, timeout=5000)
        threads.append(w._thread)
        w.close()
        w.deleteLater()
    assert all(t.isFinished() for t in threads)


def test_closing_with_unsaved_edits_asks_first(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    type_into_cell(qtbot, w.dataset_panel, 0, 1, "99")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.Cancel)
    w.close()
    assert asked and w.isVisible()  # cancelled: the window and the edit stay
    assert w.document.dataset.values[0, 1] == 99.0
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    w.close()
    assert not w.isVisible() and w._thread.isFinished()


def test_bad_csv_import_keeps_data(qtbot, tmp_path):
    w = make_window(qtbot)
    before = w.document.dataset
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3,abc\n")
    assert not w.dataset_panel.import_csv(bad)
    assert w.document.dataset.equals(before)
    message = w.dataset_panel.findChild(object, "datasetMessage").text()
    assert "Row 3" in message and "abc" in message
    assert w.current_run.dataset.equals(before)


def test_spreadsheet_export_loads(qtbot, tmp_path):
    w = make_window(qtbot)
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeff\"x\";\"y\"\r\n\"2\";\"8\"\r\n3;11\r\n4;14\r\n".encode("utf-8"))
    assert w.dataset_panel.import_csv(path)
    assert w.document.dataset.values.tolist() == [[2, 8], [3, 11], [4, 14]]
    assert w.current_run.dataset.n_rows == 3


@pytest.mark.parametrize("name,value,needle", [
    ("epochsSpin", 0, None),  # the spin box itself refuses 0 (minimum 1)
])
def test_impossible_values_are_refused_by_the_widgets(qtbot, name, value, needle):
    w = make_window(qtbot)
    spin = w.findChild(object, name)
    spin.setValue(value)
    assert spin.value() >= 1
    assert w.current_run is not None


def test_target_outside_0_1_for_bce_is_one_sentence(qtbot):
    w = make_window(qtbot)
    model = w.findChild(QComboBox, "modelCombo")
    model.setCurrentIndex(model.findData("logistic"))
    assert w.current_run is None
    text = w.status_label.text()
    assert "0 or 1" in text and "\n" not in text
    assert not w.findChild(QPushButton, "startButton").isEnabled()
    model.setCurrentIndex(model.findData("linear"))
    assert w.current_run is not None and w.findChild(QPushButton, "startButton").isEnabled()


def test_csv_written_by_the_panel_reads_back(qtbot, tmp_path):
    w = make_window(qtbot)
    path = tmp_path / "out.csv"
    assert w.dataset_panel.export_csv(path)
    assert read_csv(path).equals(w.document.dataset.with_name(read_csv(path).name))


def test_50_mb_csv_loads_with_progress_and_a_live_event_loop(qtbot, tmp_path):
    from PySide6.QtCore import QTimer

    rng = np.random.default_rng(0)
    path = tmp_path / "big.csv"
    values = np.round(rng.standard_normal((2_000_000, 3)) * 1000, 6)
    with open(path, "w") as f:
        f.write("x1,x2,y\n")
        np.savetxt(f, values, delimiter=",", fmt="%.6f")
    assert path.stat().st_size > 50e6
    w = make_window(qtbot)
    messages, ticks = [], []
    label = w.dataset_panel.findChild(object, "datasetMessage")
    original = w.dataset_panel.show_info
    w.dataset_panel.show_info = lambda text: (messages.append(text), original(text))
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    assert w.dataset_panel.import_csv(path)
    timer.stop()
    assert w.document.dataset.n_rows == 2_000_000
    assert sum("%" in m for m in messages) >= 5  # progress was shown as it went
    assert ticks  # the event loop kept running during the load
    assert "Imported 2000000 rows" in label.text()
    assert w.current_run is not None and w.current_run.dataset.n_rows == 2_000_000
