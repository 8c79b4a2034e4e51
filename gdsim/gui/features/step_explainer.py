"""Step explainer: the lecture's arithmetic for the iteration just taken.

A dock (objectName ``stepExplainer``) toggled by Teach ▸ Step explainer
(``actionStepExplainer``, also on the run toolbar).  It renders
``gdsim.core.explain.explain_last_step`` as HTML: the mini-batch rows with
ŷ and ŷ − y, each partial derivative with its formula and value, the
optimizer's state terms with their equations, and each parameter's update in
numbers.  It computes nothing itself.

It follows ``window.frame_drawn`` only while visible, recomputes only when the
iteration changed, and at most ``MAX_UPDATES_PER_SECOND`` times a second, so a
fast run is not slowed (the worker steps on its own thread; one explanation
costs one mini-batch gradient on the GUI thread).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from ...core.explain import StepExplanation

PLACEHOLDER = "Press Step to see the arithmetic of one iteration."
MAX_UPDATES_PER_SECOND = 8
BUSY_FRACTION = 0.1
# rows computed per row (ŷ, ŷ − y): gdsim.core.explain.SHOW_ALL_ROWS (a mini-batch of up to
# 12 rows is listed whole; a bigger one, its first rows)
MAX_TABLE_ROWS = 12
DOCK_HEIGHT = 430
# A recomputation that does not reproduce the run's parameters was read while the
# worker was stepping: try again shortly, a few times.
RETRIES = 4
MONO = "'DejaVu Sans Mono', 'Liberation Mono', monospace"
STYLE = f"""
body {{ font-size: 13pt; }}
h3 {{ margin-top: 10px; margin-bottom: 2px; font-size: 13pt; color: #1a4d8f; }}
td, th {{ padding: 2px 8px; }}
.batch td, .batch th {{ white-space: nowrap; }}
th {{ background-color: #e8eef7; font-weight: bold; }}
.num {{ font-family: {MONO}; }}
.eq {{ font-family: {MONO}; }}
.upd {{ font-family: {MONO}; font-weight: bold; }}
.note {{ color: #555555; font-size: 11pt; }}
.warn {{ color: #b00020; }}
.mat td {{ font-family: {MONO}; font-size: 11pt; padding: 0px 4px; text-align: right; }}
.mat {{ border-left: 1px solid #7a8aa6; border-right: 1px solid #7a8aa6; }}
.pass td.cell {{ padding: 2px 10px 6px 0px; vertical-align: top; }}
.pass th {{ text-align: left; }}
"""
MATRIX_DIGITS = 4  # a matrix's first numbers, compactly


# gdsim.core.explain is imported when the dock first explains a step, not with the
# window (the dock starts hidden): these two call its functions of the same name.
def explain_last_step(run, **kwargs):
    """``gdsim.core.explain.explain_last_step``."""
    from ...core.explain import explain_last_step as explain

    return explain(run, **kwargs)


def format_number(value: float) -> str:
    """``gdsim.core.explain.format_number``."""
    from ...core.explain import format_number as fmt

    return fmt(value)


def _e(text: str) -> str:
    """``html.escape(text, quote=False)`` (without importing html at start-up)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _num(v: float) -> str:
    return f'<span class="num">{_e(format_number(v))}</span>'


def render_html(e: StepExplanation) -> str:
    """The explanation as rich text for a QTextBrowser."""
    rows = [int(r) for r in e.row_numbers[:e.rows_to_list()]]
    shown_rows = ", ".join(str(r) for r in rows) + (" …" if e.batch_size > len(rows) else "")
    if e.mode == "function":
        where = f"the test function {e.loss_title}: one step per epoch"
    elif e.mode == "batch":
        where = "all rows (batch gradient descent)"
    else:
        where = f"{e.mode} of {e.batch_size} row{'s' if e.batch_size != 1 else ''}: {shown_rows} (highlighted in the dataset)"
    parts = ["<html><body>"]  # STYLE is the browser document's default style sheet
    if e.mode == "function":
        parts.append(f"<p><b>Step {e.iteration}</b> &nbsp;·&nbsp; {_e(where)}</p>")
    else:
        parts.append(
            f"<p><b>Iteration {e.iteration}</b> &nbsp;·&nbsp; epoch {e.epoch}, iteration "
            f"{e.iteration_in_epoch} of {e.iterations_per_epoch} in this epoch &nbsp;·&nbsp; {_e(where)}</p>")
    if e.network is not None:
        parts.append(_network_html(e))
        parts.append("</body></html>")
        return "".join(parts)
    before = ", ".join(f"{_e(n)} = {_num(v)}" for n, v in zip(e.parameter_names, e.params_before))
    parts.append(f"<p>Parameters before the step: {before}</p>")

    # --- left: the mini-batch, its loss and gradient; right: the update and the optimizer's terms
    parts.append('<table width="100%" cellspacing="0" cellpadding="0"><tr><td valign="top" width="50%">')
    if e.mode == "function":  # no rows: the loss L is the function f itself
        parts.append(f"<h3>Loss: L = {_e(e.loss_title)} itself (no data rows)</h3>")
        parts.append(f'<div class="eq">{_e(e.loss_formula)} = {_e(format_number(e.loss))}</div>')
        parts.append("<h3>Gradient of the function (∂L = ∂f)</h3>")
    else:
        parts.append(_batch_table(e))
        reduction = "mean over the n rows" if e.reduction == "mean" else "sum over the rows (no 1/n)"
        parts.append(f"<h3>Loss: {_e(e.loss_title)} ({_e(e.torch_loss)}), {reduction}</h3>")
        parts.append(f'<div class="eq">{_e(e.loss_formula)} = {_e(format_number(e.loss))}'
                     f'&nbsp;&nbsp;(n = {e.batch_size})</div>')
        parts.append("<h3>Gradient of the mini-batch loss</h3>")
    for g in e.gradient_terms:
        parts.append(f'<div class="eq">{_e(g.text)}</div>')
    parts.append('</td><td valign="top" width="50%" style="padding-left: 24px;">')
    parts.append('<h3 style="margin-top: 0px;">Update: θ after the step (the numbers the run now holds)</h3>')
    for u in e.updates:
        parts.append(f'<div class="upd">{_e(u.text)}</div>')
    parts.append(f"<h3>Optimizer: {_e(e.optimizer_text())}</h3>")
    parts.append(_state_html(e))
    parts.append("</td></tr></table>")
    for note in e.notes:  # e.g. the factor 2 of torch's MSE against the lecture's slide
        parts.append(f'<p class="note"><b>{_e(note)}</b></p>')
    notes = [e.number_note]
    if e.standardized:
        notes.append("x̃ = the standardised feature (x − mean) / standard deviation: training uses it.")
    parts.append(f'<p class="note">{_e(" ".join(notes))}</p>')
    parts.append("</body></html>")
    return "".join(parts)


def _batch_table(e: StepExplanation) -> str:
    d = len(e.feature_names)
    head = ["row"]
    for j, name in enumerate(e.feature_names):
        label = "x" if d == 1 else f"x{j + 1}"
        head.append(_e(label) if name == label else f"{_e(label)}<br>{_e(name)}")
        if e.standardized:
            head.append(f"x̃{'' if d == 1 else j + 1}<br>(std.)")
    head += ["y" if e.target_name == "y" else f"y<br>{_e(e.target_name)}", "ŷ", "ŷ − y"]
    out = ['<table class="batch" border="1" cellspacing="0" cellpadding="3" style="border-color: #b8c4d6;">',
           "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    n = e.batch_size
    shown = e.rows_to_list()
    for k in range(shown):
        cells = [str(int(e.row_numbers[k]))]
        for j in range(d):
            cells.append(_num(e.X_b_original[k, j]))
            if e.standardized:
                cells.append(_num(e.X_b[k, j]))
        cells += [_num(e.y_b[k]), _num(e.predictions[k]), _num(e.residuals[k])]
        out.append("<tr>" + "".join(f'<td align="right">{c}</td>' for c in cells) + "</tr>")
    if n > shown:
        out.append(f'<tr><td colspan="{len(head)}">… and {n - shown} more rows '
                   f"(the sums use all {n})</td></tr>")
    out.append("</table>")
    return "".join(out)


def _short(v: float) -> str:
    return "0" if v == 0 else f"{v:.{MATRIX_DIGITS}g}".replace("-", "\u2212")


def _matrix(m, equation: bool = True) -> str:
    """Symbol = equation (shape), then the first numbers in brackets, … where there are more."""
    head = f"<b>{_e(m.symbol)}</b>" + (f" = {_e(m.equation)}" if equation and m.equation else "")
    head = f'{head} <span class="note">({_e(m.shape_text)})</span>'.replace(" ", "&nbsp;").replace("<span&nbsp;", "<span ")
    rows = m.corner if m.corner.ndim == 2 else m.corner[None, :]
    more_rows = m.corner.ndim == 2 and m.shape[0] > rows.shape[0]
    body = []
    for r in rows:
        cells = "".join(f"<td>{_short(v)}</td>" for v in r) + ("<td>…</td>" if m.more_cols else "")
        body.append(f"<tr>{cells}</tr>")
    if more_rows:
        body.append(f'<tr><td colspan="{rows.shape[1] + m.more_cols}" style="text-align: center;">⋮</td></tr>')
    return f'{head}<table class="mat" cellspacing="0">{"".join(body)}</table>'


def _network_html(e: StepExplanation) -> str:
    """A network's step: the forward pass, the loss, the backward pass, a few updates."""
    net = e.network
    out = [f"<p>{_e(net.description)} &nbsp;·&nbsp; each matrix: its shape and first numbers, "
           f"rows = the batch's rows, columns = units</p>"]
    cell = '<td class="cell">'
    out.append('<h3>Forward pass: Zₗ = Aₗ₋₁·Wₗᵀ + bₗ, Aₗ = act(Zₗ)</h3>'
               '<table class="pass" cellspacing="0" cellpadding="0">')
    out.append(f"<tr>{cell}<b>input</b></td>{cell}{_matrix(net.inputs)}</td></tr>")
    for L in net.layers:
        act = f" + {L.activation}" if L.activation else " (output, no activation)"
        label = f"<b>layer {L.number}</b><br>nn.Linear({L.n_in}, {L.n_out}){_e(act)}"
        cells = [label, _matrix(L.weight), _matrix(L.bias), _matrix(L.z)]
        if L.a is not None:
            cells.append(_matrix(L.a))
        out.append("<tr>" + "".join(f"{cell}{c}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    reduction = "mean over the n rows" if e.reduction == "mean" else "sum over the rows (no 1/n)"
    out.append(f"<h3>Loss: {_e(e.loss_title)} ({_e(e.torch_loss)}), {reduction}</h3>")
    out.append(f'<div class="eq">{_e(e.loss_formula)} = {_e(format_number(e.loss))}'
               f'&nbsp;&nbsp;(n = {e.batch_size})</div>')
    out.append(f"<h3>Backward pass: ∂L/∂Wₗ = δₗᵀ·Aₗ₋₁, ∂L/∂bₗ = Σ δₗ</h3>"
               f'<div class="eq">{_e(net.output_delta)}'
               + (f";&nbsp;&nbsp;{_e(net.backprop_rule)}" if net.backprop_rule else "") + "</div>"
               '<table class="pass" cellspacing="0" cellpadding="0">')
    for L in reversed(net.layers):
        cells = [f"<b>layer {L.number}</b>", _matrix(L.delta), _matrix(L.grad_weight), _matrix(L.grad_bias)]
        out.append("<tr>" + "".join(f"{cell}{c}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    if net.rows_computed < net.batch_rows:
        out.append(f'<p class="note">Z, A and δ of the first {net.rows_computed:,} rows; the gradient '
                   f"sums all {net.batch_rows:,}.</p>")
    out.append('<table width="100%" cellspacing="0" cellpadding="0"><tr><td valign="top" width="50%">')
    out.append("<h3>Update of each layer's first weight and bias (torch's names)</h3>")
    out += [f'<div class="upd">{_e(u.text)}</div>' for u in e.updates]
    out.append('</td><td valign="top" width="50%" style="padding-left: 24px;">')
    out.append(f"<h3>Optimizer: {_e(e.optimizer_text())}</h3>")
    out.append(_state_html(e))
    out.append("</td></tr></table>")
    notes = [e.number_note, f"Matrices to {MATRIX_DIGITS} significant digits."]
    if e.standardized:
        notes.append("X is standardised: (x − mean) / standard deviation.")
    out.append(f'<p class="note">{_e(" ".join(notes))}</p>')
    return "".join(out)


def _values(names, values) -> str:
    return ", ".join(f"{_e(n)}: {_num(v)}" for n, v in zip(names, np.asarray(values)))


def _state_html(e: StepExplanation) -> str:
    hyper = e.hyper
    if e.optimizer_name == "sgd" and hyper.get("momentum", 0) == 0 and hyper.get("weight_decay", 0) == 0:
        return ('<div class="note">Plain SGD keeps no state: the update uses the gradient directly '
                f"(lr = {_e(format_number(e.lr))}).</div>")
    out = []
    for t in e.state_terms:
        if t.details:
            out.append(f'<div class="eq"><i>{_e(t.equation)}</i></div>')
            out += [f'<div class="eq">&nbsp;&nbsp;{_e(line)}</div>' for line in t.details]
        elif t.per_parameter:
            out.append(f'<div class="eq"><i>{_e(t.equation)}</i>: {_values(e.parameter_names, t.value)}</div>')
        else:
            out.append(f'<div class="eq"><i>{_e(t.equation)}</i> = {_num(t.value)}</div>')
    return "".join(out)


class StepExplainer(QDockWidget):
    """The dock; ``refresh()`` shows the window's current run's last step."""

    def __init__(self, window) -> None:
        super().__init__("Step explainer — the arithmetic of the last iteration", window)
        self.setObjectName("stepExplainer")
        self.window_ = window
        self.browser = QTextBrowser(objectName="stepExplainerText")
        self.browser.setOpenLinks(False)
        font = QFont(self.browser.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.3)
        self.browser.setFont(font)
        self.browser.setLineWrapMode(QTextBrowser.WidgetWidth)
        self.browser.setUndoRedoEnabled(False)
        self.browser.document().setDefaultStyleSheet(STYLE)
        self.lecture_button = QPushButton("Lecture's start (insurance, raw: w1 = w2 = 1, b = 0)",
                                          objectName="lectureStartButton")
        self.lecture_button.setToolTip("Load the insurance table unstandardised and start from "
                                       "w1 = w2 = 1, b = 0, as the lecture's worked example does")
        self.lecture_button.clicked.connect(self.use_lecture_start)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.lecture_button)
        bar.addStretch(1)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(bar)
        lay.addWidget(self.browser, 1)
        self.setWidget(body)
        self.explanation: StepExplanation | None = None
        self._key: tuple | None = None
        self._last_render = 0.0
        self._interval = 1.0 / MAX_UPDATES_PER_SECOND
        self._retries = 0
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.refresh)
        self._show_message(PLACEHOLDER)
        window.frame_drawn.connect(self._on_frame)
        window.run_changed.connect(self._on_run_changed)
        self.visibilityChanged.connect(lambda visible: visible and self.refresh(force=True))

    def text(self) -> str:
        return self.browser.toPlainText()

    def use_lecture_start(self) -> None:
        """One click to the lecture's worked example: its table, raw, from its start point."""
        from ...core.explain import LECTURE_START as start

        w = self.window_
        if w.function is not None:
            w.set_function(None, reset=False)
        if w.document.dataset.name != start.preset and not w.dataset_panel.load_preset(start.preset):
            return  # the panel said why (or the user kept the edited table)
        config = w.controls.config().replace(standardize=start.standardize, init=start.init)
        w.controls.set_config(config)
        w.reset()

    def _show_message(self, text: str, warn: bool = False) -> None:
        cls = "warn" if warn else "note"
        self.browser.setHtml("<html><body>"
                             f'<p class="{cls}" style="font-size: 14pt;">{_e(text)}</p></body></html>')

    def _on_run_changed(self, run) -> None:
        self._key = None
        self.explanation = None
        self._retries = 0
        if self.isVisible():
            self.refresh(force=True)

    def _on_frame(self, frame) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self, force: bool = False) -> None:
        """Show the last step of the current run (recomputed only when it changed)."""
        run = self.window_.current_run
        if run is None:
            self._key = None
            self._show_message("The settings are invalid: see the status line.", warn=True)
            return
        key = (id(run), run.iteration)
        if key == self._key and not force:
            return
        now = time.monotonic()
        wait = self._last_render + self._interval - now
        if wait > 0 and not force:
            if not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)
            return
        self._last_render = now
        try:
            self._show(run, key)
        finally:
            # at most MAX_UPDATES_PER_SECOND, and at most BUSY_FRACTION of the GUI thread's time
            cost = time.monotonic() - now
            self._interval = max(1.0 / MAX_UPDATES_PER_SECOND, cost / BUSY_FRACTION)

    def _show(self, run, key: tuple) -> None:
        explanation = explain_last_step(run, max_rows=MAX_TABLE_ROWS)
        if explanation is None:
            self._key, self.explanation = key, None
            self._show_message(PLACEHOLDER)
            return
        if not explanation.matches_run:
            if self._retries < RETRIES:
                self._retries += 1
                self._timer.start(20)
                return
            self._retries = 0
            if self.explanation is not None and self._key == key:
                return  # still showing the numbers this step used
            self._key = key
            self._show_message(
                f"The optimizer settings changed after iteration {explanation.iteration}; "
                "press Step to see the arithmetic of the next iteration.", warn=True)
            return
        self._retries = 0
        self._key = (id(run), explanation.iteration)
        self.explanation = explanation
        self.browser.setHtml(render_html(explanation))


def install(window) -> None:
    dock = StepExplainer(window)
    window.add_dock(dock, Qt.BottomDockWidgetArea, visible=False)
    action = QAction("Step explainer", window, objectName="actionStepExplainer", checkable=True)
    action.setToolTip("Show the arithmetic of the last iteration: ŷ, residuals, gradient, optimizer terms, update")
    sized = []

    def toggled(on: bool) -> None:
        dock.setVisible(on)
        if on and not sized and not dock.isFloating():
            sized.append(True)  # a comfortable height the first time; the user's size after that
            # at most 40% of the window: on a 720-px projector the plots keep their room
            window.resizeDocks([dock], [min(DOCK_HEIGHT, int(0.4 * window.height()))], Qt.Vertical)

    action.toggled.connect(toggled)
    dock.toggleViewAction().toggled.connect(action.setChecked)
    window.menu("&Teach").addAction(action)
    window.toolbar.addAction(action)
