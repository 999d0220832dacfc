"""A dependency's path drawn with QPainter: the PDF's vector diagram and the window's Path panel.

The drawing is checks/report/paths.py's `layout()`, the same primitives the
HTML report writes as SVG, so the window, the PDF and the HTML show one
picture from one model.  `paint()` draws them at any scale; `PathView` is the
widget (Compare and Checklist details); gui/report_pdf.py paints the same
drawing where the HTML's marker left room for it.
"""
from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from migready.checks.report.paths import Arrow, Box, Drawing, Text



def paint(painter: QPainter, drawing: Drawing, origin: QPointF, scale: float, family: list[str] | None = None,
          cache: dict | None = None) -> None:
    """Draw `drawing` with its top-left at `origin`, layout units times `scale`.  `cache` (a dict the
    caller keeps while it paints many drawings with one `family`, as the PDF does ~2,800) holds the
    fonts, metrics, pens and brushes from one drawing to the next: made afresh they were ~15% of
    the diagrams' painting time (bench/README.md)."""
    made = {} if cache is None else cache  # a QFont per text item cost a third of the PDF's drawing time
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(origin)
    painter.scale(scale, scale)
    for item in drawing.items:
        if isinstance(item, Box):
            key = ("box", item.stroke, item.width, item.fill)
            tools = made.get(key)
            if tools is None:
                tools = made[key] = (QPen(QColor(item.stroke), item.width), QBrush(QColor(item.fill)))
            painter.setPen(tools[0])
            painter.setBrush(tools[1])
            painter.drawRoundedRect(QRectF(item.x, item.y, item.w, item.h), item.radius, item.radius)
        elif isinstance(item, Arrow):
            key = ("arrow", item.colour, item.width, item.dashed)
            tools = made.get(key)
            if tools is None:
                pen = QPen(QColor(item.colour), item.width)
                if item.dashed:
                    pen.setStyle(Qt.PenStyle.DashLine)
                tools = made[key] = (pen, QBrush(QColor(item.colour)))
            painter.setPen(tools[0])
            line = QLineF(item.x1, item.y1, item.x2, item.y2)
            if not item.head:
                painter.drawLine(line)
                continue
            head = 4 + 2.5 * item.width
            tip = line.p2()
            unit = line.unitVector()
            dx, dy = unit.dx(), unit.dy()
            base = QPointF(tip.x() - dx * head, tip.y() - dy * head)
            painter.drawLine(QLineF(line.p1(), base))
            painter.setBrush(tools[1])
            painter.setPen(Qt.PenStyle.NoPen)
            half = head * 0.45
            painter.drawPolygon(QPolygonF([tip, QPointF(base.x() - dy * half, base.y() + dx * half),
                                           QPointF(base.x() + dy * half, base.y() - dx * half)]))
        elif isinstance(item, Text):
            key = ("font", item.size, item.bold)
            font_metrics = made.get(key)
            if font_metrics is None:
                font = QFont()
                if family:
                    font.setFamilies(family)
                font.setPixelSize(item.size)
                font.setBold(item.bold)
                font_metrics = made[key] = (font, QFontMetricsF(font))
            font, metrics = font_metrics
            colour = made.get(item.colour)
            if colour is None:
                colour = made[item.colour] = QColor(item.colour)
            painter.setFont(font)
            painter.setPen(colour)
            x = item.x
            if item.anchor != "start":
                width = metrics.horizontalAdvance(item.text)
                x -= width / 2 if item.anchor == "middle" else width
            painter.drawText(QPointF(x, item.y), item.text)
    painter.restore()


class PathView(QWidget):
    """The Path panel: one dependency's path pre vs post, scaled to the panel's width."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.drawing: Drawing | None = None
        self.setObjectName("path-view")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(0)

    def set_drawing(self, drawing: Drawing | None) -> None:
        self.drawing = drawing
        self.setVisible(drawing is not None)
        self.updateGeometry()
        self.update()

    def texts(self) -> list[str]:
        """Every text the panel draws (what a test or an accessibility tool reads)."""
        return [i.text for i in self.drawing.items if isinstance(i, Text)] if self.drawing else []

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if self.drawing is None:
            return 0
        return int(self.drawing.height * min(width / self.drawing.width, 1.6)) + 2

    def sizeHint(self):
        from PySide6.QtCore import QSize
        if self.drawing is None:
            return QSize(0, 0)
        return QSize(int(self.drawing.width), int(self.drawing.height) + 2)

    def minimumSizeHint(self):
        from PySide6.QtCore import QSize
        return QSize(120, self.heightForWidth(max(self.width(), 120)) if self.drawing else 0)

    def paintEvent(self, _event) -> None:
        if self.drawing is None:
            return
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        scale = min(self.width() / self.drawing.width, self.height() / self.drawing.height, 1.6)
        # the layout's colours are for paper: draw on a light card in the dark palette too
        painter.fillRect(QRectF(0, 0, self.drawing.width * scale, self.drawing.height * scale), QColor("#ffffff"))
        paint(painter, self.drawing, QPointF(0, 0), scale)
        painter.end()


def preview_paths(html: str, report: dict, width: int = 760) -> str:
    """The report preview's HTML (the "qt" variant) with each path marker replaced by the drawing,
    painted here as an inline PNG: QTextDocument draws no SVG, and the marker the PDF replaces
    with vectors would otherwise show as text ("PATH:0.0") in the window's preview."""
    import base64
    import re

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    from migready.checks.report.html_summary import PDF_MARKER
    from migready.checks.report.paths import layout, path_of
    head, tail = PDF_MARKER.split("{key}")
    marker = re.compile(re.escape(head) + r"(\d+)\.(\d+)" + re.escape(tail))

    def image(match) -> str:
        try:
            dep = report["services"][int(match.group(1))]["dependencies"][int(match.group(2))]
        except (IndexError, KeyError, TypeError):
            return ""
        model = path_of(dep, report.get("migration") or {}, report.get("runs") or [], report.get("comparison"))
        if model is None:
            return ""
        drawing = layout(model)
        scale = 2 * width / drawing.width  # twice the shown size: sharp on a high-density screen too
        picture = QImage(int(drawing.width * scale), int(drawing.height * scale), QImage.Format.Format_RGB32)
        picture.fill(QColor("#ffffff"))
        painter = QPainter(picture)
        paint(painter, drawing, QPointF(0, 0), scale)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        picture.save(buffer, "PNG")
        encoded = base64.b64encode(bytes(data.data())).decode("ascii")
        return (f'<img src="data:image/png;base64,{encoded}" width="{width}" '
                f'height="{int(drawing.height * width / drawing.width)}">')
    return marker.sub(image, html)
