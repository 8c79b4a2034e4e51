"""View ▸ Presentation mode and View ▸ Zoom: the window readable from the back of a room.

Presentation mode (Ctrl+Shift+P) draws text PRESENTATION_TEXT times larger
(the status line at least STATUS_MIN_PX pixels), lines PRESENTATION_LINES
times wider (data curves, the path and the model line at least 3 px:
``style.Scales.min_line``; translucent hairlines, contours and epoch lines, stay
1 px) and markers PRESENTATION_MARKERS times larger.
Zoom in / out / reset (Ctrl+= / Ctrl+- / Ctrl+0) scale the text alone, in
either mode.  The plots are already drawn black on white, the high-contrast
theme a projector wants, so the colours stay.

Turning it off gives every widget, pen, marker and font back exactly what it
had (``style.restyle`` remembers each item's own).  Both settings are kept in
QSettings; ``GDSIM_PRESENTATION=1`` in the environment opens the window in
presentation mode without touching them (the benchmark uses it).
"""

from __future__ import annotations

import os
from functools import partial

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QFont, QFontInfo, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLayout, QScrollArea, QWidget

from ..plots import style
from .sessions import settings

PRESENTATION_TEXT = 1.5
PRESENTATION_LINES = 1.5
PRESENTATION_MARKERS = 1.5
STATUS_MIN_PX = 22
ZOOM_STEP = 1.15
ZOOM_RANGE = (0.6, 2.5)
ON_KEY = "presentation/on"
ZOOM_KEY = "presentation/textZoom"
ENVIRONMENT = "GDSIM_PRESENTATION"
#: in a window narrower than this, presentation mode puts the table in a tab behind the controls
TABIFY_BELOW = 1600


def _scaled(base: QFont, scale: float) -> QFont:
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * scale)
    elif base.pixelSize() > 0:
        font.setPixelSize(max(1, round(base.pixelSize() * scale)))
    return font


