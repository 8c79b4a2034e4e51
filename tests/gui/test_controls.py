"""The controls panel, driven like a user: pick combo entries with the keyboard,
type into spin boxes, click check boxes and tool-button menus."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QWidget  # noqa: E402

from gdsim.core.batching import iterations_per_epoch  # noqa: E402
from gdsim.core.optim import OPTIMIZERS, hyperparams, make_optimizer, torch_class_name  # noqa: E402
from gdsim.core.presets import load_preset  # noqa: E402
from gdsim.core.problem import ALLOWED_LOSSES, NATURAL_LOSS  # noqa: E402
from gdsim.core.schedules import SCHEDULES, schedule_params  # noqa: E402
from gdsim.core.training import TrainingConfig, TrainingRun  # noqa: E402
from gdsim.gui.controls import ControlsPanel, LogSpinBox, widget_name  # noqa: E402
from gdsim.gui.controls.log_spin import format_compact, log_grid_value  # noqa: E402


# -- helpers -------------------------------------------------------------------
@pytest.fixture
def panel(qtbot):
    p = ControlsPanel()
    qtbot.addWidget(p)
    p.resize(330, 900)
    p.show()
    qtbot.waitExposed(p)
    return p


class Recorder:
    def __init__(self, panel):
        self.configs, self.hypers, self.speeds = [], [], []
        panel.config_changed.connect(self.configs.append)
        panel.hyper_changed.connect(self.hypers.append)
        panel.speed_changed.connect(self.speeds.append)

    def clear(self):
        self.configs.clear()
        self.hypers.clear()
        self.speeds.clear()


def choose(combo: QComboBox, data) -> None:
    """Select the entry whose item data is ``data`` with the keyboard, as a user would."""
    i = combo.findData(data)
    assert i >= 0, f"{data!r} not in {[combo.itemData(k) for k in range(combo.count())]}"
    assert combo.isEnabled()
    combo.window().activateWindow()
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key_Home)
    for _ in range(combo.count()):
        if combo.currentIndex() == i:
            break
        QTest.keyClick(combo, Qt.Key_Down)
    assert combo.currentIndex() == i


def type_into(spin: QAbstractSpinBox, text: str) -> None:
    """Replace the spin's text with ``text`` and press Enter."""
    spin.window().activateWindow()
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClick(spin.lineEdit(), Qt.Key_Backspace)
    QTest.keyClicks(spin.lineEdit(), text)
    QTest.keyClick(spin.lineEdit(), Qt.Key_Return)


