"""The "Optimizer" group: optimizer type, learning rate and that optimizer's own hyperparameters.

The editors are built from :func:`gdsim.core.optim.hyperparams`, so the panel
shows exactly the arguments of the chosen ``torch.optim`` class, with torch's
names (labels), defaults and documentation (tooltips).  Each editor's
objectName is the torch argument in camelCase plus ``Spin`` or ``Check``
(``momentumSpin``, ``nesterovCheck``, ``beta1Spin``/``beta2Spin`` for the
``betas`` pair).

Decisions:

* Switching the optimizer *rebuilds* the hyperparameter rows: editors of the
  other optimizers are deleted, so ``findChild(QWidget, "momentumSpin")``
  returns ``None`` unless the optimizer is SGD or RMSprop.  The new
  optimizer's hyperparameters start at torch's defaults.
* The learning rate survives a switch when the user changed it: it is reset
  to the new optimizer's default (0.01, Adadelta 1.0) only while it still
  equals the previous optimizer's default.
* An invalid combination (e.g. ``nesterov`` with momentum 0) never raises:
  torch's message (from ``make_optimizer``) is shown in red under the group
  and returned by ``error()``.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gdsim.core.limits import LR_RANGE
from gdsim.core.optim import OPTIMIZERS, HyperParam, hyperparams, make_optimizer, torch_class_name

from .log_spin import CompactDoubleSpinBox, LogSlider, LogSpinBox, WheelGuard

__all__ = ["OptimizerGroup", "widget_name", "make_number_editor", "ERROR_STYLE"]

ERROR_STYLE = "color: #c62828;"
#: upper editing bound of unbounded linear hyperparameters (weight decay, ...)
UNBOUNDED_MAX = 1e6


def camel(name: str) -> str:
    """torch argument -> camelCase: ``weight_decay`` -> ``weightDecay``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def widget_name(name: str, kind: str) -> str | tuple[str, str]:
    """objectName of the editor of hyperparameter ``name`` (a pair for ``betas``)."""
    if kind == "pair":
        stem = re.sub(r"s$", "", camel(name))  # betas -> beta
        return f"{stem}1Spin", f"{stem}2Spin"
    return camel(name) + ("Check" if kind == "bool" else "Spin")


def _linear_step(hp: HyperParam) -> float:
    default = hp.default[0] if isinstance(hp.default, tuple) else hp.default
    if isinstance(default, (int, float)) and 0 < default < 0.01:
        return 10.0 ** math.floor(math.log10(default))
    return 0.01


def make_number_editor(hp: HyperParam, parent: QWidget | None = None) -> CompactDoubleSpinBox:
    """A spin box for a float hyperparameter: log stepping when ``hp.log_scale`` and unbounded."""
    if hp.log_scale and hp.maximum is None:
        spin: CompactDoubleSpinBox = LogSpinBox(parent)
    else:
        spin = CompactDoubleSpinBox(parent)
        low = hp.minimum if hp.minimum is not None else -UNBOUNDED_MAX
        high = hp.maximum if hp.maximum is not None else UNBOUNDED_MAX
        spin.setRange(low, high)
        spin.setSingleStep(_linear_step(hp))
    return spin


LONG_NAME = 16  # characters; longer torch names may wrap after an underscore


def _name_label(name: str, parent: QWidget) -> QLabel:
    """A label with the torch argument name; a long one may break after '_' (zero-width space)."""
    if len(name) <= LONG_NAME:
        return QLabel(name, parent)
    label = QLabel(name.replace("_", "_\u200b"), parent)
    label.setWordWrap(True)
    label.setMaximumWidth(110)
    return label


