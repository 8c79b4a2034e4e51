"""The Problem menu: descend the dataset or one of the classic test functions.

``ProblemMenu`` is a mixin of ``MainWindow``; ``set_function`` is public.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget

from ..core.functions import FUNCTIONS, FunctionSource, make_function
from ..core.source import ProblemSource, source_for


class ProblemMenu:
    """Problem ▸ Data / a test function / Bowl condition number…"""

    _table_hidden = False  # a problem without a table hid the dataset dock
    _data_settings = None  # (lr, epochs, start point) of the data, kept while a test function is descended

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
        if name is None:
            self.set_problem(source_for(self.document.dataset, self.controls.config()), reset)
        else:
            self.set_problem(FunctionSource(make_function(name, condition)), reset)

    def set_problem(self, source: ProblemSource, reset: bool = True) -> None:
        """Descend ``source``: the views and controls that apply to it are shown, the others hidden.

        A newly chosen problem brings its start point and, for a test function,
        settings that converge (its lr for plain SGD, and its epochs).
        """
        self.worker.pause()
        previous, self._source = self._source, source
        applies = source.applies
        self.fit_view.setVisible(applies.fit_view)
        self._show_table(applies.table)
        for combo in (self.surface_x_combo, self.surface_y_combo):
            combo.setEnabled(applies.surface_axes)
        self.controls.set_applicable(model=applies.model, batches=applies.batches)
        if previous is None or previous.applies.batch_loss != applies.batch_loss:
            self._label_loss_curves(source)
        if applies.batches:
            self.controls.set_n_rows(source.n_rows)
        if self.controls.parameter_names() != source.parameter_names:
            self.controls.set_parameter_names(source.parameter_names)
        if not source.is_same_problem(previous):
            self._apply_problem_settings(previous, source)
        for action in self.problem_actions.values():
            action.setChecked(action.data() == self._problem_key(source))
        if reset:
            self._reset()

    def _apply_problem_settings(self, previous: ProblemSource | None, source: ProblemSource) -> None:
        """The start point, lr and epochs of a newly chosen problem: a test function's own; the
        data's as they were when it was left (or zeros)."""
        config = self.controls.config()
        if previous is not None and previous.applies.table and not source.applies.table:
            self._data_settings = (config.hyper.get("lr"), config.epochs, self.controls.init())
        if source.applies.table and self._data_settings is not None:
            lr, epochs, init = self._data_settings
            self._data_settings = None
        else:
            lr = source.defaults.get("lr") if config.optimizer == "sgd" else None
            epochs, init = source.defaults.get("epochs", config.epochs), source.default_init
        if init is not None and len(init) != source.n_parameters:
            init = None
        hyper = {} if lr is None else {"lr": lr}
        self.controls.set_config(config.with_hyper(**hyper).replace(init=init, epochs=epochs))

    def _label_loss_curves(self, source: ProblemSource) -> None:
        """The loss plot's legend lists a mini-batch loss only where there are mini-batches."""
        if source.applies.batch_loss:
            self.loss_view.set_series_names("mini-batch loss", "full-dataset loss")
        else:
            self.loss_view.set_series_names(None, source.loss_label)

    def _problem_key(self, source: ProblemSource) -> str:
        return source.function.name if isinstance(source, FunctionSource) else "data"

    def _show_table(self, shown: bool) -> None:
        """Hide the dataset dock while the problem has no table; show it again after, if it was."""
        dock = self.findChild(QDockWidget, "datasetDock")
        if not shown and not dock.isHidden():
            self._table_hidden = True
            dock.setVisible(False)
        elif shown and self._table_hidden:
            self._table_hidden = False
            dock.setVisible(True)

    @property
    def function(self):
        """The test function being descended, or None on data."""
        return getattr(self._source, "function", None)

    @property
    def source(self) -> ProblemSource:
        """What the window descends (gdsim.core.source): the data (a linear model or a network) or a test function."""
        return self._source

    def _ask_bowl_condition(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        value, ok = QInputDialog.getDouble(self, "Bowl", "Condition number κ (≥ 1):", 10.0, 1.0, 1e6, 2)
        if ok:
            self.set_function("bowl", value)