class Presentation(QObject):
    """The mode and the text zoom of one window; ``set_presentation`` / ``set_zoom`` change them."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self.on = False
        self.zoom = 1.0
        self._own_fonts: dict[int, tuple[QWidget, QFont]] = {}  # widgets that set their own font
        self._hooked: list[tuple[object, object]] = []  # (scene signal, slot) while scaled
        self._state = None  # the dock layout before presentation mode
        self._controls_width = None  # the controls' dock's own minimum width

        def action(text, name, keys, slot, checkable=False):
            a = QAction(text, window, objectName=name, checkable=checkable)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ApplicationShortcut)
            a.triggered.connect(slot)
            window.addAction(a)
            return a

        self.action = action("Presentation mode", "actionPresentationMode", ["Ctrl+Shift+P"],
                             self.set_presentation, checkable=True)
        self.action.setToolTip("Large text, thick lines and big markers, for a projector")
        self.zoom_in_action = action("Zoom in", "actionZoomIn", ["Ctrl+=", "Ctrl++"],
                                     lambda: self.set_zoom(self.zoom * ZOOM_STEP))
        self.zoom_out_action = action("Zoom out", "actionZoomOut", ["Ctrl+-"],
                                      lambda: self.set_zoom(self.zoom / ZOOM_STEP))
        self.reset_zoom_action = action("Reset zoom", "actionResetZoom", ["Ctrl+0"],
                                        lambda: self.set_zoom(1.0))

        s = settings()
        zoom = _float(s.value(ZOOM_KEY), 1.0)
        on = os.environ.get(ENVIRONMENT) == "1" or str(s.value(ON_KEY, "false")).lower() == "true"
        if on or zoom != 1.0:
            self.on, self.zoom = on, _clamp(zoom)
            self.action.setChecked(on)
            if on:
                self._state = window.saveState()
            self._apply()
            if on:
                self.make_room()
        window.run_changed.connect(self._on_run_changed)

    # --- public -------------------------------------------------------------------------
    def text_scale(self) -> float:
        return self.zoom * (PRESENTATION_TEXT if self.on else 1.0)

    def set_presentation(self, on: bool) -> None:
        on = bool(on)
        self.action.setChecked(on)
        if on != self.on:
            self.on = on
            if on:
                self._state = self._window.saveState()
            self._apply()
            if on:
                self.make_room()
            elif self._state is not None:
                self._window.restoreState(self._state)
        _remember(ON_KEY, on)

    def set_zoom(self, zoom: float) -> None:
        zoom = _clamp(zoom)
        if abs(zoom - 1.0) < 1e-9:
            zoom = 1.0  # (back to exactly 1 after steps in and out)
        if zoom != self.zoom:
            self.zoom = zoom
            self._apply()
        _remember(ZOOM_KEY, zoom)

    # --- applying -----------------------------------------------------------------------
    def _apply(self) -> None:
        scale = self.text_scale()
        lines = PRESENTATION_LINES if self.on else 1.0
        markers = PRESENTATION_MARKERS if self.on else 1.0
        style.set_scales(text=scale, lines=lines, markers=markers)
        window = self._window
        status_bar = window.statusBar()
        # Widgets with a font of their own are remembered at their own size before the
        # window's font changes (a bold header resolves its size from the window's font).
        for child in window.findChildren(QWidget):
            if id(child) not in self._own_fonts and (
                    child.testAttribute(Qt.WA_SetFont) or child.parentWidget() is status_bar):
                # (a status bar's widget with the inherited font gets it back as QFont())
                base = QFont(child.font()) if child.testAttribute(Qt.WA_SetFont) else QFont()
                self._own_fonts[id(child)] = (child, base)
        window.setFont(QFont() if scale == 1.0 else _scaled(QFont(), scale))
        for key, (child, base) in list(self._own_fonts.items()):
            try:
                font = _scaled(base if base.resolveMask() else window.font(), 1.0 if not base.resolveMask()
                               else scale)
                if self.on and status_bar.isAncestorOf(child) \
                        and QFontInfo(font).pixelSize() < STATUS_MIN_PX:
                    font.setPixelSize(STATUS_MIN_PX)
                child.setFont(base if scale == 1.0 else font)
            except RuntimeError:  # the widget is gone
                del self._own_fonts[key]
        # A hidden window's layouts keep the sizes they measured at the old font (a widget not
        # shown yet does not tell its parent's layout that its size changed): the window
        # opened at those, and laid itself out again after its first paint (the table's dock
        # 120 px wider at 1600 px), which placed every legend again and painted them twice.
        if not window.isVisible():  # (a shown one's layouts follow its fonts)
            for layout in window.findChildren(QLayout):
                layout.invalidate()
        self._fit_controls()
        self._restyle_plots()

    def make_room(self) -> None:
        """In presentation mode in a narrow window (a 1280×720 projector) the side panels share
        the controls' column as tabs: the table, a lesson (raised when open), the race."""
        window = self._window
        screen = window.screen()
        narrow = window.width() < TABIFY_BELOW or (  # (a panel just shown may have widened it)
            screen is not None and screen.availableGeometry().width() < TABIFY_BELOW)
        if not self.on or not narrow:
            return
        controls = window.findChild(QDockWidget, "controlsDock")
        if controls is None or controls.isFloating():
            return
        side = (Qt.LeftDockWidgetArea, Qt.RightDockWidgetArea)
        for dock in window.findChildren(QDockWidget):
            if dock is controls or dock.isFloating() or dock.isHidden() or window.dockWidgetArea(dock) not in side \
                    or dock in window.tabifiedDockWidgets(controls):
                continue
            window.tabifyDockWidget(controls, dock)
        lesson = window.findChild(QDockWidget, "lessonPanel")
        (lesson if lesson is not None and lesson in window.tabifiedDockWidgets(controls) else controls).raise_()

    def _fit_controls(self) -> None:
        """The controls' dock as wide as their column at this font."""
        scroll = getattr(self._window, "controls", None)
        scroll = scroll.parentWidget().parentWidget() if scroll is not None else None
        if isinstance(scroll, QScrollArea):
            if self._controls_width is None:
                self._controls_width = scroll.minimumWidth()
            scroll.setMinimumWidth(max(self._controls_width, self._window.controls.minimumWidth() + 20))

    def _plots(self):
        return self._window.findChildren(pg.GraphicsView)

    def _restyle_plots(self) -> None:
        for signal, slot in self._hooked:
            signal.disconnect(slot)
        self._hooked = []
        scaled = style.SCALES.text != 1.0 or self.on
        for view in self._plots():
            style.restyle(view)
            if scaled:  # items drawn later (a race's paths, a new legend) follow before their paint
                slot = partial(style.restyle, view)
                view.scene().sigPrepareForPaint.connect(slot)
                self._hooked.append((view.scene().sigPrepareForPaint, slot))

    def _on_run_changed(self, _run) -> None:
        if self._hooked and len(self._hooked) != len(self._plots()):  # a feature built a plot since
            self._restyle_plots()


def _clamp(zoom: float) -> float:
    return min(max(float(zoom), ZOOM_RANGE[0]), ZOOM_RANGE[1])


def _float(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _remember(key: str, value) -> None:
    s = settings()
    s.setValue(key, value)
    s.sync()


def install(window) -> None:
    window.presentation = p = Presentation(window)
    menu = window.menu("&View")
    menu.addSeparator()
    menu.addAction(p.action)
    for action in (p.zoom_in_action, p.zoom_out_action, p.reset_zoom_action):
        menu.addAction(action)
