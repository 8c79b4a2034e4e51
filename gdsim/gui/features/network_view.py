"""The network view in a dock: the current model's weights as a network, updated as it trains.

Every model trained on data is drawn: an MLP layer by layer, softmax regression
as one layer of k outputs, and linear and logistic regression as one Linear
layer (inputs → one output; w1..wd are its weight, b its bias, in the same
flat order).  A test function has no network, and the dock says so.

The dock opens by itself once per window, when the run first is a network (an
MLP or softmax model: a network preset at start, or chosen or opened later);
closed, or hidden by View ▸ Reset layout, it stays closed until the user shows
it again (View or Teach ▸ Network view).

Frames are drawn at most every ``MIN_INTERVAL_S``, and never more often than
leaves painting the view ``PAINT_SHARE`` of the GUI thread's time (a
2-16-16-16-16-3 net paints in 5-8 ms: 12-20 drawings a second), but at least
every ``MAX_INTERVAL_S``; the newest parameters are always drawn in the end.
Clicking an edge or a node picks that weight or bias as a surface axis
(``window.pick_surface_parameter``); the surface's two parameters are outlined.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from ...core.network import NetworkProblem
from ...core.problem import LOSS_TITLES
from ..plots.network_view import NetworkView

FUNCTION_TEXT = "The network view shows a model's weights; a test function has none."
NO_RUN_TEXT = "No network to draw: the settings are invalid (the status line says why)."
MIN_INTERVAL_S = 1 / 30
MAX_INTERVAL_S = 0.5  # one slow paint (the first, on a busy machine) delays the next only this long
PAINT_SHARE = 0.1
HEIGHT_SHARE, MIN_HEIGHT = 0.45, 260  # the dock's height when first shown, beside other docks


def network_of(run) -> dict | None:
    """What ``NetworkView.set_network`` needs to draw ``run``'s model, or None for a test function."""
    if run.source.kind == "function":
        return None
    problem = run.problem
    inputs = run.dataset.feature_names
    if isinstance(problem, NetworkProblem):
        sizes, title = problem.sizes, problem.describe()
    else:  # linear or logistic regression: one Linear(d, 1), weight w1..wd then bias b
        sizes, title = (len(inputs), 1), f"{problem.model} regression, {LOSS_TITLES[problem.loss]}"
    outputs = (run.dataset.target,) if sizes[-1] == 1 else tuple(f"class {k}" for k in range(sizes[-1]))
    return dict(sizes=sizes, input_names=inputs, output_names=outputs,
                parameter_names=run.parameter_names, title=title)


def is_network(run) -> bool:
    return run is not None and isinstance(run.problem, NetworkProblem)


class NetworkViewDock(QDockWidget):
    """The dock and its throttle; ``view`` is the ``NetworkView``."""

    def __init__(self, window) -> None:
        super().__init__("Network", window, objectName="networkViewDock")
        self._window = window
        self.view = NetworkView()
        self.view.parameter_clicked.connect(self._on_parameter_clicked)
        self.setWidget(self.view)
        self._pending = None  # parameters not drawn yet
        self._last_drawn = -1e9
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._draw_pending)
        self._was_network = False
        self._opened_once = False
        self._sized = False
        self.visibilityChanged.connect(self._on_visibility)

    # --- window signals -----------------------------------------------------------------
    def on_run_changed(self, run) -> None:
        self._timer.stop()
        self._pending = None
        if run is None:
            self.view.set_message(NO_RUN_TEXT)
            return
        network = network_of(run)
        if network is None:
            self.view.set_message(FUNCTION_TEXT)
        else:
            self.view.set_network(**network)
            self.view.set_params(run.params)
            self._last_drawn = time.perf_counter()
        if is_network(run) and not self._was_network and not self._opened_once:
            self._opened_once = True
            self.show()
        self._was_network = is_network(run)
        self.sync_marks()

    def sync_marks(self) -> None:
        """Outline the two parameters the loss surface is drawn over (none on a pca or random plane)."""
        run = self._window.current_run
        tracker = getattr(self._window, "surface_model", None)
        axes = () if tracker is None or getattr(tracker, "on_plane", False) else tracker.axes
        self.view.set_marked(axes if run is not None and run.source.kind != "function" else ())

    def on_frame_drawn(self, frame) -> None:
        self._pending = frame.snapshot.params
        self.sync_marks()
        if self.isVisible() and not self._timer.isActive():
            wait = self.interval() - (time.perf_counter() - self._last_drawn)
            if wait <= 0:
                self._draw_pending()
            else:
                self._timer.start(max(1, round(wait * 1000)))

    def interval(self) -> float:
        """Seconds between two drawings: MIN_INTERVAL_S, or longer when painting is slow."""
        return min(max(MIN_INTERVAL_S, self.view.last_paint_seconds / PAINT_SHARE), MAX_INTERVAL_S)

    def _draw_pending(self) -> None:
        if self._pending is not None:
            self.view.set_params(self._pending)
            self._pending = None
            self._last_drawn = time.perf_counter()

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            if not self._sized and not self.isFloating():
                self._sized = True  # the first time: a good share of its column, not a strip
                self._window.resizeDocks([self], [max(MIN_HEIGHT, int(HEIGHT_SHARE * self._window.height()))],
                                         Qt.Vertical)
            self._draw_pending()  # what came while it was hidden

    def _on_parameter_clicked(self, index: int) -> None:
        pick = getattr(self._window, "pick_surface_parameter", None)
        if callable(pick):
            pick(index)
            self.sync_marks()


def install(window) -> None:
    dock = NetworkViewDock(window)
    window.add_dock(dock, Qt.RightDockWidgetArea, visible=False)
    action = dock.toggleViewAction()
    action.setObjectName("actionNetworkView")
    action.setText("Network view")
    action.setToolTip("Show the model as a network: edge width |w|, colour the sign; click a weight "
                      "to make it a surface axis")
    window.menu("&Teach").addAction(action)
    window.run_changed.connect(dock.on_run_changed)
    window.frame_drawn.connect(dock.on_frame_drawn)
    for name in ("surface_x_combo", "surface_y_combo", "surface_plane_combo"):
        combo = getattr(window, name, None)
        if combo is not None:  # connected after the window's own slot: the tracker has the new axes
            combo.currentIndexChanged.connect(dock.sync_marks)
    dock.on_run_changed(window.current_run)
    window.network_view_dock = dock
