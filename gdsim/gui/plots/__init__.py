"""Live plot views (pure display): loss surface, loss curves, data + model.

``SurfaceView`` (objectName ``surfacePlot``), ``LossView`` (``lossPlot``) and
``FitView`` (``fitPlot``) are ``pyqtgraph.PlotWidget`` subclasses; the
numbers they draw arrive computed.  Shared colours and fonts live in
:mod:`gdsim.gui.plots.style`.
"""

from . import style
from .fit_view import FitView
from .loss_view import LossView
from .surface_view import SurfaceView

__all__ = ["SurfaceView", "LossView", "FitView", "style"]
