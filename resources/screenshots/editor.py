"""Screenshots of the lead tech's environment editor (issue 7, item 1).

``shoot(console, out)`` takes a console built as resources/take_screenshots.py builds it (the
demo database, the clock pinned, Jordan signed in), signs Dana (the lead) in, gives the demo
some edit history, opens the editor and saves:

    20-editor-client.png    a client: its facts, contacts, systems, agreement and emergency rules
    21-editor-runbook.png   a runbook being edited, its live preview, the secret warning
    22-editor-conflict.png  somebody else saved the record first: the conflict panel, theirs vs yours
    23-editor-history.png   a record's history: who, when, each field before and after
    24-editor-invalid.png   problems shown at their fields, in the importer's words
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dispatch_app.services import editing
from dispatch_app.ui.editor import EditorWindow
from resources.screenshots.shots import Shots, settle, sign_in, wait

LEAD = "dana"
OTHER_LEAD = "taylor"


def _edit(db, kind: str, key: str, actor: str, at, **changes) -> None:
    """A change saved through the service, as another session would."""
    record = editing.get_record_data(db, kind, key)
    editing.save_record(db, actor=actor, kind=kind, key=key, value={**record.data, **changes},
                        expected_version=record.version, at=at)


def give_acme_a_history(db, now) -> None:
    """Three changes over the autumn, by two leads."""
    def agreement():
        return editing.get_record_data(db, "clients", "acme").data["agreement"]
    _edit(db, "clients", "acme", OTHER_LEAD, now - timedelta(days=41),
          agreement={**agreement(), "plan": "24x7 production (renewed for 2027)"})
    current = agreement()
    _edit(db, "clients", "acme", LEAD, now - timedelta(days=9),
          agreement={**current, "response_minutes": {**current["response_minutes"], "P1": 20},
                     "coverage": {**current["coverage"], 3: "mon-sat 05:00-22:00"}})
    _edit(db, "clients", "acme", LEAD, now - timedelta(hours=3),
          agreement={**agreement(), "notes": "Plant runs three shifts; the line is the business. "
                     "Call the plant manager before any restart of ERP01."})


def _open(editor: EditorWindow, kind: str, key: str) -> None:
    shown = []
    editor.record_shown.connect(lambda k, key_: shown.append((k, key_)))
    editor.navigator.select(kind, key, quiet=False)
    wait(lambda: (kind, key) in shown)
    settle(0.3)


def _discard(editor: EditorWindow) -> None:
    if editor.is_dirty():
        editor.revert()
        wait(lambda: editor.question is not None and editor.question.isVisible())
        editor.question.proceed_button.click()
        wait(lambda: not editor.is_dirty())


def shoot(console, out: Path) -> list[Path]:
    window = console.window
    db = console.backend.db
    now = window.clock.now()
    shots = Shots(out)
    save, saved = shots.save, shots.saved

    wait(lambda: window.env is not None and window.actor.id is not None)
    give_acme_a_history(db, now)
    sign_in(console, LEAD)

    editor = EditorWindow(window.context(), window)
    editor.resize(1720, 1040)
    editor.show()
    wait(lambda: editor.outline is not None)

    # 20: a client with its agreement and emergency rules
    _open(editor, "clients", "acme")
    rules = editor.forms["clients"].rules
    rules.table.setCurrentIndex(rules.model.index(0, 1))
    editor.navigator.tree.setFocus()
    settle()
    save(editor, "20-editor-client")

    # 21: a runbook being edited, the preview beside it, the secret check under the text
    _open(editor, "runbooks", "acme/bridge-restart")
    form = editor.forms["runbooks"]
    form.body.moveCursor(form.body.textCursor().MoveOperation.End)
    form.body.insertPlainText("\n4. Still waiting after 5 minutes: clear the bridge queue "
                              "(runbook *Clear the bridge queue*), then escalate.\n"
                              "5. If APP02 asks for the local admin: user `plcadmin`, password: Bridge#2026\n")
    form.render_preview()
    form.check_secrets()
    form.body.setFocus()
    settle()
    save(editor, "21-editor-runbook")
    _discard(editor)

    # 24: problems at their fields
    _open(editor, "clients", "riverside")
    client = editor.forms["clients"]
    client.business_hours.setText("mon-fry 07:00-19:00")
    client.coverage[3].setCurrentText("mon-sat 06:00-25:00")
    client.response["P2"].setValue(0)
    editor.check_now()
    wait(lambda: client._slots["agreement.business_hours"].error.isVisible())
    client.business_hours.setFocus()
    settle()
    save(editor, "24-editor-invalid")
    _discard(editor)

    # 22: the conflict: Taylor saved Lee's record while Dana was editing it
    _open(editor, "technicians", "lee")
    tech = editor.forms["technicians"]
    tech.phones.setText("+1 312 555 0113, +1 312 555 0193")
    tech.leave_from.setText("2026-12-31T18:00")
    tech.leave_to.setText("2027-01-02T08:00")
    tech.leave_reason.setText("New Year")
    tech.leave.add()
    _edit(db, "technicians", "lee", OTHER_LEAD, now - timedelta(minutes=6), email="lee.chen@northwind.example",
          phones=["+1 312 555 0113", "+1 773 555 0140"])
    editor.save()
    wait(lambda: editor.conflict.isVisible() and not editor._saving)
    editor.show_theirs()
    wait(lambda: editor.conflict.table.isVisible())
    settle()
    save(editor, "22-editor-conflict")
    editor.discard_mine()
    wait(lambda: not editor.is_dirty() and not editor.conflict.isVisible())

    # 23: the history of Acme
    _open(editor, "clients", "acme")
    editor.show_history()
    wait(lambda: editor.history.model.rowCount() > 0)
    editor.history.table.selectRow(0)
    settle()
    save(editor, "23-editor-history")
    editor.close()
    return saved
