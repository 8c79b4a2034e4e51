"""Regenerate tests/data/torch_runs.npz: every RUN_CASE trained by real torch.

    python scripts/make_run_reference.py     (needs torch==2.13.0)
"""

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT / "tests" / "core")]

import torch  # noqa: E402
from run_cases import RUN_CASES  # noqa: E402
from torch_runs import torch_run  # noqa: E402

from gdsim.core.presets import load_preset  # noqa: E402


def main() -> None:
    arrays = {}
    for case_id, preset, options in RUN_CASES:
        dataset = load_preset(preset)
        opts = {k: v for k, v in options.items() if k != "model"}
        opts.setdefault("loss", "bce" if options["model"] == "logistic" else "mse")
        arrays[case_id] = torch_run(dataset.X, dataset.y, options["model"], **opts)
    arrays["_meta"] = np.array(json.dumps({"torch": torch.__version__}))
    out = ROOT / "tests" / "data" / "torch_runs.npz"
    np.savez_compressed(out, **arrays)
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(RUN_CASES)} cases)")


if __name__ == "__main__":
    main()
