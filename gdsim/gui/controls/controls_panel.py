"""The controls column of the main window: a pure view that edits a ``TrainingConfig``.

Groups: Model, Optimizer (:class:`OptimizerGroup`), Schedule, Epochs & batches,
Start point, Speed — in a vertical scroll area sized for a ~330 px column.

Signals
-------
``config_changed(TrainingConfig)``
    any user change except the two below (model, loss, optimizer type,
    schedule, batches, epochs, seed, start point, ...).
``hyper_changed(dict)``
    *instead of* ``config_changed`` when only the learning rate or another
    hyperparameter of the same optimizer changed.  The dict holds every shown
    hyperparameter with torch names (``{"lr": 0.01, "momentum": 0.9, ...}``)
    and is emitted only when ``make_optimizer`` accepts it; while the
    combination is invalid the red hint shows and nothing is emitted.
``speed_changed(float)``
    iterations per second, 0 = as fast as possible.
``error_changed(str)``
    the validation hint changed ('' = valid).

Decisions
---------
* Spin boxes emit on Enter / focus-out / arrow steps, not on every keystroke.
* ``set_config``, ``set_n_rows`` and ``set_parameter_names`` never emit;
  ``set_init`` emits ``config_changed`` (it stands for a user's click on the
  loss surface) unless called with ``emit=False``.
* ``config().init`` is ``None`` when every start value is 0 (same as zeros);
  ``config().loss`` is always explicit; ``tolerance`` is ``None`` unless
  "stop when ‖∇L‖ <" is ticked.
* Switching the model selects its natural loss; switching the optimizer resets
  its hyperparameters to torch's defaults and the learning rate to the new
  default unless the user had changed it (see ``optimizer_panel``).
* Shuffle and seed are disabled in full-batch mode (full batch never permutes)
  and drop-last outside mini-batch mode, where they have no effect.
* The start point is one spin box per parameter, or past a few one line of
  comma-separated values (``start_point.StartPointEditor``).
* Networks (``network_controls``): hidden layers and activation for the MLP,
  feature maps for every model; the losses each model offers for the data
  come from the window (``set_model_losses``). A network's default start is
  torch's initialisation from the seed (``set_default_init``), so the seed
  stays editable in full-batch mode.
* ``set_applicable(model, batches)`` hides what a problem has not (a test
  function: no model or loss, no batches; its epochs are its steps).
* Default speed 30 it/s: the default preset (5 rows, full batch, 100 epochs
  = 100 iterations) animates visibly and finishes in about 3 s.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdsim.core.batching import iterations_per_epoch
from gdsim.core.network import NETWORK_LOSSES
from gdsim.core.problem import ALLOWED_LOSSES, LOSS_TITLES, NATURAL_LOSS, TORCH_LOSS
from gdsim.core.schedules import SCHEDULES, make_schedule, schedule_params
from gdsim.core.limits import MAX_EPOCHS, MAX_SEED  # the bounds sessions and the CLI keep too
from gdsim.core.training import TrainingConfig

from .log_spin import CompactDoubleSpinBox, LogSpinBox, WheelGuard
from .network_controls import NetworkControls
from .start_point import StartPointEditor
from .optimizer_panel import ERROR_STYLE, OptimizerGroup, camel, make_number_editor

__all__ = ["ControlsPanel", "SPEEDS", "DEFAULT_SPEED", "BATCH_MODES"]

MODEL_TITLES = {"linear": "linear regression", "logistic": "logistic regression",
                "mlp": "neural network (MLP)", "softmax": "softmax regression"}
#: the losses each model can be trained with, and its loss when the data say nothing
MODEL_LOSSES = {**{m: (ALLOWED_LOSSES[m], NATURAL_LOSS[m]) for m in ALLOWED_LOSSES},
                "mlp": (NETWORK_LOSSES["mlp"], "bce"), "softmax": (NETWORK_LOSSES["softmax"], "ce")}
TORCH_INIT_NOTE = "torch's nn.Linear initialisation, drawn from the seed; edit the values to choose your own"
BATCH_MODES = (("batch", "batch (all rows)"), ("stochastic", "stochastic (1 row)"), ("mini-batch", "mini-batch"))
SCHEDULE_TITLES = {
    "constant": "constant",
    "step": "step (StepLR)",
    "exponential": "exponential (ExponentialLR)",
    "cosine": "cosine (CosineAnnealingLR)",
}
#: (iterations per second, label); 0 = as fast as possible
SPEEDS: tuple[tuple[float, str], ...] = (
    (1.0, "1 it/s"),
    (2.0, "2 it/s"),
    (5.0, "5 it/s"),
    (10.0, "10 it/s"),
    (30.0, "30 it/s"),
    (100.0, "100 it/s"),
    (1000.0, "1000 it/s"),
    (0.0, "as fast as possible"),
)
DEFAULT_SPEED = 30.0
POWERS_OF_TWO = tuple(2**k for k in range(1, 10))  # 2 .. 512
DEFAULT_ROWS = 5
DEFAULT_NAMES = ("w1", "b")
MIN_WIDTH = 260
DEFAULT_TOLERANCE = 1e-4  # ‖∇L‖ below which a run stops as converged, when asked


def _form(group: QGroupBox) -> QFormLayout:
    form = QFormLayout(group)
    form.setContentsMargins(6, 6, 6, 6)
    form.setVerticalSpacing(4)
    form.setRowWrapPolicy(QFormLayout.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    return form


def _default_mini_batch(n_rows: int) -> int:
    """Largest power of two ≤ N/2 (11 rows -> 4, 5 rows -> 2), at least 1."""
    if n_rows < 4:
        return 1
    return 2 ** int(math.floor(math.log2(n_rows / 2)))


class ControlsPanel(QWidget):
    """Edits a :class:`TrainingConfig`; see the module docstring for signals and decisions."""

    config_changed = Signal(object)
    hyper_changed = Signal(dict)
    speed_changed = Signal(float)
    error_changed = Signal(str)

    def __init__(self, config: TrainingConfig | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("controlsPanel")
        self._loading = False
        self._running = False
        self._n_rows = DEFAULT_ROWS
        self._names: tuple[str, ...] = DEFAULT_NAMES
        self._mini_batch = _default_mini_batch(DEFAULT_ROWS)
        self._mini_batch_chosen = False  # until the user picks one, it follows N
        self._schedule_editors: dict[str, QDoubleSpinBox | QSpinBox] = {}
        self._error = ""
        self._model_losses = dict(MODEL_LOSSES)
        self._seed_draws_init = False  # a network: the seed draws the start point
        self.wheel_guard = WheelGuard(self)  # inputs take the wheel only when focused

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("controlsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll)
        content = QWidget()
        content.setObjectName("controlsContent")
        self.scroll.setWidget(content)
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 4, 4, 4)
        column.setSpacing(6)

        column.addWidget(self._build_model_group())
        self.optimizerGroup = OptimizerGroup(self)
        self.optimizerCombo = self.optimizerGroup.optimizerCombo
        self.learningRateSpin = self.optimizerGroup.learningRateSpin
        self.learningRateSlider = self.optimizerGroup.learningRateSlider
        column.addWidget(self.optimizerGroup)
        column.addWidget(self._build_schedule_group())
        column.addWidget(self._build_batch_group())
        column.addWidget(self._build_start_group())
        column.addWidget(self._build_speed_group())
        column.addStretch(1)

        self.optimizerGroup.optimizer_changed.connect(self._on_optimizer_changed)
        self.optimizerGroup.hyper_edited.connect(self._on_hyper_edited)
        self.optimizerGroup.error_changed.connect(lambda _m: self._refresh_error())

        self.set_parameter_names(DEFAULT_NAMES)
        self._update_iterations()
        self._update_enabled()
        if config is not None:
            self.set_config(config)
        self._guard_inputs()
        self._fit_width()

    def _fit_width(self) -> None:
        """As wide as the column's widest row and a scroll bar (a larger font widens it, not clips it)."""
        content = self.scroll.widget()
        content.ensurePolished()
        self.setMinimumWidth(max(MIN_WIDTH, content.minimumSizeHint().width()
                                 + self.scroll.verticalScrollBar().sizeHint().width()))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.FontChange:  # zoom, presentation mode
            self._fit_width()
        super().changeEvent(event)

    # ------------------------------------------------------------------ building
    def _build_model_group(self) -> QGroupBox:
        group = QGroupBox("Model", self)
        group.setObjectName("modelGroup")
        form = _form(group)
        self.modelCombo = QComboBox(group)
        self.modelCombo.setObjectName("modelCombo")
        for name, title in MODEL_TITLES.items():
            self.modelCombo.addItem(title, name)
        self.modelCombo.setToolTip("ŷ = w·x + b (linear), σ(w·x + b) (logistic), a small network "
                                   "torch.nn.Sequential(Linear, act, …, Linear) (MLP) or one Linear "
                                   "layer with cross-entropy (softmax)")
        form.addRow("model", self.modelCombo)

        self.lossCombo = QComboBox(group)
        self.lossCombo.setObjectName("lossCombo")
        self.lossCombo.setToolTip("the losses the model can be trained with")
        form.addRow("loss", self.lossCombo)
        self._fill_losses("linear")

        self.reductionCombo = QComboBox(group)
        self.reductionCombo.setObjectName("reductionCombo")
        self.reductionCombo.addItem("mean", "mean")
        self.reductionCombo.addItem("sum", "sum")
        self.reductionCombo.setToolTip("reduction of the per-row losses; sum = the lecture's total error")
        form.addRow("reduction", self.reductionCombo)

        self.standardizeCheck = QCheckBox("standardise features (z-score)", group)
        self.standardizeCheck.setObjectName("standardizeCheck")
        self.standardizeCheck.setToolTip(
            "train on (x − mean) / std; parameters are reported back in the original units"
        )
        form.addRow(self.standardizeCheck)
        self.network = NetworkControls(form, group, self._emit_config)
        self.hiddenEdit = self.network.hiddenEdit
        self.activationCombo = self.network.activationCombo
        self.featuresEdit = self.network.featuresEdit
        self.network.set_model("linear")

        self.modelCombo.currentIndexChanged.connect(self._on_model_changed)
        self.lossCombo.currentIndexChanged.connect(self._emit_config)
        self.reductionCombo.currentIndexChanged.connect(self._emit_config)
        self.standardizeCheck.toggled.connect(self._emit_config)
        return group

    def _build_schedule_group(self) -> QGroupBox:
        group = QGroupBox("Learning-rate schedule", self)
        group.setObjectName("scheduleGroup")
        layout = QVBoxLayout(group)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.scheduleForm = QFormLayout()
        self.scheduleForm.setRowWrapPolicy(QFormLayout.WrapLongRows)
        self.scheduleForm.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.scheduleForm.setVerticalSpacing(4)
        layout.addLayout(self.scheduleForm)
        self.scheduleCombo = QComboBox(group)
        self.scheduleCombo.setObjectName("scheduleCombo")
        for name in SCHEDULES:
            self.scheduleCombo.addItem(SCHEDULE_TITLES.get(name, name), name)
        self.scheduleCombo.setToolTip("torch.optim.lr_scheduler, stepped once per epoch")
        self.scheduleForm.addRow("schedule", self.scheduleCombo)
        self.scheduleHintLabel = QLabel("", group)
        self.scheduleHintLabel.setObjectName("scheduleHintLabel")
        self.scheduleHintLabel.setStyleSheet(ERROR_STYLE)
        self.scheduleHintLabel.setWordWrap(True)
        self.scheduleHintLabel.hide()
        layout.addWidget(self.scheduleHintLabel)
        self._build_schedule_params("constant", {})
        self.scheduleCombo.currentIndexChanged.connect(self._on_schedule_changed)
        return group

    def _build_schedule_params(self, schedule: str, values: dict[str, Any]) -> None:
        while self.scheduleForm.rowCount() > 1:
            self.scheduleForm.removeRow(1)
        self._schedule_editors = {}
        for hp in schedule_params(schedule):
            value = values.get(hp.name, hp.default)
            tip = f"{hp.name}: {hp.doc} (default {hp.default})"
            if hp.kind == "int":
                spin: QSpinBox | QDoubleSpinBox = QSpinBox(self)
                spin.setRange(int(hp.minimum if hp.minimum is not None else 0), MAX_EPOCHS)
                spin.setKeyboardTracking(False)
                spin.setValue(int(value))
            else:
                if hp.name == "gamma":  # factor in (0, 1]: linear steps read better than log
                    spin = CompactDoubleSpinBox(self)
                    spin.setRange(1e-6, 1.0)
                    spin.setSingleStep(0.01 if hp.default > 0.5 else 0.05)
                else:
                    spin = make_number_editor(hp, self)
                    spin.setSingleStep(0.001)
                spin.setValue(float(value))
            spin.setObjectName(camel(hp.name)[:1].lower() + camel(hp.name)[1:] + "Spin")
            spin.setToolTip(tip)
            spin.valueChanged.connect(self._on_schedule_param)
            label = QLabel(hp.name, self)
            label.setToolTip(tip)
            self.scheduleForm.addRow(label, spin)
            label.show()  # at once, not at the layout's next (queued) show
            spin.show()
            self._schedule_editors[hp.name] = spin
            self.wheel_guard.guard(spin)
        self._set_enabled_state()

    def _build_batch_group(self) -> QGroupBox:
        group = QGroupBox("Epochs && batches", self)
        group.setObjectName("batchGroup")
        form = _form(group)
        self.batchModeCombo = QComboBox(group)
        self.batchModeCombo.setObjectName("batchModeCombo")
        for mode, title in BATCH_MODES:
            self.batchModeCombo.addItem(title, mode)
        self.batchModeCombo.setToolTip(
            "batch: one update per epoch over all rows; stochastic: one row per update; "
            "mini-batch: B rows per update"
        )
        form.addRow("descent", self.batchModeCombo)

        self.batchSizeSpin = QSpinBox(group)
        self.batchSizeSpin.setObjectName("batchSizeSpin")
        self.batchSizeSpin.setKeyboardTracking(False)
        self.batchSizeSpin.setRange(1, DEFAULT_ROWS)
        self.batchSizeSpin.setValue(DEFAULT_ROWS)
        self.batchSizeSpin.setToolTip("rows per mini-batch B (torch DataLoader batch_size); any 1 … N")
        self.batchSizeButton = QToolButton(group)
        self.batchSizeButton.setObjectName("batchSizeButton")
        self.batchSizeButton.setText("2ⁿ")
        self.batchSizeButton.setToolTip("pick a power of two")
        self.batchSizeButton.setPopupMode(QToolButton.InstantPopup)
        self.batchSizeButton.setMinimumWidth(40)
        self.batchSizeMenu = QMenu(self.batchSizeButton)
        self.batchSizeMenu.setObjectName("batchSizeMenu")
        self.batchSizeButton.setMenu(self.batchSizeMenu)
        size_row = QWidget(group)
        size_layout = QHBoxLayout(size_row)
        size_layout.setContentsMargins(0, 0, 0, 0)
        size_layout.setSpacing(4)
        size_layout.addWidget(self.batchSizeSpin, 1)
        size_layout.addWidget(self.batchSizeButton)
        form.addRow("batch_size", size_row)
        self._fill_powers()

        self.iterationsLabel = QLabel("", group)
        self.iterationsLabel.setObjectName("iterationsLabel")
        self.iterationsLabel.setWordWrap(True)
        self.iterationsLabel.setStyleSheet("color: #444;")
        form.addRow(self.iterationsLabel)

        self.dropLastCheck = QCheckBox("drop_last (skip a partial last batch)", group)
        self.dropLastCheck.setObjectName("dropLastCheck")
        self.dropLastCheck.setToolTip("torch DataLoader drop_last: ⌊N/B⌋ iterations instead of ⌈N/B⌉")
        form.addRow(self.dropLastCheck)

        self.epochsSpin = QSpinBox(group)
        self.epochsSpin.setObjectName("epochsSpin")
        self.epochsSpin.setRange(1, MAX_EPOCHS)
        self.epochsSpin.setValue(100)
        self.epochsSpin.setKeyboardTracking(False)
        self.epochsSpin.setAccelerated(True)
        self.epochsSpin.setToolTip("passes over the whole dataset")
        form.addRow("epochs", self.epochsSpin)

        # Stop when converged: the run ends once ‖∇L‖ < tolerance (TrainingConfig.tolerance),
        # so a long budget of epochs reaches the optimum and stops there.
        self.toleranceCheck = QCheckBox("stop when ‖∇L‖ <", group)
        self.toleranceCheck.setObjectName("toleranceCheck")
        self.toleranceCheck.setToolTip("stop when converged: when the gradient's norm falls below the "
                                       "tolerance (set many epochs and let the run stop by itself)")
        self.toleranceSpin = LogSpinBox(group, minimum=1e-12, maximum=1e3)
        self.toleranceSpin.setObjectName("toleranceSpin")
        self.toleranceSpin.setValue(DEFAULT_TOLERANCE)
        self.toleranceSpin.setToolTip("tolerance on ‖∇L‖ (the gradient of the full-dataset loss)")
        form.addRow(self.toleranceCheck, self.toleranceSpin)

        self.shuffleCheck = QCheckBox("shuffle rows every epoch", group)
        self.shuffleCheck.setObjectName("shuffleCheck")
        self.shuffleCheck.setChecked(True)
        self.shuffleCheck.setToolTip("torch DataLoader shuffle=True: a new row order each epoch")
        form.addRow(self.shuffleCheck)

        self.seedSpin = QSpinBox(group)
        self.seedSpin.setObjectName("seedSpin")
        self.seedSpin.setRange(0, MAX_SEED)
        self.seedSpin.setKeyboardTracking(False)
        self.seedSpin.setToolTip("random seed of the shuffling: same seed, same run")
        form.addRow("seed", self.seedSpin)

        self.batchModeCombo.currentIndexChanged.connect(self._on_batch_mode)
        self.batchSizeSpin.valueChanged.connect(self._on_batch_size)
        self.dropLastCheck.toggled.connect(self._on_drop_last)
        self.epochsSpin.valueChanged.connect(self._emit_config)
        self.toleranceCheck.toggled.connect(self._on_tolerance_toggled)
        self.toleranceSpin.valueChanged.connect(self._on_tolerance_value)
        self.shuffleCheck.toggled.connect(self._emit_config)
        self.seedSpin.valueChanged.connect(self._emit_config)
        return group

    def _build_start_group(self) -> QGroupBox:
        self.startGroup = QGroupBox("Start point", self)
        self.startGroup.setObjectName("startGroup")
        self.startGroup.setToolTip("initial parameters θ₀ (or click on the loss surface)")
        layout = QVBoxLayout(self.startGroup)
        layout.setContentsMargins(6, 6, 6, 6)
        self.startNoteLabel = QLabel(TORCH_INIT_NOTE, self.startGroup)
        self.startNoteLabel.setObjectName("startNoteLabel")
        self.startNoteLabel.setWordWrap(True)
        self.startNoteLabel.setStyleSheet("color: #444;")
        self.startNoteLabel.hide()
        layout.addWidget(self.startNoteLabel)
        self.startEditor = StartPointEditor(self.wheel_guard, self.startGroup)
        self.startEditor.edited.connect(self._emit_config)
        layout.addWidget(self.startEditor)
        return self.startGroup

    def _build_speed_group(self) -> QGroupBox:
        group = QGroupBox("Speed", self)
        group.setObjectName("speedGroup")
        form = _form(group)
        self.speedCombo = QComboBox(group)
        self.speedCombo.setObjectName("speedCombo")
        for value, title in SPEEDS:
            self.speedCombo.addItem(title, value)
        self.speedCombo.setCurrentIndex(self.speedCombo.findData(DEFAULT_SPEED))
        self.speedCombo.setToolTip("animation speed in iterations per second")
        self.speedCombo.currentIndexChanged.connect(lambda _i: self.speed_changed.emit(self.speed()))
        form.addRow("iterations / s", self.speedCombo)
        return group

    def _fill_losses(self, model: str, selected: str | None = None) -> None:
        blocked = self.lossCombo.blockSignals(True)
        self.lossCombo.clear()
        allowed, natural = self._model_losses.get(model, MODEL_LOSSES[model])
        for loss in allowed:
            self.lossCombo.addItem(LOSS_TITLES[loss], loss)
            self.lossCombo.setItemData(self.lossCombo.count() - 1, f"torch.nn.{TORCH_LOSS[loss]}", Qt.ToolTipRole)
        index = self.lossCombo.findData(selected or natural)
        if index < 0:
            index = self.lossCombo.findData(natural)
        self.lossCombo.setCurrentIndex(max(index, 0))
        self.lossCombo.blockSignals(blocked)

    def _fill_powers(self) -> None:
        self.batchSizeMenu.clear()
        for b in POWERS_OF_TWO:
            if b > self._n_rows:
                break
            action = self.batchSizeMenu.addAction(str(b))
            action.setData(b)
            action.triggered.connect(lambda _checked=False, b=b: self.batchSizeSpin.setValue(b))
        self.batchSizeButton.setEnabled(bool(self.batchSizeMenu.actions()) and self.batchSizeSpin.isEnabled())

    def _guard_inputs(self) -> None:
        for cls in (QComboBox, QSpinBox):
            for widget in self.findChildren(cls):
                if not isinstance(widget.parentWidget(), OptimizerGroup):  # it guards its own
                    self.wheel_guard.guard(widget)

    # ------------------------------------------------------------------ public API
    def config(self) -> TrainingConfig:
        """A new TrainingConfig from the widgets (may fail ``check`` while ``error()`` is set)."""
        mode = self.batchModeCombo.currentData()
        if mode == "batch":
            batch_size = None
        elif mode == "stochastic":
            batch_size = 1
        else:
            batch_size = int(self.batchSizeSpin.value())
        init = self.init()
        hidden, activation, features = self.network.values()
        return TrainingConfig(
            model=self.modelCombo.currentData(),
            loss=self.lossCombo.currentData(),
            reduction=self.reductionCombo.currentData(),
            optimizer=self.optimizerGroup.optimizer(),
            hyper=self.optimizerGroup.hyper(),
            schedule=self.scheduleCombo.currentData(),
            schedule_params=self._schedule_values(),
            batch_size=batch_size,
            epochs=int(self.epochsSpin.value()),
            shuffle=self.shuffleCheck.isChecked(),
            drop_last=self.dropLastCheck.isChecked(),
            seed=int(self.seedSpin.value()),
            init=None if self.startEditor.is_default() or not any(v != 0 for v in init) else init,
            standardize=self.standardizeCheck.isChecked(),
            tolerance=float(self.toleranceSpin.value()) if self.toleranceCheck.isChecked() else None,
            hidden=hidden,
            activation=activation,
            features=features,
        )

    def set_config(self, config: TrainingConfig) -> None:
        """Show ``config`` in the widgets without emitting ``config_changed``/``hyper_changed``."""
        self._loading = True
        try:
            self.modelCombo.setCurrentIndex(self.modelCombo.findData(config.model))
            self._fill_losses(config.model, config.loss)
            self.network.set_values(config.hidden, config.activation, config.features)
            self.network.set_model(config.model)
            self.reductionCombo.setCurrentIndex(self.reductionCombo.findData(config.reduction))
            self.standardizeCheck.setChecked(bool(config.standardize))
            self.optimizerGroup.set_state(config.optimizer, dict(config.hyper))
            self.scheduleCombo.setCurrentIndex(self.scheduleCombo.findData(config.schedule))
            self._build_schedule_params(config.schedule, dict(config.schedule_params))
            if config.batch_size is None:
                mode = "batch"
            elif config.batch_size == 1:
                mode = "stochastic"
            else:
                mode = "mini-batch"
                size = int(config.batch_size)
                if size > self.batchSizeSpin.maximum():
                    self.batchSizeSpin.setMaximum(size)
                self._mini_batch = size
                self._mini_batch_chosen = True
            self.batchModeCombo.setCurrentIndex(self.batchModeCombo.findData(mode))
            self._apply_batch_mode()
            self.dropLastCheck.setChecked(bool(config.drop_last))
            self.epochsSpin.setValue(int(config.epochs))
            self.shuffleCheck.setChecked(bool(config.shuffle))
            self.seedSpin.setValue(int(config.seed))
            if config.init is None:
                self.startEditor.set_values(self.startEditor._default_for(len(self._names)))
            else:
                if len(config.init) != len(self._names):
                    names = tuple(f"w{i + 1}" for i in range(len(config.init) - 1)) + ("b",)
                    self.set_parameter_names(names)
                self.startEditor.set_values(config.init)
            self.toleranceCheck.setChecked(config.tolerance is not None)
            if config.tolerance is not None:
                self.toleranceSpin.setValue(float(config.tolerance))
        finally:
            self._loading = False
        self._update_iterations()
        self._update_enabled()
        self._refresh_error()

    def speed(self) -> float:
        """Iterations per second; 0 = as fast as possible."""
        return float(self.speedCombo.currentData())

    def set_speed(self, value: float) -> None:
        """Select the closest speed entry (emits ``speed_changed`` if it changes)."""
        values = [float(self.speedCombo.itemData(i)) for i in range(self.speedCombo.count())]
        if value <= 0 or not math.isfinite(value):
            best = values.index(0.0)
        else:
            best = min((i for i, v in enumerate(values) if v > 0), key=lambda i: abs(math.log(values[i] / value)))
        self.speedCombo.setCurrentIndex(best)

    def set_n_rows(self, n: int) -> None:
        """The dataset has ``n`` rows: the batch-size limit and the iterations label follow (no signal)."""
        n = max(1, int(n))
        self._n_rows = n
        self._loading = True
        try:
            if self._mini_batch_chosen:
                self._mini_batch = min(self._mini_batch, n)
            else:
                self._mini_batch = _default_mini_batch(n)
            self.batchSizeSpin.setMaximum(n)
            self._apply_batch_mode()
        finally:
            self._loading = False
        self._fill_powers()
        self._update_iterations()
        self._update_enabled()

    def n_rows(self) -> int:
        return self._n_rows

    def set_parameter_names(self, names: Sequence[str]) -> None:
        """Rebuild the start-point inputs (see ``start_point``); values kept when the count is unchanged."""
        names = tuple(names)
        if names == self._names and len(self.init()) == len(names):
            return  # the same inputs, values kept
        self._names = names
        self.startEditor.set_names(names)
        self.startEditor.setEnabled(not self._running)

    def parameter_names(self) -> tuple[str, ...]:
        return self._names

    def set_default_init(self, values: Sequence[float] | None, torch_init: bool = False) -> None:
        """The start a run takes unless edited (None: zeros); ``torch_init``: it is a network's
        torch initialisation from the seed, which the start-point group then says (no signal)."""
        self.startEditor.set_default(values)
        self.startNoteLabel.setVisible(torch_init)
        if torch_init != self._seed_draws_init:
            self._seed_draws_init = torch_init
            self.seedSpin.setToolTip("random seed of the network's initialisation and of the shuffling: "
                                     "same seed, same run" if torch_init
                                     else "random seed of the shuffling: same seed, same run")
            self._update_enabled()

    def set_model_losses(self, losses: dict[str, tuple[tuple[str, ...], str]]) -> None:
        """The losses each model offers for the data, and its natural one: {model: (losses, natural)}
        (models left out keep their usual ones; no signal)."""
        self._model_losses = {**MODEL_LOSSES, **losses}
        current = self.lossCombo.currentData()
        self._fill_losses(self.modelCombo.currentData(), current)

    def set_init(self, values: Sequence[float], emit: bool = True) -> None:
        """Show start values (e.g. from a click on the loss surface); emits ``config_changed`` once."""
        values = tuple(float(v) for v in values)
        if len(values) != len(self._names):
            raise ValueError(f"Expected {len(self._names)} start values, got {len(values)}.")
        self.startEditor.set_values(values)
        if emit:
            self._emit_config()

    def init(self) -> tuple[float, ...]:
        """The start point the inputs show (zeros included)."""
        return self.startEditor.values()

    def set_applicable(self, model: bool = True, batches: bool = True) -> None:
        """Show only what applies to the problem (no signal): ``model`` the Model group, ``batches``
        the batch mode and size, ⌈N/B⌉, drop_last, shuffle and seed (a test function has neither;
        its epochs are its steps)."""
        self.findChild(QGroupBox, "modelGroup").setVisible(model)
        form = self.batchModeCombo.parentWidget().layout()
        for widget in (self.batchModeCombo, self.batchSizeSpin.parentWidget(), self.iterationsLabel,
                       self.dropLastCheck, self.shuffleCheck, self.seedSpin):
            form.setRowVisible(widget, batches)
        self.findChild(QGroupBox, "batchGroup").setTitle("Epochs && batches" if batches else "Steps")
        self.epochsSpin.setToolTip("passes over the whole dataset" if batches
                                   else "steps: a test function takes one step per epoch")

    def set_running(self, running: bool) -> None:
        """Disable what cannot change mid-run; hyperparameters, lr, epochs and speed stay editable."""
        self._running = bool(running)
        self._update_enabled()

    def is_running(self) -> bool:
        return self._running

    def error(self) -> str:
        """The current validation hint ('' when the settings are valid)."""
        return self._error

    # ------------------------------------------------------------------ reactions
    def _emit_config(self, *_args: object) -> None:
        if self._loading:
            return
        self._refresh_error()
        self.config_changed.emit(self.config())

    def _on_model_changed(self, _index: int) -> None:
        if self._loading:
            return
        self._fill_losses(self.modelCombo.currentData())
        self.network.set_model(self.modelCombo.currentData())
        self._emit_config()

    def _on_optimizer_changed(self, _name: str) -> None:
        self._emit_config()

    def _on_hyper_edited(self) -> None:
        if self._loading:
            return
        self._refresh_error()
        if not self.optimizerGroup.error():
            self.hyper_changed.emit(self.optimizerGroup.hyper())

    def _on_schedule_changed(self, _index: int) -> None:
        if self._loading:
            return
        self._build_schedule_params(self.scheduleCombo.currentData(), {})
        self._emit_config()

    def _on_schedule_param(self, *_args: object) -> None:
        self._emit_config()

    def _on_batch_mode(self, _index: int) -> None:
        if self._loading:
            return
        self._apply_batch_mode()
        self._update_iterations()
        self._update_enabled()
        self._emit_config()

    def _on_batch_size(self, value: int) -> None:
        if self.batchModeCombo.currentData() == "mini-batch":
            self._mini_batch = int(value)
            self._mini_batch_chosen = True
        self._update_iterations()
        self._emit_config()

    def _on_tolerance_toggled(self, _checked: bool) -> None:
        self._update_enabled()
        self._emit_config()

    def _on_tolerance_value(self, _value: float) -> None:
        if self.toleranceCheck.isChecked():
            self._emit_config()

    def _on_drop_last(self, _checked: bool) -> None:
        self._update_iterations()
        self._emit_config()

    def _apply_batch_mode(self) -> None:
        """Show N, 1 or the remembered mini-batch size in the batch-size spin (no signal)."""
        mode = self.batchModeCombo.currentData()
        value = {"batch": self._n_rows, "stochastic": 1}.get(mode, self._mini_batch)
        blocked = self.batchSizeSpin.blockSignals(True)
        self.batchSizeSpin.setValue(min(max(int(value), 1), self.batchSizeSpin.maximum()))
        self.batchSizeSpin.blockSignals(blocked)

    # ------------------------------------------------------------------ derived state
    def _schedule_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spin in self._schedule_editors.items():
            out[name] = int(spin.value()) if isinstance(spin, QSpinBox) else float(spin.value())
        return out

    def _update_iterations(self) -> None:
        n = self._n_rows
        b = min(int(self.batchSizeSpin.value()), n)
        drop = self.dropLastCheck.isChecked() and self.batchModeCombo.currentData() == "mini-batch"
        k = iterations_per_epoch(n, b, drop)
        left, right = ("⌊", "⌋") if drop else ("⌈", "⌉")
        noun = "iteration" if k == 1 else "iterations"
        self.iterationsLabel.setText(f"{left}N/B{right} = {left}{n}/{b}{right} = {k} {noun} per epoch")

    def _update_enabled(self) -> None:
        self._set_enabled_state()

    def _set_enabled_state(self) -> None:
        if not hasattr(self, "batchModeCombo"):
            return  # still building
        free = not self._running
        mode = self.batchModeCombo.currentData()
        for widget in (
            self.modelCombo, self.lossCombo, self.reductionCombo, self.standardizeCheck,
            self.optimizerCombo, self.scheduleCombo, self.batchModeCombo,
        ):
            widget.setEnabled(free)
        for spin in self._schedule_editors.values():
            spin.setEnabled(free)
        self.batchSizeSpin.setEnabled(free and mode == "mini-batch")
        self.batchSizeButton.setEnabled(free and mode == "mini-batch" and bool(self.batchSizeMenu.actions()))
        self.dropLastCheck.setEnabled(free and mode == "mini-batch")
        self.shuffleCheck.setEnabled(free and mode != "batch")
        self.seedSpin.setEnabled(free and (mode != "batch" or self._seed_draws_init))
        self.network.set_enabled(free)
        self.startEditor.setEnabled(free)
        self.toleranceCheck.setEnabled(free)
        self.toleranceSpin.setEnabled(free and self.toleranceCheck.isChecked())
        # always editable: lr, hyperparameters, epochs, speed
        self.learningRateSpin.setEnabled(True)
        self.learningRateSlider.setEnabled(True)
        self.epochsSpin.setEnabled(True)
        self.speedCombo.setEnabled(True)

    def _refresh_error(self) -> None:
        try:
            make_schedule(self.scheduleCombo.currentData(), **self._schedule_values())
            schedule_error = ""
        except ValueError as exc:
            schedule_error = str(exc)
        self.scheduleHintLabel.setText(schedule_error)
        self.scheduleHintLabel.setVisible(bool(schedule_error))
        message = self.optimizerGroup.error() or schedule_error
        if message != self._error:
            self._error = message
            self.error_changed.emit(message)
