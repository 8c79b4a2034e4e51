"""Row 7's probe reports the GUI thread's CPU time per frame beside the wall-clock figures."""

from __future__ import annotations

import math

from gdsim.bench.gui import probe


def test_full_speed_probe_reports_gui_cpu_per_frame():
    r = probe("full-speed", "--preset", "insurance", "--seconds", "0.8")
    cpu = r["gui_cpu_ms_per_frame"]
    assert math.isfinite(cpu) and cpu > 0
    assert cpu < 1000 / r["redraws_per_second"] * 1.05  # CPU a frame within the frame's wall time
