"""The console on the screens dispatchers have: never larger than the screen, laid out for the
width of text it has (one window, refitted to each screen size and text scale)."""
from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QFont

from dispatch_app.ui.theme import BASE_PX

SCREENS = {(1366, 768): ("medium", "narrow"), (1600, 900): ("medium", "narrow"),
           (1920, 1080): ("wide", "medium"), (2560, 1440): ("wide", "medium")}


def test_window_fits_every_screen_at_100_and_150_percent(console_factory, northwind_url):
    window = console_factory(northwind_url).window
    for (width, height), modes in SCREENS.items():
        for scale, mode in zip((1.0, 1.5), modes):
            font = QFont(window.font())
            font.setPixelSize(round(BASE_PX * scale))
            window.setFont(font)
            area = QRect(0, 0, width, height - 32)  # a panel takes the bottom of the screen
            window.fit_screen(area)
            assert area.contains(window.frameGeometry()), (width, height, scale)
            assert window.panes.mode == mode, (width, height, scale)
            shown = [name for name in window.panes.names if window.panes.widgets[name].isVisible()]
            assert shown == {"wide": ["queue", "call", "environment"], "medium": ["queue", "call"],
                             "narrow": ["call"]}[mode]
            assert window.pane_bar.isVisible() == (mode != "wide")


def test_next_pane_brings_the_environment_beside_the_queue(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    window.fit_screen(QRect(0, 0, 1366, 736))
    window.next_pane()
    assert window.environment_pane.isVisible() and window.queue_pane.isVisible()
    assert not window.call_pane.isVisible()
    window.go_to("call")
    assert window.call_pane.isVisible() and not window.environment_pane.isVisible()
