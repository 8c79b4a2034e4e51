"""The Qt-free engine of gdsim: data, models, losses, optimizers, training runs.

Nothing in this package imports Qt or pyqtgraph (a test checks it), so it runs
from Python and the command line where no display libraries exist.
"""
