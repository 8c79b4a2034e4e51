"""Locate files shipped in ``resources/`` (installed as ``gdsim.resources``).

Search order:

1. a PyInstaller bundle: ``<sys._MEIPASS>/gdsim/resources/``;
2. the installed package ``gdsim.resources`` via :mod:`importlib.resources`
   (extracted to a temporary file if the package lives inside a zip);
3. a source checkout: ``<repo>/resources/`` next to the ``gdsim`` folder.
"""

from __future__ import annotations

import atexit
import sys
from contextlib import ExitStack
from importlib import resources as _ilr
from pathlib import Path, PurePosixPath

__all__ = ["resource_path", "resource_roots"]

_REPO_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
_extracted = ExitStack()
atexit.register(_extracted.close)


def _clean(relative: str) -> PurePosixPath:
    rel = PurePosixPath(str(relative).replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ValueError(f"Resource paths must be relative and stay inside resources/: {relative!r}")
    return rel


def _installed_root():
    try:
        return _ilr.files("gdsim.resources")
    except (ModuleNotFoundError, TypeError, ValueError):
        return None


def resource_roots() -> list[Path]:
    """Existing on-disk resource folders, in search order."""
    roots: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        roots.append(Path(meipass) / "gdsim" / "resources")
    installed = _installed_root()
    if isinstance(installed, Path):
        roots.append(installed)
    roots.append(_REPO_RESOURCES)
    return [r for r in roots if r.is_dir()]


def resource_path(relative: str) -> Path:
    """Path of ``resources/<relative>`` (e.g. ``"presets/insurance.csv"``).

    Raises FileNotFoundError naming the places searched if it is nowhere.
    """
    rel = _clean(relative)
    for root in resource_roots():
        candidate = root.joinpath(*rel.parts)
        if candidate.exists():
            return candidate
    installed = _installed_root()
    if installed is not None and not isinstance(installed, Path):
        node = installed.joinpath(*rel.parts)
        if node.is_file():
            return Path(_extracted.enter_context(_ilr.as_file(node)))
    searched = ", ".join(str(r) for r in resource_roots()) or "no resource folder found"
    raise FileNotFoundError(f"Resource '{rel}' not found (searched: {searched}).")
