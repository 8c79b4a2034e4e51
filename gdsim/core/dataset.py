"""The immutable data table that every other part of gdsim works on.

A :class:`Dataset` is a named table of float64 numbers with column names and
one *target* column; every other column is a feature.  It never changes: each
edit (``with_value``, ``with_row_inserted``, ...) validates its arguments and
returns a new Dataset, so the GUI can keep old versions for undo.  Every
problem is reported as a :class:`DataError` whose message is one sentence a
user can act on.

Conventions
-----------
* Row and column *indices* in the API are 0-based, like numpy.
* Row and column numbers in *messages* are 1-based, like a spreadsheet.
* Column names are stripped of surrounding white space; they must be non-empty,
  unique, must not contain control characters (tabs, line breaks) and must not
  be numbers (a CSV header of numbers is indistinguishable from a data row, so
  such a table could not be saved and loaded again).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

__all__ = ["DataError", "Dataset", "parse_number", "format_number"]


class DataError(ValueError):
    """One clear sentence for the user, naming row/column where relevant.

    ``row`` and ``column`` optionally locate the problem (``row`` is the
    1-based number shown in the message, ``column`` a column name) so a view
    can highlight the offending cell.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NONFINITE_RE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_DECIMAL_COMMA_RE = re.compile(r"[+-]?\d*,\d+")
_QUOTES = ('"', "'")


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_number(text: str) -> float:
    """Parse one cell as a finite float.

    Surrounding white space and one pair of surrounding quotes (``"`` or
    ``'``) are removed.  Accepted: plain decimal notation with an optional
    sign and exponent (``-2``, ``.5``, ``1e-3``).  Refused with a DataError:
    empty text, anything else (``abc``, ``1,5``, ``1_000``, ``0x10``), and
    values that are not finite (``nan``, ``inf``) or overflow (``1e400``).
    """
    raw = str(text)
    s = raw.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in _QUOTES:
        s = s[1:-1].strip()
    if not s:
        raise DataError("The value is empty; enter a number.")
    shown = _shorten(s)
    if _NUMBER_RE.fullmatch(s):
        value = float(s)
        if math.isinf(value):
            raise DataError(f"'{shown}' is too large to be a finite number.")
        return value
    if _NONFINITE_RE.fullmatch(s):
        raise DataError(f"'{shown}' is not a finite number.")
    if _DECIMAL_COMMA_RE.fullmatch(s):
        raise DataError(f"'{shown}' is not a number (use a dot as the decimal separator).")
    raise DataError(f"'{shown}' is not a number.")


def format_number(value: float) -> str:
    """Shortest text that reads back as exactly ``value``; ``2.0`` -> ``2``."""
    r = repr(float(value))
    return r[:-2] if r.endswith(".0") else r


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

def _is_number_text(text: str) -> bool:
    try:
        parse_number(text)
    except DataError:
        return False
    return True


def _clean_name(name: object, position: int | None = None) -> str:
    """Strip and validate one column name; ``position`` is 0-based."""
    where = f"Column {position + 1}" if position is not None else "The column"
    if not isinstance(name, str):
        raise DataError(f"{where} name must be text, not {type(name).__name__}.")
    s = name.strip()
    if not s:
        raise DataError(f"{where} has no name; every column needs a name.")
    if any(ord(c) < 32 or ord(c) == 127 for c in s):
        raise DataError(
            f"Column name {_shorten(s)!r} contains a tab or line break; "
            "use a name on one line."
        )
    if _is_number_text(s):
        raise DataError(f"Column name '{_shorten(s)}' is a number; use a name that contains letters.")
    return s


