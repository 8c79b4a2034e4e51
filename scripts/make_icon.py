"""Draw resources/icons/gdsim.png (and .ico): contour ellipses with a descent path."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPen  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format_ARGB32)
    img.fill(Qt.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.Antialiasing)
    s = size / 256
    p.setBrush(QBrush(QColor("#1f3b73")))
    p.setPen(Qt.NoPen)
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 40 * s, 40 * s)
    colors = ["#fde725", "#5ec962", "#21918c", "#3b528b"]
    center = QPointF(150 * s, 150 * s)
    for k, c in enumerate(colors):
        r = (30 + 28 * k) * s
        p.setPen(QPen(QColor(c), 7 * s))
        p.setBrush(Qt.NoBrush)
        p.drawEllipse(center, r * 1.35, r)
    pts = [QPointF(40 * s, 48 * s), QPointF(92 * s, 92 * s), QPointF(122 * s, 124 * s),
           QPointF(140 * s, 142 * s), QPointF(150 * s, 150 * s)]
    p.setPen(QPen(QColor("#ffffff"), 9 * s, Qt.SolidLine, Qt.RoundCap))
    for a, b in zip(pts, pts[1:]):
        p.drawLine(a, b)
    p.setBrush(QBrush(QColor("#ff5a5f")))
    p.setPen(Qt.NoPen)
    p.drawEllipse(pts[-1], 14 * s, 14 * s)
    p.end()
    return img


if __name__ == "__main__":
    app = QGuiApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(OUT / "gdsim.png"))
    draw(64).save(str(OUT / "gdsim-64.png"))
    print("wrote", OUT / "gdsim.png")
