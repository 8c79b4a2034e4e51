"""3D view: the loss surface as a mesh with the descent path on it (pyqtgraph.opengl).

Orbit with the left mouse button, zoom with the wheel; it follows the run
live, on the same plane as the surface plot (two parameters, or a pca/random
plane with the path projected onto it). It opens as a window of its own of a useful size (DEFAULT_SIZE, at least
MIN_SIZE), with the two parameters and the loss on labelled, ticked axes, and
a caption saying what the height is: log(1 + loss − min), whose ticks read as
loss values. Where no OpenGL context can be made (the offscreen platform, a machine
without GL drivers) the dock says so in one sentence and nothing else changes.

The dock, its action and its menu entry exist from the start; OpenGL is probed,
and PyOpenGL and pyqtgraph.opengl are imported, only when the dock is first
shown, so opening the window does not pay for them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QGuiApplication, QOffscreenSurface, QOpenGLContext, QVector3D
from PySide6.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

NO_GL_MESSAGE = "The 3D view needs OpenGL, which is not available here; every other view works as usual."
# The mesh's height is the displayed loss: log-scaled like the heatmap colours,
# and squeezed to a fraction of the parameter span so orbiting stays pleasant.
HEIGHT_FRACTION = 0.6
#: the floating window's size when first opened (a fraction of the main window), and its least
DEFAULT_SIZE = (0.45, 0.7)
MIN_SIZE = (520, 420)
TICKS = 5
AXIS_COLOR = (0.15, 0.15, 0.15, 1.0)
TEXT_COLOR = (20, 20, 20, 255)


def nice_ticks(lo: float, hi: float, count: int = TICKS) -> np.ndarray:
    """About ``count`` round values (1, 2 or 5 × 10^k apart) inside [lo, hi]."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return np.array([lo]) if np.isfinite(lo) else np.empty(0)
    raw = (hi - lo) / max(count - 1, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = np.arange(np.ceil(lo / step) * step, hi + step * 1e-9, step)
    return ticks[(ticks >= lo - step * 1e-9) & (ticks <= hi + step * 1e-9)]


def loss_ticks(low: float, high: float, count: int = TICKS) -> np.ndarray:
    """Loss values to label the height log(1 + loss − low) with: the lowest, then low plus
    round powers of ten (evenly spaced on that axis), at most ``count``."""
    span = high - low
    if not (np.isfinite(span) and span > 0):
        return np.array([low])
    if span <= 10:  # log(1 + Δ) is nearly straight here: round values, evenly spaced
        return nice_ticks(low, high, count)
    powers = 10.0 ** np.arange(np.floor(np.log10(span)), -4, -1.0)
    offsets = powers[powers <= span][: count - 1][::-1]
    values = low + offsets
    # offsets below 1 bunch at the bottom (log1p is linear there): keep the ones ≥ 1 when
    # there are enough of them
    big = values[offsets >= 1]
    return np.concatenate(([low], big if len(big) >= 2 else values))


def height_caption(minimum: float) -> str:
    """What the height of the mesh is, in one sentence (the axis ticks read as loss)."""
    return (f"Height = log(1 + loss − {minimum:.4g}), the lowest loss on this grid: the valley "
            "and the walls both stay visible. The vertical axis is labelled with the loss itself. "
            "Drag to orbit, wheel to zoom.")


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
        window.surface_view.surface_changed.connect(self.refresh)  # the same plane as the 2D view

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
        # far enough to see the whole box and its labels; aimed at its middle
        self.gl_view.setCameraPosition(pos=QVector3D(0, 0, 0.4), distance=4.3, elevation=28, azimuth=-60)
        self.mesh = gl.GLSurfacePlotItem(shader="heightColor", computeNormals=False, smooth=False)
        # heightColor: each of r, g, b = (scale · (z + offset))^power; low = blue, high = yellow.
        self.mesh.shader()["colorMap"] = np.array([0.8, 0.0, 1.0, 0.6, 0.3, 1.0, -0.7, -1.3, 1.0])
        self.gl_view.addItem(self.mesh)
        self.path = gl.GLLinePlotItem(color=(0.85, 0.1, 0.1, 1.0), width=3, antialias=True)
        self.path.setGLOptions("translucent")
        self.gl_view.addItem(self.path)
        self.gl_view.setMinimumSize(320, 260)
        self.axes = gl.GLLinePlotItem(color=AXIS_COLOR, width=1.5, mode="lines", antialias=True)
        self.gl_view.addItem(self.axes)
        self.labels: list = []  # GLTextItems: tick values and axis names
        self.caption = QLabel(objectName="view3DCaption")
        self.caption.setWordWrap(True)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.gl_view, 1)
        lay.addWidget(self.caption)
        self.dock.setWidget(body)

    def _show(self, visible: bool) -> None:
        if visible:
            self._build()  # before the dock appears, so it never shows empty
            self._first_size()
        self.dock.setVisible(visible)
        if visible:
            self.dock.raise_()  # in front of a dock it may be tabbed with

    def _first_size(self) -> None:
        """The first time, a window of its own beside the plots, big enough to read
        (docked, it took 330×276 px from the other plots)."""
        if getattr(self, "_sized", False):
            return
        self._sized = True
        w = self.window
        width = max(MIN_SIZE[0], int(w.width() * DEFAULT_SIZE[0]))
        height = max(MIN_SIZE[1], int(w.height() * DEFAULT_SIZE[1]))
        screen = (w.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        width, height = min(width, screen.width()), min(height, screen.height())
        self.dock.setFloating(True)
        self.dock.resize(width, height)
        right = min(w.mapToGlobal(w.rect().topRight()).x(), screen.right())
        x = max(screen.left(), right - width - 20)
        y = min(max(screen.top(), w.mapToGlobal(w.rect().topLeft()).y() + 60), screen.bottom() - height)
        self.dock.move(x, max(screen.top(), y))

    @property
    def available(self) -> bool:
        """True once the dock has been shown and draws with OpenGL."""
        return self.gl_view is not None

    def _on_visible(self, visible: bool) -> None:
        if visible:
            self._build()  # shown another way: View menu, a restored layout
            if self.dock.width() < MIN_SIZE[0] // 2 and not self.dock.isFloating():
                self._sized = False  # a restored layout left it tiny
                self._first_size()
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
        # (a plane is never asked for here: the window asks, at most once a second)
        surface = None if self.window.current_run is None else \
            tracker.shown() if tracker.on_plane else tracker.surface()
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
        finite = surface.values[np.isfinite(surface.values)]
        low = float(finite.min()) if finite.size else 0.0
        self._draw_axes(surface, heights, low)
        caption = height_caption(low)
        if tracker.on_plane:
            caption = ("x and y are the coordinates a, b on the plane center + a·d1 + b·d2; the path "
                       "is projected onto it, so points off the plane do not lie on the surface. ") + caption
        self.caption.setText(caption)
        history = self.window.run_history()
        if history is not None:
            self._draw_path(history.params)

    def _draw_axes(self, surface, heights: np.ndarray, low: float) -> None:
        """Three ticked, labelled axes along the box's edges: θ_i, θ_j and the loss."""
        import pyqtgraph.opengl as gl

        for item in self.labels:
            self.gl_view.removeItem(item)
        self.labels = []
        x_name, y_name = self.window.surface_model.axis_labels(self.window.current_run.parameter_names)
        sx, sy, sz = self._scale
        ox, oy = self._origin
        top = float(heights.max()) * sz
        font = QFont()
        font.setPointSize(10)
        # the camera looks from +x, −y: θ_i along the front edge (y = −1), θ_j along the
        # right edge (x = 1), the loss up the front-left corner
        segments = [[-1, -1, 0], [1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, -1, 0], [-1, -1, top]]
        tick = 0.04

        def label(pos, text, bold=False):
            f = QFont(font)
            f.setBold(bold)
            item = gl.GLTextItem(pos=np.array(pos, dtype=float), text=text, color=TEXT_COLOR, font=f)
            self.gl_view.addItem(item)
            self.labels.append(item)

        for v in nice_ticks(surface.xs[0], surface.xs[-1]):
            x = (v - ox) * sx
            segments += [[x, -1, 0], [x, -1 - tick, 0]]
            label([x, -1 - 4 * tick, 0], _tick_text(v))
        for v in nice_ticks(surface.ys[0], surface.ys[-1]):
            y = (v - oy) * sy
            segments += [[1, y, 0], [1 + tick, y, 0]]
            label([1 + 3 * tick, y, 0], _tick_text(v))
        for value in loss_ticks(low, float(np.nanmax(np.where(np.isfinite(surface.values),
                                                              surface.values, low)))):
            h = float(np.log1p(value - low)) * sz  # the height of this loss
            segments += [[-1, -1, h], [-1 - tick, -1, h]]
            label([-1 - 8 * tick, -1, h], _tick_text(value))
        label([0, -1 - 10 * tick, 0], x_name, bold=True)
        label([1 + 8 * tick, 0, 0], y_name, bold=True)
        label([-1, -1, top + 0.15], "loss", bold=True)
        self.axes.setData(pos=np.array(segments, dtype=float))

    def axis_texts(self) -> list[str]:
        """The texts on the 3D axes (tick values and names)."""
        return [item.text for item in getattr(self, "labels", [])]

    def _draw_path(self, params: np.ndarray) -> None:
        surface = getattr(self, "_surface", None)
        if surface is None or len(params) == 0:
            return
        step = max(1, len(params) // 4000)
        rows = np.asarray(params[::step], dtype=np.float64)
        if len(params) and (len(params) - 1) % step:
            rows = np.vstack([rows, params[-1:]])
        pts = self.window.surface_model.project(rows)  # the same plane as the 2D view
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


def _tick_text(v: float) -> str:
    v = float(v)
    if v == 0:
        return "0"
    return f"{v:.3g}" if 1e-3 <= abs(v) < 1e5 else f"{v:.2e}"


def install(window) -> None:
    window.view3d = View3D(window)
