"""Every command of the console's main window, declared once (the menus in the order they come).

Menus, shortcuts, tooltips, the command palette (Ctrl+K), the shortcut sheet (F1) and the
"closed to your role" states are drawn from this table by :class:`dispatch_app.ui.commands.CommandTable`.
A handler is ``"<controller>.<method>"``: the controllers are the ones app.py hosts in the
window (``shell`` is the window itself). Adding a command: one entry here, one method there.
"""
from __future__ import annotations

from dispatch_app.services.calls import WORK_ROLES as CALL_ROLES
from dispatch_app.services.shifts import WORK_ROLES as SHIFT_ROLES
from dispatch_app.ui.commands import Command

OUTCOMES = (("acked", "A", "They acknowledged: they take the call"),
            ("no-answer", "N", "No answer: the wait starts"),
            ("voicemail", "V", "Left a voicemail: the wait starts"),
            ("declined", "D", "Declined: call the next person"))

MAIN_COMMANDS: tuple[Command, ...] = (
    # File
    Command("call.new", "&New call…", "&File", "call_work.new_call", ("Ctrl+N",),
            "Take a call: find the caller, see the verdict, save", roles=CALL_ROLES),
    Command("environment.reload", "&Reload environment", "&File", "environment.reload_environment", ("F5",),
            "Read the environment again from the database"),
    Command("user.switch", "&Switch user…", "&File", "sign_in.switch_user", ("Ctrl+Shift+U",),
            "Sign in as another technician on this workstation", separator_before=True),
    Command("console.quit", "&Quit", "&File", "shell.close", ("Ctrl+Q",), "Close the console",
            separator_before=True),
    # View
    Command("view.queue", "Go to &queue", "&View", "shell.go_to", ("Ctrl+1",), "Move to the queue",
            args=("queue",)),
    Command("view.call", "Go to &call", "&View", "shell.go_to", ("Ctrl+2",), "Move to the call", args=("call",)),
    Command("view.client", "Go to c&lient environment", "&View", "shell.go_to", ("Ctrl+3",),
            "Move to the client's environment", args=("environment",)),
    Command("view.next_pane", "&Next pane", "&View", "shell.next_pane", ("F6",),
            "On a narrower screen: show the pane out of sight (the environment beside the call, or the queue)"),
    Command("view.choose_client", "C&hoose client…", "&View", "environment.choose_client", ("Ctrl+L",),
            "Pick the client whose environment to show"),
    Command("view.theme", "Switch &theme (dark / light)", "&View", "appearance.toggle_theme", ("Ctrl+Shift+T",),
            "Dark for the night desk, light for daylight", separator_before=True),
    Command("view.larger", "&Larger text", "&View", "appearance.larger_text", ("Ctrl+=", "Ctrl++"),
            "Make all text larger, up to 200%"),
    Command("view.smaller", "&Smaller text", "&View", "appearance.smaller_text", ("Ctrl+-",),
            "Make all text smaller, down to 100%"),
    Command("view.normal_text", "&Normal text size", "&View", "appearance.normal_text", ("Ctrl+0",),
            "Back to the normal text size (100%)"),
    # Call: the outcomes work with the keyboard in the call pane only (single letters)
    *(Command(f"call.log_{outcome}", f"Log {outcome.replace('-', ' ')}", "&Call", "call_work.log_outcome", (key,),
              tip, roles=CALL_ROLES, on_call=True, args=(outcome,), scope="call_pane")
      for outcome, key, tip in OUTCOMES),
    Command("call.note", "Add &note…", "&Call", "call_work.add_note", ("Ctrl+Shift+N",),
            "Write a note on the selected call's timeline", roles=CALL_ROLES, on_call=True, separator_before=True),
    Command("call.resolve", "&Resolve…", "&Call", "call_work.resolve_call", ("Ctrl+R",),
            "Resolve the selected call with a note", roles=CALL_ROLES, on_call=True),
    Command("call.priority", "Override &priority…", "&Call", "call_work.override_priority", ("Ctrl+Shift+P",),
            "Set the selected call's priority yourself, with why", roles=CALL_ROLES, on_call=True,
            separator_before=True),
    Command("call.authorize", "A&uthorized by the client…", "&Call", "call_work.authorize_call", ("Ctrl+Shift+A",),
            "A client authorizer approved billable work: a deferred call is escalated", roles=CALL_ROLES,
            on_call=True),
    Command("call.assign", "Assign to a &client…", "&Call", "call_work.assign_call", ("Ctrl+Shift+C",),
            "Give an unmatched call its client (and system)", roles=CALL_ROLES, on_call=True),
    Command("call.open_p1", "&Go to the new P1", "&Call", "p1_alert.open_p1", ("Ctrl+G",),
            "Open the call the P1 banner announces", separator_before=True),
    Command("call.take_ringing", "&Take the ringing call", "&Call", "ringing.take_ringing", ("Ctrl+T",),
            "Open the intake form filled from the newest ringing phone (Enter on the banner)", roles=CALL_ROLES),
    Command("call.dismiss_ringing", "&Dismiss the ring", "&Call", "ringing.dismiss_ringing", ("Ctrl+D",),
            "Take the newest ringing phone off the banner (Esc on the banner); it stays a missed call"),
    # Environment
    Command("environment.edit", "&Edit environment…", "&Environment", "windows.open_editor", ("Ctrl+E",),
            "The lead's editor: clients, agreements, systems, runbooks, technicians, rotations, overrides and "
            "leave, with each record's history"),
    Command("environment.schedules", "S&chedules…", "&Environment", "windows.open_schedules", ("Ctrl+Shift+O",),
            "Who is on call, a week or a month at a time: overrides, leave, holes; iCalendar in and out"),
    Command("environment.runbook_care", "&Runbook care…", "&Environment", "windows.open_runbook_care",
            ("Ctrl+Shift+B",), "Stale runbooks to review, and the changes resolved calls asked for"),
    Command("environment.import", "&Import environment…", "&Environment", "environment.import_environment",
            ("Ctrl+I",), "Load an environment bundle: a dry run first, every problem with its path "
            "(needs the lead role, except into an empty database)", separator_before=True),
    Command("environment.export", "E&xport environment…", "&Environment", "environment.export_environment",
            ("Ctrl+Shift+X",), "Write the environment as a bundle"),
    # Review
    Command("review.open", "&Manager's review…", "Re&view", "windows.open_review", ("Ctrl+Shift+R",),
            "Handoffs to review, coverage gaps, knowledge risk, what-if for leave and swaps, response figures"),
    # Shift
    Command("shift.start", "&Start my shift", "&Shift", "shift.start_shift", ("Ctrl+Shift+S",),
            "Start your shift: its handoff collects your notes", roles=SHIFT_ROLES),
    Command("shift.note", "Shift &note…", "&Shift", "shift.add_shift_note", ("Ctrl+Shift+M",),
            "A note for the next dispatcher, in your handoff", roles=SHIFT_ROLES),
    Command("shift.end", "&End my shift…", "&Shift", "shift.end_shift", ("Ctrl+Shift+E",),
            "End your shift and issue its handoff record", roles=SHIFT_ROLES),
    Command("shift.handoff", "&Handoff record…", "&Shift", "shift.show_handoff", ("Ctrl+Shift+H",),
            "Read the last handoff and acknowledge it", separator_before=True),
    # Settings
    Command("settings.intake", "&Intake (calls by HTTP)…", "Se&ttings", "intake_host.intake_settings",
            ("Ctrl+Shift+I",), "Start or stop the HTTP intake here; its port and token"),
    Command("settings.text_size", "&Text size…", "Se&ttings", "appearance.choose_text_size", ("Ctrl+Shift+0",),
            "Text size from 100% to 200% (Ctrl+= larger, Ctrl+- smaller)"),
    # Help
    Command("help.palette", "&Command palette…", "&Help", "shell.command_palette", ("Ctrl+K",),
            "Find and run any action by name"),
    Command("help.shortcuts", "&Keyboard shortcuts", "&Help", "shell.shortcut_sheet", ("F1", "Ctrl+/"),
            "Every action and its shortcut"),
)
