"""Run under Xvfb: the 3D view on the PCA plane of an insurance run; report what it drew (JSON)."""

import json
import time

import numpy as np
from PySide6.QtWidgets import QApplication, QComboBox

from gdsim.gui.app import application, run_to
from gdsim.gui.main_window import MainWindow

app = application()
w = MainWindow(preset="insurance")
w.ask_before_discarding = False
w.resize(1600, 1000)
w.show()
w.findChild(object, "action3DView").trigger()
run_to(app, w, 40)
combo = w.findChild(QComboBox, "landscapePlaneCombo")
combo.setCurrentIndex(combo.findData("pca"))
deadline = time.monotonic() + 20
while time.monotonic() < deadline and (w.surface_model._plane is None or w.surface_model._plane_due):
    app.processEvents()
    time.sleep(0.01)
for _ in range(20):
    app.processEvents()
view = w.view3d
out = {"platform": QApplication.platformName(), "available": view.available}
if view.available:
    plane = w.surface_model._plane
    expected = w.surface_model.project(w.run_history().params)
    sx, sy, _ = view._scale
    drawn = np.asarray(view.path.pos)[:, :2] / [sx, sy] + view._origin
    out["path_points"] = len(drawn)
    # relative to the plane's half-width (GL stores positions in float32)
    out["path_error"] = (float(np.abs(drawn - expected).max() / plane.xs[-1])
                         if len(drawn) == len(expected) else None)
    out["mesh_is_plane"] = bool(np.allclose(view._surface.values, plane.values))
    out["axis_texts"] = view.axis_texts()
    out["caption"] = view.caption.text()
    # while it runs, with the 3D view open, new planes keep arriving (at most one a second)
    accepted = []
    w._refiner.finished.connect(lambda job, surface: accepted.append(w.surface_model._plane is surface))
    w.controls.epochsSpin.setValue(100_000)
    w.controls.epochsSpin.editingFinished.emit()
    speed = w.findChild(QComboBox, "speedCombo")
    speed.setCurrentIndex(speed.findData(100.0))
    w.findChild(object, "startButton").click()
    deadline = time.monotonic() + 4.5
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    w.worker.pause()
    out["planes_while_running"] = sum(accepted)
w.close()
print(json.dumps(out))
