"""The round's deadlines, defined once for every place that shows them.

The meeting-notes form, the schedule overview, the minutes, the follow-up workbook's days overdue (and
later the reminders) all take their dates from here, so that they never disagree. Deadlines count from
the conversation, not from the day a command happens to run:

* the filled-in meeting-notes form is due `minutes_due_days` after the meeting;
* the employee's approval of the minutes is due `approval_due_days` after the later of the meeting and
  the day the minutes were made (minutes made before a meeting that moved later still give the
  employee the full time after it).

"The meeting" is the day it was held when the returned form says so, else the planned day.
"""

from __future__ import annotations

import datetime as dt

from pipeline.model import Settings


def notes_due(meeting_day: dt.date | None, settings: Settings) -> dt.date | None:
    """When the filled-in meeting-notes form is due; None without a meeting day."""
    if meeting_day is None:
        return None
    return meeting_day + dt.timedelta(days=settings.minutes_due_days)


def approval_due(
    meeting_day: dt.date | None, minutes_made: dt.date | None, settings: Settings
) -> dt.date | None:
    """When the employee's approval of the minutes is due; None before any minutes were made."""
    if minutes_made is None:
        return None
    start = max(minutes_made, meeting_day) if meeting_day is not None else minutes_made
    return start + dt.timedelta(days=settings.approval_due_days)
