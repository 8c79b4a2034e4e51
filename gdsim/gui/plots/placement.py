"""Where a legend (or a notice) goes: a corner of the data area with nothing drawn under it,
or above the data area.

A legend in a fixed corner hides whatever passes there: the start of a loss
curve, points of the data, a descent path. The views hand over what they draw
(lines and points, in view coordinates); each corner is scored in pixels by
the length of line and the number of points the legend's own rectangle (and
PAD_PX around it) would cover there, plus any rectangles that must stay clear
(a notice). A legend goes to a corner that scores 0 (the current one first, so
it does not hop about while a run moves); when every corner holds something
(a dense cloud, a legend grown by presentation mode in a small plot) it goes
above the data area as one or more rows, and the plot gives up that band (the
loss view first makes room above its curves: ``make_room_for_legend``), unless
that band would take more than MAX_BAND of a cramped plot.
Shaded backgrounds (decision regions, the loss surface) are not scored.
"""

from __future__ import annotations

import math
import time
import weakref
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QEvent, QObject, QTimer

from . import style

#: corners as (x, y) fractions from the top left of the data area, in order of preference
CORNERS = ((1, 0), (0, 0), (1, 1), (0, 1))
MARGIN_PX = 10.0
#: a point under the legend weighs as much as this many pixels of line
POINT_WEIGHT_PX = 12.0
#: a rectangle that must stay clear (a notice) weighs this much when covered
BLOCK_WEIGHT_PX = 1e6
#: pixels around a legend that count as under it (a marker's radius), times the markers' scale
PAD_PX = 6.0
#: the legend's place when no corner of the data area is free: above it, as rows
OUTSIDE = "above"
#: pixels between a legend above the data and the plot's edge, and the title row below it
OUTSIDE_GAP_PX = 4.0
#: the room (a fraction of the curves' span) the loss view may make above its curves for its legend
HEADROOMS = (0.1, 0.2, 0.3, 0.45, 0.6, 0.8)
#: a legend goes above the data only if its band takes at most this share of the data area's
#: height (its text made smaller, down to style.LEGEND_MIN_PT, where that is what it takes)
MAX_BAND = 0.5


def _to_pixels(vb, xy: np.ndarray, view_range=None, area=None) -> np.ndarray:
    """View coordinates -> pixels from the data area's top left (y down); ``view_range``
    ((x0, x1), (y0, y1)) instead of the view's own, ``area`` (w, h) instead of its size."""
    (x0, x1), (y0, y1) = view_range if view_range is not None else vb.viewRange()
    w, h = area if area is not None else (vb.width(), vb.height())
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
                  corners=CORNERS, area=None, pad: float = 0.0) -> dict:
    """Score of every corner for a box of ``size`` (pixels) over the data area of ``vb``.

    ``lines``: polylines (k, 2) in view coordinates (NaN rows break them);
    ``points``: (k, 2) view coordinates; ``keep_clear``: pixel rectangles
    (x0, x1, y0, y1) that the box must not cover; ``view_range``: score as if the view
    showed this range; ``area``: as if the data area were (w, h) pixels; ``pad``: pixels
    around the box that count as under it (a marker's radius, a line's half width).
    """
    area = area if area is not None else (vb.width(), vb.height())
    px_lines = []
    for line in lines:
        line = np.asarray(line, dtype=float).reshape(-1, 2)
        if len(line) >= 2:
            px = _to_pixels(vb, line, view_range, area)
            px[~np.isfinite(px).all(axis=1)] = np.nan
            # clip_polyline wants finite input: split at the NaN rows
            breaks = np.flatnonzero(np.isnan(px[:, 0]))
            px_lines.extend(p for p in np.split(px, breaks) if len(p))
    px_points = [_to_pixels(vb, np.asarray(p, dtype=float).reshape(-1, 2), view_range, area)
                 for p in points if len(p)]
    scores = {}
    for corner in corners:
        rect = corner_rect(corner, size, area)
        rect = (rect[0] - pad, rect[1] + pad, rect[2] - pad, rect[3] + pad)
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


def place_legend(legend, vb, lines=(), points=(), keep_clear=(), corners=CORNERS):
    """Put ``legend`` in the corner of ``vb`` with nothing under it (the current one first,
    so it does not hop about while a run moves), else OUTSIDE: above the data area, its
    entries in as many columns as the plot's width holds, the plot giving up that band
    (at most MAX_BAND of its height, with smaller text if need be; else the corner with
    least under it).
    Returns the corner, OUTSIDE, or None (nothing happens while the legend is empty or
    the view has no size)."""
    if not legend.items or vb.width() <= 0 or vb.height() <= 0:
        return None
    area = _area_with_band(vb)
    legend._gdsim_placing = True
    try:
        best = _place(legend, vb, lines, points, keep_clear, corners)
    finally:
        legend._gdsim_placing = False
    legend._gdsim_placed_size = (legend.width(), legend.height())
    legend._gdsim_placed_area = area
    legend._gdsim_place_when_shown = False
    return best


