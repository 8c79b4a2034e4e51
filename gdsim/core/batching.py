"""Epochs, iterations and batch size.

One epoch passes the whole dataset once; it is cut into mini-batches of
``batch_size`` rows, one iteration (one update) each. With N rows and batch
size B there are ⌈N/B⌉ iterations per epoch (the last batch is partial), or
⌊N/B⌋ when the partial batch is dropped. B = N is batch gradient descent,
B = 1 stochastic gradient descent, anything between is mini-batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def descent_mode(batch_size: int, n_rows: int) -> str:
    """'batch', 'stochastic' or 'mini-batch', as the lecture names them."""
    if batch_size >= n_rows:
        return "batch"
    if batch_size == 1:
        return "stochastic"
    return "mini-batch"


def iterations_per_epoch(n_rows: int, batch_size: int, drop_last: bool = False) -> int:
    """⌈N/B⌉, or ⌊N/B⌋ with drop_last (at least 1 when B ≤ N)."""
    if drop_last:
        return n_rows // batch_size
    return math.ceil(n_rows / batch_size)


@dataclass
class BatchSampler:
    """Yields the row indices of each mini-batch, epoch after epoch.

    With ``shuffle`` every epoch takes a fresh permutation from one numpy
    Generator seeded by ``seed`` (same seed, same run, bit for bit); without
    it, consecutive slices in row order, like ``DataLoader(shuffle=False)``.
    Full-batch descent never permutes: the mean gradient is the same and row
    order then matches torch's summation order exactly.
    """

    n_rows: int
    batch_size: int
    shuffle: bool = True
    drop_last: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= self.n_rows:
            raise ValueError(
                f"Invalid batch size: {self.batch_size} (the dataset has {self.n_rows} rows; "
                f"choose 1 to {self.n_rows})."
            )
        self._rng: np.random.Generator | None = None  # made at the first shuffle
        self.full_batch = self.batch_size >= self.n_rows
        self.iterations_per_epoch = iterations_per_epoch(self.n_rows, self.batch_size, self.drop_last)
        self._order: np.ndarray | None = None
        self.epochs_started = 0  # tells a copy of the sampler whether it is out of date

    def start_epoch(self) -> None:
        """Draw this epoch's row order."""
        self.epochs_started += 1
        if self.full_batch or not self.shuffle:
            self._order = None
        else:
            if self._rng is None:
                self._rng = np.random.default_rng(self.seed)
            self._order = self._rng.permutation(self.n_rows)

    def batch(self, k: int) -> slice | np.ndarray:
        """Rows of the k-th mini-batch (0-based) of the current epoch.

        A slice when rows are taken in order (no copy of the data is needed),
        otherwise an index array.
        """
        start = k * self.batch_size
        stop = min(start + self.batch_size, self.n_rows)
        if self._order is None:
            return slice(start, stop)
        return self._order[start:stop]
