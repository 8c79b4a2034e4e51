"""3D view: the loss surface as a mesh with the descent path on it (pyqtgraph.opengl).

Orbit with the left mouse button, zoom with the wheel; it follows the run
live. Where no OpenGL context can be made (the offscreen platform, a machine
without GL drivers) the dock says so in one sentence and nothing else changes.

The dock, its action and its menu entry exist from the start; OpenGL is probed,
and PyOpenGL and pyqtgraph.opengl are imported, only when the dock is first
shown, so opening the window does not pay for them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QOffscreenSurface, QOpenGLContext
from PySide6.QtWidgets import QDockWidget, QLabel

NO_GL_MESSAGE = "The 3D view needs OpenGL, which is not available here; every other view works as usual."
# The mesh's height is the displayed loss: log-scaled like the heatmap colours,
# and squeezed to a fraction of the parameter span so orbiting stays pleasant.
HEIGHT_FRACTION = 0.6


def opengl_available() -> bool:
    """True when a real OpenGL context can be created on this platform."""
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return False
    try:
        import OpenGL.GL  # noqa: F401  (PyOpenGL, needed by pyqtgraph.opengl)
    except Exception:
        return False
    surface = QOffscreenSurface()
    surface.create()
    context = QOpenGLContext()
    ok = context.create() and context.makeCurrent(surface)
    if ok:
        context.doneCurrent()
    return bool(ok)


def surface_heights(values: np.ndarray) -> np.ndarray:
    """Displayed heights: log1p of the loss above its minimum, finite everywhere."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    if not finite.any():
        return np.zeros_like(v)
    lo = v[finite].min()
    hi = v[finite].max()
    v = np.where(finite, v, hi)
    return np.log1p(v - lo)


class View3D:
    """The dock and its live mesh; the mesh is built (when OpenGL works) on first show."""

    def __init__(self, window) -> None:
        self.window = window
        self.dock = QDockWidget("3D loss surface", window, objectName="view3DDock")
        self.gl_view = None
        self.mesh = None
        self.path = None
        self._built = False
        self._scale = (1.0, 1.0, 1.0)
        self._origin = (0.0, 0.0)
        window.add_dock(self.dock, Qt.RightDockWidgetArea, visible=False)
        self.action = QAction("3D view", window, objectName="action3DView", checkable=True)
        self.action.toggled.connect(self._show)
        self.dock.visibilityChanged.connect(self.action.setChecked)
        self.dock.visibilityChanged.connect(self._on_visible)
        window.menu("&View").addAction(self.action)
        window.toolbar.addAction(self.action)
        window.run_changed.connect(lambda _run: self.refresh())
        window.frame_drawn.connect(self._on_frame)

    def _build(self) -> None:
        """The GL view, or the one-sentence message where OpenGL is missing (once)."""
        if self._built:
            return
        self._built = True
        if opengl_available():
            self._build_gl()
        else:
            label = QLabel(NO_GL_MESSAGE, objectName="view3DMessage")
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignCenter)
            self.dock.setWidget(label)

    def _build_gl(self) -> None:
        import pyqtgraph.opengl as gl

        self.gl_view = gl.GLViewWidget(objectName="view3DWidget")
        self.gl_view.setBackgroundColor("w")
        self.gl_view.setCameraPosition(distance=3.2, elevation=32, azimuth=-60)
        self.mesh = gl.GLSurfacePlotItem(shader="heightColor", computeNormals=False, smooth=False)
        # heightColor: each of r, g, b = (scale · (z + offset))^power; low = blue, high = yellow.
        self.mesh.shader()["colorMap"] = np.array([0.8, 0.0, 1.0, 0.6, 0.3, 1.0, -0.7, -1.3, 1.0])
        self.gl_view.addItem(self.mesh)
        self.path = gl.GLLinePlotItem(color=(0.85, 0.1, 0.1, 1.0), width=3, antialias=True)
        self.path.setGLOptions("translucent")
        self.gl_view.addItem(self.path)
        self.gl_view.setMinimumSize(320, 260)
        self.dock.setWidget(self.gl_view)

    def _show(self, visible: bool) -> None:
        if visible:
            self._build()  # before the dock appears, so it never shows empty
        self.dock.setVisible(visible)
        if visible:
            self.dock.raise_()  # in front of a dock it may be tabbed with

    @property
    def available(self) -> bool:
        """True once the dock has been shown and draws with OpenGL."""
        return self.gl_view is not None

    def _on_visible(self, visible: bool) -> None:
        if visible:
            self._build()  # shown another way: View menu, a restored layout
            self.refresh()

    def _on_frame(self, frame) -> None:
        if self.available and self.dock.isVisible():
            if getattr(self, "_surface", None) is None:
                self.refresh()
            self._draw_path(frame.params)

    def refresh(self) -> None:
        """Redraw the mesh from the window's current surface, and the path."""
        if not self.available or not self.dock.isVisible():
            return
        tracker = self.window.surface_model
        surface = tracker.surface() if self.window.current_run is not None else None
        if surface is None:
            return
        heights = surface_heights(surface.values)
        # Normalise the box to about [-1, 1] × [-1, 1] × [0, HEIGHT_FRACTION·2].
        x0, x1, y0, y1 = surface.xs[0], surface.xs[-1], surface.ys[0], surface.ys[-1]
        sx, sy = 2.0 / max(x1 - x0, 1e-300), 2.0 / max(y1 - y0, 1e-300)
        sz = 2.0 * HEIGHT_FRACTION / max(float(heights.max()), 1e-300)
        self._scale, self._origin = (sx, sy, sz), ((x0 + x1) / 2, (y0 + y1) / 2)
        self._surface = surface
        xs = (surface.xs - self._origin[0]) * sx
        ys = (surface.ys - self._origin[1]) * sy
        # GLSurfacePlotItem wants z[ix, iy]; LossSurface.values is [iy, ix].
        self.mesh.setData(x=xs, y=ys, z=heights.T * sz)
        history = self.window.run_history()
        if history is not None:
            self._draw_path(history.params)

    def _draw_path(self, params: np.ndarray) -> None:
        surface = getattr(self, "_surface", None)
        if surface is None or len(params) == 0:
            return
        i, j = self.window.surface_model.axes
        step = max(1, len(params) // 4000)
        pts = np.asarray(params[::step][:, [i, j]], dtype=np.float64)
        if len(params) and (len(params) - 1) % step:
            pts = np.vstack([pts, params[-1][[i, j]]])
        pts = pts[np.isfinite(pts).all(axis=1)]
        x0, x1, y0, y1 = surface.xs[0], surface.xs[-1], surface.ys[0], surface.ys[-1]
        inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
        pts = pts[inside]
        if len(pts) == 0:
            self.path.setData(pos=np.zeros((0, 3)))
            return
        # Height of the surface under each point (nearest grid cell), lifted a little.
        ix = np.clip(np.searchsorted(surface.xs, pts[:, 0]), 0, len(surface.xs) - 1)
        iy = np.clip(np.searchsorted(surface.ys, pts[:, 1]), 0, len(surface.ys) - 1)
        z = surface_heights(surface.values)[iy, ix] * self._scale[2] + 0.02
        pos = np.column_stack([(pts[:, 0] - self._origin[0]) * self._scale[0],
                               (pts[:, 1] - self._origin[1]) * self._scale[1], z])
        self.path.setData(pos=pos)


def install(window) -> None:
    window.view3d = View3D(window)
