"""Pinned runs: keep the current run as a faded path and loss curve to compare with.

"Pin this run" (Teach menu and toolbar) copies the current run (finished or
not) into a ``gdsim.core.compare.PinnedRun``; its path is drawn as a faded
dashed ghost on the loss surface (in the current surface axes, redrawn when
the axes or the run change; not drawn when the pinned run had another number
of parameters) and its full-dataset loss as a faded dashed curve labelled
"pin 1: SGD lr=0.01".  Pins survive Reset and changes of settings; "Clear
pinned runs" removes them.

The window exposes ``window.pins`` (the controller), ``window.pinned_runs()``
(the records, for saving a session) and ``window.add_pin(record)`` (to restore
one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from ..plots import style

# gdsim.core.compare is imported when there is a pin to make or draw, not with the window.
if TYPE_CHECKING:
    from ...core.compare import PinnedRun

#: faded colours of successive pins (distinct from the live path and loss colours)
PIN_COLORS: tuple[str, ...] = ("#ff7f0e", "#e377c2", "#17becf", "#bcbd22", "#9467bd", "#8c564b")
#: opacity of a pinned loss curve (0-255)
CURVE_ALPHA = 170
#: opacity of a pinned path on the surface (thicker than SurfaceView's default ghost)
GHOST_ALPHA = 190


def pin_color(i: int) -> str:
    return PIN_COLORS[int(i) % len(PIN_COLORS)]


def _faded(color: str, alpha: int = CURVE_ALPHA) -> tuple[int, int, int, int]:
    c = pg.mkColor(color)
    return (c.red(), c.green(), c.blue(), alpha)


class PinsController(QObject):
    """Owns the pinned runs and the plot items that show them (and nothing else)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._pins: list[dict] = []  # {"record", "color", "ghost", "tag", "curve", "key"}
        self._count = 0
        self._frame = None  # the newest frame drawn for the current run
        self._ghost_extent = None
        self._run_serial = 0  # counts runs, to refuse pinning the same run twice unchanged

        self.pin_action = QAction("Pin this run", window, objectName="actionPinRun")
        self.pin_action.setToolTip("Keep this run as a faded path and loss curve to compare "
                                   "with the next runs")
        self.pin_action.setStatusTip(self.pin_action.toolTip())
        self.pin_action.triggered.connect(self.pin_current)
        self.clear_action = QAction("Clear pinned runs", window, objectName="actionClearPins")
        self.clear_action.setToolTip("Remove every pinned run from the plots")
        self.clear_action.triggered.connect(self.clear)
        menu = window.menu("&Teach")
        menu.addAction(self.pin_action)
        menu.addAction(self.clear_action)
        window.toolbar.addSeparator()
        window.toolbar.addAction(self.pin_action)
        window.toolbar.addAction(self.clear_action)

        window.run_changed.connect(self._on_run_changed)
        window.frame_drawn.connect(self._on_frame_drawn)
        # connected after the window's own slots, so the tracker's axes are already new
        window.surface_x_combo.currentIndexChanged.connect(self._redraw_ghosts)
        window.surface_y_combo.currentIndexChanged.connect(self._redraw_ghosts)
        window.loss_epoch_check.toggled.connect(self._redraw_curves)
        self._update_actions()

    # --- public ---------------------------------------------------------------------
    def records(self) -> list[PinnedRun]:
        """The pinned runs, oldest first."""
        return [p["record"] for p in self._pins]

    def pin_current(self) -> PinnedRun | None:
        """Pin the current run as drawn so far; None when there is nothing new to pin."""
        from ...core.compare import pin_label, pin_run, pinned_from_arrays

        run = self._window.current_run
        if run is None:
            return None
        frame = self._frame
        at = int(frame.iterations[-1]) if frame is not None else 0  # the iteration drawn last
        key = (self._run_serial, at)
        if any(p["key"] == key for p in self._pins):
            self._window.status_label.setText("This run is already pinned as it is now.")
            return None
        label = pin_label(self._count + 1, run.config)
        if frame is None:
            record = pin_run(run, label, 1)
        else:  # the rows drawn, from the frame: the worker may thin the history meanwhile
            record = pinned_from_arrays(label, run.parameter_names, frame.params, frame.full_loss,
                                        run.config, standardizer=run.standardizer,
                                        iterations=frame.iterations,
                                        iterations_per_epoch=run.iterations_per_epoch)
        self._add(record, key)
        self._window.status_label.setText(
            f"Pinned “{record.label}” at iteration {record.n_iterations}; "
            "change a setting and press Start to compare.")
        return record

    def add_pin(self, record: PinnedRun) -> None:
        """Add a pinned run (e.g. restored from a saved session)."""
        self._add(record, None)

    def clear(self) -> None:
        for pin in self._pins:
            self._remove_items(pin)
        self._pins.clear()
        self._count = 0
        self._update_actions()

    def ghost_items(self) -> list:
        """The surface items this feature drew (None where a pin is not drawable)."""
        return [p["ghost"] for p in self._pins]

    def curve_items(self) -> list:
        return [p["curve"] for p in self._pins]

    # --- internals --------------------------------------------------------------------
    def _add(self, record: PinnedRun, key) -> None:
        self._count += 1
        pin = {"record": record, "color": pin_color(len(self._pins)), "ghost": None,
               "tag": None, "curve": None, "key": key}
        self._pins.append(pin)
        self._draw_ghost(pin)
        self._draw_curve(pin)
        self._update_actions()

    def _update_actions(self) -> None:
        self.clear_action.setEnabled(bool(self._pins))

    def _on_run_changed(self, run) -> None:
        self._frame = None
        self._run_serial += 1
        if run is None:
            return
        self._redraw_ghosts()
        self._redraw_curves()

    def _on_frame_drawn(self, frame) -> None:
        self._frame = frame
        if not self._pins:
            return
        sv = self._window.surface_view
        ghosts = sv.ghost_paths()
        if sv.surface_extent() != self._ghost_extent or any(
                p["ghost"] is not None and all(p["ghost"] is not g for g in ghosts) for p in self._pins):
            self._redraw_ghosts()  # the surface grew (clip to the new box), or ghosts were cleared
        present = self._window.loss_view.extra_series()
        if any(all(p["curve"] is not c for c in present) for p in self._pins):
            self._redraw_curves()  # someone cleared every extra series

    # surface ghosts
    def _redraw_ghosts(self, *_args) -> None:
        for pin in self._pins:
            self._remove_ghost(pin)
            self._draw_ghost(pin)

    def _draw_ghost(self, pin) -> None:
        from ...core.compare import path_in_training_units

        w = self._window
        run = w.current_run
        self._ghost_extent = w.surface_view.surface_extent()
        if run is None:
            return
        path = path_in_training_units(pin["record"], run.params.size, run.standardizer)
        if path is None or len(path) == 0:
            return
        points = w.surface_model.project(path)  # (two columns, or on the pca/random plane)
        ghost = w.surface_view.add_ghost_path(points, pin["color"])
        ghost.setPen(style.pen(_faded(pin["color"], GHOST_ALPHA), width=2.6, dashed=True))
        pin["ghost"] = ghost
        sv = w.surface_view
        sv.legend.addItem(ghost, pin["record"].label.split(",")[0])  # short: the plot is narrow
        sv.legend.setVisible(True)
        finite = points[np.isfinite(points).all(axis=1)]
        extent = sv.surface_extent()
        if len(finite):
            end = finite[-1]
            if extent is None or (extent[0] <= end[0] <= extent[1] and extent[2] <= end[1] <= extent[3]):
                tag = pg.ScatterPlotItem(size=11, symbol="o", pen=pg.mkPen("k", width=1.2),
                                         brush=pg.mkBrush(_faded(pin["color"], 230)))
                tag.setZValue(3)
                tag.setData(pos=finite[-1:])
                sv.plot_item.addItem(tag, ignoreBounds=True)
                pin["tag"] = tag

    def _remove_ghost(self, pin) -> None:
        sv = self._window.surface_view
        if pin["ghost"] is not None:
            sv.legend.removeItem(pin["ghost"])
            sv.remove_ghost_path(pin["ghost"])
            pin["ghost"] = None
            sv.legend.setVisible(bool(sv.legend.items))
        if pin["tag"] is not None:
            sv.plot_item.removeItem(pin["tag"])
            pin["tag"] = None

    # loss curves
    def _redraw_curves(self, *_args) -> None:
        for pin in self._pins:
            self._remove_curve(pin)
        for pin in self._pins:
            self._draw_curve(pin)

    def _draw_curve(self, pin) -> None:
        from ...core.compare import loss_curve_x

        w = self._window
        run = w.current_run
        ipe = run.iterations_per_epoch if run is not None else 1
        record = pin["record"]
        x = loss_curve_x(record, w.loss_epoch_check.isChecked(), ipe)
        pin["curve"] = w.loss_view.add_extra_series(x, record.full_loss, record.label,
                                                    _faded(pin["color"]), dashed=True)

    def _remove_curve(self, pin) -> None:
        item = pin["curve"]
        pin["curve"] = None
        if item is None:
            return
        self._window.loss_view.remove_extra_series(item)

    def _remove_items(self, pin) -> None:
        self._remove_ghost(pin)
        self._remove_curve(pin)


def install(window) -> None:
    controller = PinsController(window)
    window.pins = controller
    window.pinned_runs = controller.records
    window.add_pin = controller.add_pin
