"""Step 1: invitation letters and calendar invitations per employee, a schedule overview per interviewer."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Unpack

from pipeline.documents import ics
from pipeline.documents.calendars import cancellation_jobs, interviewer_calendar_jobs, interviewer_summary
from pipeline.documents.contexts import (
    Invitation,
    document_language,
    invitation_context,
    overview_context,
    plan_invitations,
)
from pipeline.documents.kinds import KINDS, Step, StepOptions, run_document_step
from pipeline.model import Employee, Meeting, Round
from pipeline.render.templates import TemplateSet
from pipeline.store import layout
from pipeline.store.batch import (
    BatchResult,
    Job,
    code_digest,
    document_properties,
    parallel_map,
    record_key,
)
from pipeline.store.groups import JobGroups
from pipeline.store.ledger import Entry, Ledger, input_digest


def invitation_jobs(
    round_: Round, templates: TemplateSet, invitations: list[Invitation], calendars: list[dict[str, object]]
) -> JobGroups:
    """The letter and the .ics of each invitation, made where they are done (`store.groups`);
    `calendars`: what each .ics holds (`calendar_facts`)."""
    settings_key = input_digest(asdict(round_.settings))
    templates.compile(("invitation",), (invitation.lang for invitation in invitations))
    jobs = JobGroups()
    for invitation, facts in zip(invitations, calendars, strict=True):
        jobs.add(
            2, functools.partial(_letter_and_calendar, round_, templates, invitation, settings_key, facts)
        )
    return jobs


# Working an invitation's calendar facts out (its SEQUENCE from the ledger, or from the file a killed run
# left, the event, the interviewer's summary) is some 50 µs: 0.5 s of a 10,000 round's invitations and
# 5 s at 100,000, in the parent while the workers wait. From this many invitations on, the workers do it.
FACTS_IN_WORKERS = 2000


def calendar_facts(
    round_: Round, ledger: Ledger, invitations: list[Invitation], now: dt.datetime, workers: int = 1
) -> list[dict[str, object]]:
    """What each invitation's .ics holds, as its ledger entry keeps it (`extra`): SEQUENCE and DTSTAMP
    from what the ledger knows of the last one, the event's facts, and whose calendar it goes in. Made
    before the files, not where each .ics is written: the interviewers' calendars are made of them
    (worked out in `workers` processes for a large round, in order)."""
    # an employee's .ics written under another name before (their name corrected, their language
    # changed): its SEQUENCE goes on, or a calendar would take the new one for an older version
    elsewhere = {e.employee_id: e for e in ledger.entries.values() if e.kind == "calendar"}
    return parallel_map(
        lambda i: _calendar_facts(round_, ledger, invitations[i], now, elsewhere),
        len(invitations),
        workers,
        chunk=500,
        at_least=FACTS_IN_WORKERS,
    )


def _calendar_facts(
    round_: Round, ledger: Ledger, invitation: Invitation, now: dt.datetime, elsewhere: dict[str, Entry]
) -> dict[str, object]:
    settings = round_.settings
    employee, meeting, interviewer, lang = _parts(invitation)
    relative = _calendar_path(invitation)
    interviewer_id = interviewer.id if interviewer else ""
    fingerprint = ics.meeting_fingerprint(
        meeting, interviewer_id, meeting.location or settings.default_location
    )
    previous = ledger.entries.get(relative) or elsewhere.get(employee.id)
    sequence, stamp = _sequence(previous, fingerprint, now, ledger.root / relative)
    return {
        "fingerprint": fingerprint,
        "sequence": sequence,
        "stamp": stamp,
        "event": ics.event_facts(  # to cancel the meeting, and for the interviewer's calendar
            settings,
            employee,
            meeting,
            interviewer,
            sequence=sequence,
            stamp=stamp,
            summary=ics.default_summary(interviewer, lang),
        ),  # fmt: skip
        "interviewer_id": interviewer_id,
        "interviewer_summary": interviewer_summary(employee.name, document_language(interviewer, settings)),
    }


def _parts(invitation: Invitation) -> tuple[Employee, Meeting, Employee | None, str]:
    return invitation.employee, invitation.meeting, invitation.interviewer, invitation.lang


def _calendar_path(invitation: Invitation) -> str:
    """Where an invitation's .ics goes, in the round's folder."""
    return (
        f"{layout.employee_dir(invitation.employee)}/{KINDS['calendar'].file_name(invitation.lang, '.ics')}"
    )


def _letter_and_calendar(
    round_: Round, templates: TemplateSet, invitation: Invitation, settings_key: str, facts: dict[str, object]
) -> tuple[Job, Job]:
    """An invitation's letter and .ics (`facts`: what `calendar_facts` found for it)."""
    employee, meeting, interviewer, lang = _parts(invitation)
    template = templates.get("invitation", lang)
    # The hash is taken from the records the context is made of (cheap), not from the context itself,
    # so an unchanged round is recognised without building 10,000 contexts.
    inputs = (settings_key, record_key(employee), record_key(meeting), record_key(interviewer), lang)
    letter = Job.from_template(
        f"{layout.employee_dir(employee)}/{KINDS['invitation'].file_name(lang, '.docx')}",
        "invitation",
        employee.id,
        template,
        inputs,
        functools.partial(invitation_context, round_, employee, meeting, interviewer, lang),
        document_properties(round_, "invitation", employee.id, template.digest),
        KINDS["invitation"].title(lang, employee.name),
    )
    sequence, stamp = facts["sequence"], facts["stamp"]
    calendar = Job(
        relative=_calendar_path(invitation),
        kind="calendar",
        employee_id=employee.id,
        input_hash=input_digest(
            code_digest(),
            "ics",
            settings_key,
            _ics_person(employee),
            _ics_person(interviewer),
            _ics_meeting(meeting),
            sequence,
            stamp,
            lang,
        ),
        build=_build_ics,
        args=(round_.settings, employee, meeting, interviewer, sequence, stamp, lang),
        extra=facts,
    )
    return letter, calendar


