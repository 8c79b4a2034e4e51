"""Row 7's probe reports the GUI thread's CPU time per frame beside the wall-clock figures."""

from __future__ import annotations

import math

from gdsim.bench.gui import probe


def test_full_speed_probe_reports_gui_cpu_per_frame():
    r = probe("full-speed", "--preset", "insurance", "--seconds", "0.8")
    cpu = r["gui_cpu_ms_per_frame"]
    assert math.isfinite(cpu) and cpu > 0
    assert cpu < 1000 / r["redraws_per_second"] * 1.05  # CPU a frame within the frame's wall time


def test_network_probe_draws_regions_and_the_network_view():
    """Rows 10c/10d measure a network run with the decision regions and the network diagram drawn."""
    r = probe("network", "--seconds", "0.8")
    assert r["fit_view_mode"] == "regions"
    assert r["network_view_paints_per_second"] > 0
    assert r["regions_model_ms_median"] > 0 and r["redraws_per_second"] > 0
