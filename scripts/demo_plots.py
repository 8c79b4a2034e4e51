"""Render each plot view with sample data and save PNGs to /tmp/gdsim-shots/.

Run under Xvfb to see real renders (fonts, antialiasing) as on a projector:

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/demo_plots.py

The numbers here are made up in the script (a quadratic bowl, a damped
descent path); the views themselves do no numerics.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6 import QtCore, QtWidgets  # noqa: E402

from gdsim.gui.plots import FitView, LossView, SurfaceView  # noqa: E402
from gdsim.gui.plots.style import palette_color  # noqa: E402

OUT = Path(os.environ.get("GDSIM_SHOTS", "/tmp/gdsim-shots"))


def bowl(W, B):
    return (W - 2.0) ** 2 * 3.0 + (B - 1.0) ** 2 + 0.8 * (W - 2.0) * (B - 1.0) + 0.05


def gd_path(start, lr, steps):
    p = np.array(start, float)
    out = [p.copy()]
    for _ in range(steps):
        g = np.array([6.0 * (p[0] - 2.0) + 0.8 * (p[1] - 1.0),
                      2.0 * (p[1] - 1.0) + 0.8 * (p[0] - 2.0)])
        p = p - lr * g
        out.append(p.copy())
    return np.array(out)


def grab(widget, name, size=(900, 620)):
    widget.resize(*size)
    widget.show()
    for _ in range(5):
        QtWidgets.QApplication.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print("saved", path)
    return path


def main() -> None:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv)

    xs = np.linspace(-2, 6, 161)
    ys = np.linspace(-4, 6, 141)
    W, B = np.meshgrid(xs, ys)
    Z = bowl(W, B)
    Z[5, 5] = np.nan
    Z[0, -1] = np.inf

    # 1. surface with path, optimum, ghost
    sv = SurfaceView()
    sv.set_surface(Z, xs, ys, "w (slope)", "b (intercept)", "MSE loss surface")
    path = gd_path((-1.5, 5.0), 0.12, 60)
    sv.set_path(path)
    sv.set_optimum((2.0, 1.0))
    sv.add_ghost_path(gd_path((5.5, -3.5), 0.05, 80), "#ffffff")
    grab(sv, "surface_path")

    # 1b. race of optimizers + diverging path
    sv2 = SurfaceView()
    sv2.set_surface(Z, xs, ys, "w", "b", "optimizer race")
    sv2.set_optimum((2.0, 1.0))
    for i, (lr, name) in enumerate([(0.02, "SGD lr=0.02"), (0.1, "SGD lr=0.1"),
                                    (0.3, "SGD lr=0.3 (diverges)")]):
        sv2.add_race_path(gd_path((-1.5, 5.0), lr, 200 if lr < 0.3 else 40),
                          palette_color(i), name)
    grab(sv2, "surface_race")

    # 1c. diverging main path, 1e6 points, huge surface values
    sv3 = SurfaceView()
    Zh = Z * 1e9
    sv3.set_surface(Zh, xs, ys, "w", "b", "huge loss values, diverging path")
    big = gd_path((-1.5, 5.0), 0.34, 400)
    sv3.set_path(big)
    grab(sv3, "surface_diverging")

    # 2. loss view
    lv = LossView()
    n = 3000
    it = np.arange(n, dtype=float)
    rng = np.random.default_rng(0)
    full = 0.05 + 12.0 * np.exp(-it / 300.0)
    batch = full * np.exp(rng.normal(0, 0.35, n))
    batch[100] = np.nan
    full_it = it[::10]
    lv.set_series(it, batch, full_it, full[::10], epoch_boundaries=np.arange(0, n, 100))
    lv.show()
    lv.resize(900, 520)
    QtWidgets.QApplication.processEvents()
    # pin two notes and hover
    lv.add_annotation(300.0, float(full[300]))
    lv.add_annotation(2500.0, float(full[2500]))
    vb = lv.getPlotItem().getViewBox()
    QtWidgets.QApplication.processEvents()
    lv._on_mouse_moved(vb.mapViewToScene(QtCore.QPointF(1200, 6.0)))
    grab(lv, "loss_linear", (900, 520))
    lv.set_log_scale(True)
    lv.set_x_axis("epoch", 100)
    lv.add_extra_series(it, full * 0.7, "Adam full loss", palette_color(1), dashed=True)
    QtWidgets.QApplication.processEvents()
    lv._on_mouse_moved(vb.mapViewToScene(QtCore.QPointF(25, 0.0)))
    grab(lv, "loss_log_epoch", (900, 520))

    # 3. fit views
    fv = FitView()
    x = rng.uniform(0, 10, 40)
    y = 2.0 * x + 1.0 + rng.normal(0, 2.0, 40)
    lx = np.array([0.0, 10.0])
    fv.show_line_fit(x, y, lx, 1.4 * lx + 3.0, "hours studied", "exam score",
                     optimum_line=(lx, 2.0 * lx + 1.0))
    fv.highlight_rows([0, 3, 7, 11])
    grab(fv, "fit_line", (800, 560))

    fv2 = FitView()
    xl = rng.uniform(-4, 4, 50)
    yl = (xl + rng.normal(0, 1.0, 50) > 0).astype(float)
    cx = np.linspace(-4, 4, 200)
    fv2.show_logistic_1d(xl, yl, cx, 1 / (1 + np.exp(-1.7 * cx)), "x", "P(y = 1)")
    fv2.highlight_rows(range(0, 50, 6))
    grab(fv2, "fit_logistic", (800, 560))

    fv3 = FitView()
    x1 = rng.normal(0, 1, 80)
    x2 = rng.normal(0, 1, 80)
    lab = (x1 + 0.8 * x2 + rng.normal(0, 0.4, 80) > 0).astype(float)
    bx = np.linspace(-3, 3, 2)
    fv3.show_decision_boundary(x1, x2, lab, (bx, -bx / 0.8), "feature 1", "feature 2")
    grab(fv3, "fit_boundary", (800, 560))

    fv4 = FitView()
    act = rng.uniform(0, 50, 60)
    pred = act * 0.9 + rng.normal(0, 3, 60)
    fv4.show_predicted_vs_actual(act, pred, "price")
    grab(fv4, "fit_pred_actual", (800, 560))
    app.processEvents()


if __name__ == "__main__":
    main()
