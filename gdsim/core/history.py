"""Every iteration of a run, in preallocated numpy arrays that grow by doubling."""

from __future__ import annotations

import numpy as np


class History:
    """Row k holds the state after k updates; row 0 is the initial parameters.

    Columns: ``epoch`` (the epoch the update belongs to, 0 for row 0), ``lr``
    (learning rate used), ``batch_loss`` (loss of the mini-batch the update
    was computed on, at the parameters before it), ``full_loss`` (loss on the
    whole dataset at row k's parameters; NaN where it was not computed),
    ``params``, ``grad`` (gradient used) and ``grad_norm``. The iteration
    number is the row index, so it is not stored.

    Rows are only appended; a row is never rewritten except to fill in its
    ``full_loss`` once it is known. Properties return read-only views of the
    filled rows.

    A history given ``max_rows`` (``bound``) keeps its memory bounded instead:
    when full it keeps every other row and from then on one iteration in
    ``stride`` (doubled at each thinning), plus always the latest iteration as
    its last row. ``iteration`` then gives each row's iteration number. A
    history never thinned (the window's) has row k = iteration k.
    """

    def __init__(self, n_params: int, capacity: int = 1024, max_rows: int | None = None) -> None:
        self.n_params = n_params
        self._n = 0
        self.stride = 1
        self.max_rows = None
        self._last_iteration = -1
        self._alloc(max(capacity, 2))
        if max_rows is not None:
            self.bound(max_rows)

    def bound(self, max_rows: int) -> None:
        """Keep at most ``max_rows`` rows (at least 4) from now on, thinning as described above."""
        self.max_rows = max(4, int(max_rows))
        while self._n > self.max_rows:
            self._thin()

    @property
    def row_bytes(self) -> int:
        return 4 + 8 * (4 + 2 * self.n_params)

    def _thin(self) -> None:
        """Keep the rows whose iteration is a multiple of twice the stride, and the last row."""
        keep = np.arange(0, self._n, 2)
        if keep[-1] != self._n - 1:
            keep = np.append(keep, self._n - 1)
        for name in self.COLUMNS:
            array = getattr(self, "_" + name)
            array[: len(keep)] = array[keep]
        self._n = len(keep)
        self.stride *= 2

    def _alloc(self, capacity: int) -> None:
        old = getattr(self, "_epoch", None)
        fields = {
            "_epoch": np.zeros(capacity, np.int32),
            "_lr": np.full(capacity, np.nan),
            "_batch_loss": np.full(capacity, np.nan),
            "_full_loss": np.full(capacity, np.nan),
            "_params": np.full((capacity, self.n_params), np.nan),
            "_grad": np.full((capacity, self.n_params), np.nan),
            "_grad_norm": np.full(capacity, np.nan),
        }
        if old is not None:
            for name, new in fields.items():
                new[: self._n] = getattr(self, name)[: self._n]
        for name, new in fields.items():
            setattr(self, name, new)
        self.capacity = capacity

    def append(self, epoch: int, lr: float, batch_loss: float, params: np.ndarray,
               grad: np.ndarray, grad_norm: float, full_loss: float = np.nan) -> int:
        """Add a row and return its index."""
        self._last_iteration += 1
        k = self._n
        if self.stride > 1 and (self._last_iteration - 1) % self.stride:
            k -= 1  # the last row held an iteration off the stride: the new one replaces it
        elif self.max_rows is not None and k >= self.max_rows:
            self._thin()
            k = self._n - 1 if (self._last_iteration - 1) % self.stride else self._n
        elif k == self.capacity:
            grown = self.capacity * 2
            self._alloc(grown if self.max_rows is None else min(grown, self.max_rows))
        self._epoch[k] = epoch
        self._lr[k] = lr
        self._batch_loss[k] = batch_loss
        self._full_loss[k] = full_loss
        self._params[k] = params
        self._grad[k] = grad
        self._grad_norm[k] = grad_norm
        self._n = k + 1
        return k

    def set_full_loss(self, iteration: int, value: float) -> None:
        """Fill in the full-dataset loss of ``iteration`` (ignored when thinning dropped its row)."""
        if self.stride == 1:
            self._full_loss[iteration] = value
        elif iteration == self._last_iteration:
            self._full_loss[self._n - 1] = value
        elif iteration % self.stride == 0 and iteration // self.stride < self._n:
            self._full_loss[iteration // self.stride] = value

    # The columns of a row, as ``rows()`` returns and ``extend`` takes them.
    COLUMNS = ("epoch", "lr", "batch_loss", "full_loss", "params", "grad", "grad_norm")

    def rows(self, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
        """Copies of rows [start, stop) (stop: the end) of every column."""
        stop = self._n if stop is None else min(stop, self._n)
        return {name: getattr(self, "_" + name)[start:stop].copy() for name in self.COLUMNS}

    def extend(self, rows: dict[str, np.ndarray]) -> None:
        """Append rows given column by column (as ``rows()`` returns them)."""
        m = len(rows["epoch"])
        capacity = self.capacity
        while self._n + m > capacity:
            capacity *= 2
        if capacity != self.capacity:
            self._alloc(capacity)
        for name in self.COLUMNS:
            getattr(self, "_" + name)[self._n: self._n + m] = rows[name]
        self._n += m
        self._last_iteration += m

    def __len__(self) -> int:
        return self._n

    def _view(self, array: np.ndarray) -> np.ndarray:
        view = array[: self._n]
        view.flags.writeable = False
        return view

    @property
    def iteration(self) -> np.ndarray:
        """Each row's iteration number (the row index unless thinned)."""
        its = np.arange(self._n) * self.stride
        if self._n:
            its[-1] = self._last_iteration
        return its

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
        return HistoryCopy(iteration=self.iteration[: len(rows["epoch"])], **rows)

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
