"""Row 6: resident memory of a long history, measured in a fresh subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from .timing import Row, fmt_time

# Runs in a child process so the figure is not blurred by the parent's heap.
CHILD = r"""
import json, sys, time
def rss_mb(field="VmRSS"):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")
from gdsim.core.presets import two_classes
from gdsim.core.training import TrainingConfig, TrainingRun
iterations = int(sys.argv[1])
data = two_classes(n=8, seed=0)  # two features: three parameters
run = TrainingRun(data, TrainingConfig(model="logistic", optimizer="sgd", epochs=iterations))
before = rss_mb()
t0 = time.perf_counter()
done = run.advance(iterations)
seconds = time.perf_counter() - t0
after = rss_mb()
print(json.dumps({"before": before, "after": after, "peak": rss_mb("VmHWM"), "done": done,
                  "rows": len(run.history), "capacity": run.history.capacity, "seconds": seconds,
                  "status": run.status}))
"""


def row_history_memory(iterations: int) -> list[Row]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(iterations)], capture_output=True,
                         text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    grown = r["after"] - r["before"]
    return [Row("6", f"history of {iterations:,} iterations, 3 parameters: RSS growth",
                f"{grown:.1f} MB", "≤ 100 MB", grown <= 100.0,
                f"RSS {r['before']:.0f} → {r['after']:.0f} MB (peak {r['peak']:.0f}); "
                f"{r['rows']:,} rows in capacity {r['capacity']:,}; "
                f"{fmt_time(r['seconds'] / max(r['done'], 1))}/it full-batch SGD on 8 rows")]
