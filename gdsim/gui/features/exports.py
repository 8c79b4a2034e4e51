"""Exports (File → Export): the history as CSV, a plot as PNG or SVG, the descent as a GIF.

* History CSV: ``epoch,iteration,loss,w1,...,wd,b`` of the current run, in
  History.to_csv's format (as ``gdsim train --history``); while the run is
  going, the rows drawn so far; a full-batch run's last loss, which the core
  settles only with the next step, is computed for the file.
* Plot: the loss surface, the loss curve or the data with the fit, through
  pyqtgraph's ImageExporter (PNG, at least 1600 px wide, for slides) or
  SVGExporter; written atomically.
* Animation: the current run so far, ``animation_frames`` frames evenly
  spaced in iterations, drawn offscreen with the app's own plots
  (gdsim.gui.render) behind a cancellable progress dialog; the run is
  paused first. On a pca or random plane the GIF shows that plane
  (gdsim.core.plane_animation); one it cannot draw gives two parameters and
  a sentence saying why.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QMenu,
    QMessageBox, QProgressDialog,
)

from ...core.atomic import atomic_write_bytes, atomic_write_text

PLOTS = (("surface", "Loss surface", "loss-surface"),
         ("loss", "Loss curve", "loss-curve"),
         ("fit", "Data and fit", "data-fit"))
PNG_MIN_WIDTH = 1600


def _views(window) -> dict:
    return {"surface": window.surface_view, "loss": window.loss_view, "fit": window.fit_view}


_SVG_PATCHED = False


def _patch_svg_exporter() -> None:
    """pyqtgraph 0.14's SVGExporter fails on the "Z" that Qt 6 ends closed paths with
    (pyqtgraph issue #3485): set such tokens aside while it maps coordinates, then put them back."""
    global _SVG_PATCHED
    if _SVG_PATCHED:
        return
    import sys

    import pyqtgraph.exporters  # noqa: F401 (loads the module patched below)

    module = sys.modules["pyqtgraph.exporters.SVGExporter"]
    original = module.correctCoordinates

    def correct(node, defs, item, options):
        closed = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            kept = [t for t in tokens if "," in t]
            if len(kept) != len(tokens):
                path.setAttribute("d", " ".join(kept))
                closed.append((path, any(t.upper() == "Z" for t in tokens if "," not in t)))
        original(node, defs, item, options)
        for path, close in closed:
            if close and path.getAttribute("d").strip():
                path.setAttribute("d", path.getAttribute("d").strip() + " Z")

    module.correctCoordinates = correct
    _SVG_PATCHED = True


def plot_bytes(plot_widget, fmt: str) -> bytes:
    """The plot (its whole PlotItem: axes, legend, colour bar) as PNG or SVG bytes."""
    import pyqtgraph.exporters as exporters

    item = plot_widget.getPlotItem()
    if fmt == "svg":
        _patch_svg_exporter()
        return exporters.SVGExporter(item).export(toBytes=True)
    exporter = exporters.ImageExporter(item)
    width = int(exporter.parameters()["width"])
    if width < PNG_MIN_WIDTH:
        exporter.parameters()["width"] = PNG_MIN_WIDTH  # the height follows the aspect ratio
    image = exporter.export(toBytes=True)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("the picture could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


def history_csv_text(epoch, full_loss, params, parameter_names, iterations=None) -> str:
    """The text History.to_csv writes, from arrays (rows drawn so far); ``iterations`` numbers
    the rows (a thinned history's), else row k is iteration k."""
    names = [f'"{n}"' if "," in n else n for n in parameter_names]  # 0.weight[0,1] quoted, as History.to_csv
    lines = [",".join(["epoch", "iteration", "loss", *names])]
    for k in range(len(params)):
        cells = [str(int(epoch[k])), str(k if iterations is None else int(iterations[k])),
                 repr(float(full_loss[k]))]
        cells += [repr(float(v)) for v in params[k]]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


class ExportPlotDialog(QDialog):
    """Which plot, and which format."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("exportPlotDialog")
        self.setWindowTitle("Export plot")
        form = QFormLayout(self)
        self.plot_combo = QComboBox(objectName="exportPlotCombo")
        for key, text, _ in PLOTS:
            self.plot_combo.addItem(text, key)
        self.format_combo = QComboBox(objectName="exportFormatCombo")
        self.format_combo.addItem("PNG picture", "png")
        self.format_combo.addItem("SVG drawing (scalable)", "svg")
        form.addRow("Plot", self.plot_combo)
        form.addRow("Format", self.format_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Export…")
        buttons.button(QDialogButtonBox.Ok).setObjectName("exportPlotOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[str, str]:
        return self.plot_combo.currentData(), self.format_combo.currentData()


class ExportsController(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._frame = None
        self.animation_frames = 60
        self.animation_fps = 12.0
        self.last_error = ""
        self.last_path: Path | None = None
        self.progress: QProgressDialog | None = None
        self.dialog: ExportPlotDialog | None = None

        self.menu = QMenu("Export", window, objectName="menuExport")
        self.history_action = QAction("History as CSV…", window, objectName="actionExportHistory")
        self.history_action.setToolTip("Every iteration: epoch, iteration, loss and parameters")
        self.history_action.triggered.connect(self.export_history_interactive)
        self.plot_action = QAction("Plot as PNG or SVG…", window, objectName="actionExportPlot")
        self.plot_action.triggered.connect(self.export_plot_interactive)
        self.animation_action = QAction("Descent as animated GIF…", window, objectName="actionExportAnimation")
        self.animation_action.setToolTip("The loss surface (on the plane it is drawn on) with the path and the loss curve, "
                                         "frame by frame")
        self.animation_action.triggered.connect(self.export_animation_interactive)
        for action in (self.history_action, self.plot_action, self.animation_action):
            self.menu.addAction(action)
        file_menu = window.menu("&File")
        separators = [a for a in file_menu.actions() if a.isSeparator()]
        before = separators[-1] if separators else None
        if before is not None:
            file_menu.insertMenu(before, self.menu)
        else:
            file_menu.addMenu(self.menu)
        window.run_changed.connect(self._on_run_changed)
        window.frame_drawn.connect(self._on_frame_drawn)

    def _on_run_changed(self, _run) -> None:
        self._frame = None

    def _on_frame_drawn(self, frame) -> None:
        self._frame = frame

    def _history_source(self):
        """What was drawn: the last frame's rows while the worker runs, else the run's history."""
        run = self._window.current_run
        if run is None:
            return None
        if self._window.worker.is_running and self._frame is not None:
            return self._frame
        return run.history

    # --- history -------------------------------------------------------------------------
    def export_history(self, path: str | os.PathLike) -> bool:
        run = self._window.current_run
        if run is None:
            return self._error("Nothing to export", "There is no run to export; fix the settings first.")
        source = self._history_source()
        n = len(source.params)
        params = source.params[:n]
        full_loss = np.array(source.full_loss[:n], dtype=np.float64)
        if n and not np.isfinite(full_loss[-1]) and np.isfinite(params[-1]).all():
            # a full-batch step's loss is settled with the next step: compute it now
            full_loss[-1] = run.full_loss(params[-1])
        try:
            iterations = getattr(source, "iterations", None)  # a frame's, or a History's
            iterations = source.iteration if iterations is None else iterations
            atomic_write_text(path, history_csv_text(source.epoch[:n], full_loss, params,
                                                     run.parameter_names, iterations[:n]))
        except OSError as exc:
            return self._error("Cannot export", f"Could not write {Path(path).name}: {exc.strerror or exc}.")
        return self._done(path, f"Saved the history ({n} rows) to {Path(path).name}.")

    def export_history_interactive(self) -> bool:
        path = self._ask_save("Export history", "history.csv", "CSV files (*.csv);;All files (*)")
        return self.export_history(_with_suffix(path, ".csv")) if path else False

    # --- plots ---------------------------------------------------------------------------
    def export_plot(self, which: str, path: str | os.PathLike) -> bool:
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in ("png", "svg"):
            return self._error("Cannot export", f"Cannot export {Path(path).name}: choose a name ending "
                                                "in .png or .svg.")
        view = _views(self._window)[which]
        try:
            atomic_write_bytes(path, plot_bytes(view, fmt))
        except OSError as exc:
            return self._error("Cannot export", f"Could not write {Path(path).name}: {exc.strerror or exc}.")
        title = dict((k, t) for k, t, _ in PLOTS)[which]
        return self._done(path, f"Saved the {title.lower()} to {Path(path).name}.")

    def export_plot_interactive(self) -> None:
        """Ask which plot and format (non-blocking dialog), then for the file name."""
        self.dialog = ExportPlotDialog(self._window)
        self.dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        self.dialog.accepted.connect(self._plot_dialog_accepted)
        self.dialog.open()

    def _plot_dialog_accepted(self) -> None:
        which, fmt = self.dialog.choice()
        name = dict((k, n) for k, _, n in PLOTS)[which] + "." + fmt
        filt = "PNG pictures (*.png)" if fmt == "png" else "SVG drawings (*.svg)"
        path = self._ask_save("Export plot", name, filt)
        if path:
            self.export_plot(which, _with_suffix(path, "." + fmt))

    # --- animation -----------------------------------------------------------------------
    def export_animation(self, path: str | os.PathLike, frames: int | None = None,
                         fps: float | None = None) -> bool:
        from ..render import ExportCancelled, render_gif

        window = self._window
        run = window.current_run
        if run is None:
            return self._error("Nothing to export", "There is no run to animate; fix the settings first.")
        if window.worker.is_running:
            window.toggle_pause()
        source = self._frame if self._frame is not None else run.history
        if len(source.params) < 2:
            return self._error("Nothing to animate yet",
                               "The run has not moved yet: press Start or Step, then export the animation.")
        frames = frames or self.animation_frames
        plan, fallback = self._animation_plan(run, frames, source)
        progress = QProgressDialog("Drawing the frames of the animation…", "Cancel", 0, len(plan.frames),
                                   window)
        progress.setObjectName("animationProgress")
        progress.setWindowTitle("Export animation")
        progress.setWindowModality(Qt.WindowModal)
        progress.setMinimumDuration(400)
        self.progress = progress

        def step(done: int, total: int) -> bool:
            progress.setValue(done)
            QApplication.processEvents()
            return not progress.wasCanceled()

        try:
            n = render_gif(plan, path, fps=fps or self.animation_fps, progress=step)
        except ExportCancelled:
            window.status_label.setText("Animation export cancelled; nothing was written.")
            self.last_error = ""
            return False
        except OSError as exc:
            return self._error("Cannot export", f"Could not write {Path(path).name}: {exc.strerror or exc}.")
        finally:
            progress.reset()
            progress.close()
            progress.deleteLater()
            self.progress = None
        return self._done(path, f"Saved the animation ({n} frames) to {Path(path).name}.{fallback}")

    def _animation_plan(self, run, frames: int, source):
        """The plan on the plane the window shows, and "" or a sentence saying why the animation
        shows two parameters instead (a plane that cannot be drawn)."""
        from ...core.animation import AnimationPlan

        tracker = self._window.surface_model
        fallback = ""
        if tracker.on_plane:
            from ...core.plane_animation import PLANE_NAMES, plane_animation_plan

            try:
                return plane_animation_plan(run, tracker.plane, frames, source, tracker.shown()), ""
            except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:  # (PlaneUnavailable too)
                i, j = tracker.axes
                names = run.parameter_names
                reason = str(exc).rstrip(".")
                fallback = (f" It shows {names[i]} and {names[j]}, as the {PLANE_NAMES[tracker.plane]} "
                            f"could not be drawn ({reason}).")
        return AnimationPlan(run, frames, tuple(tracker.axes), history=source), fallback

    def export_animation_interactive(self) -> bool:
        path = self._ask_save("Export animation", "descent.gif", "GIF animations (*.gif)")
        return self.export_animation(_with_suffix(path, ".gif")) if path else False

    # --- helpers -------------------------------------------------------------------------
    def _ask_save(self, title: str, name: str, filt: str) -> str:
        start = name
        try:
            from .sessions import last_directory

            folder = last_directory()
            if folder:
                start = str(Path(folder) / name)
        except ImportError:
            pass
        path, _ = QFileDialog.getSaveFileName(self._window, title, start, filt)
        return path

    def _done(self, path, message: str) -> bool:
        self.last_error = ""
        self.last_path = Path(path)
        self._window.status_label.setText(message)
        return True

    def _error(self, title: str, text: str) -> bool:
        self.last_error = text
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self._window)
        box.setObjectName("exportErrorBox")
        box.setAttribute(Qt.WA_DeleteOnClose, True)
        box.open()
        return False


def _with_suffix(path: str, suffix: str) -> str:
    return path if path.lower().endswith(suffix) else path + suffix


def install(window) -> None:
    window.exports = ExportsController(window)