def click(qtbot, check: QCheckBox) -> None:
    """Click on the check box's indicator."""
    qtbot.mouseClick(check, Qt.LeftButton, pos=QPoint(8, check.height() // 2))


def find(panel, name):
    return panel.findChild(QWidget, name)


def shown_editor(panel, name):
    w = find(panel, name)
    return w if w is not None and w.isVisible() else None


ALL_HYPER_WIDGETS = {
    n
    for opt in OPTIMIZERS
    for hp in hyperparams(opt)
    if hp.name != "lr"
    for n in (widget_name(hp.name, hp.kind) if hp.kind == "pair" else (widget_name(hp.name, hp.kind),))
}


# -- log spin ------------------------------------------------------------------
def test_log_grid_and_compact_text():
    assert [log_grid_value(k) for k in range(-12, -7)] == [0.001, 0.00178, 0.00316, 0.00562, 0.01]
    assert format_compact(0.01) == "0.01"
    assert format_compact(1e-5) == "1e-05"
    assert format_compact(0.999) == "0.999"
    assert format_compact(1.0) == "1"


def test_log_spin_steps_and_free_typing(qtbot):
    spin = LogSpinBox()
    qtbot.addWidget(spin)
    spin.show()
    qtbot.waitExposed(spin)
    spin.setValue(0.01)
    spin.stepUp()
    assert spin.value() == pytest.approx(0.0178)
    spin.stepDown()
    spin.stepDown()
    assert spin.value() == pytest.approx(0.00562)
    type_into(spin, "0.02")  # off the grid: allowed
    assert spin.value() == pytest.approx(0.02)
    spin.stepUp()
    assert spin.value() == pytest.approx(0.0316)
    type_into(spin, "1e-5")
    assert spin.value() == pytest.approx(1e-5)
    assert spin.text() == "1e-05"
    QTest.keyClick(spin, Qt.Key_Up)
    assert spin.value() == pytest.approx(1.78e-5)


# -- optimizer -----------------------------------------------------------------
def test_defaults(panel):
    cfg = panel.config()
    assert cfg.model == "linear" and cfg.loss == "mse" and cfg.reduction == "mean"
    assert cfg.optimizer == "sgd" and cfg.hyper["lr"] == 0.01
    assert cfg.batch_size is None and cfg.epochs == 100 and cfg.shuffle and cfg.seed == 0
    assert cfg.schedule == "constant" and dict(cfg.schedule_params) == {}
    assert cfg.init is None and not cfg.standardize
    assert panel.speed() == 30.0
    assert panel.error() == ""
    assert [panel.optimizerCombo.itemText(i) for i in range(panel.optimizerCombo.count())] == [
        torch_class_name(n) for n in OPTIMIZERS
    ]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_shows_exactly_its_hyperparameters(panel, name):
    rec = Recorder(panel)
    choose(panel.optimizerCombo, name)
    if name != "sgd":  # sgd is already selected
        assert rec.configs and rec.configs[-1].optimizer == name
    expected = set()
    for hp in hyperparams(name):
        if hp.name == "lr":
            assert panel.learningRateSpin.value() == hp.default
            continue
        if hp.kind == "pair":
            for i, obj in enumerate(widget_name(hp.name, hp.kind)):
                w = shown_editor(panel, obj)
                assert w is not None, obj
                assert w.value() == hp.default[i]
                assert hp.doc in w.toolTip()
                expected.add(obj)
        else:
            obj = widget_name(hp.name, hp.kind)
            w = shown_editor(panel, obj)
            assert w is not None, obj
            if hp.kind == "bool":
                assert w.isChecked() is hp.default
            else:
                assert w.value() == hp.default
            assert hp.doc in w.toolTip()
            expected.add(obj)
    for other in ALL_HYPER_WIDGETS - expected:
        assert shown_editor(panel, other) is None, other
    assert make_optimizer(name, **panel.config().hyper).hyper() == make_optimizer(name).hyper()


def test_momentum_spin_only_for_sgd_and_rmsprop(panel):
    for name in OPTIMIZERS:
        choose(panel.optimizerCombo, name)
        assert (shown_editor(panel, "momentumSpin") is not None) == (name in ("sgd", "rmsprop"))


def test_lr_default_and_log_stepping(panel):
    rec = Recorder(panel)
    assert panel.learningRateSpin.value() == 0.01
    assert panel.learningRateSpin.text() == "0.01"
    panel.learningRateSpin.stepUp()
    assert panel.learningRateSpin.value() == pytest.approx(0.0178)
    assert rec.hypers[-1]["lr"] == pytest.approx(0.0178)
    assert rec.configs == []  # only hyper_changed for a hyperparameter of the same optimizer


def test_typing_lr_emits_hyper_changed(panel, qtbot):
    rec = Recorder(panel)
    with qtbot.waitSignal(panel.hyper_changed, timeout=1000) as blocker:
        type_into(panel.learningRateSpin, "0.05")
    assert blocker.args[0]["lr"] == 0.05
    assert blocker.args[0] == {"lr": 0.05, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
    assert rec.configs == []
    assert panel.config().hyper["lr"] == 0.05


def test_hyperparameter_edit_emits_hyper_changed(panel, qtbot):
    choose(panel.optimizerCombo, "adam")
    rec = Recorder(panel)
    type_into(find(panel, "beta2Spin"), "0.99")
    assert rec.hypers[-1]["betas"] == (0.9, 0.99)
    click(qtbot, find(panel, "amsgradCheck"))
    assert rec.hypers[-1]["amsgrad"] is True
    assert rec.configs == []


def test_lr_reset_on_switch_only_when_not_edited(panel):
    choose(panel.optimizerCombo, "adadelta")
    assert panel.learningRateSpin.value() == 1.0  # untouched 0.01 -> Adadelta's default
    choose(panel.optimizerCombo, "adam")
    assert panel.learningRateSpin.value() == 0.01
    type_into(panel.learningRateSpin, "0.003")
    choose(panel.optimizerCombo, "adadelta")
    assert panel.learningRateSpin.value() == 0.003  # edited: kept


def test_nesterov_with_zero_momentum_shows_torch_message(panel, qtbot):
    rec = Recorder(panel)
    check = find(panel, "nesterovCheck")
    click(qtbot, check)
    assert check.isChecked()
    try:
        make_optimizer("sgd", nesterov=True)
    except ValueError as exc:
        message = str(exc)
    assert panel.error() == message
    hint = find(panel, "optimizerHintLabel")
    assert hint.isVisible() and hint.text() == message
    assert rec.hypers == []  # nothing invalid is sent to a running run
    type_into(find(panel, "momentumSpin"), "0.9")
    assert panel.error() == ""
    assert not hint.isVisible()
    assert rec.hypers[-1]["nesterov"] is True and rec.hypers[-1]["momentum"] == 0.9


# -- model ---------------------------------------------------------------------
def test_loss_options_follow_model(panel):
    def losses():
        return [panel.lossCombo.itemData(i) for i in range(panel.lossCombo.count())]

    assert losses() == list(ALLOWED_LOSSES["linear"])
    choose(panel.lossCombo, "mae")
    assert panel.config().loss == "mae"
    choose(panel.modelCombo, "logistic")
    assert losses() == list(ALLOWED_LOSSES["logistic"])
    assert panel.lossCombo.currentData() == NATURAL_LOSS["logistic"] == "bce"
    assert panel.lossCombo.currentText() == "binary cross-entropy"
    choose(panel.lossCombo, "mse")
    assert panel.config().loss == "mse"
    choose(panel.modelCombo, "linear")
    assert panel.config().loss == "mse"
    assert "total error" in panel.reductionCombo.toolTip()
    choose(panel.reductionCombo, "sum")
    assert panel.config().reduction == "sum"


def test_standardize_check(panel, qtbot):
    rec = Recorder(panel)
    click(qtbot, panel.standardizeCheck)
    assert rec.configs[-1].standardize is True


# -- batches -------------------------------------------------------------------
def test_batch_modes_and_iterations_label(panel, qtbot):
    panel.set_n_rows(11)
    rec = Recorder(panel)
    assert panel.config().batch_size is None
    assert not panel.batchSizeSpin.isEnabled()
    assert panel.iterationsLabel.text() == "⌈N/B⌉ = ⌈11/11⌉ = 1 iteration per epoch"

    choose(panel.batchModeCombo, "stochastic")
    assert rec.configs[-1].batch_size == 1
    assert panel.iterationsLabel.text() == "⌈N/B⌉ = ⌈11/1⌉ = 11 iterations per epoch"

    choose(panel.batchModeCombo, "mini-batch")
    assert panel.batchSizeSpin.isEnabled() and panel.dropLastCheck.isEnabled()
    assert panel.batchSizeSpin.maximum() == 11
    type_into(panel.batchSizeSpin, "4")
    assert rec.configs[-1].batch_size == 4
    assert panel.iterationsLabel.text() == "⌈N/B⌉ = ⌈11/4⌉ = 3 iterations per epoch"
    assert iterations_per_epoch(11, 4) == 3

    click(qtbot, panel.dropLastCheck)
    assert rec.configs[-1].drop_last is True
    assert panel.iterationsLabel.text() == "⌊N/B⌋ = ⌊11/4⌋ = 2 iterations per epoch"

    type_into(panel.batchSizeSpin, "7")  # any value, not only powers of two
    assert rec.configs[-1].batch_size == 7

    powers = [a.text() for a in panel.batchSizeMenu.actions()]
    assert powers == ["2", "4", "8"]  # powers of two up to N
    next(a for a in panel.batchSizeMenu.actions() if a.text() == "8").trigger()
    assert rec.configs[-1].batch_size == 8

    type_into(panel.batchSizeSpin, "50")  # above N: the spin refuses the extra digit
    chosen = panel.config().batch_size
    assert 1 <= chosen <= 11

    choose(panel.batchModeCombo, "batch")
    assert rec.configs[-1].batch_size is None
    assert not panel.shuffleCheck.isEnabled()  # full batch never shuffles
    choose(panel.batchModeCombo, "mini-batch")
    assert panel.config().batch_size == chosen  # remembered


def test_set_n_rows_clamps_batch_size(panel):
    panel.set_n_rows(100)
    choose(panel.batchModeCombo, "mini-batch")
    type_into(panel.batchSizeSpin, "64")
    panel.set_n_rows(10)
    assert panel.config().batch_size == 10
    assert "⌈10/10⌉" in panel.iterationsLabel.text()


def test_epochs_shuffle_seed(panel, qtbot):
    choose(panel.batchModeCombo, "stochastic")
    rec = Recorder(panel)
    type_into(panel.epochsSpin, "250")
    assert rec.configs[-1].epochs == 250
    assert panel.epochsSpin.maximum() == 1_000_000 and panel.epochsSpin.minimum() == 1
    click(qtbot, panel.shuffleCheck)
    assert rec.configs[-1].shuffle is False
    type_into(panel.seedSpin, "12345")
    assert rec.configs[-1].seed == 12345
    assert panel.seedSpin.maximum() == 2**31 - 1


# -- schedule ------------------------------------------------------------------
def test_schedule_shows_only_its_params(panel):
    names = {"step_size": "stepSizeSpin", "gamma": "gammaSpin", "T_max": "tMaxSpin", "eta_min": "etaMinSpin"}
    for schedule in SCHEDULES:
        choose(panel.scheduleCombo, schedule)
        own = {hp.name for hp in schedule_params(schedule)}
        for arg, obj in names.items():
            assert (shown_editor(panel, obj) is not None) == (arg in own), (schedule, obj)
        params = dict(panel.config().schedule_params)
        assert params == {hp.name: hp.default for hp in schedule_params(schedule)}
    choose(panel.scheduleCombo, "cosine")
    type_into(find(panel, "tMaxSpin"), "40")
    assert panel.config().schedule_params["T_max"] == 40


# -- start point ---------------------------------------------------------------
def test_start_point(panel, qtbot):
    panel.set_parameter_names(["w1", "w2", "b"])
    spins = [find(panel, f"initSpin{i}") for i in range(3)]
    assert all(s is not None and s.value() == 0 for s in spins)
    assert find(panel, "initSpin3") is None
    rec = Recorder(panel)
    type_into(spins[1], "-2.5")
    assert rec.configs[-1].init == (0.0, -2.5, 0.0)
    rec.clear()
    panel.set_init([1.0, 2.0, 3.0])  # click on the loss surface
    assert len(rec.configs) == 1 and rec.configs[0].init == (1.0, 2.0, 3.0)
    panel.set_parameter_names(["w1", "b"])
    assert panel.config().init is None and find(panel, "initSpin2") is None


# -- speed ---------------------------------------------------------------------
def test_speed(panel):
    rec = Recorder(panel)
    choose(panel.speedCombo, 0.0)
    assert panel.speed() == 0.0 and rec.speeds[-1] == 0.0
    choose(panel.speedCombo, 5.0)
    assert rec.speeds[-1] == 5.0
    assert rec.configs == [] and rec.hypers == []
    panel.set_speed(1000)
    assert panel.speed() == 1000.0


# -- whole configs -------------------------------------------------------------
@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_config_runs_for_every_optimizer_and_schedule(panel, schedule):
    data = load_preset("insurance")
    panel.set_n_rows(data.n_rows)
    panel.set_parameter_names(["w1", "w2", "b"])
    choose(panel.scheduleCombo, schedule)
    choose(panel.batchModeCombo, "mini-batch")
    for name in OPTIMIZERS:
        choose(panel.optimizerCombo, name)
        cfg = panel.config()
        assert cfg.optimizer == name and cfg.schedule == schedule
        run = TrainingRun(data, cfg)  # accepted: check() passed
        assert run.advance(5) >= 1
        assert run.optimizer.hyper() == make_optimizer(name, **cfg.hyper).hyper()
    panel.set_init([0.1, 0.2, 0.3], emit=False)
    choose(panel.batchModeCombo, "batch")
    TrainingRun(data, panel.config()).advance(2)


def normalised(cfg: TrainingConfig) -> dict:
    d = {f: getattr(cfg, f) for f in cfg.__dataclass_fields__}
    d["loss"] = cfg.loss_name
    d["hyper"] = make_optimizer(cfg.optimizer, **cfg.hyper).hyper()
    d["schedule_params"] = dict(cfg.schedule_params)
    if cfg.init is not None and not any(cfg.init):
        d["init"] = None
    return d


@pytest.mark.parametrize(
    "cfg",
    [
        TrainingConfig(),
        TrainingConfig(
            model="logistic", loss="mse", reduction="sum", optimizer="adam",
            hyper={"lr": 0.003, "betas": (0.8, 0.99), "amsgrad": True},
            schedule="step", schedule_params={"step_size": 7, "gamma": 0.5},
            batch_size=4, epochs=321, shuffle=False, drop_last=True, seed=99,
            init=(1.5, -2.0, 0.25), standardize=True, tolerance=1e-6,
        ),
        TrainingConfig(optimizer="rmsprop", hyper={"momentum": 0.5, "centered": True},
                       schedule="cosine", schedule_params={"T_max": 30, "eta_min": 0.001}, batch_size=1),
        TrainingConfig(optimizer="adadelta", schedule="exponential", schedule_params={"gamma": 0.9}),
    ],
)
def test_set_config_round_trips_without_signals(panel, cfg):
    panel.set_n_rows(11)
    rec = Recorder(panel)
    panel.set_config(cfg)
    assert rec.configs == [] and rec.hypers == []
    assert normalised(panel.config()) == normalised(cfg)
    panel2 = ControlsPanel(panel.config())
    assert normalised(panel2.config()) == normalised(cfg)
    panel2.deleteLater()


def test_set_running_disables_what_cannot_change(panel):
    choose(panel.batchModeCombo, "mini-batch")
    choose(panel.scheduleCombo, "step")
    panel.set_running(True)
    frozen = [
        panel.modelCombo, panel.lossCombo, panel.reductionCombo, panel.standardizeCheck,
        panel.optimizerCombo, panel.scheduleCombo, find(panel, "stepSizeSpin"), find(panel, "gammaSpin"),
        panel.batchModeCombo, panel.batchSizeSpin, panel.dropLastCheck, panel.shuffleCheck,
        panel.seedSpin, find(panel, "initSpin0"), find(panel, "initSpin1"),
    ]
    assert [w.objectName() for w in frozen if w.isEnabled()] == []
    live = [panel.learningRateSpin, find(panel, "momentumSpin"), find(panel, "nesterovCheck"),
            find(panel, "weightDecaySpin"), panel.epochsSpin, panel.speedCombo]
    assert all(w.isEnabled() for w in live)
    panel.set_running(False)
    assert all(w.isEnabled() for w in frozen)


def test_hyper_change_while_running_applies_to_run(panel):
    """The dict from hyper_changed is what TrainingRun.set_hyper takes."""
    data = load_preset("insurance")
    panel.set_n_rows(data.n_rows)
    panel.set_parameter_names(["w1", "w2", "b"])
    choose(panel.optimizerCombo, "sgd")
    run = TrainingRun(data, panel.config())
    panel.set_running(True)
    rec = Recorder(panel)
    type_into(find(panel, "momentumSpin"), "0.9")
    panel.learningRateSpin.stepDown()
    run.set_hyper(**rec.hypers[-1])
    assert run.optimizer.momentum == 0.9 and math.isclose(run.optimizer.lr, 0.00562)


# -- mouse wheel ---------------------------------------------------------------
def wheel(widget, notches=1):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120 * notches),
        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False,
    )
    QApplication.sendEvent(widget, event)


def test_wheel_steps_focused_lr_only(panel, qtbot):
    spin = panel.learningRateSpin
    panel.activateWindow()
    qtbot.waitActive(panel)
    panel.epochsSpin.setFocus()
    qtbot.waitUntil(lambda: panel.epochsSpin.hasFocus(), timeout=1000)
    wheel(spin)  # pointer passing over an unfocused input: value untouched
    assert spin.value() == 0.01
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=1000)
    wheel(spin)
    assert spin.value() == pytest.approx(0.0178)
    wheel(spin, -2)
    assert spin.value() == pytest.approx(0.00562)


