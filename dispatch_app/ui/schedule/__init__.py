"""Schedules in the console (issue 7, item 3): who is on call, overrides, leave, holes, iCalendar."""
from dispatch_app.ui.schedule.window import ScheduleWindow

__all__ = ["ScheduleWindow"]
