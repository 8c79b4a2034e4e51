"""The network rows of the Model group: hidden layers, activation and feature maps.

* ``hiddenEdit``: the hidden layer sizes as "8,8" (1–4 layers of 1–16 units),
  applied on Enter or leaving the field; bad input is refused in one red
  sentence (``networkHintLabel``) and the last good sizes are kept.
* ``activationCombo``: tanh, relu or sigmoid.
  Both are shown only for the MLP (``set_model``).
* ``featuresEdit``: feature maps as in TensorFlow Playground
  ("x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)", any subset; empty = the data's
  features), for every model; checked for form like ``hiddenEdit``.

``edited`` (a callback) is called when the user changes one of them to a valid value.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from gdsim.core.feature_maps import PLAYGROUND_FEATURES, parse_features
from gdsim.core.network import ACTIVATIONS, DEFAULT_HIDDEN, check_hidden

from .optimizer_panel import ERROR_STYLE


def _sizes_text(hidden: tuple[int, ...]) -> str:
    return ",".join(str(h) for h in hidden)


class NetworkControls:
    """Adds the rows to a model group's form; ``values()`` / ``set_values`` (no signal)."""

    def __init__(self, form: QFormLayout, parent: QWidget, edited: Callable[[], None]) -> None:
        self._form = form
        self._edited = edited
        self._hidden: tuple[int, ...] = DEFAULT_HIDDEN
        self._features: tuple[str, ...] | None = None

        self.hiddenEdit = QLineEdit(_sizes_text(DEFAULT_HIDDEN), parent)
        self.hiddenEdit.setObjectName("hiddenEdit")
        self.hiddenEdit.setToolTip("units of each hidden layer, e.g. 8,8 (1 to 4 layers of 1 to 16 units); "
                                   "Enter to apply")
        self.hiddenEdit.editingFinished.connect(self._on_hidden)
        form.addRow("hidden layers", self.hiddenEdit)

        self.activationCombo = QComboBox(parent)
        self.activationCombo.setObjectName("activationCombo")
        for name in ACTIVATIONS:
            self.activationCombo.addItem(name, name)
        self.activationCombo.setToolTip("the activation after each hidden layer (torch.nn.Tanh, ReLU, Sigmoid)")
        self.activationCombo.currentIndexChanged.connect(lambda _i: self._edited())
        form.addRow("activation", self.activationCombo)

        self.featuresEdit = QLineEdit(parent)
        self.featuresEdit.setObjectName("featuresEdit")
        self.featuresEdit.setPlaceholderText("the data's features")
        self.featuresEdit.setToolTip(
            "feature maps, as in TensorFlow Playground: any of " + ", ".join(PLAYGROUND_FEATURES)
            + " (xK is the K-th feature column); empty: the data's features; Enter to apply")
        self.featuresEdit.editingFinished.connect(self._on_features)
        form.addRow("features", self.featuresEdit)

        self.hintLabel = QLabel("", parent)
        self.hintLabel.setObjectName("networkHintLabel")
        self.hintLabel.setStyleSheet(ERROR_STYLE)
        self.hintLabel.setWordWrap(True)
        form.addRow(self.hintLabel)
        form.setRowVisible(self.hintLabel, False)

    # ------------------------------------------------------------------ public
    def values(self) -> tuple[tuple[int, ...], str, tuple[str, ...] | None]:
        """(hidden sizes, activation, feature maps or None)."""
        return self._hidden, self.activationCombo.currentData(), self._features

    def set_values(self, hidden: tuple[int, ...], activation: str, features: tuple[str, ...] | None) -> None:
        self._hidden = tuple(int(h) for h in hidden)
        self._features = tuple(features) if features else None
        self.hiddenEdit.setText(_sizes_text(self._hidden))
        self.featuresEdit.setText(",".join(self._features or ()))
        blocked = self.activationCombo.blockSignals(True)
        self.activationCombo.setCurrentIndex(max(0, self.activationCombo.findData(activation)))
        self.activationCombo.blockSignals(blocked)
        self._say("")

    def set_model(self, model: str) -> None:
        """Hidden layers and activation only for the MLP."""
        for widget in (self.hiddenEdit, self.activationCombo):
            self._form.setRowVisible(widget, model == "mlp")

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.hiddenEdit, self.activationCombo, self.featuresEdit):
            widget.setEnabled(enabled)

    def hint(self) -> str:
        return self.hintLabel.text()

    # ------------------------------------------------------------------ reactions
    def _say(self, text: str) -> None:
        self.hintLabel.setText(text)
        self._form.setRowVisible(self.hintLabel, bool(text))

    def _on_hidden(self) -> None:
        text = self.hiddenEdit.text()
        try:
            parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
            hidden = check_hidden(tuple(int(p) for p in parts))
        except ValueError:
            self.hiddenEdit.setStyleSheet(ERROR_STYLE)
            self._say(f"Hidden layers “{text.strip()}” not applied: give 1 to 4 sizes of 1 to 16 units, "
                      f"e.g. 8,8 (still {_sizes_text(self._hidden)}).")
            return
        self.hiddenEdit.setStyleSheet("")
        self._say("")
        self.hiddenEdit.setText(_sizes_text(hidden))
        if hidden != self._hidden:
            self._hidden = hidden
            self._edited()

    def _on_features(self) -> None:
        text = self.featuresEdit.text()
        try:
            features = parse_features(text) if text.strip() else None
        except ValueError as exc:
            self.featuresEdit.setStyleSheet(ERROR_STYLE)
            self._say(f"{str(exc).replace('--features', 'Features')} (still "
                      f"{','.join(self._features) if self._features else 'the data’s features'}).")
            return
        self.featuresEdit.setStyleSheet("")
        self._say("")
        self.featuresEdit.setText(",".join(features or ()))
        if features != self._features:
            self._features = features
            self._edited()
