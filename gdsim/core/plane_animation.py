"""An animation of a descent on a pca or random plane, as the window shows it (numbers only).

The window draws a network's surface on the plane through its current point
(gdsim.core.surface_tracker); a GIF of the descent on that plane uses one
plane for every frame: the window's own when it passes through the last point
of the history exported, else the same plane computed again through that point
(``landscape.plane_surface``: a pca plane fitted to the path, or the random
plane of the run's seed). Each frame's path is the history's projection onto
it; the axes are labelled as in the window ("a: PC1, 90% of variance").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .animation import AnimationFrame, AnimationPlan
from .landscape import PlaneSurface, plane_surface
from .surface_tracker import PLANE_TITLES, plane_axis_labels

PLANE_NAMES = {"pca": "PCA plane", "random": "random plane"}


class PlaneUnavailable(ValueError):
    """The plane cannot be drawn; the message is a clause (no final period) saying why."""


class PlaneAnimationPlan(AnimationPlan):
    """An AnimationPlan whose surface is one pca or random plane and whose path is projected on it."""

    def __init__(self, run: Any, surface: PlaneSurface, n_frames: int = 60, history: Any = None) -> None:
        super().__init__(run, n_frames, None, history)
        self.plane = surface.plane
        self.plane_surface = surface
        self.projected = (self.params - surface.center) @ surface.basis_pinv.T  # (rows, 2)

    def path(self, frame: AnimationFrame) -> np.ndarray:
        return self.projected[: frame.row + 1]

    def surface(self, frame: AnimationFrame) -> PlaneSurface:
        return self.plane_surface

    def axis_labels(self) -> tuple[str, str]:
        return plane_axis_labels(self.plane, self.plane_surface)

    def optimum_xy(self) -> None:
        return None  # (the least-squares optimum is off the plane in general; the window omits it too)

    def caption(self, frame: AnimationFrame) -> tuple[str, str]:
        surface, loss = super().caption(frame)
        head, _, tail = surface.partition(" · ")
        return f"{head} {PLANE_TITLES[self.plane]} · {tail}", loss


def plane_animation_plan(run: Any, plane: str, n_frames: int = 60, history: Any = None,
                         shown: PlaneSurface | None = None) -> PlaneAnimationPlan:
    """The animation of ``history`` (default: the run's) on ``plane``: ``shown`` (the window's
    plane) when it passes through the history's last finite point, else that plane again
    through that point. ``PlaneUnavailable`` when it cannot be drawn."""
    if plane not in PLANE_NAMES:
        raise PlaneUnavailable(f"there is no '{plane}' plane")
    h = run.history if history is None else history
    params = np.asarray(h.params, dtype=np.float64)
    finite = np.isfinite(params).all(axis=1)
    if not finite.any():
        raise PlaneUnavailable(f"the path has no finite point to put the {PLANE_NAMES[plane]} through")
    center = params[np.flatnonzero(finite)[-1]]
    surface = shown
    if not (isinstance(surface, PlaneSurface) and surface.plane == plane
            and surface.center is not None and np.array_equal(surface.center, center)):
        seed = getattr(run.config, "seed", 0)
        surface = plane_surface(run.problem, run.X, run.y, params, center, plane,
                                0 if seed is None else int(seed))
    if not np.isfinite(surface.values).any():
        raise PlaneUnavailable(f"the loss is not a finite number anywhere on the {PLANE_NAMES[plane]}")
    return PlaneAnimationPlan(run, surface, n_frames, history)