def _area_with_band(vb) -> tuple[float, float]:
    """The data area's size with the band above it given back: what a legend's own band
    changes in ``vb`` does not change this."""
    return round(vb.width()), round(vb.height() + getattr(vb.parentItem(), "_gdsim_legend_band", 0.0))


def _place(legend, vb, lines, points, keep_clear, corners):
    plot = vb.parentItem()
    current = getattr(legend, "_gdsim_corner", None)
    band = getattr(plot, "_gdsim_legend_band", 0.0)
    size = _measure(legend, 1, vb)
    # scored as if the data area had the band back: going inside must not make it go out again
    pad = PAD_PX * style.SCALES.markers
    scores = corner_scores(vb, size, lines, points, keep_clear, corners=corners,
                           area=(vb.width(), vb.height() + band), pad=pad)
    free = [c for c in corners if scores[c] <= 0]
    best = current if current in free else (free[0] if free else OUTSIDE)
    columns = _columns_above(legend, plot, MAX_BAND * (vb.height() + band)) if best == OUTSIDE else None
    if best == OUTSIDE and columns is None:
        # no band above leaves the data half of the plot's height: the least covered corner
        least = min(corners, key=lambda c: scores[c])
        best = current if current in scores and scores[current] <= scores[least] else least
    if best == OUTSIDE:
        _put_above(legend, plot, columns)
    else:
        _put_inside(legend, vb, plot, best)
    legend.layout.activate()  # now: a layout left pending would change it after the paint, and paint again
    legend._gdsim_corner = best
    return best


def _put_inside(legend, vb, plot, corner) -> None:
    _arrange(legend, 1, vb)
    _set_band(plot, 0.0)
    offset = (MARGIN_PX if corner[0] == 0 else -MARGIN_PX, MARGIN_PX if corner[1] == 0 else -MARGIN_PX)
    legend.anchor(itemPos=corner, parentPos=corner, offset=offset)


def _columns_above(legend, plot, limit: float) -> int | None:
    """How many columns ``legend`` gets above the data, its band no taller than ``limit``
    pixels: the most whose names stay whole at the full text size; else (a cramped plot)
    those with the largest text ``style.fit_legend`` fits in the plot's width; None when
    no band is low enough."""
    key = (plot.width(), round(limit), style.SCALES.text, _names(legend))
    cached = getattr(legend, "_gdsim_columns", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    best, chosen = None, None
    for c in range(len(legend.items), 0, -1):
        _arrange(legend, c, plot)
        if legend.height() + OUTSIDE_GAP_PX > limit:
            continue
        wrapped = any(getattr(label, "_gdsim_wrapped", False) for _sample, label in legend.items)
        rank = (_whole(legend), float(legend.opts["labelTextSize"][:-2]), not wrapped, c)
        if best is None or rank > best:
            best, chosen = rank, c
    legend._gdsim_columns = (key, chosen)
    return chosen


def _put_above(legend, plot, columns: int) -> None:
    _arrange(legend, columns, plot)
    top = _base_margins(plot)[1]
    _set_band(plot, legend.height() + OUTSIDE_GAP_PX)
    legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-MARGIN_PX, top + OUTSIDE_GAP_PX / 2))


def _names(legend) -> tuple:
    return tuple(label.text for _sample, label in legend.items)


def _whole(legend) -> bool:
    """Whether ``style.fit_legend`` left every name on one line at the full text size."""
    full = f"{style.LEGEND_PT * style.SCALES.text:.3g}pt"
    return legend.opts["labelTextSize"] == full and not any(
        getattr(label, "_gdsim_wrapped", False) for _sample, label in legend.items)


def _arrange(legend, columns: int, parent) -> None:
    """``legend`` in ``columns`` columns inside ``parent``, its text fitted to that width."""
    key = (columns, id(parent), parent.width(), style.SCALES.text, _names(legend))
    if getattr(legend, "_gdsim_arranged", None) == key:
        return
    if legend.parentItem() is not parent:
        legend.setParentItem(parent)
    legend.columnCount = 0  # (lays the entries out again even when the count is the same)
    for _sample, label in legend.items:  # (a label keeps the width of its old column: measure its text)
        label.resize(label.minimumSize())
    legend.setColumnCount(columns)
    legend._gdsim_fit = None
    style.fit_legend(legend)
    legend._gdsim_arranged = key


