"""Lessons: Teach ▸ Lessons and File ▸ Open Lesson… (gdsim.core.lessons).

The lesson panel (dock ``lessonPanel``) shows a lesson's title, text,
prediction question and things to try, with Back / Next and "3 / 10".
Showing a lesson sets the window up through ``apply_session`` (the lesson's
settings are a Session) and opens the panels it names (step explainer,
race, sweep...).  The learner's own state is captured as a session when the
first lesson opens and applied again when the panel is closed: their table
(with its unsaved-edits flag), settings, pinned runs, problem and panels come
back.  A bad lesson file shows one sentence and changes nothing.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from shiboken6 import isValid
from PySide6.QtWidgets import (
    QButtonGroup, QDockWidget, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
    QPushButton, QRadioButton, QScrollArea, QVBoxLayout, QWidget,
)

from .sessions import apply_session, capture_session, last_directory

PANEL_WIDTH = 420
LESSON_SHARE = 0.7  # of the right-hand column's height, when the panel first opens
SWEEP_HEIGHT = 230
STYLE = "<style>pre { background: #eef1f5; } code { background: #eef1f5; }</style>"
RIGHT, WRONG, REVEALED = "#0b6e2e", "#b00020", "#1b4f9c"
# The window's panels a lesson may open (gdsim.core.lessons.DOCKS) and their docks.
DOCK_NAMES = {"step_explainer": "stepExplainer", "race": "racePanel", "sweep": "lrSweepPanel",
              "optimum_distance": "optimumDistanceDock", "view3d": "view3DDock"}


class LessonPanel(QWidget):
    """The dock's contents: title, progress, text, question, things to try, Back / Next."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel(objectName="lessonTitleLabel", wordWrap=True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.progress_label = QLabel(objectName="lessonProgressLabel")
        self.progress_label.setAlignment(Qt.AlignRight | Qt.AlignTop)
        head = QHBoxLayout()
        head.addWidget(self.title_label, 1)
        head.addWidget(self.progress_label)

        self.text = QLabel(objectName="lessonText", wordWrap=True)
        self.text.setTextFormat(Qt.RichText)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextBrowserInteraction)
        self.text.setAlignment(Qt.AlignLeft | Qt.AlignTop)

        self.question_box = QGroupBox("Predict first", objectName="lessonQuestionBox")
        q = QVBoxLayout(self.question_box)
        self.question_label = QLabel(objectName="lessonQuestionLabel", wordWrap=True)
        q.addWidget(self.question_label)
        self.choices = QButtonGroup(self)
        self.choices_box = QWidget()
        self.choices_layout = QVBoxLayout(self.choices_box)
        self.choices_layout.setContentsMargins(0, 0, 0, 0)
        q.addWidget(self.choices_box)
        self.answer_edit = QLineEdit(objectName="lessonAnswerEdit", placeholderText="your answer (a number)")
        self.check_button = QPushButton("Check", objectName="lessonCheckButton")
        row = QHBoxLayout()
        row.addWidget(self.answer_edit, 1)
        row.addWidget(self.check_button)
        q.addLayout(row)
        self.result_label = QLabel(objectName="lessonResultLabel", wordWrap=True)
        self.result_label.setTextFormat(Qt.RichText)
        q.addWidget(self.result_label)
        self.answer_edit.returnPressed.connect(self.check_button.click)

        self.try_label = QLabel(objectName="lessonTryLabel", wordWrap=True)
        self.try_label.setTextFormat(Qt.RichText)

        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 6, 0)
        lay.addWidget(self.text)
        lay.addWidget(self.question_box)
        lay.addWidget(self.try_label)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)

        self.back_button = QPushButton("◀ Back", objectName="lessonBackButton")
        self.restart_button = QPushButton("Set up again", objectName="lessonRestartButton")
        self.restart_button.setToolTip("Put the lesson's data and settings back")
        self.next_button = QPushButton("Next ▶", objectName="lessonNextButton")
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.restart_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)

        outer = QVBoxLayout(self)
        outer.addLayout(head)
        outer.addWidget(scroll, 1)
        outer.addLayout(nav)

    def show_lesson(self, lesson, number: int, count: int) -> None:
        self.title_label.setText(lesson.title)
        self.progress_label.setText(f"{number} / {count}")
        self.text.setText(STYLE + lesson.html())
        self.back_button.setEnabled(number > 1)
        self.next_button.setEnabled(number < count)
        question = lesson.question
        self.question_box.setVisible(question is not None)
        for button in self.choices.buttons():
            self.choices.removeButton(button)
            button.deleteLater()
        self.result_label.clear()
        self.answer_edit.clear()
        if question is not None:
            self.question_label.setText(question.text)
            for k, choice in enumerate(question.choices):
                button = QRadioButton(choice, objectName=f"lessonChoice{k}")
                self.choices.addButton(button, k)
                self.choices_layout.addWidget(button)
            self.choices_box.setVisible(bool(question.choices))
            self.answer_edit.setVisible(not question.choices)
        items = "".join(f"<li>{html.escape(t)}</li>" for t in lesson.things_to_try)
        self.try_label.setText(f"<b>Things to try</b><ul style='margin-left: -20px'>{items}</ul>"
                               if items else "")
        self.try_label.setVisible(bool(items))

    def response(self) -> str:
        button = self.choices.checkedButton()
        if self.choices.buttons():
            return button.text() if button is not None else ""
        return self.answer_edit.text()

    def show_result(self, text: str, color: str) -> None:
        self.result_label.setText(f"<span style='color: {color}'>{text}</span>")


