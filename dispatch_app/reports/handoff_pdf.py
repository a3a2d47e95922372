"""The handoff record as a PDF a manager prints: Qt's own writer, A4, page numbers.

The HTML of ``handoff_html`` is laid out by a QTextDocument paginated to the printable area
minus a footer band; each page is painted by hand (``drawContents`` of that page's slice) so the
footer can say "page N of M" with M known.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from dispatch_app.domain.handoff import Handoff
from dispatch_app.files import write_file

from . import title
from .handoff_html import handoff_html

RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(15, 15, 15, 12)
BODY_POINTS = 9.5
FOOTER_POINTS = 8

_app: QGuiApplication | None = None


def _font(points: float) -> QFont:
    """DejaVu Sans without ligatures, so text copied or searched in the PDF reads "ff", not "ﬀ"."""
    font = QFont("DejaVu Sans")
    font.setPointSizeF(points)
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


def _ensure_gui() -> None:
    """Text layout and the PDF writer need a QGuiApplication. The console and the tests have
    one; the CLI does not, so one is made here on the "offscreen" platform (no display needed).
    This is the one place allowed to look up the application instance (DESIGN.md forbids it
    elsewhere): the CLI has no window to pass one from.
    """
    global _app
    existing = QGuiApplication.instance()
    if existing is not None:
        if not isinstance(existing, QGuiApplication):
            raise RuntimeError("a PDF needs a QGuiApplication, but a QCoreApplication is running")
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication(["dispatch-app", "-platform", "offscreen"])


def handoff_pdf(handoff: Handoff) -> bytes:
    """The PDF bytes of the handoff record."""
    _ensure_gui()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     MARGINS_MM, QPageLayout.Unit.Millimeter))
    writer.setTitle(title(handoff))
    writer.setCreator("Dispatch Console")

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # points measured at the writer's resolution
    document.setDefaultFont(_font(BODY_POINTS))
    document.setDocumentMargin(0)
    document.setHtml(handoff_html(handoff))

    area = writer.pageLayout().paintRectPixels(writer.resolution())
    footer_font = _font(FOOTER_POINTS)
    footer_height = round(FOOTER_POINTS / 72 * RESOLUTION_DPI * 2.2)
    page = QSizeF(area.width(), area.height() - footer_height)
    document.setPageSize(page)
    pages = document.pageCount()

    painter = QPainter(writer)
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            top = index * page.height()
            painter.save()
            painter.translate(0, -top)
            document.drawContents(painter, QRectF(0, top, page.width(), page.height()))
            painter.restore()
            painter.setFont(footer_font)
            footer = QRectF(0, page.height(), page.width(), footer_height)
            painter.drawText(footer, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), title(handoff))
            painter.drawText(footer, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                             f"page {index + 1} of {pages}")
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def write_handoff_pdf(handoff: Handoff, path: str) -> None:
    write_file(path, handoff_pdf(handoff))
