"""The current run as a runnable PyTorch or Keras 3 script ("equivalent code").

``torch_script(dataset, config)`` writes a plain PyTorch training script doing what
gdsim does, step by step: float64, ``nn.Linear`` starting at gdsim's initial
parameters, the same loss, the optimizer and scheduler, standardisation with the
population std, and gdsim's own mini-batches (numpy's generator, seeded as gdsim
seeds it). Run, it prints ``{"params": [w1, ..., wd, b], ...}``: ``gdsim train
--json``'s numbers to about 1e-12.

``keras_script(dataset, config)`` writes the Keras 3 version (``import keras``, any
backend) on the same batches: gdsim's numbers to about 1e-7, with a small pasted
optimizer where Keras's built-in computes another algorithm.

``function_script(function, config)`` and ``function_keras_script`` are the scripts
for a test function (``gdsim train --function ...``).

Datasets up to ``EMBED_MAX_ROWS`` rows are pasted into the script; larger ones are
read from a CSV file named on the script's command line.
"""

from __future__ import annotations

from typing import Any

from ..dataset import Dataset
from ..training import TrainingConfig
from .functions import function_script
from .keras_functions import function_keras_script
from .keras3 import keras_script
from .plan import EMBED_MAX_ROWS
from .pytorch import torch_script

__all__ = ["EMBED_MAX_ROWS", "FRAMEWORKS", "function_keras_script", "function_script", "generate", "keras_script", "torch_script"]

FRAMEWORKS = ("torch", "keras")


def generate(framework: str, dataset: Dataset, config: TrainingConfig, **options: Any) -> str:
    """``torch_script`` or ``keras_script`` by name ("torch" or "keras")."""
    if framework == "torch":
        return torch_script(dataset, config, **options)
    if framework == "keras":
        return keras_script(dataset, config, **options)
    raise ValueError(f"Unknown framework '{framework}'; choose torch or keras.")