def _measure(legend, columns: int, parent) -> tuple[float, float]:
    """The size ``legend`` has in ``columns`` columns inside ``parent`` (remembered)."""
    key = (columns, id(parent), parent.width(), style.SCALES.text, _names(legend))
    sizes = legend.__dict__.setdefault("_gdsim_sizes", {})
    if key not in sizes:
        if len(sizes) > 32:
            sizes.clear()
        _arrange(legend, columns, parent)
        sizes[key] = legend_size(legend)
    return sizes[key]


def _base_margins(plot) -> tuple[float, float, float, float]:
    if not hasattr(plot, "_gdsim_margins"):
        plot._gdsim_margins = plot.layout.getContentsMargins()
    return plot._gdsim_margins


def _set_band(plot, band: float) -> None:
    """Room of ``band`` pixels above the plot's data area (its title row, axes and view)."""
    if abs(band - getattr(plot, "_gdsim_legend_band", 0.0)) < 0.5:
        return
    left, top, right, bottom = _base_margins(plot)
    plot.layout.setContentsMargins(left, top + band, right, bottom)
    plot._gdsim_legend_band = band
    # now, not at the next turn of the event loop: until then the data area keeps its old
    # height, and a placement measured against it (the area with the band given back) is
    # made again after the paint, and the plot painted twice
    plot.layout.activate()


def room_for_legend(legend, vb, lines, points, data_range, cheaper_above: bool = False) -> tuple[float, tuple]:
    """(headroom, corners) for ``legend`` over data in ``data_range`` ((x0, x1), (y0, y1)):
    when every corner of the data holds something, the least room above the data (a
    fraction of its span, one of HEADROOMS) that frees a top corner, and the top corners
    only; else (or when no such room frees one) no room and every corner. With
    ``cheaper_above``, only room that costs the data less height than a legend above it
    would (the loss view makes room regardless: its y axis keeps the length its label
    needs)."""
    size = _measure(legend, 1, vb)
    pad = PAD_PX * style.SCALES.markers
    area = (vb.width(), vb.height() + getattr(vb.parentItem(), "_gdsim_legend_band", 0.0))
    scores = corner_scores(vb, size, lines, points, view_range=data_range, area=area, pad=pad)
    if min(scores.values()) <= 0 or getattr(legend, "_gdsim_corner", None) == OUTSIDE:
        return 0.0, CORNERS  # (a legend above the data stays there until a corner is free)
    (x0, x1), (y0, y1) = data_range
    top = ((1, 0), (0, 0))
    above = None
    if cheaper_above:  # the band a legend above the data would take, in pixels
        plot = vb.parentItem()
        columns = _columns_above(legend, plot, MAX_BAND * area[1])
        above = _measure(legend, columns, plot)[1] + OUTSIDE_GAP_PX if columns else None
    for headroom in HEADROOMS:
        if above is not None and area[1] * headroom / (1 + headroom) > above:
            break  # the data would lose more height than to a legend above it
        taller = ((x0, x1), (y0, y1 + headroom * (y1 - y0)))
        scores = corner_scores(vb, size, lines, points, view_range=taller, area=area, pad=pad,
                               corners=top)
        if min(scores.values()) <= 0:
            return headroom, top
    return 0.0, CORNERS


def make_room_for_legend(plot, lines, points, data_range, cheaper_above: bool = False) -> tuple:
    """The corners ``plot``'s legend may take over data in ``data_range``, after giving the plot
    the headroom ``room_for_legend`` asks for (``plot._headroom``; its ``_apply_bounds`` lays
    the range out again when that changed by 10% or more)."""
    headroom, corners = room_for_legend(plot.legend, plot.vb, lines, points, data_range, cheaper_above)
    if headroom_changed(headroom, plot._headroom):
        plot._headroom = headroom
        plot._apply_bounds()
        style.settle_ranges(plot)
    return corners


def place_in_room(plot, lines, points, corners) -> None:
    """``place_legend`` for a view that makes room for its legend (``make_room_for_legend``):
    a legend that goes above the data gives that room back."""
    if place_legend(plot.legend, plot.vb, lines, points, corners=corners) == OUTSIDE and plot._headroom:
        plot._headroom = 0.0  # (no room above the data as well as a legend above the plot)
        plot._apply_bounds()


def headroom_changed(new: float, old: float) -> bool:
    """Whether a view should lay its range out again for a new headroom (by 10% or more)."""
    return abs(new - old) > 0.1 * max(new, old, 1e-9)


def while_hidden(view) -> bool:
    """True while ``view`` is not on the screen: its ``_place_legend`` then returns at once,
    and ``follow_size`` places the legend when the view is shown. A hidden view's size is
    not the one it will be shown at (a window is laid out at its first show; a dock tabbed
    away keeps its old size): a legend placed there was placed again at the show, and
    the second placement painted the plot a second time (presentation mode, at start-up)."""
    if view.isVisible():
        return False
    view.legend._gdsim_place_when_shown = True  # (until place_legend places it)
    return True


