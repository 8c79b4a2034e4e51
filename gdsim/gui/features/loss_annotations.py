"""Annotated loss curve: markers pinned by clicking the full-dataset loss curve.

``window.loss_view`` pins a labelled marker (iteration, loss) where the
full-dataset curve is clicked and removes one that is clicked again.  This
feature adds "Clear loss-curve markers" to the Teach menu and clears the
markers when a new run starts: their iterations belong to the old run.
"""

from __future__ import annotations

from PySide6.QtGui import QAction


def install(window) -> None:
    loss_view = window.loss_view
    action = QAction("Clear loss-curve markers", window, objectName="actionClearAnnotations")
    action.setToolTip("Remove the markers pinned by clicking the loss curve "
                      "(click the curve to pin one, click a marker to remove it)")
    action.setStatusTip(action.toolTip())
    action.triggered.connect(loss_view.clear_annotations)
    window.menu("&Teach").addAction(action)
    window.run_changed.connect(lambda _run: loss_view.clear_annotations())