# --- stop when converged (issue 13 §3.12) -----------------------------------------------------

def test_stop_when_converged_sets_the_tolerance(panel, qtbot):
    assert panel.config().tolerance is None
    assert not panel.toleranceSpin.isEnabled()
    with qtbot.waitSignal(panel.config_changed) as sig:
        QTest.mouseClick(panel.toleranceCheck, Qt.LeftButton)
    assert sig.args[0].tolerance == pytest.approx(1e-4)
    assert panel.toleranceSpin.isEnabled()
    panel.toleranceSpin.setValue(1e-6)
    assert panel.config().tolerance == pytest.approx(1e-6)
    panel.set_config(TrainingConfig(tolerance=0.5))
    assert panel.toleranceCheck.isChecked() and panel.config().tolerance == 0.5
    panel.set_config(TrainingConfig())
    assert not panel.toleranceCheck.isChecked() and panel.config().tolerance is None


def test_the_slides_line_is_reached_when_the_run_may_stop_when_converged(panel):
    """y = 0.5x − 2.5: 100 epochs at lr 0.01 leave w at 0.084; with a tolerance and a long budget
    the run stops by itself at the slide's parameters."""
    data = load_preset("lecture-half-x-minus-2.5")
    panel.set_config(TrainingConfig(epochs=1_000_000))
    QTest.mouseClick(panel.toleranceCheck, Qt.LeftButton)
    panel.toleranceSpin.setValue(1e-8)
    run = TrainingRun(data, panel.config()).run()
    assert run.status == "converged"
    assert run.params == pytest.approx([0.5, -2.5], abs=1e-6)