def _ics_person(person: Employee | None) -> tuple[str, ...] | None:
    """What of a person the .ics uses."""
    return None if person is None else (person.id, person.first_name, person.last_name, person.email)


def _ics_meeting(meeting: Meeting) -> tuple[object, ...]:
    """What of a meeting the .ics uses."""
    return (meeting.date, meeting.start, meeting.duration_minutes, meeting.location, meeting.note)


def _build_ics(settings, employee, meeting, interviewer, sequence, stamp, lang) -> bytes:  # noqa: ANN001
    return ics.build_invitation_ics(
        settings,
        employee,
        meeting,
        interviewer,
        sequence=sequence,
        stamp=dt.datetime.fromisoformat(stamp),
        lang=lang,
    )


def _sequence(
    previous: Entry | None, fingerprint: str, now: dt.datetime, existing: Path | None = None
) -> tuple[int, str]:
    """SEQUENCE and DTSTAMP: kept while the meeting is unchanged, raised (and re-stamped) when it changes.

    Without a record (a run killed before it saved one), they are taken from the .ics on disk, so that
    a file the killed run wrote is recognised as identical instead of being reported as edited.
    """
    if previous is None or "sequence" not in previous.extra:
        return _stamp_on_disk(existing) or (0, now.isoformat(timespec="seconds"))
    sequence = int(previous.extra["sequence"])  # type: ignore[arg-type]
    stamp = str(previous.extra.get("stamp") or now.isoformat(timespec="seconds"))
    if previous.extra.get("fingerprint") != fingerprint:
        return sequence + 1, now.isoformat(timespec="seconds")
    return sequence, stamp


_ICS_STAMP = re.compile(rb"^DTSTAMP:(\d{8}T\d{6})Z\r?$", re.M)
_ICS_SEQUENCE = re.compile(rb"^SEQUENCE:(\d+)\r?$", re.M)


def _stamp_on_disk(path: Path | None) -> tuple[int, str] | None:
    """SEQUENCE and DTSTAMP of an .ics already at `path`, if there is one we can read."""
    try:
        data = path.read_bytes() if path is not None else b""
    except OSError:
        return None
    stamp, sequence = _ICS_STAMP.search(data), _ICS_SEQUENCE.search(data)
    if stamp is None or sequence is None:
        return None
    when = dt.datetime.strptime(stamp.group(1).decode(), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
    return int(sequence.group(1)), when.isoformat(timespec="seconds")


def overview_jobs(round_: Round, templates: TemplateSet, invitations: list[Invitation]) -> list[Job]:
    """One schedule overview per interviewer, of their own meetings only."""
    by_interviewer: dict[str, list[Invitation]] = defaultdict(list)
    people: dict[str, Employee] = {}
    for invitation in invitations:
        if invitation.interviewer is not None:
            by_interviewer[invitation.interviewer.id].append(invitation)
            people[invitation.interviewer.id] = invitation.interviewer
    jobs = []
    settings_key = input_digest(asdict(round_.settings))
    for interviewer_id, own in sorted(by_interviewer.items()):
        interviewer = people[interviewer_id]
        lang = document_language(interviewer, round_.settings)
        template = templates.get("overview", lang)
        pairs = [(i.employee, i.meeting) for i in own]
        inputs = (
            settings_key,
            record_key(interviewer),
            [(record_key(e), record_key(m)) for e, m in pairs],
            lang,
        )
        properties = document_properties(round_, "overview", interviewer.id, template.digest)
        title = KINDS["overview"].title(lang, interviewer.name)
        jobs.append(
            Job.from_template(
                f"{layout.manager_dir(interviewer)}/{KINDS['overview'].file_name(lang, '.docx')}",
                "overview",
                interviewer.id,
                template,
                inputs,
                functools.partial(overview_context, round_, interviewer, pairs, lang),
                properties,
                title,
            )
        )
    return jobs


def render_invitations(
    round_: Round,
    output: Path,
    templates: TemplateSet,
    **options: Unpack[StepOptions],
) -> BatchResult:
    """Step 1 for a validated round: letters, .ics and overviews into the round's output folder."""

    only, workers = options.get("only"), options.get("workers", 1)

    def make_jobs(ledger: Ledger) -> JobGroups:
        invitations = plan_invitations(round_, only)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        stamp = now.isoformat(timespec="seconds")
        calendars = calendar_facts(round_, ledger, invitations, now, workers)
        jobs = invitation_jobs(round_, templates, invitations, calendars)
        if only is None:
            cancelled = cancellation_jobs(round_, ledger, {i.employee.id for i in invitations}, stamp)
            jobs.extend(cancelled)
            jobs.extend(overview_jobs(round_, templates, invitations))
            every_calendar = calendars + [job.extra for job in cancelled]
            jobs.extend(interviewer_calendar_jobs(round_, ledger, every_calendar, stamp))
            return jobs
        # An interviewer's overview and calendar cover all their meetings: rebuilt from the whole round.
        affected = {i.interviewer.id for i in invitations if i.interviewer}
        everyone = plan_invitations(round_)
        jobs.extend([j for j in overview_jobs(round_, templates, everyone) if j.employee_id in affected])
        whole = calendar_facts(round_, ledger, everyone, now, workers)
        jobs.extend(interviewer_calendar_jobs(round_, ledger, whole, stamp, affected))
        return jobs

    return run_document_step(Step.INVITE, round_, output, templates, make_jobs, options)
