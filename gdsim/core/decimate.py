"""Drawing a growing series with a bounded number of points, in O(new samples) a frame.

A run at full speed adds thousands of iterations a second, and after a
minute the history holds millions of rows.  The plots only have a few
hundred pixels across, so they draw a reduced copy; these classes keep that
copy up to date by reading only the rows that arrived since the last frame.

Both rely on the history's promise: rows are only appended, and only the last
row may still change (its full-dataset loss is filled in once).  Hand them a
series that is not an extension of the previous one and they start over.
"""

from __future__ import annotations

import numpy as np

#: the loss plots keep at most twice this many points (a minimum and a maximum per bin)
LOSS_BINS = 320
#: the surface path keeps at most this many points
PATH_POINTS = 640


class PeakDecimator:
    """A growing series reduced to the minimum and maximum of each bin of samples.

    Consecutive samples are grouped into bins; each bin contributes its lowest
    and its highest finite sample (in the order they occurred), so the drawn
    line still reaches every spike of the full series.  When there are more
    than ``max_bins`` bins, neighbouring bins merge.  Non-finite samples are
    skipped.  ``update`` returns the positions (indices into the series) and
    values of the points to draw, in order.
    """

    def __init__(self, max_bins: int = LOSS_BINS) -> None:
        if max_bins < 2:
            raise ValueError("max_bins must be at least 2")
        self.max_bins = int(max_bins)
        self.reset()

    def reset(self) -> None:
        self._width = 1  # samples per new bin (a power of two)
        self._closed = 0  # samples [0, _closed) are summarised by the closed bins
        self._bins = np.empty((0, 4))  # per bin: position of min, min, position of max, max
        self._last_length = 0

    def update(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions and values to draw for ``values`` (the whole series so far)."""
        y = np.asarray(values, dtype=np.float64)
        n = len(y)
        if n < self._last_length:
            self.reset()
        self._last_length = n
        # The last sample may still change: never close a bin over it.
        while len(self._bins) + max(0, n - 1 - self._closed) // self._width > self.max_bins:
            if len(self._bins) > 1:
                self._bins = _merge_pairs(self._bins)
            self._width *= 2
        closable = max(0, n - 1 - self._closed) // self._width * self._width
        if closable:
            new = self._summarise(y, self._closed, self._closed + closable, self._width)
            self._bins = np.concatenate((self._bins, new))
            self._closed += closable
        tail = self._summarise(y, self._closed, n, max(1, n - self._closed))
        pos, val = _points(np.concatenate((self._bins, tail)))
        return _with_ends(pos, val, y)

    @staticmethod
    def _summarise(y: np.ndarray, start: int, stop: int, width: int) -> np.ndarray:
        """One (min position, min, max position, max) row per bin of ``width`` samples."""
        if stop <= start:
            return np.empty((0, 4))
        chunk = y[start:stop].reshape(-1, width)
        finite = np.isfinite(chunk)
        low = np.where(finite, chunk, np.inf).argmin(axis=1)
        high = np.where(finite, chunk, -np.inf).argmax(axis=1)
        rows = np.arange(len(chunk))
        base = start + rows * width
        out = np.empty((len(chunk), 4))
        out[:, 0] = base + low
        out[:, 1] = chunk[rows, low]
        out[:, 2] = base + high
        out[:, 3] = chunk[rows, high]
        out[~finite.any(axis=1)] = np.nan  # a bin with nothing finite draws nothing
        return out


def _merge_pairs(bins: np.ndarray) -> np.ndarray:
    """Halve the number of bins: each pair becomes one (an odd last bin stays)."""
    even = len(bins) // 2 * 2
    a, b = bins[0:even:2], bins[1:even:2]
    merged = a.copy()
    with np.errstate(invalid="ignore"):
        take_b_low = ~(a[:, 1] <= b[:, 1])  # also when a's bin is all NaN
        take_b_high = ~(a[:, 3] >= b[:, 3])
    take_b_low &= np.isfinite(b[:, 1])
    take_b_high &= np.isfinite(b[:, 3])
    merged[take_b_low, 0:2] = b[take_b_low, 0:2]
    merged[take_b_high, 2:4] = b[take_b_high, 2:4]
    return np.concatenate((merged, bins[even:]))


def _points(bins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bins' minima and maxima as one polyline, in the order they occurred."""
    bins = bins[np.isfinite(bins[:, 1])]
    low_first = bins[:, 0] <= bins[:, 2]
    first = np.where(low_first[:, None], bins[:, 0:2], bins[:, 2:4])
    second = np.where(low_first[:, None], bins[:, 2:4], bins[:, 0:2])
    pts = np.stack((first, second), axis=1).reshape(-1, 2)
    keep = np.ones(len(pts), dtype=bool)
    keep[1::2] = pts[1::2, 0] != pts[0::2, 0]  # a one-sample bin is one point
    pts = pts[keep]
    return pts[:, 0].astype(np.int64), pts[:, 1]


def _with_ends(pos: np.ndarray, val: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make the line start at the first sample and end at the latest one (when finite)."""
    n = len(y)
    if n and np.isfinite(y[0]) and (len(pos) == 0 or pos[0] != 0):
        pos, val = np.concatenate(([0], pos)), np.concatenate(([y[0]], val))
    if n > 1 and np.isfinite(y[-1]) and pos[-1] != n - 1:
        pos, val = np.concatenate((pos, [n - 1])), np.concatenate((val, [y[-1]]))
    return pos, val


class PathDecimator:
    """Rows of a growing 2-D path worth drawing: at most ``max_points`` of them.

    Half of the budget is spread evenly over the iterations and half evenly
    along the path's length, so the big early steps keep their shape while a
    long slow tail is thinned; the first and last rows are always kept.  Step
    lengths are measured after clipping to ``box`` (so one wild step cannot
    take the whole budget) and accumulate as rows arrive; a new box starts the
    sum over, unless it and the old one both hold every row measured (nothing was
    clipped: the steps measure the same).  Rows must be finite.
    """

    def __init__(self, max_points: int = PATH_POINTS) -> None:
        if max_points < 4:
            raise ValueError("max_points must be at least 4")
        self.max_points = int(max_points)
        self.reset()

    def reset(self) -> None:
        self._arc = np.zeros(1)  # arc length up to each row (capacity grows by doubling)
        self._n = 0
        self._box: tuple[float, float, float, float] | None = None
        self._first: tuple[float, float] | None = None  # the path's first row
        self._seen = (np.inf, -np.inf, np.inf, -np.inf)  # x0, x1, y0, y1 of the rows measured

    def indices(self, x: np.ndarray, y: np.ndarray,
                box: tuple[float, float, float, float] | None = None) -> np.ndarray:
        """Indices (sorted, unique) of the rows of ``(x, y)`` to draw; ``box``: (x0, x1, y0, y1)."""
        if box is None:
            box = (-np.inf, np.inf, -np.inf, np.inf)
        n = len(x)
        if n <= self.max_points:
            self.reset()
            return np.arange(n)
        if n < self._n or (self._n and (x[0], y[0]) != self._first) or (
                box != self._box and not self._within(box)):
            self.reset()
            self._first = (x[0], y[0])
        self._box = box
        self._extend(x, y, n)
        half = self.max_points // 2
        by_iteration = np.linspace(0, n - 1, half).round().astype(np.int64)
        arc = self._arc[:n]
        total = arc[-1]
        if total > 0:
            targets = np.linspace(0.0, total, self.max_points - half)
            by_length = np.searchsorted(arc, targets, side="left").clip(0, n - 1)
            idx = _sorted_unique(np.concatenate((by_iteration, by_length)))
        else:
            idx = by_iteration
        if len(idx) > self.max_points:  # the union may overshoot a little
            idx = idx[np.linspace(0, len(idx) - 1, self.max_points).round().astype(np.int64)]
        idx[0], idx[-1] = 0, n - 1
        return _sorted_unique(idx)

    def _within(self, box) -> bool:
        """Whether every row measured so far lies inside the old box and ``box``: clipped by
        neither, its steps measure the same in both, and a new box (the surface grown to follow
        the path) need not measure the whole path again (O(rows) at every regrid)."""
        if self._box is None:
            return False
        sx0, sx1, sy0, sy1 = self._seen
        return all(b[0] <= sx0 and sx1 <= b[1] and b[2] <= sy0 and sy1 <= b[3] for b in (self._box, box))

    def _extend(self, x: np.ndarray, y: np.ndarray, n: int) -> None:
        """Arc length for rows [self._n, n); the last known row may have moved."""
        start = max(self._n - 1, 0)  # recompute the last row: it may have changed
        if n > start:
            new_x, new_y = x[start:n], y[start:n]
            sx0, sx1, sy0, sy1 = self._seen
            self._seen = (min(sx0, float(new_x.min())), max(sx1, float(new_x.max())),
                          min(sy0, float(new_y.min())), max(sy1, float(new_y.max())))
        if len(self._arc) < n:
            grown = np.zeros(max(n, 2 * len(self._arc)))
            grown[: self._n] = self._arc[: self._n]
            self._arc = grown
        x0, x1, y0, y1 = self._box
        px = np.clip(x[start:n], x0, x1)
        py = np.clip(y[start:n], y0, y1)
        with np.errstate(over="ignore", invalid="ignore"):
            step = np.abs(np.diff(px)) + np.abs(np.diff(py))  # L1 length is enough to spread samples
        step[~np.isfinite(step)] = 0.0
        base = self._arc[start] if start else 0.0
        self._arc[start] = base
        self._arc[start + 1:n] = base + np.cumsum(step)
        self._n = n


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` for a small integer array. (np.unique imports numpy.ma the first
    time, 9 ms, and a live run's path paid it in the middle of a frame.)"""
    a = np.sort(a)
    if len(a) < 2:
        return a
    return a[np.concatenate(([True], a[1:] != a[:-1]))]
