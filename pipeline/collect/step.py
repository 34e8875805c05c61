"""Step 4: returned meeting-notes forms -> minutes, personnel files and the round's register.

`collect_forms` reads every `.docx` under a folder (any names, any sub-folders). Each file is checked
as untrusted (`intake.py`), identified by its custom document properties (never its name), matched to
the round and the employee, and read field by field (`reading.read_answers`). A form that stands on
disk as a collect saw it, with the bytes the register holds for its employee, is not opened again: it
is identified from what was remembered of it (`seen.py`). For each complete form the
minutes are written and filed; new goals and actions get IDs and enter the register
(`register.py`), with the review of earlier goals and, when minutes come back with the
approval filled in, the approval.

Outcomes per file: accepted, incomplete (required fields missing: no minutes), rejected (not read),
unchanged (already collected), duplicate (same content as another file in this batch), conflict (two
different forms for one employee: neither applied), skipped (not a Word file), replaced (a newer
version of an earlier reading)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import clock
from pipeline.collect.approvals import apply_approval
from pipeline.collect.archive import archive_personnel_copies
from pipeline.collect.notes import KnownReading, Reading, read_notes
from pipeline.collect.places import minutes_paths, move_minutes
from pipeline.collect.report import remember_collected, write_collect_report
from pipeline.collect.results import (
    ACCEPTED,
    CONFLICT,
    DUPLICATE,
    INCOMPLETE,
    REJECTED,
    REPLACED,
    SKIPPED,
    UNCHANGED,
    CollectResult,
    FileResult,
)
from pipeline.collect.seen import SeenForm, SeenForms, stamp_of
from pipeline.documents.contexts import (
    document_language,
)
from pipeline.documents.kinds import KINDS, Step, written_by
from pipeline.errors import AppraisalError
from pipeline.forms.intake import (
    OTHER_DOCUMENTS,
    Refused,
    WordFile,
    open_word_file,
    returned_files,
    skip_reason,
)
from pipeline.model import ERROR, INFO, WARNING, Employee, Goal, Meeting, Round
from pipeline.register import Conversation, Register, now_stamp
from pipeline.render.templates import TemplateSet
from pipeline.store.batch import document_properties, parallel_map
from pipeline.store.folder import RoundOutput
from pipeline.store.ledger import (
    Ledger,
    Outcome,
)

if TYPE_CHECKING:
    from pipeline.collect.minutes import MinutesJob


def _read_file(
    path: Path,
    round_: Round,
    by_id: dict[str, Employee],
    interviewer_of: dict[str, str],
    meetings: dict[str, Meeting],
    today: dt.date,
    collected: dict[str, tuple[str, str]] | None = None,
) -> tuple[FileResult, Reading | WordFile | None]:
    """Check, identify and read one returned file: the outcome so far, and the reading of a
    meeting-notes form or the returned minutes. A form whose bytes are those collected before for its
    employee (`collected`: employee ID -> the file's SHA-256 and the content read from it) is checked
    and identified, not read again (`KnownReading`)."""
    reason = skip_reason(path)
    if reason:
        skipped = FileResult(path, SKIPPED)
        if path.suffix.lower() in OTHER_DOCUMENTS:  # likely a form, saved or sent in another format
            skipped.note("form-in-other-format", reason, WARNING)
        else:
            skipped.note("not-a-word-file", reason, INFO)
        return skipped, None
    outcome = FileResult(path, REJECTED)
    outcome.stamp = stamp_of(path)  # before it is read: a change after this is a change next time
    try:
        word = open_word_file(path)
        kind = _identify(word, round_, by_id, interviewer_of)
        outcome.employee_id, outcome.kind = word.properties["AppraisalEmployeeID"], kind
        if kind == "minutes":
            return outcome, word
        known = (collected or {}).get(outcome.employee_id)
        if known is not None and known[0] == (sha256 := hashlib.sha256(word.raw).hexdigest()):
            return outcome, KnownReading.of(word, sha256, known[1])
        lang = document_language(by_id[outcome.employee_id], round_.settings)
        notes = read_notes(word, round_, lang, meetings.get(outcome.employee_id), today)
        notes.content  # noqa: B018 - hashed here, in the worker: it travels back with the reading
        outcome.titles = notes.titles
        return outcome, notes
    except Refused as exc:
        outcome.note(exc.code, str(exc), ERROR)
        return outcome, None


def _seen_before(
    path: Path,
    round_: Round,
    by_id: dict[str, Employee],
    interviewer_of: dict[str, str],
    collected: dict[str, tuple[str, str]],
    seen: SeenForms,
) -> tuple[FileResult, KnownReading | None] | None:
    """A form as collected before, found without opening it (`collect.seen`): when it stands as a
    collect saw it and those bytes are the ones the register holds for its employee. It is identified
    against the workbook as it is now, as a form read is. None for any other file: it is opened and
    read (`_read_file`). Done in this process: a look at the file, no worker needed."""
    form = seen.get(path)
    if form is None:
        return None
    stamp = stamp_of(path)  # a file of its own (no link), under the name it was read by before
    known = collected.get(form.employee_id)
    if stamp is None or form.stamp != stamp or known is None or known[0] != form.sha256:
        return None
    properties = {
        "AppraisalKind": "meeting_notes",
        "AppraisalRound": seen.scope,  # the round whose record it is in
        "AppraisalEmployeeID": form.employee_id,
        "AppraisalInterviewerID": form.interviewer_id,
    }
    word = WordFile(path, b"", properties, b"")
    outcome = FileResult(path, REJECTED, stamp=stamp)
    try:
        outcome.kind = _identify(word, round_, by_id, interviewer_of)
    except Refused as exc:
        outcome.note(exc.code, str(exc), ERROR)
        return outcome, None
    outcome.employee_id = form.employee_id
    return outcome, KnownReading.of(word, form.sha256, known[1])


def collect_forms(
    round_: Round,
    folder: Path,
    output: Path,
    templates: TemplateSet,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    today: dt.date | None = None,
    pdf: bool = False,
) -> CollectResult:
    """Step 4: read every .docx under `folder`, write minutes for complete forms, update the register.
    `today` is the day the minutes are made (default: today), from which deadlines may count. `pdf`:
    also write each personnel copy as PDF/A-2 (`collect.archive`)."""
    today = today or clock.today()
    result = CollectResult()
    round_output = RoundOutput.for_round(round_, output)
    root = round_output.root
    files = returned_files(folder, output)
    by_id = {e.id: e for e in round_.employees if e.id}
    interviewer_of = _interviewers(round_)
    meetings = _meetings(round_)
    goals_by_id = {g.id: g for g in round_.goals}
    # the round's folder, and the output folder whose personnel files and ledger every round's collect shares
    with round_output.hold(personnel=True):
        register = Register(root)
        # the round's minutes (its part of the round's ledger); the personnel folder beside the rounds
        ledgers = (round_output.ledger(written_by(Step.COLLECT)), round_output.personnel_ledger())
        result.moved = move_minutes(round_, ledgers[0], register)  # a name corrected since they were filed
        collected = register.conversations.forms()
        seen = SeenForms(root, folder)
        read = [_seen_before(path, round_, by_id, interviewer_of, collected, seen) for path in files]
        unseen = [i for i, done in enumerate(read) if done is None]  # opened and read by the workers
        if progress and len(unseen) < len(files):
            progress(len(files) - len(unseen))
        opened = parallel_map(
            lambda j: _read_file(files[unseen[j]], round_, by_id, interviewer_of, meetings, today, collected),
            len(unseen),
            workers,
            chunk=32,
            progress=progress,
        )
        readings, approvals, seen_now = _sort_read(read, dict(zip(unseen, opened, strict=True)), result)
        pending = []
        for employee_id, found in readings.items():
            item = _apply_readings(
                round_,
                templates,
                register,
                by_id[employee_id],
                by_id.get(interviewer_of.get(employee_id, "")),
                found,
                goals_by_id,
                meetings.get(employee_id),
                today,
                collected,
            )
            if item is not None:
                pending.append(item)
        written_all: list = []
        if pending:
            from pipeline.collect.minutes import write_minutes  # the engine, loaded once minutes are due

            written_all = parallel_map(
                lambda i: write_minutes(pending[i], ledgers), len(pending), workers, chunk=16, at_least=100
            )
        for item, written in zip(pending, written_all, strict=True):
            _record_minutes(item, written, ledgers, register, result)
        for outcome, word in approvals:
            try:
                apply_approval(round_, register, outcome, word)
            except Refused as exc:  # one damaged file never stops the batch
                outcome.status = REJECTED
                outcome.note(exc.code, str(exc), ERROR)
        record = remember_collected(root, folder, result, interviewer_of, today)
        _save(register, ledgers)
        seen.save(seen_now)  # after the register: a form is taken as seen only against what it holds
        write_collect_report(round_, root, result, record)
        if pdf:
            _archive(output, round_.settings.round_id, result)
    return result


def _sort_read(
    read: list[tuple[FileResult, Reading | WordFile | None] | None],
    opened: dict[int, tuple[FileResult, Reading | WordFile | None]],
    result: CollectResult,
) -> tuple[
    dict[str, list[tuple[FileResult, Reading]]], list[tuple[FileResult, WordFile]], dict[Path, SeenForm]
]:
    """Each file's outcome into `result`, in order (`read`, or what the workers made of it: `opened`,
    by its place); the forms read, by employee; the minutes returned (approvals); the forms as they
    stood when read, to remember (`collect.seen`)."""
    readings: dict[str, list[tuple[FileResult, Reading]]] = defaultdict(list)
    approvals: list[tuple[FileResult, WordFile]] = []
    seen: dict[Path, SeenForm] = {}
    for i, found in enumerate(read):
        outcome, payload = found if found is not None else opened[i]
        result.files.append(outcome)
        if isinstance(payload, Reading):
            readings[outcome.employee_id].append((outcome, payload))
            if outcome.stamp is not None:
                seen[outcome.path] = SeenForm(
                    outcome.stamp, payload.sha256, payload.employee_id, payload.interviewer_id
                )
        elif isinstance(payload, WordFile):
            approvals.append((outcome, payload))
    return readings, approvals, seen


def _save(register: Register, ledgers: tuple[Ledger, Ledger]) -> None:
    """The ledgers, then the register that says the forms are collected. What was read is recorded
    before (`remember_collected`): a collect killed in between reads the same forms again next time,
    finds its files as written, and records what they held; nothing is "already collected" early."""
    for ledger in ledgers:
        ledger.save()
    register.save()


def _archive(output: Path, round_id: str, result: CollectResult) -> None:
    """The personnel copies as PDF/A-2. The forms are collected and recorded by now: a missing
    LibreOffice only costs the PDFs, and says so."""
    try:
        result.archived, result.archive_failed = archive_personnel_copies(output, round_id)
    except AppraisalError as exc:
        result.archive_note = str(exc)


def _meetings(round_: Round) -> dict[str, Meeting]:
    """Employee ID -> their (first) meeting."""
    result: dict[str, Meeting] = {}
    for meeting in round_.meetings:
        result.setdefault(meeting.employee_id, meeting)
    return result


def _interviewers(round_: Round) -> dict[str, str]:
    """Employee ID -> the interviewer of their (first) meeting."""
    result: dict[str, str] = {}
    for meeting in round_.meetings:
        if round_.employee(meeting.employee_id) is not None:
            result.setdefault(meeting.employee_id, round_.interviewer_id(meeting))
    return result


def _identify(
    word: WordFile, round_: Round, by_id: dict[str, Employee], interviewer_of: dict[str, str]
) -> str:
    props = word.properties
    kind = props.get("AppraisalKind")
    if not kind:
        from pipeline.collect.lost import lost_identity  # a form whose identity is gone, said so

        raise Refused(
            lost_identity(word, round_)
            or "not a form made by appraisal (it carries no form identity); use the meeting-notes "
            "form from the manager's folder",
            "not-a-form",
        )
    if kind not in ("meeting_notes", "minutes"):
        raise Refused(
            f"this is {KINDS[kind].described if kind in KINDS else f'a document of kind {kind}'}, not a meeting-notes form or "
            "minutes; nothing to collect",
            "not-a-form",
        )
    if props.get("AppraisalRound") != round_.settings.round_id:
        raise Refused(
            f"the form belongs to round {props.get('AppraisalRound') or '(none)'}, not "
            f"{round_.settings.round_id}",
            "other-round",
        )
    employee_id = props.get("AppraisalEmployeeID", "")
    employee = by_id.get(employee_id)
    if employee is None:
        raise Refused(
            f"the form is for employee {employee_id or '(none)'}, who is not in the workbook",
            "unknown-employee",
        )
    if not employee.active:
        raise Refused(
            f"the form is for {employee.name} ({employee_id}), who is not active in this round",
            "inactive-employee",
        )
    if kind == "meeting_notes":
        expected = interviewer_of.get(employee_id)
        if expected is None:
            raise Refused(f"{employee.name} ({employee_id}) has no meeting in this round", "no-meeting")
        if props.get("AppraisalInterviewerID", "") != expected:
            raise Refused(
                f"the form was made for interviewer {props.get('AppraisalInterviewerID') or '(none)'}, "
                f"but {employee.name}'s interviewer is {expected}",
                "other-interviewer",
            )
    return kind


def _describe(reading: Reading) -> str:
    goals = sum(1 for g in reading.goals if g.type == "goal")
    actions = sum(1 for g in reading.goals if g.type == "action")
    parts = [
        f"{len(reading.reviews)} reviewed",
        f"{goals} new goal{'' if goals == 1 else 's'}",
        f"{actions} new action{'' if actions == 1 else 's'}",
    ]
    return ", ".join(parts)


def _apply_readings(
    round_: Round,
    templates: TemplateSet,
    register: Register,
    employee: Employee,
    interviewer: Employee | None,
    found: list[tuple[FileResult, Reading]],
    goals: dict[str, Goal],
    meeting: Meeting | None,
    today: dt.date,
    collected: dict[str, tuple[str, str]],
) -> MinutesJob | None:
    """Decide what a batch's forms for one employee amount to; the minutes to write, if any.
    `collected`: the register's forms as the batch began (`Conversations.forms`)."""
    distinct = {reading.content for _, reading in found}
    if len(distinct) > 1:
        names = ", ".join(str(outcome.path) for outcome, _ in found)
        for outcome, _ in found:
            outcome.status = CONFLICT
            outcome.note(
                "two-forms-for-one-employee",
                f"two different forms for {employee.name} ({employee.id}) in this batch: "
                f"{names}; neither was applied — keep one and collect again",
                ERROR,
            )
        return None
    first_outcome, reading = found[0]
    for outcome, _ in found[1:]:
        outcome.status = DUPLICATE
        outcome.note("same-form-twice", f"same content as {first_outcome.path}", INFO)
    # the same answers, or the very same file: a file collected before is never applied again, so a
    # newer version of the tool that reads it differently does not replace minutes already approved
    # (told from the register's hashes first: its record is made only when the form is applied)
    known = collected.get(employee.id)
    same = known is not None and (known[1] == reading.content or known[0] == reading.sha256)
    previous = None if same else register.conversations.get(employee.id)
    if same or (previous and (previous.content == reading.content or previous.sha256 == reading.sha256)):
        first_outcome.status = UNCHANGED
        first_outcome.read = "already collected"
        return None
    from pipeline.collect.minutes import MinutesJob, minutes_context  # the engine: when minutes are made

    first_outcome.problems.extend(reading.problems)
    if reading.missing_required:
        first_outcome.status = INCOMPLETE
        for missing in reversed(reading.missing_required):  # each its own problem, first in the list
            first_outcome.note(
                "required-answer", f"required: {missing.message}", WARNING, missing.field, first=True
            )
        return None
    lang = document_language(employee, round_.settings)
    template = templates.get("minutes", lang)
    properties = document_properties(round_, "minutes", employee.id, template.digest)
    properties["AppraisalSourceForm"] = reading.content
    in_round, in_folder, personnel = minutes_paths(round_, employee, lang)
    return MinutesJob(
        employee=employee,
        interviewer=interviewer,
        outcome=first_outcome,
        reading=reading,
        previous=previous,
        template=template,
        context=functools.partial(
            minutes_context, round_, employee, interviewer, reading, goals, lang, meeting, today
        ),
        properties=properties,
        title=KINDS["minutes"].title(lang, employee.name),
        targets=[(0, in_round), (0, in_folder), (1, personnel)],
        made_on=today,
    )