def _check_unique(names: Sequence[str]) -> None:
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        if n in seen:
            raise DataError(
                f"Column name '{_shorten(n)}' is used twice (columns {seen[n] + 1} and {i + 1}); "
                "column names must be unique.",
                column=n,
            )
        seen[n] = i


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# ---------------------------------------------------------------------------
# Dataset
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Dataset:
    """An immutable table of finite float64 values with one target column.

    ``values`` is stored as a C-contiguous, read-only ``(n_rows, n_cols)``
    float64 array.  The constructor copies its input, except that an array
    which is already float64, C-contiguous, read-only and owns its memory is
    adopted as is (this keeps loading of large files lean).

    ``target`` defaults to the last column.  Equality (``==`` and
    :meth:`equals`) compares columns, target and values bit for bit and
    ignores ``name``.
    """

    columns: tuple[str, ...]
    values: np.ndarray
    target: str | None = None
    name: str = ""
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cols = self.columns
        if isinstance(cols, str) or not isinstance(cols, Sequence):
            raise DataError("The column names must be given as a list of texts.")
        names = tuple(_clean_name(c, i) for i, c in enumerate(cols))
        _check_unique(names)
        if len(names) < 2:
            what = f"only one column ('{names[0]}')" if names else "no columns"
            raise DataError(
                f"The table has {what}; it needs at least one feature column and a target column."
            )

        target = names[-1] if self.target is None else self.target
        if not isinstance(target, str):
            raise DataError("The target column must be given by its name.")
        target = target.strip()
        if target not in names:
            raise DataError(
                f"Target column '{_shorten(target)}' is not in the table; "
                f"the columns are {', '.join(names)}."
            )

        values = self._adopt(self.values, len(names))
        if values.shape[0] < 1:
            raise DataError("The table has no rows; it needs at least one row of data.")
        finite = np.isfinite(values)
        if not finite.all():
            r, c = np.argwhere(~finite)[0]
            raise DataError(
                f"Row {r + 1}, column '{names[c]}' holds {float(values[r, c])!r}, which is not a finite number.",
                row=int(r) + 1,
                column=names[c],
            )

        name = self.name
        if not isinstance(name, str):
            raise DataError("The data set name must be text.")
        object.__setattr__(self, "columns", names)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "target", target)

    @staticmethod
    def _adopt(values: object, n_cols: int) -> np.ndarray:
        if (
            isinstance(values, np.ndarray)
            and values.dtype == np.float64
            and values.flags.c_contiguous
            and not values.flags.writeable
            and values.base is None
        ):
            a = values
        else:
            try:
                a = np.array(values, dtype=np.float64, order="C", copy=True)
            except (TypeError, ValueError) as exc:
                raise DataError(f"The table values must be numbers ({exc}).") from None
            a = _readonly(a)
        if a.ndim != 2:
            raise DataError(f"The table values must form a 2-D table, not a {a.ndim}-D array.")
        if a.shape[1] != n_cols:
            raise DataError(
                f"The table has {n_cols} column names but {a.shape[1]} columns of values."
            )
        return a

    # -- shape and lookup ---------------------------------------------------

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c != self.target)

    @property
    def n_rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_columns(self) -> int:
        return len(self.columns)

    @property
    def n_features(self) -> int:
        return len(self.columns) - 1

    @property
    def target_index(self) -> int:
        return self.columns.index(self.target)

    @property
    def feature_indices(self) -> tuple[int, ...]:
        t = self.target_index
        return tuple(i for i in range(len(self.columns)) if i != t)

    @property
    def X(self) -> np.ndarray:
        """Feature matrix ``(n_rows, n_features)``, read-only, computed once."""
        x = self._cache.get("X")
        if x is None:
            x = _readonly(np.ascontiguousarray(self.values[:, list(self.feature_indices)]))
            self._cache["X"] = x
        return x

    @property
    def y(self) -> np.ndarray:
        """Target vector ``(n_rows,)``, read-only, computed once."""
        y = self._cache.get("y")
        if y is None:
            y = _readonly(np.ascontiguousarray(self.values[:, self.target_index]))
            self._cache["y"] = y
        return y

    def column_index(self, col: int | str) -> int:
        """Index of a column given by name or by 0-based index."""
        if isinstance(col, str):
            key = col.strip()
            if key not in self.columns:
                raise DataError(
                    f"There is no column '{_shorten(key)}'; the columns are {', '.join(self.columns)}."
                )
            return self.columns.index(key)
        return self._check_index(col, len(self.columns), "column")

    def column(self, name: int | str) -> np.ndarray:
        """One column as a read-only 1-D array (by name or 0-based index)."""
        i = self.column_index(name)
        return _readonly(np.ascontiguousarray(self.values[:, i]))

    # -- equality -------------------------------------------------------------

    def equals(self, other: object) -> bool:
        """Same columns, target and values bit for bit (``name`` is ignored)."""
        if not isinstance(other, Dataset):
            return False
        return (
            self.columns == other.columns
            and self.target == other.target
            and self.values.shape == other.values.shape
            and self.values.tobytes() == other.values.tobytes()
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self.equals(other)

    def __hash__(self) -> int:
        return hash((self.columns, self.target, self.values.shape, self.values.tobytes()))

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, columns={self.columns!r}, target={self.target!r}, "
            f"n_rows={self.n_rows})"
        )

    # -- helpers for edits --------------------------------------------------

    @staticmethod
    def _check_index(index: object, size: int, what: str, *, insert: bool = False) -> int:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise DataError(f"The {what} position must be a whole number, not {index!r}.")
        index = int(index)
        limit = size + 1 if insert else size
        if not 0 <= index < limit:
            plural = "s" if size != 1 else ""
            if insert:
                raise DataError(
                    f"Cannot insert a {what} at position {index + 1}; the table has {size} {what}{plural}."
                )
            raise DataError(f"{what.capitalize()} {index + 1} does not exist; the table has {size} {what}{plural}.")
        return index

    @staticmethod
    def _to_value(value: object, where: str) -> float:
        if isinstance(value, str):
            try:
                return parse_number(value)
            except DataError as exc:
                raise DataError(f"{where}: {exc.message}") from None
        try:
            v = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise DataError(f"{where}: {value!r} is not a number.") from None
        if not math.isfinite(v):
            raise DataError(f"{where}: {v!r} is not a finite number.")
        return v

    def _vector(self, values: Sequence[float] | np.ndarray | None, length: int, what: str,
                names: Sequence[str] | None = None) -> np.ndarray:
        if values is None:
            return np.zeros(length)
        if isinstance(values, (str, bytes)):
            raise DataError(f"The new {what} must be a list of numbers.")
        vals = list(values.tolist() if isinstance(values, np.ndarray) else values)
        if len(vals) != length:
            raise DataError(f"The new {what} has {len(vals)} values but needs {length}.")
        out = np.empty(length)
        for i, v in enumerate(vals):
            where = f"Value for column '{names[i]}'" if names else f"Value {i + 1} of the new {what}"
            out[i] = self._to_value(v, where)
        return out

    def _replace(self, **changes: object) -> Dataset:
        kw = dict(columns=self.columns, values=self.values, target=self.target, name=self.name)
        kw.update(changes)
        return Dataset(**kw)  # type: ignore[arg-type]

    # -- edits ----------------------------------------------------------------

    def with_value(self, row: int, col: int | str, value: float | str) -> Dataset:
        """Set one cell; ``value`` may be a number or text parsed by :func:`parse_number`."""
        r = self._check_index(row, self.n_rows, "row")
        c = self.column_index(col)
        v = self._to_value(value, f"Row {r + 1}, column '{self.columns[c]}'")
        values = self.values.copy()
        values[r, c] = v
        return self._replace(values=_readonly(values))

    def with_row_inserted(self, index: int, values: Sequence[float] | None = None) -> Dataset:
        """Insert a row before position ``index`` (``n_rows`` appends).

        ``values=None`` inserts a row of zeros: predictable, and independent of
        which neighbour the user had selected (a view that wants a copy of a
        neighbour passes that row explicitly).
        """
        i = self._check_index(index, self.n_rows, "row", insert=True)
        row = self._vector(values, len(self.columns), "row", self.columns)
        new = np.insert(self.values, i, row, axis=0)
        return self._replace(values=_readonly(np.ascontiguousarray(new)))

    def with_row_removed(self, index: int) -> Dataset:
        i = self._check_index(index, self.n_rows, "row")
        if self.n_rows == 1:
            raise DataError("The table must keep at least one row, so its last row cannot be removed.")
        new = np.delete(self.values, i, axis=0)
        return self._replace(values=_readonly(np.ascontiguousarray(new)))

    def with_column_inserted(self, index: int, name: str, values: Sequence[float] | None = None) -> Dataset:
        """Insert a feature column before position ``index``; ``values=None`` fills zeros."""
        i = self._check_index(index, len(self.columns), "column", insert=True)
        clean = _clean_name(name)
        if clean in self.columns:
            raise DataError(f"There is already a column named '{_shorten(clean)}'; column names must be unique.")
        col = self._vector(values, self.n_rows, f"column '{clean}'")
        new = np.insert(self.values, i, col, axis=1)
        columns = self.columns[:i] + (clean,) + self.columns[i:]
        return self._replace(columns=columns, values=_readonly(np.ascontiguousarray(new)))

    def with_column_removed(self, index: int | str) -> Dataset:
        i = self.column_index(index)
        name = self.columns[i]
        if name == self.target:
            raise DataError(
                f"Column '{name}' is the target, so it cannot be removed; choose another target first."
            )
        if self.n_features == 1:
            raise DataError(f"Column '{name}' is the only feature, so it cannot be removed.")
        new = np.delete(self.values, i, axis=1)
        columns = self.columns[:i] + self.columns[i + 1:]
        return self._replace(columns=columns, values=_readonly(np.ascontiguousarray(new)))

    def with_column_renamed(self, index: int | str, name: str) -> Dataset:
        """Rename a column; if it is the target, the target follows the new name."""
        i = self.column_index(index)
        clean = _clean_name(name)
        old = self.columns[i]
        if clean != old and clean in self.columns:
            raise DataError(f"There is already a column named '{_shorten(clean)}'; column names must be unique.")
        columns = self.columns[:i] + (clean,) + self.columns[i + 1:]
        target = clean if old == self.target else self.target
        return self._replace(columns=columns, target=target)

    def with_target(self, name: str) -> Dataset:
        if not isinstance(name, str):
            raise DataError("The target column must be given by its name.")
        return self._replace(target=name.strip())

    def with_name(self, name: str) -> Dataset:
        return self._replace(name=name)

    # -- construction -----------------------------------------------------------

    @classmethod
    def from_columns(cls, mapping: Mapping[str, Sequence[float]], target: str | None = None,
                     name: str = "") -> Dataset:
        """Build a Dataset from ``{column name: values}`` in mapping order."""
        if not isinstance(mapping, Mapping):
            raise DataError("The columns must be given as a mapping from names to values.")
        names = list(mapping.keys())
        arrays = []
        first_len: int | None = None
        for i, key in enumerate(names):
            label = key.strip() if isinstance(key, str) else f"column {i + 1}"
            try:
                a = np.asarray(mapping[key], dtype=np.float64)
            except (TypeError, ValueError):
                raise DataError(f"Column '{label}' contains values that are not numbers.") from None
            if a.ndim != 1:
                raise DataError(f"Column '{label}' must be a flat list of numbers.")
            if first_len is None:
                first_len = len(a)
            elif len(a) != first_len:
                raise DataError(
                    f"Column '{label}' has {len(a)} values but column '{str(names[0]).strip()}' has {first_len}."
                )
            arrays.append(a)
        if not arrays:
            raise DataError("The table has no columns; it needs at least one feature column and a target column.")
        values = np.column_stack(arrays) if arrays[0].size else np.empty((0, len(arrays)))
        return cls(tuple(names), values, target, name)
