"""style.restyle before every paint in presentation mode: an item is styled again only when the
scales or its own pens, sizes or fonts changed; new items and new pens still follow; scale 1
gives back exactly what the views set."""

from __future__ import annotations

import pyqtgraph as pg
import pytest

from gdsim.gui.plots import style


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    line = pg.PlotDataItem([0, 1, 2], [0, 1, 0], pen=style.pen("#d62728", width=2.0),
                           symbol="o", symbolSize=8)
    curve = pg.PlotCurveItem([0, 1], [1, 0], pen=style.pen("#1f77b4", width=1.0))
    text = style.text_item("note")
    for item in (line, curve, text):
        widget.addItem(item)
    yield widget, line, curve, text
    style.set_scales()


def test_an_unchanged_plot_is_not_styled_again(plot, monkeypatch):
    widget, line, curve, _text = plot
    style.set_scales(text=1.5, lines=1.5, markers=1.5)
    style.restyle(widget)
    assert line.opts["pen"].widthF() == 3.0 and curve.opts["pen"].widthF() == 3.0
    made = []
    monkeypatch.setattr(style, "_line_pen", lambda *a, **k: made.append(a) or a[0])
    monkeypatch.setattr(style, "_scaled_font", lambda base: made.append(base) or base)
    style.restyle(widget)  # (what runs before every paint)
    assert made == []


def test_new_items_and_new_pens_follow_and_scale_one_restores_exactly(plot):
    widget, line, curve, text = plot
    style.set_scales(text=1.5, lines=1.5, markers=1.5)
    style.restyle(widget)
    added = pg.PlotDataItem([0, 1], [2, 3], pen=style.pen("#2ca02c", width=2.0))
    widget.addItem(added)  # after the first restyle
    line.setPen(style.pen("#d62728", width=4.0))  # the view sets a new pen
    style.restyle(widget)
    assert added.opts["pen"].widthF() == 3.0
    assert line.opts["pen"].widthF() == 6.0
    assert line.opts["symbolSize"] == 12.0
    assert text.textItem.font().pointSizeF() == pytest.approx(1.5 * style.TEXT_PT)
    style.set_scales()
    style.restyle(widget)
    assert added.opts["pen"].widthF() == 2.0
    assert line.opts["pen"].widthF() == 4.0 and curve.opts["pen"].widthF() == 1.0
    assert line.opts["symbolSize"] == 8
    assert text.textItem.font().pointSizeF() == pytest.approx(style.TEXT_PT)