def _record_minutes(
    item: MinutesJob,
    written: list[Outcome] | str,
    ledgers: tuple[Ledger, Ledger],
    register: Register,
    result: CollectResult,
) -> None:
    """Take the minutes' outcomes into the ledgers and the reading into the register."""
    outcome, reading, previous, employee = item.outcome, item.reading, item.previous, item.employee
    if isinstance(written, str):
        outcome.status = REJECTED
        outcome.note("minutes-not-written", written, ERROR, first=True)
        return
    paths = []
    for (which, relative), published in zip(item.targets, written, strict=True):
        ledgers[which].record([published])
        paths.append(published.beside or relative)
        if published.beside:
            outcome.note(
                "minutes-edited", f"{relative} was edited since; the new minutes are {published.beside}"
            )
    result.minutes_written.extend(paths)
    result.conversations_written += 1
    register.conversations[employee.id] = Conversation(
        employee_id=employee.id,
        interviewer_id=item.interviewer.id if item.interviewer else "",
        sha256=reading.sha256,
        content=reading.content,
        source=reading.source,
        collected_at=now_stamp(),
        minutes_made_on=item.made_on.isoformat(),
        held_on=reading.held_on,
        follow_up_date=reading.follow_up_date,
        answers=reading.answers,
        reviews=reading.reviews,
        goals=reading.goals,
        wellbeing=reading.wellbeing,
        problems=[p.message for p in reading.problems],
        minutes=paths,
        # New minutes need a new approval: one given to the earlier minutes stays in the history.
        approval=None,
        history=[*previous.history, previous.earlier()] if previous else [],
    )
    register.event(employee.id, "collected")
    outcome.status = REPLACED if previous else ACCEPTED
    outcome.read = f"{employee.name}: {_describe(reading)}"
    if previous:
        outcome.note("form-replaced", f"replaces the reading of {previous.source}", INFO, first=True)