class OptimizerGroup(QGroupBox):
    """Optimizer combo, learning rate (log spin + slider) and the optimizer's hyperparameters.

    Signals: ``optimizer_changed(str)`` when the user picks another optimizer;
    ``hyper_edited()`` when the user edits the learning rate or a
    hyperparameter of the current optimizer.  Neither fires from ``set_state``.
    """

    optimizer_changed = Signal(str)
    hyper_edited = Signal()
    #: '' when valid, else torch's message
    error_changed = Signal(str)

    FIXED_ROWS = 2  # optimizer, lr

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Optimizer", parent)
        self._loading = False
        self._error = ""
        self._editors: dict[str, QWidget | tuple[QWidget, QWidget]] = {}
        self._current = "sgd"
        self.wheel_guard = WheelGuard(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.form.setVerticalSpacing(4)
        layout.addLayout(self.form)

        self.optimizerCombo = QComboBox(self)
        self.optimizerCombo.setObjectName("optimizerCombo")
        for name in OPTIMIZERS:
            self.optimizerCombo.addItem(torch_class_name(name), name)
            self.optimizerCombo.setItemData(
                self.optimizerCombo.count() - 1, f"torch.optim.{torch_class_name(name)}", Qt.ToolTipRole
            )
        self.optimizerCombo.setToolTip("the torch.optim class that updates the parameters")
        self.form.addRow("optimizer", self.optimizerCombo)

        lr_hp = self._lr_param("sgd")
        self.learningRateSpin = LogSpinBox(self)
        self.learningRateSpin.setObjectName("learningRateSpin")
        self.learningRateSpin.setRange(*LR_RANGE)
        self.learningRateSpin.setValue(lr_hp.default)
        self.learningRateSpin.setToolTip(
            "learning rate γ (torch: lr). Arrows / wheel step ×10^¼ "
            "(0.001, 0.00178, 0.00316, 0.00562, 0.01, …); type any positive value."
        )
        self.learningRateSlider = LogSlider(1e-5, 10.0, self)
        self.learningRateSlider.setObjectName("learningRateSlider")
        self.learningRateSlider.setToolTip("learning rate on a log scale (1e-5 … 10)")
        self.learningRateSlider.attach(self.learningRateSpin)
        lr_row = QWidget(self)
        lr_layout = QHBoxLayout(lr_row)
        lr_layout.setContentsMargins(0, 0, 0, 0)
        lr_layout.setSpacing(6)
        self.learningRateSpin.setMinimumWidth(84)
        lr_layout.addWidget(self.learningRateSpin, 3)
        lr_layout.addWidget(self.learningRateSlider, 2)
        lr_label = QLabel("lr", self)
        lr_label.setToolTip(self.learningRateSpin.toolTip())
        self.form.addRow(lr_label, lr_row)

        self.hintLabel = QLabel("", self)
        self.hintLabel.setObjectName("optimizerHintLabel")
        self.hintLabel.setStyleSheet(ERROR_STYLE)
        self.hintLabel.setWordWrap(True)
        self.hintLabel.hide()
        layout.addWidget(self.hintLabel)

        self.optimizerCombo.currentIndexChanged.connect(self._on_optimizer)
        self.learningRateSpin.valueChanged.connect(self._on_edit)
        self._build("sgd", {})
        for widget in (self.optimizerCombo, self.learningRateSpin, self.learningRateSlider):
            self.wheel_guard.guard(widget)

    # -- public --------------------------------------------------------------------
    def optimizer(self) -> str:
        return self.optimizerCombo.currentData()

    def hyper(self) -> dict[str, Any]:
        """All shown values with torch names, including ``lr`` (betas as a tuple)."""
        out: dict[str, Any] = {"lr": float(self.learningRateSpin.value())}
        for hp in hyperparams(self._current):
            if hp.name == "lr":
                continue
            editor = self._editors[hp.name]
            if hp.kind == "pair":
                first, second = editor  # type: ignore[misc]
                out[hp.name] = (float(first.value()), float(second.value()))
            elif hp.kind == "bool":
                out[hp.name] = bool(editor.isChecked())  # type: ignore[union-attr]
            elif hp.kind == "int":
                out[hp.name] = int(editor.value())  # type: ignore[union-attr]
            else:
                out[hp.name] = float(editor.value())  # type: ignore[union-attr]
        return out

    def set_state(self, optimizer: str, hyper: Mapping[str, Any]) -> None:
        """Show ``optimizer`` with ``hyper`` (missing ones at torch's defaults), emitting nothing."""
        self._loading = True
        try:
            index = self.optimizerCombo.findData(optimizer)
            if index < 0:
                raise ValueError(f"Unknown optimizer {optimizer!r}")
            self.optimizerCombo.setCurrentIndex(index)
            if optimizer == self._current:
                self._set_values(hyper)  # the same rows: no need to build them again
            else:
                self._build(optimizer, hyper)
            self.learningRateSpin.setValue(float(hyper.get("lr", self._lr_param(optimizer).default)))
        finally:
            self._loading = False
        self._validate()

    def error(self) -> str:
        return self._error

    def editors(self) -> dict[str, QWidget | tuple[QWidget, QWidget]]:
        """The current optimizer's editors by torch name (``betas`` -> (β1, β2) spins)."""
        return dict(self._editors)

    # -- building -------------------------------------------------------------------
    @staticmethod
    def _lr_param(optimizer: str) -> HyperParam:
        return next(hp for hp in hyperparams(optimizer) if hp.name == "lr")

    def _build(self, optimizer: str, values: Mapping[str, Any]) -> None:
        while self.form.rowCount() > self.FIXED_ROWS:
            self.form.removeRow(self.FIXED_ROWS)  # deletes label and editor
        self._editors = {}
        self._current = optimizer
        for hp in hyperparams(optimizer):
            if hp.name == "lr":
                continue
            value = values.get(hp.name, hp.default)
            tip = f"{hp.name}: {hp.doc} (torch default {hp.default})"
            if hp.kind == "bool":
                check = QCheckBox(hp.name, self)
                check.setObjectName(widget_name(hp.name, "bool"))
                check.setChecked(bool(value))
                check.setToolTip(tip)
                check.toggled.connect(self._on_edit)
                self.form.addRow(check)
                check.show()
                self._editors[hp.name] = check
            elif hp.kind == "pair":
                names = widget_name(hp.name, "pair")
                pair = []
                for i, (obj_name, v) in enumerate(zip(names, value)):
                    spin = make_number_editor(hp, self)
                    spin.setObjectName(obj_name)
                    spin.setSingleStep(0.01 if i == 0 else 0.001)
                    spin.setValue(float(v))
                    spin.setToolTip(f"{hp.name}[{i}]: {hp.doc} (torch default {hp.default[i]})")
                    spin.valueChanged.connect(self._on_edit)
                    label = QLabel(f"β{i + 1} ({hp.name}[{i}])" if hp.name == "betas" else f"{hp.name}[{i}]", self)
                    label.setToolTip(spin.toolTip())
                    self.form.addRow(label, spin)
                    label.show()
                    spin.show()
                    pair.append(spin)
                self._editors[hp.name] = (pair[0], pair[1])
                for spin in pair:
                    self.wheel_guard.guard(spin)
            else:
                spin = make_number_editor(hp, self)
                spin.setObjectName(widget_name(hp.name, hp.kind))
                if hp.kind == "int":
                    spin.setDecimals(0)
                    spin.setSingleStep(1)
                spin.setValue(float(value))
                spin.setToolTip(tip)
                spin.valueChanged.connect(self._on_edit)
                label = _name_label(hp.name, self)
                label.setToolTip(tip)
                self.form.addRow(label, spin)
                label.show()  # at once, not at the layout's next (queued) show
                spin.show()
                self.wheel_guard.guard(spin)
                self._editors[hp.name] = spin

    def _set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` (missing ones at torch's defaults) in the current optimizer's editors."""
        for hp in hyperparams(self._current):
            if hp.name == "lr":
                continue
            value = values.get(hp.name, hp.default)
            editor = self._editors[hp.name]
            if hp.kind == "bool":
                editor.setChecked(bool(value))  # type: ignore[union-attr]
            elif hp.kind == "pair":
                for spin, v in zip(editor, value):  # type: ignore[arg-type]
                    spin.setValue(float(v))
            else:
                editor.setValue(float(value))  # type: ignore[union-attr]

    # -- reactions ---------------------------------------------------------------------
    def _on_optimizer(self, _index: int) -> None:
        if self._loading:
            return
        new = self.optimizer()
        old_default = self._lr_param(self._current).default
        lr = self.learningRateSpin.value()
        self._loading = True
        try:
            self._build(new, {})
            if math.isclose(lr, old_default, rel_tol=1e-12):  # not edited: take the new default
                self.learningRateSpin.setValue(self._lr_param(new).default)
        finally:
            self._loading = False
        self._validate()
        self.optimizer_changed.emit(new)

    def _on_edit(self, *_args: object) -> None:
        if self._loading:
            return
        self._validate()
        self.hyper_edited.emit()

    def _validate(self) -> None:
        try:
            make_optimizer(self._current, **self.hyper())
            message = ""
        except ValueError as exc:
            message = str(exc)
        self.hintLabel.setText(message)
        self.hintLabel.setToolTip(message)
        self.hintLabel.setVisible(bool(message))
        if message != self._error:
            self._error = message
            self.error_changed.emit(message)
