"""Interviewers' calendars and cancelled meetings (step 1, issue 13).

An interviewer organises every meeting they hold, so `invite` also writes, in their folder, one calendar
file of all their meetings (`METHOD:PUBLISH`), with the same UIDs and SEQUENCEs as the employees'
invitations. Importing it puts the meetings in their calendar; importing a later one updates moved
meetings instead of adding them twice.

A meeting that is no longer planned (its row removed from the schedule, or its employee left or on leave)
is cancelled: the employee's calendar file becomes a `METHOD:CANCEL` with a raised SEQUENCE, and the
interviewer's calendar keeps the meeting with `STATUS:CANCELLED`. A meeting that moved to another
interviewer is cancelled in the first one's calendar. What is cancelled is taken from the ledger, which
keeps each invitation's facts (`ics.event_facts`): the workbook no longer has them.
"""

from __future__ import annotations

from collections import defaultdict

from pipeline import texts
from pipeline.documents import ics
from pipeline.documents.contexts import document_language
from pipeline.documents.kinds import KINDS
from pipeline.model import Round, Settings
from pipeline.store import layout
from pipeline.store.batch import Job, code_digest
from pipeline.store.ledger import Ledger, input_digest

CANCELLED = "CANCELLED"
INTERVIEWER_CALENDAR = "manager_calendar"


def cancellation_jobs(round_: Round, ledger: Ledger, invited: set[str], now: str) -> list[Job]:
    """For every employee whose invitation is in the ledger but who is not `invited` now: their calendar
    file replaced by a cancellation (SEQUENCE raised once; the same bytes on later runs)."""
    jobs = []
    for path, entry in sorted(ledger.entries.items()):
        if entry.kind != "calendar" or entry.employee_id in invited:
            continue
        facts = entry.extra.get("event")
        if not isinstance(facts, dict):  # written by a version that did not keep the facts
            facts = {
                "uid": ics.meeting_uid(round_.settings.round_id, entry.employee_id),
                "sequence": int(entry.extra.get("sequence", 0)),  # type: ignore[call-overload]
                "stamp": str(entry.extra.get("stamp") or now),
            }
        facts = cancelled(facts, now)
        jobs.append(
            Job(
                relative=path,
                kind="calendar",
                employee_id=entry.employee_id,
                input_hash=input_digest(code_digest(), "cancel", facts),
                build=_build_cancel,
                args=(round_.settings, facts),
                # "fingerprint": a meeting planned again later is a change, sent with a raised SEQUENCE
                extra={
                    **entry.extra,
                    "event": facts,
                    "sequence": facts["sequence"],
                    "stamp": facts["stamp"],
                    "fingerprint": CANCELLED,
                },
            )  # fmt: skip
        )
    return jobs


def interviewer_calendar_jobs(
    round_: Round, ledger: Ledger, calendars: list[dict], now: str, only: set[str] | None = None
) -> list[Job]:
    """One calendar per interviewer (of `only` these interviewers, when given) from what the employees'
    calendar files of this run hold (their ledger entries' `extra`: invitations and cancellations) and
    what their last calendar held."""
    current: dict[str, dict[str, dict]] = defaultdict(dict)  # interviewer -> UID -> facts
    for extra in calendars:
        facts, interviewer_id = extra.get("event"), extra.get("interviewer_id")
        if isinstance(facts, dict) and interviewer_id:
            seen_as = extra.get("interviewer_summary") or facts.get("summary")
            current[str(interviewer_id)][str(facts["uid"])] = {**facts, "summary": seen_as}
    previous = {
        e.employee_id: (path, e) for path, e in ledger.entries.items() if e.kind == INTERVIEWER_CALENDAR
    }
    jobs = []
    for interviewer_id in sorted(set(current) | set(previous)):
        if only is not None and interviewer_id not in only:
            continue
        path, before = previous.get(interviewer_id, (None, None))
        events = current.get(interviewer_id, {})
        earlier = before.extra.get("events") if before is not None else None
        for uid, old in (earlier if isinstance(earlier, dict) else {}).items():
            if uid not in events:  # no longer this interviewer's meeting: cancelled in their calendar
                events[uid] = cancelled(old, now)
        interviewer = round_.employee(interviewer_id)
        lang = (
            document_language(interviewer, round_.settings) if interviewer else str(before.extra.get("lang"))
        )
        relative = (
            f"{layout.manager_dir(interviewer)}/{KINDS[INTERVIEWER_CALENDAR].file_name(lang, '.ics')}"
            if interviewer is not None
            else str(path)
        )
        ordered = [
            events[uid] for uid in sorted(events, key=lambda u: (str(events[u].get("start") or ""), u))
        ]
        jobs.append(
            Job(
                relative=relative,
                kind=INTERVIEWER_CALENDAR,
                employee_id=interviewer_id,
                input_hash=input_digest(code_digest(), "publish", ordered),
                build=_build_publish,
                args=(round_.settings, ordered),
                extra={"events": events, "lang": lang},
            )
        )
    return jobs


def cancelled(facts: dict, now: str) -> dict:
    """An event's facts as cancelled: its SEQUENCE raised and stamped `now` once; as they are when they
    already say so (the same bytes on later runs)."""
    if facts.get("status") == CANCELLED:
        return facts
    return {**facts, "status": CANCELLED, "sequence": int(facts["sequence"]) + 1, "stamp": now}


def interviewer_summary(employee_name: str, lang: str) -> str:
    """The event's title in the interviewer's calendar: the conversation with the employee."""
    return (
        texts.get(lang, "calendar.summary_with", name=employee_name)
        if employee_name
        else texts.get(lang, "calendar.summary")
    )


def _build_cancel(settings: Settings, facts: dict) -> bytes:
    return ics.build_calendar(settings, [facts], "CANCEL")


def _build_publish(settings: Settings, events: list[dict]) -> bytes:
    return ics.build_calendar(settings, events, "PUBLISH")
