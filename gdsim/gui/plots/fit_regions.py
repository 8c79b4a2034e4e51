"""Decision regions under the fit plot's points: a classifier's picture of the whole plane.

``RegionImage`` is one ``pg.ImageItem`` (a REGION_GRID² RGBA image, set with
one call per frame, well under a millisecond): P(class 1) on a pale
blue–white–orange scale for a binary classifier (white where it is 50/50: the
boundary), or the predicted class in a pale tint of each class's colour.
The class colours (``class_color``) are those of the points drawn on top,
darker, so each point stands out on its own class's region and on the others.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from . import style

#: the share of a class's colour in its region's tint (the rest white): pale enough
#: for the points on top, strong enough to read on a projector
TINT = 0.42
#: the points' symbol of each class (cycled past the last)
CLASS_SYMBOLS = ("o", "t1", "s", "d", "star", "h", "p", "t")


def class_color(k: int) -> str:
    """Class k's colour: blue, orange, green, red, … (style.PALETTE; 0 and 1 as style.CLASS_COLORS)."""
    return style.CLASS_COLORS[k] if k < len(style.CLASS_COLORS) else style.palette_color(k)


def _rgb(color: str) -> np.ndarray:
    c = pg.mkColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def _tint(color: str, share: float = TINT) -> np.ndarray:
    return share * _rgb(color) + (1.0 - share) * 255.0


def probability_lut(n: int = 256) -> np.ndarray:
    """(n, 4) uint8: P = 0 the tint of class 0, 0.5 white, 1 the tint of class 1."""
    p = np.linspace(0.0, 1.0, n)[:, None]
    white = np.full(3, 255.0)
    low, high = _tint(class_color(0)), _tint(class_color(1))
    rgb = np.where(p < 0.5, white + (low - white) * (1 - 2 * p), white + (high - white) * (2 * p - 1))
    out = np.empty((n, 4), dtype=np.uint8)
    out[:, :3] = np.round(rgb).astype(np.uint8)
    out[:, 3] = 255
    return out


def class_lut(k: int) -> np.ndarray:
    """(k, 4) uint8: each class's tint."""
    out = np.empty((k, 4), dtype=np.uint8)
    for i in range(k):
        out[i, :3] = np.round(_tint(class_color(i))).astype(np.uint8)
    out[:, 3] = 255
    return out


class RegionImage(pg.ImageItem):
    """The regions image; ``set_regions`` each frame, ``clear_regions`` when not shown."""

    def __init__(self) -> None:
        super().__init__(axisOrder="col-major")
        self.setZValue(-5)  # under the points, the model line and the grid
        self._lut = probability_lut()
        self._class_luts: dict[int, np.ndarray] = {}
        self._extent: tuple[float, float, float, float] | None = None
        self.colors: np.ndarray | None = None  # the RGBA image last shown (x index, y index, 4)

    def set_regions(self, values: np.ndarray, extent: tuple[float, float, float, float],
                    classes: int, probability: bool) -> None:
        """``values`` [x index, y index]: P(class 1) in 0..1 (``probability``) or class indices."""
        v = np.asarray(values, dtype=np.float64)
        if probability:
            index = np.clip(np.nan_to_num(v, nan=0.5) * (len(self._lut) - 1) + 0.5, 0, len(self._lut) - 1)
            colors = self._lut[index.astype(np.intp)]
        else:
            lut = self._class_luts.get(classes)
            if lut is None:
                lut = self._class_luts[classes] = class_lut(classes)
            colors = lut[np.clip(v, 0, classes - 1).astype(np.intp)]
        self.colors = colors
        self.setImage(colors, autoLevels=False)
        if extent != self._extent:
            self._extent = extent
            x0, x1, y0, y1 = extent
            self.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.setVisible(True)

    def clear_regions(self) -> None:
        if self.colors is not None:
            self.colors = None
            self.clear()
        self.setVisible(False)
