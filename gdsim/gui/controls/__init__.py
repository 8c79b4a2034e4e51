"""The controls column of the main window: widgets that edit a ``TrainingConfig``.

``ControlsPanel`` is the panel the main window embeds; ``OptimizerGroup`` its
optimizer section; ``LogSpinBox``/``LogSlider`` the log-scale number inputs.
"""

from .controls_panel import BATCH_MODES, DEFAULT_SPEED, SPEEDS, ControlsPanel
from .log_spin import CompactDoubleSpinBox, LogSlider, LogSpinBox, format_compact, log_grid_value
from .optimizer_panel import OptimizerGroup, widget_name

__all__ = [
    "ControlsPanel",
    "OptimizerGroup",
    "LogSpinBox",
    "LogSlider",
    "CompactDoubleSpinBox",
    "format_compact",
    "log_grid_value",
    "widget_name",
    "SPEEDS",
    "DEFAULT_SPEED",
    "BATCH_MODES",
]
