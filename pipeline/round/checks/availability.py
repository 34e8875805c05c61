"""Checks of the optional Availability sheet: its interviewers are known, and each free time ends after
it begins. (A free time outside the period or working hours is no error: `schedule` uses only the part
inside them.)"""

from __future__ import annotations

from pipeline.model import ERROR, WARNING, phrase
from pipeline.round.checks.context import Context
from pipeline.round.checks.meetings import inactive_interviewer, unknown_interviewer


def check_availability(ctx: Context) -> None:
    """Known and active interviewers (one on leave or gone is a warning here), From before To."""
    for free in ctx.round.availability:
        person = ctx.by_id.get(free.interviewer_id) if free.interviewer_id else None
        if free.interviewer_id and person is None:
            unknown_interviewer(ctx, "availability", "interviewer_id", free.row, free.interviewer_id)
        elif person is not None and not person.active:
            inactive_interviewer(
                ctx, WARNING, "availability", "interviewer_id", free.row, person, free.interviewer_id
            )
        if free.start is not None and free.end is not None and free.end <= free.start:
            ctx.add(
                ERROR,
                "availability",
                "end",
                free.row,
                "availability-order",
                f"{free.start:%H:%M} to {free.end:%H:%M} ends before it starts; the free time runs from "
                "From to To on one day.",
                phrase("availability-order", start=free.start, end=free.end),
            )
