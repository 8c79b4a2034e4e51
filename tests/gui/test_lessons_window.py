"""The lesson panel: every built-in lesson stepped through, the question, the learner's work kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QPushButton

from gdsim.core.lessons import builtin_lessons, builtin_paths
from gdsim.gui.features.lessons import DOCK_NAMES
from helpers import projector_window

BAD = sorted((Path(__file__).parents[1] / "data" / "bad_lessons").glob("*.toml"))


def _open_docks(window) -> set[str]:
    return {k for k, name in DOCK_NAMES.items()
            if (d := window.findChild(QDockWidget, name)) is not None and d.toggleViewAction().isChecked()}


def _check_window_matches(window, lesson) -> None:
    s = lesson.session
    assert window.document.dataset.equals(s.dataset) and window.document.dataset.name == s.dataset.name
    got = window.controls.config()
    want = s.config
    assert (got.model, got.loss_name, got.reduction, got.optimizer) == \
        (want.model, want.loss_name, want.reduction, want.optimizer)
    assert {k: got.hyper[k] for k in want.hyper} == dict(want.hyper)
    assert got.batch_size == want.batch_size and got.epochs == want.epochs and got.seed == want.seed
    assert got.init == want.init
    assert got.standardize == want.standardize
    assert window.controls.speed() == s.speed
    if s.surface_axes is not None:
        assert tuple(window.surface_model.axes) == s.surface_axes
    assert window.current_run is not None  # the settings are valid: a run is ready
    assert _open_docks(window) == set(lesson.docks)


def test_every_builtin_lesson_with_next_and_back(window, qtbot):
    lessons = builtin_lessons()
    window.findChild(QAction, "actionLessons").trigger()
    dock = window.findChild(QDockWidget, "lessonPanel")
    assert dock.isVisible()
    title = dock.findChild(QLabel, "lessonTitleLabel")
    progress = dock.findChild(QLabel, "lessonProgressLabel")
    back = dock.findChild(QPushButton, "lessonBackButton")
    nxt = dock.findChild(QPushButton, "lessonNextButton")
    for k, lesson in enumerate(lessons):
        assert title.text() == lesson.title and progress.text() == f"{k + 1} / {len(lessons)}"
        _check_window_matches(window, lesson)
        window.step()
        qtbot.waitUntil(lambda: window._last_frame is not None and window._last_frame.snapshot.iteration >= 1,
                        timeout=5000)
        assert back.isEnabled() == (k > 0)
        assert nxt.isEnabled() == (k < len(lessons) - 1)
        if k < len(lessons) - 1:
            qtbot.mouseClick(nxt, Qt.LeftButton)
    qtbot.mouseClick(back, Qt.LeftButton)
    assert title.text() == lessons[-2].title and progress.text() == f"9 / {len(lessons)}"
    _check_window_matches(window, lessons[-2])


def test_the_question_is_checked_in_the_panel_and_revealed_by_the_run(window, qtbot):
    lessons = window.lessons
    lessons.open_builtin(0)  # 10,000 rows in batches of 500
    panel = lessons.panel
    panel.answer_edit.setText("500")
    qtbot.mouseClick(panel.check_button, Qt.LeftButton)
    assert "Not quite: the answer is 20" in panel.result_label.text()
    panel.answer_edit.setText("20")
    qtbot.keyClick(panel.answer_edit, Qt.Key_Return)
    assert "Right." in panel.result_label.text()
    lessons.show(2)  # multiple choice, then let the run reveal the answer
    assert panel.result_label.text() == ""
    assert [b.text() for b in panel.choices.buttons()] == list(lessons.lesson.question.choices)
    window.controls.set_speed(0)
    window.start()
    qtbot.waitUntil(lambda: "The run is over. The answer: the bias b." in panel.result_label.text(),
                    timeout=20000)


def test_the_learners_own_work_comes_back_when_the_panel_closes(window, qtbot):
    window.document.set_value(0, 1, 99.0)  # an unsaved edit
    window.controls.set_config(window.controls.config().with_hyper(lr=0.003).replace(epochs=7))
    step_action = window.findChild(QAction, "actionStepExplainer")
    step_action.setChecked(True)
    before_data, before_config = window.document.dataset, window.controls.config()
    window.lessons.open_builtin(3)  # the learning rate: opens the sweep, closes the explainer
    assert _open_docks(window) == {"sweep"}
    assert window.document.is_modified  # closing the window would still ask
    window.lessons.show(8)
    window.lessons.close()
    assert window.document.dataset.equals(before_data) and window.document.is_modified
    assert window.controls.config() == before_config
    assert _open_docks(window) == {"step_explainer"}
    assert not window.findChild(QDockWidget, "lessonPanel").isVisible()


def test_a_saved_document_stays_saved_after_the_lessons(window):
    window.lessons.open_builtin(0)
    window.lessons.close()
    assert not window.document.is_modified


@pytest.mark.parametrize("path", BAD[::4], ids=[p.stem for p in BAD[::4]])
def test_a_bad_file_is_a_message_and_the_window_is_unchanged(window, qtbot, path):
    data, config = window.document.dataset, window.controls.config()
    assert window.lessons.open_file(path) is False
    assert window.lessons.last_error.startswith(f"Cannot open lesson {path.name}: ")
    box = window.findChild(QDockWidget, "lessonPanel")
    assert not box.isVisible()
    assert window.document.dataset is data and window.controls.config() == config
    assert window.findChild(object, "lessonErrorBox") is not None


def test_a_teachers_copy_opens_from_file(window, tmp_path):
    source = next(p for p in builtin_paths() if p.stem == "04-learning-rate")
    text = source.read_text(encoding="utf-8").replace('title = "The learning rate"', 'title = "Mein Kurs"')
    text = text.replace("hyper = { lr = 0.06 }", "hyper = { lr = 0.02 }")
    text = text.replace('docks = ["sweep"]', 'docks = ["optimum_distance"]')
    text = text.replace("Every parameter moves", "Jeder Parameter bewegt sich")
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    assert window.lessons.open_file(path)
    panel = window.lessons.panel
    assert panel.title_label.text() == "Mein Kurs" and panel.progress_label.text() == "1 / 1"
    assert "Jeder Parameter bewegt sich" in panel.text.text()
    assert window.controls.config().hyper["lr"] == 0.02
    assert _open_docks(window) == {"optimum_distance"}
    assert not panel.back_button.isEnabled() and not panel.next_button.isEnabled()


def test_gdsim_lesson_with_screenshot_and_steps(tmp_path):
    png = tmp_path / "lesson.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "gdsim", "--lesson", "update-rule", "--screenshot", str(png),
                          "--steps", "2"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "Traceback" not in out.stderr


def test_a_tall_panel_does_not_leave_the_window_grown(window, qtbot):
    window.resize(1600, 700)
    qtbot.waitUntil(lambda: window.height() == 700, timeout=2000)
    window.lessons.open_builtin(3)  # the sweep panel's minimum height grows the window
    window.lessons.show(4)
    qtbot.waitUntil(lambda: window.height() == 700, timeout=2000)
    window.lessons.show(3)
    window.lessons.close()
    qtbot.waitUntil(lambda: window.height() == 700, timeout=2000)


def test_the_menu_goes_back_to_the_lesson_the_learner_is_on(window):
    action = window.findChild(QAction, "actionLessons")
    action.trigger()
    window.lessons.show(4)
    action.trigger()
    assert window.lessons.index == 4 and window.lessons.panel.progress_label.text() == "5 / 10"


def test_a_race_started_in_a_lesson_stops_with_it(window, qtbot):
    window.lessons.open_builtin(8)  # the optimizers race
    race = window.race_feature
    assert race.panel.row_count() == 3
    qtbot.mouseClick(race.panel.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: race.is_running, timeout=5000)
    window.lessons.show(9)
    assert not race.is_running and not race.dock.isVisible()


@pytest.mark.parametrize("presentation", [False, True])
def test_every_lesson_fits_a_1280_by_720_projector(qtbot, monkeypatch, presentation):
    """Lesson 4's sweep panel made the window 939 px tall; in presentation mode the lesson panel
    (and lesson 9's race) made it 1408–1721 px wide: on a narrow screen they become tabs beside
    the controls, and the sweep's pages scroll."""
    from gdsim.core.lessons import load_lesson_sequence

    if presentation:
        monkeypatch.setenv("GDSIM_PRESENTATION", "1")
    w = projector_window(qtbot)
    _index, lessons = load_lesson_sequence("1")
    w.lessons.open_lessons(lessons, 0)
    for i in range(len(lessons)):
        if i:
            w.findChild(QPushButton, "lessonNextButton").click()
        qtbot.wait(20)
        hint = w.minimumSizeHint()
        assert hint.height() <= 690 and hint.width() <= 1280, (i + 1, hint)
    w.shutdown()


def test_in_presentation_mode_on_a_narrow_screen_the_lesson_is_the_raised_tab(qtbot, monkeypatch):
    """The lesson became a tab beside the controls, but the controls' tab stayed in front."""
    from gdsim.core.lessons import load_lesson_sequence

    monkeypatch.setenv("GDSIM_PRESENTATION", "1")
    w = projector_window(qtbot)
    _index, lessons = load_lesson_sequence("1")
    w.lessons.open_lessons(lessons, 0)
    qtbot.wait(50)  # (the deferred pass too)
    lesson = w.findChild(QDockWidget, "lessonPanel")
    assert lesson in w.tabifiedDockWidgets(w.findChild(QDockWidget, "controlsDock"))
    assert not lesson.visibleRegion().isEmpty()  # in front: the learner reads it
    w.shutdown()


def test_the_lesson_panel_is_built_when_first_needed(window):
    """Start-up builds no lesson panel; its dock is there (a saved layout restores it by name)
    and gets the panel when a lesson opens or the dock is shown."""
    from gdsim.gui.features.lessons import LessonPanel

    dock = window.findChild(QDockWidget, "lessonPanel")
    assert dock is not None and not dock.isVisible()
    assert window.findChild(LessonPanel) is None
    dock.show()  # as View ▸ Lesson or a restored layout would
    assert isinstance(dock.widget(), LessonPanel)
    assert dock.findChild(QPushButton, "lessonNextButton") is not None
    dock.hide()
