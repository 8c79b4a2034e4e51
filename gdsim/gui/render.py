"""Offscreen drawing of an animation's frames with the app's own plot widgets, and the GIF.

The frames are drawn by a real ``SurfaceView`` (heatmap, contours, path,
start, current point, optimum) beside a ``LossView``, so a GIF looks like the
window: on two parameters, or on the window's pca or random plane (a
``PlaneAnimationPlan``: the path projected, the window's axis labels and
note). Qt must be usable: the ``animate`` command sets
QT_QPA_PLATFORM=offscreen when there is no display. The GIF is encoded by Pillow with one palette for
every frame (taken from the last, fullest frame) and no dithering, so only the
parts that change are stored again; the file is written atomically.
"""

from __future__ import annotations

import io
import math
from typing import Callable

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

from ..core.animation import AnimationFrame, AnimationPlan
from ..core.atomic import atomic_write_bytes
from .plots import LossView, SurfaceView, style

DEFAULT_SIZE = (1200, 540)
DEFAULT_FPS = 12.0


class ExportCancelled(Exception):
    """The user cancelled a long export; nothing was written."""


class AnimationCanvas(QWidget):
    """The loss surface with the path, and the loss curve, side by side (never shown on screen)."""

    def __init__(self, plan: AnimationPlan, size: tuple[int, int] = DEFAULT_SIZE) -> None:
        super().__init__()
        self.setObjectName("animationCanvas")
        self.setAttribute(Qt.WA_DontShowOnScreen, True)
        self.setStyleSheet("background: white;")
        self.plan = plan
        self.surface_view = SurfaceView()
        self.loss_view = LossView()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.surface_view, 11)
        lay.addWidget(self.loss_view, 9)
        self.resize(*size)
        self.show()
        self._surface_key = None
        self._x_label, self._y_label = plan.axis_labels()
        if plan.plane != "params":  # a pca or random plane (gdsim.core.plane_animation), as in the window
            from .frames import PROJECTION_NOTE

            self.surface_view.set_note(PROJECTION_NOTE)
        self.surface_view.set_optimum(plan.optimum_xy())
        self._setup_loss_axes()
        QApplication.processEvents()

    def _setup_loss_axes(self) -> None:
        plan = self.plan
        view = self.loss_view
        values = np.concatenate([plan.losses, plan.batch_loss])
        values = values[np.isfinite(values)]
        positive = values[values > 0]
        if len(positive) == len(values) and len(values) and positive.max() / positive.min() > 1e3:
            view.set_log_scale(True)
        vb = view.getPlotItem().getViewBox()
        vb.disableAutoRange()
        last = max(int(plan.iterations[-1]), 1)
        vb.setXRange(0, last, padding=0.02)
        if len(values):
            lo, hi = float(values.min()), float(values.max())
            if view.log_scale():
                lo, hi = math.log10(lo), math.log10(hi)
            if hi <= lo:
                lo, hi = lo - 0.5, hi + 0.5
            vb.setYRange(lo, hi, padding=0.05)

    def draw(self, frame: AnimationFrame) -> bool:
        """Show ``frame``; True when the surface itself changed."""
        plan = self.plan
        surface = plan.surface(frame)
        caption, loss_caption = plan.caption(frame)
        new_surface = surface is not self._surface_key
        if new_surface:
            self.surface_view.set_surface(surface.values, surface.xs, surface.ys,
                                          self._x_label, self._y_label, caption)
            self._surface_key = surface
        else:
            style.set_title(self.surface_view, caption)
        self.surface_view.set_path(plan.path(frame))
        style.set_title(self.loss_view, loss_caption)
        k = frame.row + 1
        ipe = plan.iterations_per_epoch
        bounds = np.arange(ipe, frame.iteration + 1, ipe) if ipe > 1 else None
        self.loss_view.set_series(plan.iterations[:k], plan.batch_loss[:k],
                                  plan.iterations[:k], plan.losses[:k], bounds)
        return new_surface

    def image(self, frame: AnimationFrame):
        """The frame as a Pillow RGB image."""
        from PIL import Image

        new_surface = self.draw(frame)
        # lay out the new titles and labels without painting twice (grab paints)
        QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        if new_surface:
            # axes size themselves to their tick labels while painting: paint once to measure
            self.grab()
            QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        qimage = self.grab().toImage().convertToFormat(QImage.Format_RGBA8888)
        w, h = qimage.width(), qimage.height()
        data = bytes(qimage.constBits())[: qimage.bytesPerLine() * h]
        return Image.frombuffer("RGBA", (w, h), data, "raw", "RGBA", qimage.bytesPerLine(), 1).convert("RGB")


def _palette_source(image):
    from PIL import Image

    from .plots import style

    colors = [style.CURRENT_COLOR, style.OPTIMUM_COLOR, style.PATH_COLOR, "#000000",
              style.FULL_LOSS_COLOR, style.BATCH_LOSS_COLOR]
    w, h = image.size
    strip = 60
    out = Image.new("RGB", (w, h + strip), "white")
    out.paste(image, (0, 0))
    block = max(1, w // len(colors))
    for k, color in enumerate(colors):
        out.paste(Image.new("RGB", (block, strip), color), (k * block, h))
    return out


def render_gif(plan: AnimationPlan, path, fps: float = DEFAULT_FPS, size: tuple[int, int] = DEFAULT_SIZE,
               progress: Callable[[int, int], bool] | None = None) -> int:
    """Draw every frame of ``plan`` and write the GIF to ``path``; returns the number of frames.

    ``progress(done, total)`` is called before each frame and after the last;
    returning False cancels (``ExportCancelled``; no file is written).
    """
    from PIL import Image

    if not (math.isfinite(fps) and 0 < fps <= 50):
        raise ValueError(f"Invalid frame rate: {fps:g} (more than 0, at most 50 frames per second).")
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("render_gif needs a QApplication.")
    total = len(plan.frames)
    canvas = AnimationCanvas(plan, size)
    try:
        if progress is not None and progress(0, total) is False:
            raise ExportCancelled()
        # One palette for all frames, from the last one (it holds every colour drawn) plus
        # swatches of the markers' colours, which cover too few pixels to win a palette slot.
        palette = _palette_source(canvas.image(plan.frames[-1])).quantize(
            colors=255, method=Image.Quantize.MEDIANCUT)
        canvas._surface_key = None
        images = []
        for n, frame in enumerate(plan.frames):
            if progress is not None and progress(n, total) is False:
                raise ExportCancelled()
            rgb = canvas.image(frame)
            images.append(rgb.quantize(palette=palette, dither=Image.Dither.NONE))
        if progress is not None and progress(total, total) is False:
            raise ExportCancelled()
    finally:
        canvas.close()
        canvas.deleteLater()
    duration = max(20, int(round(1000.0 / fps / 10.0)) * 10)  # GIF delays are centiseconds
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=duration,
                   loop=0, optimize=False, disposal=1)
    atomic_write_bytes(path, buffer.getvalue())
    return len(images)
