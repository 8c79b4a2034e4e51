"""The screenshot's PNG (core.png) reads back in Qt as exactly the window's picture."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from gdsim.core.png import encode_png
from gdsim.gui.app import encode_picture


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return rows.reshape(image.height(), image.bytesPerLine())[:, :3 * image.width()].reshape(
        image.height(), image.width(), 3).copy()


def test_qt_decodes_the_file_to_the_same_pixels():
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, size=(37, 51, 3), dtype=np.uint8)  # odd width: Qt pads its rows
    image = QImage.fromData(encode_png(rgb), "PNG")
    assert not image.isNull()
    assert np.array_equal(_rgb(image), rgb)


def test_the_window_picture_round_trips(qtbot, window):
    window.resize(1280, 690)
    window.show()
    qtbot.waitExposed(window)
    pixmap = window.grab()
    data = encode_picture(pixmap, "PNG")
    image = QImage.fromData(data, "PNG")
    assert (image.width(), image.height()) == (pixmap.width(), pixmap.height())
    assert np.array_equal(_rgb(image), _rgb(pixmap.toImage()))
    jpeg = encode_picture(pixmap, "JPG")  # other formats: Qt's writer
    assert jpeg[:2] == b"\xff\xd8"
    assert encode_picture(pixmap, "NOSUCHFORMAT") is None
