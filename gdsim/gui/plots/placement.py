"""Where a legend (or a notice) goes: the corner of the data area with the least drawn under it.

A legend in a fixed corner hides whatever passes there: the start of a loss
curve, points of the data, a descent path. The views hand over what they draw
(lines and points, in view coordinates); each corner is scored in pixels by
the length of line and the number of points the legend's own rectangle would
cover there, plus any rectangles that must stay clear (a notice), and the
legend goes to the lowest score (ties keep the current corner, so it does not
hop about while a run moves).
"""

from __future__ import annotations

import numpy as np

from . import style

#: corners as (x, y) fractions from the top left of the data area, in order of preference
CORNERS = ((1, 0), (0, 0), (1, 1), (0, 1))
MARGIN_PX = 10.0
#: a point under the legend weighs as much as this many pixels of line
POINT_WEIGHT_PX = 12.0
#: a rectangle that must stay clear (a notice) weighs this much when covered
BLOCK_WEIGHT_PX = 1e6


def _to_pixels(vb, xy: np.ndarray, view_range=None) -> np.ndarray:
    """View coordinates -> pixels from the data area's top left (y down); ``view_range``
    ((x0, x1), (y0, y1)) instead of the view's own."""
    (x0, x1), (y0, y1) = view_range if view_range is not None else vb.viewRange()
    w, h = vb.width(), vb.height()
    sx = w / (x1 - x0) if x1 != x0 else 0.0
    sy = h / (y1 - y0) if y1 != y0 else 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        return np.column_stack(((xy[:, 0] - x0) * sx, (y1 - xy[:, 1]) * sy))


def corner_rect(corner, size, area, margin: float = MARGIN_PX) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) in pixels of a box of ``size`` (w, h) in ``corner`` of ``area`` (w, h)."""
    w, h = size
    aw, ah = area
    x0 = margin if corner[0] == 0 else aw - margin - w
    y0 = margin if corner[1] == 0 else ah - margin - h
    return (x0, x0 + w, y0, y0 + h)


def _line_length_in(pixels: np.ndarray, rect) -> float:
    if len(pixels) < 2:
        return 0.0
    inside = style.clip_polyline(pixels, rect)
    if len(inside) < 2:
        return 0.0
    d = np.diff(inside, axis=0)
    return float(np.nansum(np.hypot(d[:, 0], d[:, 1])))


def legend_size(legend) -> tuple[float, float]:
    rect = legend.boundingRect()
    return (rect.width(), rect.height())


def _overlap(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def corner_scores(vb, size, lines=(), points=(), keep_clear=(), view_range=None,
                  corners=CORNERS) -> dict:
    """Score of every corner for a box of ``size`` (pixels) over the data area of ``vb``.

    ``lines``: polylines (k, 2) in view coordinates (NaN rows break them);
    ``points``: (k, 2) view coordinates; ``keep_clear``: pixel rectangles
    (x0, x1, y0, y1) that the box must not cover; ``view_range``: score as if the view
    showed this range.
    """
    area = (vb.width(), vb.height())
    px_lines = []
    for line in lines:
        line = np.asarray(line, dtype=float).reshape(-1, 2)
        if len(line) >= 2:
            px = _to_pixels(vb, line, view_range)
            px[~np.isfinite(px).all(axis=1)] = np.nan
            # clip_polyline wants finite input: split at the NaN rows
            breaks = np.flatnonzero(np.isnan(px[:, 0]))
            px_lines.extend(p for p in np.split(px, breaks) if len(p))
    px_points = [_to_pixels(vb, np.asarray(p, dtype=float).reshape(-1, 2), view_range)
                 for p in points if len(p)]
    scores = {}
    for corner in corners:
        rect = corner_rect(corner, size, area)
        score = 0.0
        for px in px_lines:
            px = px[np.isfinite(px).all(axis=1)]
            score += _line_length_in(px, rect)
        for px in px_points:
            inside = ((px[:, 0] >= rect[0]) & (px[:, 0] <= rect[1])
                      & (px[:, 1] >= rect[2]) & (px[:, 1] <= rect[3]))
            score += POINT_WEIGHT_PX * int(inside.sum())
        for block in keep_clear:
            if _overlap(rect, block):
                score += BLOCK_WEIGHT_PX
        scores[corner] = score
    return scores


def place_legend(legend, vb, lines=(), points=(), keep_clear=(), corners=CORNERS) -> tuple[int, int] | None:
    """Move ``legend`` to the corner of ``vb`` with least under it; returns the corner.

    Nothing happens while the legend is hidden or empty, or the view has no size.
    """
    if not legend.items or vb.width() <= 0 or vb.height() <= 0:
        return None
    style.fit_legend(legend)
    rect = legend.boundingRect()
    size = (rect.width(), rect.height())
    scores = corner_scores(vb, size, lines, points, keep_clear, corners=corners)
    current = getattr(legend, "_gdsim_corner", None)
    best = min(corners, key=lambda c: scores[c])
    if current in scores and scores[current] <= scores[best]:
        best = current
    if best != current:
        offset = (MARGIN_PX if best[0] == 0 else -MARGIN_PX, MARGIN_PX if best[1] == 0 else -MARGIN_PX)
        legend.anchor(itemPos=best, parentPos=best, offset=offset)
        legend._gdsim_corner = best
    return best


def room_for_legend(legend, vb, lines, points, data_range) -> tuple[float, tuple]:
    """(headroom, corners) for ``legend`` over data in ``data_range`` ((x0, x1), (y0, y1)):
    when every corner of the data holds something, room above the data (a fraction of its
    span) and the top corners only; else no room and every corner."""
    size = legend_size(legend)
    scores = corner_scores(vb, size, lines, points, view_range=data_range)
    if min(scores.values()) <= 0:
        return 0.0, CORNERS
    band = size[1] + 2 * MARGIN_PX
    return min(band / max(vb.height() - band, 1.0), 0.8), ((1, 0), (0, 0))


def make_room_for_legend(plot, lines, points, data_range) -> tuple:
    """The corners ``plot``'s legend may take over data in ``data_range``, after giving the plot
    the headroom ``room_for_legend`` asks for (``plot._headroom``; its ``_apply_bounds`` lays
    the range out again when that changed by 10% or more)."""
    headroom, corners = room_for_legend(plot.legend, plot.vb, lines, points, data_range)
    if headroom_changed(headroom, plot._headroom):
        plot._headroom = headroom
        plot._apply_bounds()
        style.settle_ranges(plot)
    return corners


def headroom_changed(new: float, old: float) -> bool:
    """Whether a view should lay its range out again for a new headroom (by 10% or more)."""
    return abs(new - old) > 0.1 * max(new, old, 1e-9)

