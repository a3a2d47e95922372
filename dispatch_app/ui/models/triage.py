"""Models of a verdict's lists: the wake list and the first steps."""
from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtCore import Qt

from dispatch_app.domain.model import FirstStep, WakeEntry
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.wording import LEVEL_NAMES

CENTER = Qt.AlignmentFlag.AlignCenter


class WakeModel(RowsModel[WakeEntry]):
    """Who to wake, in the order triage gave (the order is the answer: no sorting proxy)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.columns = (
            Column("#", self._place, sort=self._place_number, align=CENTER),
            Column("Name", lambda w: w.name, emphasis=True),
            Column("Phone", lambda w: "  /  ".join(w.phones) or "⚠ no phone on file", emphasis=True),
            Column("On call", lambda w: "☎ on call" if w.on_call else "off call", sort=lambda w: not w.on_call),
            Column("Wait", lambda w: f"{w.ack_minutes} min", sort=lambda w: w.ack_minutes, align=CENTER,
                   tooltip=lambda w: f"wait {w.ack_minutes} minutes for an acknowledgement, then call the next"),
            Column("Why", lambda w: "; ".join(w.why), tooltip=lambda w: "\n".join(w.why)),
        )

    def key(self, row: WakeEntry) -> Hashable:
        return row.tech

    def _place_number(self, row: WakeEntry) -> int:
        return (self.row_of(row.tech) or 0) + 1

    def _place(self, row: WakeEntry) -> str:
        return str(self._place_number(row))


class FirstStepsModel(RowsModel[FirstStep]):
    """The runbooks the viewer may follow, safest first (triage's order)."""

    columns = (
        Column("Level", lambda f: f"L{f.level}", sort=lambda f: f.level, align=CENTER,
               tooltip=lambda f: LEVEL_NAMES.get(f.level, "")),
        Column("Runbook", lambda f: f.title, emphasis=True, tooltip=lambda f: f.runbook),
    )

    def key(self, row: FirstStep) -> Hashable:
        return row.runbook
