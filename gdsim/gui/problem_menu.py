"""The Problem menu: descend the dataset or one of the classic test functions.

``ProblemMenu`` is a mixin of ``MainWindow``; ``set_function`` is public.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup

from ..core.functions import FUNCTIONS, make_function


class ProblemMenu:
    """Problem ▸ Data / a test function / Bowl condition number…"""

    _function = None  # a ClassicFunction while the problem is a test function

    def _build_problem_menu(self) -> None:
        problem_menu = self.menuBar().addMenu("&Problem")
        self.problem_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for key, text in [("data", "Data (the dataset table)")] + [
                (n, make_function(n).title) for n in FUNCTIONS]:
            action = QAction(text, self, objectName=f"actionProblem{key.capitalize()}", checkable=True)
            action.setData(key)
            action.setChecked(key == "data")
            group.addAction(action)
            action.triggered.connect(lambda _c=False, k=key: self.set_function(None if k == "data" else k))
            problem_menu.addAction(action)
            self.problem_actions[key] = action
        problem_menu.addSeparator()
        condition = problem_menu.addAction("Bowl condition number…")
        condition.setObjectName("actionBowlCondition")
        condition.triggered.connect(self._ask_bowl_condition)

    def set_function(self, name: str | None, condition: float | None = None, reset: bool = True) -> None:
        """Descend a classic test function (name from gdsim.core.functions), or the data (None)."""
        self.worker.pause()
        self._function = None if name is None else make_function(name, condition)
        is_function = self._function is not None
        self.fit_view.setVisible(not is_function)
        self.dataset_panel.setEnabled(not is_function)
        for combo in (self.surface_x_combo, self.surface_y_combo):
            combo.setEnabled(not is_function)
        names = ("x", "y") if is_function else self._parameter_names(self.document.dataset)
        self.controls.set_parameter_names(names)
        if is_function:
            self.controls.set_init(self._function.init, emit=False)
        for action in self.problem_actions.values():
            action.setChecked(action.data() == (name or "data"))
        if reset:
            self._reset()

    @property
    def function(self):
        return self._function

    def _ask_bowl_condition(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        value, ok = QInputDialog.getDouble(self, "Bowl", "Condition number κ (≥ 1):", 10.0, 1.0, 1e6, 2)
        if ok:
            self.set_function("bowl", value)
