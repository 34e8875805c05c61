"""Checks of the optional Availability sheet: its interviewers are known, and each free time ends after
it begins. (A free time outside the period or working hours is no error: `schedule` uses only the part
inside them.)"""

from __future__ import annotations

from pipeline.model import ERROR, WARNING, phrase
from pipeline.round.checks.context import Context, describe


def check_availability(ctx: Context) -> None:
    """Known and active interviewers, From before To."""
    for free in ctx.round.availability:
        if free.interviewer_id:
            person = ctx.by_id.get(free.interviewer_id)
            if person is None:
                hint, said = ctx.suggest(free.interviewer_id)
                sheet = ctx.sheet_name("employees")
                ctx.add(
                    ERROR,
                    "availability",
                    "interviewer_id",
                    free.row,
                    "unknown-interviewer",
                    f"Interviewer ID {free.interviewer_id} is not in {sheet}{hint}",
                    phrase("unknown-interviewer", id=free.interviewer_id, sheet=sheet, hint=said),
                )
            elif not person.active:
                who = describe(person, free.interviewer_id)
                ctx.add(
                    WARNING,
                    "availability",
                    "interviewer_id",
                    free.row,
                    "interviewer-not-active",
                    f"Interviewer {who} is not active ({person.status}); name another interviewer.",
                    phrase(
                        "interviewer-not-active",
                        who=who,
                        status=phrase(f"statuses.{person.status}")
                        if person.status in ("on_leave", "left")
                        else person.status,
                    ),
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