class _PlaceWhenShown(QObject):
    """Places a view's legend when the view is shown, if ``while_hidden`` put it off."""

    def __init__(self, view, place) -> None:
        super().__init__(view)
        self._place = place

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Show and watched.legend.__dict__.get("_gdsim_place_when_shown"):
            self._place()  # (now: shown and laid out, not yet painted; unless placed meanwhile)
        return False


#: > 0 while a stage of a live run's frame is drawn (``in_a_frame_stage``)
_frame_stages = 0


@contextmanager
def in_a_frame_stage():
    """Within the block (a stage of a live run's frame: new data for a plot, then its paint),
    a legend placement that is due is made in a turn of the event loop of its own, just
    after, not in the stage. Scoring the corners takes 5-11 ms, and a stage that placed a
    legend made, with the paint that follows it, the longest wait of the event loop."""
    global _frame_stages
    _frame_stages += 1
    try:
        yield
    finally:
        _frame_stages -= 1


def time_to_place(view, force: bool, every: float) -> bool:
    """Whether ``view._place_legend`` places the legend now: not while the view is hidden
    (``while_hidden``), and, unless ``force``, at most every ``every`` seconds and not in a
    frame's stage (``in_a_frame_stage``); a call sooner is answered when that time is up
    (``place_when_due``). ``view._legend_due``: when the next may be, 0 for at once."""
    if while_hidden(view):
        return False
    now = time.monotonic()
    if not force and (now < view._legend_due or _frame_stages):
        place_when_due(view, max(0.0, view._legend_due - now))
        return False
    view._legend_due = now + every
    return True


def place_when_due(view, wait: float) -> None:
    """Call ``view._place_legend()`` in ``wait`` seconds, once however often asked: a placement
    a view puts off (at most one every so often while a run moves) is made after the last
    frame too. Without it a run that stopped meanwhile (a single Step) kept the legend where
    the frame before had put it: above a loss curve of one point, say, with a band that took
    a third of a small plot."""
    timer = view.__dict__.get("_gdsim_due_timer")
    if timer is None:
        timer = view._gdsim_due_timer = QTimer(view, singleShot=True)
        ref = weakref.ref(view)

        def due() -> None:
            v = ref()
            if v is not None and v.plotItem is not None:
                v._place_legend()

        timer.timeout.connect(due)
    if not timer.isActive():
        timer.start(max(0, math.ceil(wait * 1000)))


def follow_size(view) -> None:
    """Call ``view._place_legend(force=True)`` once, soon, when ``view.legend`` changes size
    other than by ``place_legend`` (presentation mode's restyle grows its text: a legend
    above the data would outgrow its band, one in a corner grow over points), or
    ``view.vb`` does (a resized window: other columns fit above the data, the corners
    hold other things); and at once when the view is shown after ``while_hidden`` put it
    off. Holds the view weakly (a closed plot is let go)."""
    ref, legend_ref = weakref.ref(view), weakref.ref(view.legend)
    pending = []

    def place() -> None:
        v = ref()
        if v is not None and v.plotItem is not None:
            v._place_legend(force=True)

    def moved() -> bool:
        """The legend's size or the data area (with the band given back) since the last placement."""
        v, legend = ref(), legend_ref()
        return v is not None and legend is not None and (
            (legend.width(), legend.height()) != getattr(legend, "_gdsim_placed_size", None)
            or _area_with_band(v.vb) != getattr(legend, "_gdsim_placed_area", None))

    def run() -> None:
        pending.clear()
        if moved():  # (else placed meanwhile: at the show, say)
            place()

    def later() -> None:
        v, legend = ref(), legend_ref()
        if v is None or legend is None or pending or getattr(legend, "_gdsim_placing", False):
            return
        if while_hidden(v):
            return  # placed when shown
        pending.append(True)
        QTimer.singleShot(0, legend, run)

    def resized() -> None:
        legend = legend_ref()
        if legend is not None and (legend.width(), legend.height()) != getattr(
                legend, "_gdsim_placed_size", None):
            later()

    def area_resized() -> None:
        # not when only the legend's own band moved the data area: placed again in the
        # smaller area, a corner freed by the room made there sent the legend back inside,
        # which gave the band back, which sent it above again (lesson 03: 50 times a second)
        v, legend = ref(), legend_ref()
        if v is not None and legend is not None \
                and _area_with_band(v.vb) != getattr(legend, "_gdsim_placed_area", None):
            later()

    view.legend.geometryChanged.connect(resized)
    view.vb.sigResized.connect(area_resized)
    view.installEventFilter(_PlaceWhenShown(view, place))
