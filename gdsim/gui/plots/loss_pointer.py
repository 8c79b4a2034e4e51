"""What the pointer does on the loss plot: the hover read-out and the pinned notes.

A mixin of ``LossView`` (its own module: the view draws the curves, this
answers the mouse). It reads the full-resolution full-dataset series through
``_full_display`` (cached per change of the series) and the view's
``_xdisp``/``_ydisp``/``_visible`` mappings, so the notes sit on the curve
in iteration or epoch units and on a linear or log axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6 import QtCore

from . import style

#: a click closer than this (pixels) to a pinned marker removes it
REMOVE_RADIUS_PX = 12.0
#: a click closer than this (pixels) to the full-dataset curve pins a note
PIN_RADIUS_PX = 30.0


class LossPointer:
    """Hover read-out and pinned notes of a LossView (``hover_label``, ``hover_dot``,
    ``annotation_dots``, ``_annotations`` are the view's)."""

    _annotations: list[dict[str, Any]]

    # ------------------------------------------------------------------ hover

    def hover_text(self) -> str:
        """The text currently shown next to the cursor ('' when hidden)."""
        return self._hover_text

    def _full_display(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """The full-dataset series at full resolution, for hover and pinning:
        (x in display units, loss, iteration, x sorted), finite (and > 0 in log
        mode); computed when first needed after a change."""
        if self._full_display_cache is None:
            it, y = style.finite_xy(self._full_it, self._full)
            x, y_vis = self._visible(self._xdisp(it), y)
            f_it = it[y > 0] if self._y_log else it
            is_sorted = bool(len(x) < 2 or np.all(np.diff(x) >= 0))
            self._full_display_cache = (x, y_vis, f_it, is_sorted)
        return self._full_display_cache

    def _nearest_by_x(self, vx: float) -> int | None:
        x, _, _, is_sorted = self._full_display()
        if len(x) == 0:
            return None
        if is_sorted:
            i = int(np.searchsorted(x, vx))
            if i <= 0:
                return 0
            if i >= len(x):
                return len(x) - 1
            return i if abs(x[i] - vx) < abs(vx - x[i - 1]) else i - 1
        return int(np.argmin(np.abs(x - vx)))

    def _on_mouse_moved(self, scene_pos) -> None:
        self._last_hover_scene_pos = QtCore.QPointF(scene_pos)
        self._update_hover(scene_pos)

    def _hide_hover(self) -> None:
        self._hover_text = ""
        self.hover_label.hide()
        self.hover_dot.setData([], [])

    def _update_hover(self, scene_pos) -> None:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            self._hide_hover()
            return
        pt = self.vb.mapSceneToView(scene_pos)
        i = self._nearest_by_x(pt.x())
        if i is None:
            self._hide_hover()
            return
        x, y, its, _ = self._full_display()
        k = its[i]
        v = y[i]
        self._hover_text = f"iteration {style.format_iteration(k)} · loss {style.format_value(v)}"
        self.hover_label.setText(self._hover_text)
        (xr0, xr1), (yr0, yr1) = self.vb.viewRange()
        right = pt.x() > xr0 + 0.6 * (xr1 - xr0)
        high = pt.y() > yr0 + 0.75 * (yr1 - yr0)
        self.hover_label.setAnchor((1.0 if right else 0.0, 0.0 if high else 1.0))
        self.hover_label.setPos(pt.x(), pt.y())
        self.hover_label.show()
        self.hover_dot.setData([x[i]], [v])

    # ------------------------------------------------------------------ annotations

    def annotations(self) -> list[tuple[float, float]]:
        """Pinned notes as (iteration, loss)."""
        return [(a["iteration"], a["value"]) for a in self._annotations]

    def add_annotation(self, iteration: float, value: float) -> None:
        if not (np.isfinite(iteration) and np.isfinite(value)):
            return
        label = style.text_item("", color=style.ANNOTATION_COLOR, anchor=(0, 1),
                                border=style.ANNOTATION_COLOR)
        label.setZValue(22)
        label.setText(f"iteration {style.format_iteration(iteration)}\n"
                      f"loss {style.format_value(value)}")
        self.plot_item.addItem(label, ignoreBounds=True)
        self._annotations.append({"iteration": float(iteration), "value": float(value),
                                  "label": label})
        self._draw_annotations()

    def remove_annotation(self, i: int) -> None:
        a = self._annotations.pop(i)
        self.plot_item.removeItem(a["label"])
        self._draw_annotations()

    def clear_annotations(self) -> None:
        for a in self._annotations:
            self.plot_item.removeItem(a["label"])
        self._annotations.clear()
        self._draw_annotations()

    def _draw_annotations(self) -> None:
        xs, ys = [], []
        if not self._annotations:
            style.clear_data(self.annotation_dots)
            return
        xall = self._full_display()[0]
        xmid = (float(xall.min()) + 0.6 * float(xall.max() - xall.min())) if len(xall) else 0.0
        for a in self._annotations:
            x = float(self._xdisp(np.array([a["iteration"]]))[0])
            v = a["value"]
            label = a["label"]
            if self._y_log and v <= 0:
                label.hide()
                continue
            xs.append(x)
            ys.append(v)
            vy = float(self._ydisp(np.array([v]))[0])
            label.setAnchor((1.0, 1.0) if (len(xall) and x > xmid) else (0.0, 1.0))
            label.setPos(x, vy)
            label.show()
        self.annotation_dots.setData(xs, ys)

    def _scene_xy(self, vx: float, vy: float) -> QtCore.QPointF:
        return self.vb.mapViewToScene(QtCore.QPointF(vx, vy))

    def _on_scene_clicked(self, ev) -> None:
        pos = style.plot_click_position(self, ev)
        if pos is None:
            return
        self.handle_click(pos)

    def handle_click(self, scene_pos) -> None:
        """Pin / unpin at a scene position (what a left click does)."""
        # 1) clicking an existing marker removes it
        for i, a in enumerate(self._annotations):
            if self._y_log and a["value"] <= 0:
                continue
            x = float(self._xdisp(np.array([a["iteration"]]))[0])
            vy = float(self._ydisp(np.array([a["value"]]))[0])
            sp = self._scene_xy(x, vy)
            if np.hypot(sp.x() - scene_pos.x(), sp.y() - scene_pos.y()) <= REMOVE_RADIUS_PX:
                self.remove_annotation(i)
                return
        # 2) otherwise pin the nearest full-dataset point within reach
        x, full_y, full_it, is_sorted = self._full_display()
        if len(x) == 0:
            return
        pt = self.vb.mapSceneToView(scene_pos)
        pw, ph = self.vb.viewPixelSize()
        if not (pw > 0 and ph > 0):
            return
        win = PIN_RADIUS_PX * pw
        if is_sorted:
            lo = int(np.searchsorted(x, pt.x() - win, side="left"))
            hi = int(np.searchsorted(x, pt.x() + win, side="right"))
            cand = np.arange(lo, hi)
        else:
            cand = np.nonzero(np.abs(x - pt.x()) <= win)[0]
        if len(cand) == 0:
            return
        vy = self._ydisp(full_y[cand])
        d = np.hypot((x[cand] - pt.x()) / pw, (vy - pt.y()) / ph)
        j = int(np.argmin(d))
        if d[j] > PIN_RADIUS_PX:
            return
        i = int(cand[j])
        k = float(full_it[i])
        v = float(full_y[i])
        if any(a["iteration"] == k for a in self._annotations):
            return
        self.add_annotation(k, v)
