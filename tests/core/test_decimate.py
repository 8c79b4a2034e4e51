"""Reduced copies of growing series: bounded size, every extreme kept, incremental = one-shot."""

import numpy as np
import pytest

from gdsim.core.decimate import PathDecimator, PeakDecimator


def _noisy(n, seed=0):
    rng = np.random.default_rng(seed)
    return np.exp(-np.arange(n) / (n / 5)) + 0.1 * rng.normal(size=n)


def test_short_series_is_kept_whole():
    y = _noisy(100)
    pos, val = PeakDecimator(max_bins=256).update(y)
    np.testing.assert_array_equal(pos, np.arange(100))
    np.testing.assert_array_equal(val, y)


@pytest.mark.parametrize("n", [1000, 4097, 100_000])
def test_bounded_and_every_extreme_kept(n):
    y = _noisy(n)
    d = PeakDecimator(max_bins=64)
    pos, val = d.update(y)
    assert len(pos) <= 2 * 64 + 2
    assert np.all(np.diff(pos) > 0)
    np.testing.assert_array_equal(val, y[pos])  # real samples, not averages
    assert val.max() == y.max() and val.min() == y.min()
    assert pos[0] == 0 and pos[-1] == n - 1  # starts at the start, ends at the latest


def test_incremental_updates_equal_one_shot():
    y = _noisy(50_000, seed=3)
    live = PeakDecimator(max_bins=128)
    rng = np.random.default_rng(1)
    n = 0
    while n < len(y):
        n = min(len(y), n + int(rng.integers(1, 3000)))
        live_pos, live_val = live.update(y[:n])
    one_pos, one_val = PeakDecimator(max_bins=128).update(y)
    # Bin edges can differ, the guarantees cannot
    for pos, val in ((live_pos, live_val), (one_pos, one_val)):
        np.testing.assert_array_equal(val, y[pos])
        assert val.max() == y.max() and val.min() == y.min()
        assert len(pos) <= 2 * 128 + 2


def test_the_last_sample_may_still_change():
    """The history fills in the last row's full-dataset loss once: it must show up."""
    y = np.full(10_000, np.nan)
    y[::100] = np.linspace(5, 1, 100)
    d = PeakDecimator(max_bins=32)
    d.update(y[:5001])
    y2 = y[:5001].copy()
    y2[-1] = -7.0  # filled in after the previous frame
    pos, val = d.update(y2)
    assert val.min() == -7.0 and pos[-1] == 5000


def test_nan_gaps_are_skipped_and_all_nan_draws_nothing():
    pos, val = PeakDecimator(max_bins=8).update(np.full(1000, np.nan))
    assert len(pos) == 0
    y = np.full(1000, np.nan)
    y[[0, 500, 999]] = [3.0, 2.0, 1.0]
    pos, val = PeakDecimator(max_bins=8).update(y)
    np.testing.assert_array_equal(pos, [0, 500, 999])
    np.testing.assert_array_equal(val, [3.0, 2.0, 1.0])


def test_a_shorter_series_starts_over():
    d = PeakDecimator(max_bins=16)
    d.update(_noisy(10_000))
    pos, val = d.update(np.array([4.0, 2.0, 3.0]))
    np.testing.assert_array_equal(pos, [0, 1, 2])
    np.testing.assert_array_equal(val, [4.0, 2.0, 3.0])


def _spiral(n):
    t = np.linspace(0, 30, n)
    r = np.exp(-t / 8)
    return r * np.cos(t), r * np.sin(t)


def test_path_indices_bounded_with_ends():
    x, y = _spiral(200_000)
    idx = PathDecimator(max_points=500).indices(x, y)
    assert idx[0] == 0 and idx[-1] == len(x) - 1
    assert len(idx) <= 500 and np.all(np.diff(idx) > 0)
    np.testing.assert_array_equal(PathDecimator(500).indices(x[:10], y[:10]), np.arange(10))


def test_path_incremental_equals_one_shot():
    x, y = _spiral(100_000)
    box = (-2.0, 2.0, -2.0, 2.0)
    live = PathDecimator(max_points=400)
    for n in range(1000, len(x) + 1, 7919):
        live.indices(x[:n], y[:n], box)
    n = len(x)
    np.testing.assert_array_equal(live.indices(x, y, box), PathDecimator(400).indices(x, y, box))
    # a new box or another path starts the arc length over, with the same result
    other = (-1.0, 1.0, -1.0, 1.0)
    np.testing.assert_array_equal(live.indices(x, y, other), PathDecimator(400).indices(x, y, other))
    np.testing.assert_array_equal(live.indices(-x[: n // 2], y[: n // 2], other),
                                  PathDecimator(400).indices(-x[: n // 2], y[: n // 2], other))


def test_path_spreads_samples_along_the_length():
    """Half the budget follows the arc length: the big first steps keep their points."""
    x = np.concatenate(([0.0, 10.0], 10.0 + np.linspace(0, 1e-3, 100_000)))
    y = np.zeros_like(x)
    idx = PathDecimator(max_points=100).indices(x, y)
    assert 1 in idx  # the single long step is not thinned away


def test_thinning_a_path_imports_nothing_more():
    """np.unique imports numpy.ma the first time (9 ms): a live run paid it mid-frame."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from gdsim.core.decimate import PathDecimator\n"
            "x = np.cumsum(np.ones(5000)); before = set(sys.modules)\n"
            "idx = PathDecimator(640).indices(x, np.sin(x))\n"
            "assert len(idx) <= 640 and idx[0] == 0 and idx[-1] == 4999\n"
            "print(sorted(set(sys.modules) - before))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_new_box_holding_every_row_does_not_measure_the_path_again():
    """The surface grows to follow a run's path and hands a new box each time: measuring
    the whole path again took O(rows) in the middle of a frame (12 ms at 150,000 rows)."""
    rng = np.random.default_rng(3)
    xy = np.cumsum(rng.normal(size=(60_000, 2)), axis=0)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    box, bigger = (lo[0] - 1, hi[0] + 1, lo[1] - 1, hi[1] + 1), (lo[0] - 9, hi[0] + 9, lo[1] - 9, hi[1] + 9)
    live = PathDecimator(640)
    live.indices(xy[:40_000, 0], xy[:40_000, 1], box)
    measured = []
    extend = live._extend
    live._extend = lambda x, y, n: measured.append(n - max(live._n - 1, 0)) or extend(x, y, n)
    idx = live.indices(xy[:, 0], xy[:, 1], bigger)
    assert measured == [20_001]  # the new rows (and the last known one), not all 60,000
    np.testing.assert_array_equal(idx, PathDecimator(640).indices(xy[:, 0], xy[:, 1], bigger))
    # a box that clips rows measured so far: the path is measured again, as from scratch
    small = (lo[0] + 5, hi[0] - 5, lo[1] + 5, hi[1] - 5)
    idx = live.indices(xy[:, 0], xy[:, 1], small)
    assert measured[-1] == 60_000
    np.testing.assert_array_equal(idx, PathDecimator(640).indices(xy[:, 0], xy[:, 1], small))
