"""Feature maps, as in TensorFlow Playground: new input columns made from the features.

``--features x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)`` (any subset, in any
order) replaces the features by these columns before the model sees them
(and before standardisation). ``xK`` is the K-th feature column of the data,
whatever its name; the terms are ``xK``, ``xK^2``, ``xJ*xK`` and ``sin(xK)``.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from .dataset import Dataset

_TERM = re.compile(r"^(?:x(\d+)|x(\d+)\^2|x(\d+)\*x(\d+)|sin\(x(\d+)\))$")
PLAYGROUND_FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
_ORDINAL = {1: "first", 2: "second", 3: "third"}


def parse_features(text: str | Sequence[str]) -> tuple[str, ...]:
    """'x1, x1^2' or a sequence of terms -> the terms, checked for form (not yet against the data)."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    terms = tuple(str(p).replace(" ", "").lower() for p in parts if str(p).strip())
    if not terms:
        raise ValueError("--features needs at least one term, e.g. x1,x2,x1^2.")
    for term in terms:
        match = _TERM.match(term)
        if not match or any(g is not None and int(g) < 1 for g in match.groups()):
            raise ValueError(
                f"Unknown feature '{term}'; use terms such as {', '.join(PLAYGROUND_FEATURES)}."
            )
    duplicates = sorted({t for t in terms if terms.count(t) > 1})
    if duplicates:
        raise ValueError(f"Feature '{duplicates[0]}' is given twice.")
    return terms


def _columns(term: str) -> tuple[str, tuple[int, ...]]:
    """(kind, 0-based feature indices) of a parsed term."""
    g = _TERM.match(term).groups()
    if g[0]:
        return "x", (int(g[0]) - 1,)
    if g[1]:
        return "square", (int(g[1]) - 1,)
    if g[2]:
        return "product", (int(g[2]) - 1, int(g[3]) - 1)
    return "sin", (int(g[4]) - 1,)


def map_features(X: np.ndarray, terms: Sequence[str]) -> np.ndarray:
    """The columns of ``terms`` computed from the features ``X`` (rows, d): (rows, len(terms))."""
    out = np.empty((X.shape[0], len(terms)))
    for k, term in enumerate(terms):
        kind, idx = _columns(term)
        missing = [i for i in idx if i >= X.shape[1]]
        if missing:
            i = missing[0] + 1
            raise ValueError(
                f"Feature '{term}' needs a {_ORDINAL.get(i, f'{i}th')} feature column, "
                f"but the data has {X.shape[1]}."
            )
        a = X[:, idx[0]]
        if kind == "x":
            out[:, k] = a
        elif kind == "square":
            np.multiply(a, a, out=out[:, k])
        elif kind == "product":
            np.multiply(a, X[:, idx[1]], out=out[:, k])
        else:
            np.sin(a, out=out[:, k])
    return out


def apply_features(dataset: Dataset, terms: Sequence[str] | None) -> Dataset:
    """``dataset`` with its features replaced by the mapped columns (named by their terms; the target kept).

    ``None`` or an empty sequence returns ``dataset`` itself.
    """
    if not terms:
        return dataset
    terms = parse_features(terms)
    target = dataset.target
    if target in terms:
        raise ValueError(f"The target column is called '{target}', like feature '{target}'; rename it.")
    values = np.empty((dataset.n_rows, len(terms) + 1))
    values[:, :-1] = map_features(dataset.X, terms)
    values[:, -1] = dataset.y
    if not np.isfinite(values).all():
        raise ValueError("A feature map made a value too large to hold; scale the data down.")
    values.setflags(write=False)
    return Dataset((*terms, target), values, target, dataset.name)
