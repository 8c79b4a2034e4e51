"""gdsim: a gradient-descent simulator whose numbers match PyTorch.

``gdsim.train(...)`` runs headless; ``gdsim.gui.MainWindow`` is the window.
Importing gdsim never imports Qt.
"""

__version__ = "0.1.0"
__all__ = ["train", "TrainingResult", "__version__"]


def __getattr__(name):
    # Loaded on first use so that `import gdsim.core...` stays light.
    if name in ("train", "TrainingResult"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'gdsim' has no attribute {name!r}")
