"""Run under Xvfb: open the 3D view after a few steps and report what it drew (JSON)."""

import json
import sys

import numpy as np
from PySide6.QtWidgets import QApplication

from gdsim.gui.app import application, run_to
from gdsim.gui.main_window import MainWindow

app = application()
w = MainWindow()
w.ask_before_discarding = False
w.resize(1600, 1000)
w.show()
w.findChild(object, "action3DView").trigger()
run_to(app, w, 40)
for _ in range(20):
    app.processEvents()
view = w.view3d
out = {"platform": QApplication.platformName(), "available": view.available}
if view.available:
    img = view.gl_view.grabFramebuffer()
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    out["distinct_bytes"] = int(len(np.unique(arr)))
    out["path_points"] = int(len(view.path.pos)) if view.path.pos is not None else 0
    out["mesh_shape"] = list(view.mesh._z.shape) if view.mesh._z is not None else None
    out["dock_size"] = [view.dock.width(), view.dock.height()]
    out["axis_texts"] = view.axis_texts()
    out["caption"] = view.caption.text()
    if len(sys.argv) > 1:
        w.grab().save(sys.argv[1])
        img.save(sys.argv[1].replace(".png", "-gl.png"))
w.close()
print(json.dumps(out))