def test_a_larger_font_widens_the_column_instead_of_clipping_it(panel):
    before = panel.minimumWidth()
    font = panel.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    panel.setFont(font)
    assert panel.minimumWidth() > before
    panel.setFont(type(font)())
    assert panel.minimumWidth() == before
def test_past_a_few_parameters_the_start_point_is_one_line_of_values(panel, qtbot):
    names = tuple(f"w{i + 1}" for i in range(10_000)) + ("b",)
    panel.set_parameter_names(names)  # was 10,001 spin boxes (a minute for a 10,000-column CSV)
    assert find(panel, "initSpin0") is None
    edit = find(panel, "initEdit")
    assert panel.init() == (0.0,) * 10_001 and panel.config().init is None
    rec = Recorder(panel)
    edit.setText(", ".join(["1"] * 10_000 + ["-2"]))
    edit.editingFinished.emit()
    assert rec.configs[-1].init == (1.0,) * 10_000 + (-2.0,)
    for bad in ("1, 2", ", ".join(["x"] * 10_001), ", ".join(["1e99"] * 10_001)):
        edit.setText(bad)
        edit.editingFinished.emit()
        assert panel.init() == (1.0,) * 10_000 + (-2.0,)  # refused, nothing lost
        assert "10001 numbers" in find(panel, "initHintLabel").text()
    assert len(rec.configs) == 1
    panel.set_init([0.5] * 10_001, emit=False)
    assert panel.config().init == (0.5,) * 10_001 and edit.text().startswith("0.5, 0.5")
    panel.set_parameter_names(("w1", "b"))  # few again: spin boxes
    assert find(panel, "initEdit") is None and find(panel, "initSpin1") is not None


def test_set_applicable_hides_what_a_test_function_has_not(panel, qtbot):
    panel.show()
    shown = [panel.findChild(QWidget, "modelGroup"), find(panel, "batchModeCombo"), find(panel, "iterationsLabel"),
             find(panel, "seedSpin"), find(panel, "shuffleCheck"), find(panel, "dropLastCheck")]
    assert all(w.isVisible() for w in shown)
    panel.set_applicable(model=False, batches=False)
    assert not any(w.isVisible() for w in shown) and find(panel, "epochsSpin").isVisible()
    panel.set_applicable(model=True, batches=True)
    assert all(w.isVisible() for w in shown)