class LessonsController(QObject):
    """Teach ▸ Lessons, File ▸ Open Lesson…, the panel, and the learner's own state."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.lessons: tuple = ()
        self.index = 0
        self.last_error = ""
        self._saved = None  # (session, modified, function, open docks) before the first lesson
        self._revealed = False
        self._size = window.size()
        self._panel: LessonPanel | None = None  # built when first needed (a tenth of start-up's features)
        self.dock = QDockWidget("Lesson", window, objectName="lessonPanel")
        window.add_dock(self.dock, Qt.RightDockWidgetArea, visible=False)
        self.dock.toggleViewAction().toggled.connect(self._on_dock_toggled)
        self.dock.visibilityChanged.connect(lambda visible: visible and self.panel)  # (View menu, a layout)

        self.action = QAction("Lessons", window, objectName="actionLessons")
        self.action.setToolTip("The lecture, step by step: each lesson sets the window up, asks, and explains")
        self.action.triggered.connect(self._on_lessons_action)
        window.menu("&Teach").addAction(self.action)
        self.open_action = QAction("Open Lesson…", window, objectName="actionOpenLesson")
        self.open_action.setToolTip("Open a lesson file (.toml) written by a teacher")
        self.open_action.triggered.connect(self.open_interactive)
        file_menu = window.menu("&File")
        quit_action = next((a for a in file_menu.actions() if a.text() == "Quit"), None)
        file_menu.insertAction(quit_action, self.open_action) if quit_action else file_menu.addAction(
            self.open_action)

        window.frame_drawn.connect(self._on_frame_drawn)

    # --- public -----------------------------------------------------------------------------
    @property
    def panel(self) -> LessonPanel:
        """The lesson's text, question and buttons in the dock (built the first time it is needed)."""
        if self._panel is None:
            self._panel = panel = LessonPanel()
            panel.back_button.clicked.connect(lambda: self.show(self.index - 1))
            panel.next_button.clicked.connect(lambda: self.show(self.index + 1))
            panel.restart_button.clicked.connect(lambda: self.show(self.index))
            panel.check_button.clicked.connect(self.check_answer)
            self.dock.setWidget(panel)
        return self._panel

    @property
    def lesson(self):
        return self.lessons[self.index] if self.lessons else None

    @property
    def active(self) -> bool:
        return self._saved is not None

    def open_builtin(self, index: int = 0) -> bool:
        """The built-in lessons, at ``index`` (Teach ▸ Lessons opens the first)."""
        from ...core.lessons import LessonError, builtin_lessons

        try:
            lessons = builtin_lessons()
        except (LessonError, FileNotFoundError) as exc:
            return self._error(str(exc))
        if not lessons:
            return self._error("This installation has no built-in lessons.")
        self.open_lessons(lessons, index)
        return True

    def open_file(self, path) -> bool:
        """A teacher's lesson file; a bad one shows one sentence and leaves the window as it was."""
        from ...core.lessons import LessonError, load_lesson

        try:
            lesson = load_lesson(path)
        except LessonError as exc:
            return self._error(str(exc))
        self.open_lessons((lesson,), 0)
        return True

    def open_interactive(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open Lesson", last_directory(),
                                              "gdsim lessons (*.toml);;All files (*)")
        return self.open_file(path) if path else False

    def open_lessons(self, lessons, index: int = 0) -> None:
        self.lessons = tuple(lessons)
        self._place_dock()
        self.show(index)

    def show(self, index: int) -> None:
        """Show lesson ``index`` and set the window up for it."""
        if not self.lessons:
            return
        self.index = max(0, min(index, len(self.lessons) - 1))
        lesson = self.lessons[self.index]
        window = self.window
        if self._saved is None:
            self._saved = (capture_session(window), window.document.is_modified,
                           getattr(window.function, "name", None), self._open_docks())
            self._size = window.size()
        self._revealed = False
        if window.function is not None:
            window.set_function(None, reset=False)
        apply_session(window, lesson.session)
        if self._saved[1]:  # the learner's unsaved edits: closing the window still asks
            window.document.undo_stack.resetClean()
        self._show_docks(set(lesson.docks))
        QTimer.singleShot(0, self._keep_size)  # once the closed panels have left the layout
        if lesson.race and getattr(window, "race_feature", None) is not None:
            window.race_feature.panel.set_rows(lesson.race)
        self.panel.show_lesson(lesson, self.index + 1, len(self.lessons))
        window.status_label.setText(f"Lesson {self.index + 1}: {lesson.title}. "
                                    "Answer the question, then press Start.")
        self.dock.show()
        self.dock.raise_()
        presentation = getattr(window, "presentation", None)
        if presentation is not None:  # on a narrow projector the lesson (and its panels) become tabs
            presentation.make_room()
            QTimer.singleShot(0, presentation.make_room)  # panels shown on the next pass too

    def check_answer(self) -> bool | None:
        """Check the learner's prediction; True/False, or None when there is nothing to check."""
        question = self.lesson.question if self.lesson else None
        if question is None:
            return None
        response = self.panel.response()
        if not response.strip():
            self.panel.show_result("Choose or type an answer first.", WRONG)
            return None
        right = question.check(response)
        verdict = "Right." if right else f"Not quite: the answer is {html.escape(question.answer_text)}."
        self.panel.show_result(f"<b>{verdict}</b> {html.escape(question.explanation)} "
                               "Press Start to see it happen.", RIGHT if right else WRONG)
        self._revealed = True
        return right

    def close(self) -> None:
        """Leave the lessons: the panel closes and the learner's own state comes back."""
        self.dock.hide()  # -> _on_dock_toggled(False) -> _restore

    # --- internals --------------------------------------------------------------------------
    def _on_lessons_action(self) -> None:
        """Teach ▸ Lessons: the first lesson, or back to the panel where the learner is."""
        if self.active and self.lessons:
            self.dock.show()
            self.dock.raise_()
        else:
            self.open_builtin(0)

    def _on_frame_drawn(self, frame) -> None:
        lesson = self.lesson
        if (self.active and not self._revealed and lesson is not None and lesson.question is not None
                and frame.snapshot.done):
            self._revealed = True
            q = lesson.question
            self.panel.show_result(f"<b>The run is over. The answer: {html.escape(q.answer_text)}.</b> "
                                   f"{html.escape(q.explanation)}", REVEALED)

    def _on_dock_toggled(self, visible: bool) -> None:
        # (not while the window closes or is torn down: its docks hide then too)
        if not visible and self._saved is not None and isValid(self.window) and self.window.isVisible():
            self._restore()

    def _restore(self) -> None:
        session, modified, function, docks = self._saved
        self._saved = None
        window = self.window
        apply_session(window, session)
        if modified:  # apply_session marks the document saved; the user's edits are still unsaved
            window.document.undo_stack.resetClean()
        if function is not None:
            window.set_function(function)
        self._show_docks(docks)
        QTimer.singleShot(0, self._keep_size)
        window.status_label.setText("Left the lessons: your own data and settings are back.")

    def _keep_size(self) -> None:
        """Back to the window's size before the lessons: a panel with a tall minimum (the
        sweep's) grows the window, which does not shrink by itself when the panel closes."""
        window = self.window
        if not isValid(window):
            return
        if not (window.isMaximized() or window.isFullScreen()) and window.size() != self._size:
            window.resize(self._size)

    def _dock(self, key: str):
        return self.window.findChild(QDockWidget, DOCK_NAMES[key])

    def _open_docks(self) -> set[str]:
        return {k for k in DOCK_NAMES if (d := self._dock(k)) is not None and d.toggleViewAction().isChecked()}

    def _show_docks(self, wanted: set[str]) -> None:
        window = self.window
        for key in DOCK_NAMES:
            dock = self._dock(key)
            if dock is None:
                continue
            on = key in wanted
            if on == dock.toggleViewAction().isChecked():
                continue
            race = getattr(window, "race_feature", None)
            if key == "race" and race is not None:
                if on:
                    race.open()
                else:  # the next lesson is another subject: its race stops with it
                    if race.is_running:
                        race.stop()
                    dock.hide()
            elif key == "step_explainer" and (action := window.findChild(QAction, "actionStepExplainer")):
                action.setChecked(on)
            elif key == "view3d" and getattr(window, "view3d", None) is not None:
                window.view3d.action.setChecked(on)
            else:
                if not on and key == "sweep" and dock.is_running:
                    dock.cancel()
                dock.setVisible(on)
                if on and key == "sweep":
                    window.resizeDocks([dock], [SWEEP_HEIGHT], Qt.Vertical)

    def _place_dock(self) -> None:
        """Above the dataset table, the first time (the table's highlighted rows stay in view)."""
        window = self.window
        data = window.findChild(QDockWidget, "datasetDock")
        if self.dock.isVisible() or data is None or self.dock.isFloating():
            return
        if window.dockWidgetArea(data) == window.dockWidgetArea(self.dock):
            window.splitDockWidget(self.dock, data, Qt.Vertical)
        self.dock.show()
        window.resizeDocks([self.dock], [PANEL_WIDTH], Qt.Horizontal)
        # once laid out: most of the column for the lesson, the table keeps a few rows
        QTimer.singleShot(0, lambda: isValid(window) and window.resizeDocks(
            [self.dock, data], [int(LESSON_SHARE * 1000), int((1 - LESSON_SHARE) * 1000)], Qt.Vertical))

    def _error(self, text: str) -> bool:
        self.last_error = text
        box = QMessageBox(QMessageBox.Warning, "Cannot open lesson", text, QMessageBox.Ok, self.window)
        box.setObjectName("lessonErrorBox")
        box.setAttribute(Qt.WA_DeleteOnClose, True)
        box.open()
        return False


def install(window) -> LessonsController:
    window.lessons = LessonsController(window)
    return window.lessons
