"""Every iteration of a run, in preallocated numpy arrays that grow by doubling."""

from __future__ import annotations

import numpy as np


class History:
    """Row k holds the state after k updates; row 0 is the initial parameters.

    Columns: ``epoch`` (the epoch the update belongs to, 0 for row 0), ``lr``
    (learning rate used), ``batch_loss`` (loss of the mini-batch the update
    was computed on, at the parameters before it), ``full_loss`` (loss on the
    whole dataset at row k's parameters; NaN where it was not computed),
    ``params``, ``grad`` (gradient used), ``grad_norm``, and ``iteration``
    (the row's iteration number: k, until the history is thinned).

    Rows are only appended; a row is never rewritten except to fill in its
    ``full_loss`` once it is known, and thinning copies the rows it keeps into
    new arrays. So the read-only views the properties return stay valid and
    unchanged (another thread may draw them while this one appends).

    A history given ``max_rows`` (``bound``) keeps its memory bounded: when it
    is full it keeps the iterations that are multiples of ``stride`` (doubled as
    needed until at most half the rows remain) and the latest iteration, then appends
    every iteration again until it is full. Older iterations are thus evenly
    spaced and recent ones dense, and the last row is always the latest.
    """

    def __init__(self, n_params: int, capacity: int = 1024, max_rows: int | None = None) -> None:
        self.n_params = n_params
        self._n = 0
        self.stride = 1
        self.max_rows = None
        self._last_iteration = -1
        # Called (no arguments) just before thinning drops rows: for a reader that must see every
        # row while it is there (the race looks for the first iteration under its threshold).
        self.before_thin = None
        self._alloc(max(capacity, 2))
        if max_rows is not None:
            self.bound(max_rows)

    def bound(self, max_rows: int) -> None:
        """Keep at most ``max_rows`` rows (at least 4) from now on, thinning as described above."""
        self.max_rows = max(4, int(max_rows))
        if self._n > self.max_rows:
            self._thin()

    @property
    def row_bytes(self) -> int:
        return 4 + 8 * (5 + 2 * self.n_params)

    @property
    def thinned(self) -> bool:
        """True once rows have been dropped (row k is then not iteration k)."""
        return self._n != self._last_iteration + 1

    def _thin(self) -> None:
        """Keep (in new arrays) the rows whose iteration is a multiple of the stride, doubling it
        until at most half of ``max_rows`` remain, and the last row."""
        if self.before_thin is not None:
            self.before_thin()
        columns = {name: getattr(self, "_" + name)[: self._n] for name in self.COLUMNS_STORED}
        its = columns["iteration"]
        budget = max(2, self.max_rows // 2)
        while True:
            keep = its % self.stride == 0
            keep[-1] = True
            if np.count_nonzero(keep) <= budget:
                break
            self.stride *= 2
        self._n = 0
        self._alloc(self.max_rows)
        n = int(np.count_nonzero(keep))
        for name, array in columns.items():
            getattr(self, "_" + name)[:n] = array[keep]
        self._n = n

    def _alloc(self, capacity: int) -> None:
        """New arrays (the old ones are left to the views that hold them) with the filled rows.

        The rows past them are left unset: a row is written whole (``append``, ``extend``)
        before anything reads it. Filling them (with NaN) held the GIL for up to 14 ms when
        a long run's history doubled, and the window waited for it mid-paint."""
        old = getattr(self, "_epoch", None)
        fields = {
            "_epoch": np.empty(capacity, np.int32),
            "_lr": np.empty(capacity),
            "_batch_loss": np.empty(capacity),
            "_full_loss": np.empty(capacity),
            "_params": np.empty((capacity, self.n_params)),
            "_grad": np.empty((capacity, self.n_params)),
            "_grad_norm": np.empty(capacity),
            "_iteration": np.empty(capacity, np.int64),
        }
        if old is not None:
            for name, new in fields.items():
                new[: self._n] = getattr(self, name)[: self._n]
        for name, new in fields.items():
            setattr(self, name, new)
        self.capacity = capacity

    def _room(self, m: int) -> None:
        """Capacity for ``m`` more rows (growing by doubling, at most to ``max_rows``)."""
        capacity = self.capacity
        while self._n + m > capacity:
            capacity *= 2
        if self.max_rows is not None:
            capacity = min(capacity, self.max_rows)
        if capacity != self.capacity:
            self._alloc(capacity)

    def append(self, epoch: int, lr: float, batch_loss: float, params: np.ndarray,
               grad: np.ndarray, grad_norm: float, full_loss: float = np.nan) -> int:
        """Add a row and return its index."""
        if self.max_rows is not None and self._n >= self.max_rows:
            self._thin()
        self._room(1)
        k = self._n
        self._epoch[k] = epoch
        self._lr[k] = lr
        self._batch_loss[k] = batch_loss
        self._full_loss[k] = full_loss
        self._params[k] = params
        self._grad[k] = grad
        self._grad_norm[k] = grad_norm
        self._last_iteration += 1
        self._iteration[k] = self._last_iteration
        self._n = k + 1
        return k

    def set_full_loss(self, iteration: int, value: float) -> None:
        """Fill in the full-dataset loss of ``iteration`` (ignored when thinning dropped its row)."""
        if not self.thinned:
            self._full_loss[iteration] = value
            return
        k = int(np.searchsorted(self._iteration[: self._n], iteration))
        if k < self._n and self._iteration[k] == iteration:
            self._full_loss[k] = value

    @property
    def last_iteration(self) -> int:
        """The iteration of the last row (-1 when empty)."""
        return self._last_iteration

    # The columns of a row, as ``rows()`` returns and ``extend`` takes them.
    COLUMNS = ("epoch", "lr", "batch_loss", "full_loss", "params", "grad", "grad_norm")
    COLUMNS_STORED = COLUMNS + ("iteration",)

    def rows(self, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
        """Copies of rows [start, stop) (stop: the end) of every column."""
        stop = self._n if stop is None else min(stop, self._n)
        return {name: getattr(self, "_" + name)[start:stop].copy() for name in self.COLUMNS}

    def extend(self, rows: dict[str, np.ndarray]) -> None:
        """Append rows given column by column (as ``rows()`` returns them), numbered on from the
        last iteration (a bounded history thins as they come, as ``append`` would)."""
        m, done = len(rows["epoch"]), 0
        while done < m:
            if self.max_rows is not None and self._n >= self.max_rows:
                self._thin()
            take = m - done if self.max_rows is None else min(m - done, self.max_rows - self._n)
            self._room(take)
            for name in self.COLUMNS:
                getattr(self, "_" + name)[self._n: self._n + take] = rows[name][done: done + take]
            first = self._last_iteration + 1
            self._iteration[self._n: self._n + take] = np.arange(first, first + take)
            self._n += take
            self._last_iteration += take
            done += take

    def __len__(self) -> int:
        return self._n

    def _view(self, array: np.ndarray) -> np.ndarray:
        view = array[: self._n]
        view.flags.writeable = False
        return view

    @property
    def iteration(self) -> np.ndarray:
        """Each row's iteration number (the row index unless thinned)."""
        return self._view(self._iteration)

    @property
    def epoch(self) -> np.ndarray:
        return self._view(self._epoch)

    @property
    def lr(self) -> np.ndarray:
        return self._view(self._lr)

    @property
    def batch_loss(self) -> np.ndarray:
        return self._view(self._batch_loss)

    @property
    def full_loss(self) -> np.ndarray:
        return self._view(self._full_loss)

    @property
    def params(self) -> np.ndarray:
        return self._view(self._params)

    @property
    def grad(self) -> np.ndarray:
        return self._view(self._grad)

    @property
    def grad_norm(self) -> np.ndarray:
        return self._view(self._grad_norm)

    def copy(self, stop: int | None = None) -> "HistoryCopy":
        """An independent copy of rows [0, stop), safe to hand to another thread."""
        rows = self.rows(0, stop)
        return HistoryCopy(iteration=self._iteration[: len(rows["epoch"])].copy(), **rows)

    def to_csv(self, path, parameter_names) -> None:
        """Write ``epoch,iteration,loss,w1,...,wd,b`` (loss = full-dataset loss)."""
        from .atomic import atomic_write_text

        # a network's names hold commas (0.weight[0,1]): quoted, as CSV readers expect
        names = [f'"{n}"' if "," in n else n for n in parameter_names]
        lines = [",".join(["epoch", "iteration", "loss", *names])]
        params = self.params
        full = self.full_loss
        epochs = self.epoch
        iterations = self.iteration
        for k in range(self._n):
            cells = [str(int(epochs[k])), str(int(iterations[k])), repr(float(full[k]))]
            cells += [repr(float(v)) for v in params[k]]
            lines.append(",".join(cells))
        atomic_write_text(path, "\n".join(lines) + "\n")


class HistoryCopy:
    """A frozen copy of some rows of a History (same attribute names)."""

    def __init__(self, **arrays: np.ndarray) -> None:
        for name, array in arrays.items():
            array.flags.writeable = False
            setattr(self, name, array)

    def __len__(self) -> int:
        return len(self.epoch)
