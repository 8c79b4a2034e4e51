"""The dataset panel: editable table, undo/redo, CSV import/export, presets.

``DatasetDocument`` owns the current immutable ``Dataset`` and its undo stack;
``DatasetTableModel`` is a lazy Qt model over it; ``DatasetPanel`` is the
widget the main window embeds.
"""

from .commands import DatasetChange, DatasetDocument
from .panel import DatasetPanel
from .table_model import DatasetTableModel

__all__ = ["DatasetChange", "DatasetDocument", "DatasetPanel", "DatasetTableModel"]
