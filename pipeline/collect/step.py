"""Step 4: returned meeting-notes forms -> minutes, personnel files and the round's register.

`collect_forms` reads every `.docx` under a folder (any names, any sub-folders). Each file is checked
as untrusted (`intake.py`), identified by its custom document properties (never its name), matched to
the round and the employee, and read field by field (`reading.read_answers`). For each complete form the
minutes are written and filed; new goals and actions get IDs and enter the register
(`output/<round>/register.json`), with the review of earlier goals and, when minutes come back with the
approval filled in, the approval.

Outcomes per file: accepted, incomplete (required fields missing: no minutes), rejected (not read),
unchanged (already collected), duplicate (same content as another file in this batch), conflict (two
different forms for one employee: neither applied), skipped (not a Word file), replaced (a newer
version of an earlier reading).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import clock
from pipeline.documents.contexts import (
    STATUS_LABELS,
    TYPE_LABELS,
    document_language,
    person_context,
    round_context,
)
from pipeline.documents.deadlines import approval_due
from pipeline.errors import AppraisalError, OutputError
from pipeline.forms import answers, fields, reading
from pipeline.forms.intake import Refused, WordFile, open_word_file, skip_reason
from pipeline.model import Employee, Goal, Meeting, Round, Settings
from pipeline.render import locale
from pipeline.render.engine import CompiledTemplate
from pipeline.render.templates import TemplateSet
from pipeline.store import layout
from pipeline.store.batch import code_digest, document_properties, parallel_map
from pipeline.store.ledger import (
    LEDGER_DIR,
    Ledger,
    Outcome,
    atomic_write_bytes,
    input_digest,
    output_lock,
    publish,
)

ACCEPTED, INCOMPLETE, REJECTED, UNCHANGED, DUPLICATE, CONFLICT, SKIPPED, REPLACED = (
    "accepted",
    "incomplete",
    "rejected",
    "unchanged",
    "duplicate",
    "conflict",
    "skipped",
    "replaced",
)
APPROVAL_RECORDED = "approval"
REQUIRED = ("summary", "held_on", "interviewer_name")
# the free-text answers the minutes show, in the order of the conversation
MINUTES_SECTIONS = (
    "employee_view",
    "strengths",
    "improvements",
    "development",
    "wellbeing",
    "cooperation",
    "career",
    "summary",
)
# reported when empty, but not required (SPEC §5: other empty fields are reported but do not block)
EXPECTED = ("employee_view", "strengths", "improvements", "development", "follow_up_date")
APPROVAL_FIELDS = (
    fields.Field(
        "approval.approved", "text", "Godkjent (ja/nei)", "Approved (yes/no)", "ja / nei", "yes / no"
    ),
    fields.Field("approval.date", "date", "Dato", "Date", *fields.DATE_HINT),
    fields.Field("approval.comment", "text", "Kommentar", "Comment", "Eventuelle merknader", "Any remarks"),
)
OTHER_KINDS = {
    "employee_preparation": "an employee's preparation form",
    "manager_preparation": "a manager's preparation form",
    "invitation": "an invitation letter",
    "overview": "a schedule overview",
}
APPROVAL_BOOKMARK_BASE = 900  # bookmark IDs of the approval fields in the minutes template


@dataclass
class FileResult:
    """What happened to one file."""

    path: Path
    status: str
    employee_id: str = ""
    messages: list[str] = field(default_factory=list)
    read: str = ""  # what was read, in a few words


@dataclass
class CollectResult:
    """Every file's result, and the minutes written."""

    files: list[FileResult] = field(default_factory=list)
    minutes_written: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many files ended with that status."""
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> bool:
        """True when a file was rejected or in conflict (exit code 1)."""
        return any(f.status in (REJECTED, CONFLICT) for f in self.files)


# -- reading one form --------------------------------------------------------------------------------

# Fields the meeting-notes form gained in version 2; a form of version 1 does not have them.
V2_KEYS = frozenset(f.key for f in (*fields.NOTES_CONVERSATION[4:], *fields.NOTES_SCORE))
HELD_ON_DRIFT_DAYS = 30  # a date held further than this from the planned date is worth a look


@dataclass
class Reading:
    """A meeting-notes form read into the values the minutes and the register need."""

    employee_id: str
    interviewer_id: str
    sha256: str  # of the file's bytes
    source: str
    answers: dict[str, str]  # every field's text as typed (normalised); an unconsented score left out
    found_by: dict[str, str]
    held_on: str | None
    follow_up_date: str | None
    follow_up_text: str  # what was typed for the next follow-up when it is not an exact date
    reviews: list[dict[str, object]]
    goals: list[dict[str, object]]
    wellbeing: dict[str, object] | None  # {"score": 1-5}, only with the employee's consent
    problems: list[str]
    missing_required: list[str]  # a sentence per required field that is empty or cannot be read

    @property
    def content(self) -> str:
        """A hash of what was read: the same answers saved again (by Word or LibreOffice) hash the same."""
        return input_digest(
            self.answers, self.held_on, self.follow_up_date, self.reviews, self.goals, self.wellbeing
        )


class _Problems(list):
    """A form's problems in the order found, each once."""

    def add(self, message: str) -> None:
        if message not in self:
            self.append(message)


def _not_a_date(typed: answers.TypedDate) -> str:
    """Why a typed date was not read, as the end of a sentence."""
    if typed.problem in ("", "not a date"):
        return "is not a date"
    return f"is not a date ({typed.problem})"


def _typed_date(
    key: str, text: str, anchor: dt.date | None, lang: str, problems: _Problems
) -> tuple[str, str, bool]:
    """A due or follow-up date: (ISO date or "", the text as typed when it is not exact, exact)."""
    if not text:
        return "", "", True
    typed = answers.read_date(text, anchor, "after")
    if typed.date is None:
        problems.add(f'{key}: "{text}" {_not_a_date(typed)}; kept as text')
        return "", text, False
    if not typed.exact:
        problems.add(f'{key}: "{text}" read as {locale.short_date(typed.date, lang)} (approximate)')
        return typed.date.isoformat(), text, False
    return typed.date.isoformat(), "", True


def read_notes(
    word: WordFile,
    round_: Round,
    lang: str,
    meeting: Meeting | None = None,
    today: dt.date | None = None,
) -> Reading:
    """Read a meeting-notes form's answers and turn them into typed values, noting every problem once.

    `meeting` is the planned meeting (the anchor for dates typed without a year); `today` the day of
    collecting (a date held after it is worth a warning)."""
    props = word.properties
    today = today or clock.today()
    settings = round_.settings
    goal_ids = _goal_ids(props)
    wanted = fields.form_fields("meeting_notes", goal_ids)
    if props.get("AppraisalFormVersion", "1") == "1":
        wanted = [f for f in wanted if f.key not in V2_KEYS]
    found = reading.read_answers(word.document_xml, wanted, lang, word.numbering_xml)
    answers_ = {key: answer.text for key, answer in found.items()}
    problems = _Problems()
    for key, answer in found.items():
        if answer.found_by == "missing":
            problems.add(f"{key}: not found in the form")
        elif answer.text and not answer.control:
            problems.add(f"{key}: read from where the field was (the field itself was deleted); check it")
        elif answer.beside:
            problems.add(f"{key}: read from beside the field")
    missing: list[str] = []
    planned = meeting.date if meeting is not None else None
    held_on = None
    held_text = answers_.get("held_on", "")
    if not held_text:
        missing.append("held_on is empty")
    else:
        typed = answers.read_date(held_text, planned, "nearest")
        if typed.date is None:
            missing.append(f'held_on: "{held_text}" {_not_a_date(typed)}')
        elif not typed.exact:
            missing.append(f'held_on: "{held_text}" is not a day (write the day it was held)')
        else:
            held_on = typed.date
            _check_held_on(held_on, planned, settings, today, lang, problems)
    anchor = held_on or planned
    follow_up, follow_up_text, _ = _typed_date(
        "follow_up_date", answers_.get("follow_up_date", ""), anchor, lang, problems
    )
    reviews: list[dict[str, object]] = []
    for goal_id in goal_ids:
        status_key = fields.review_key(goal_id, "status")
        status_text = answers_.get(status_key, "")
        comment = answers_.get(fields.review_key(goal_id, "comment"), "")
        typed_status = answers.read_status(status_text) if status_text else answers.TypedStatus(None)
        if status_text and typed_status.status is None:
            problems.add(f'{status_key}: "{status_text}" is not a status; kept as text')
        if status_text or comment:
            reviews.append(
                {
                    "goal_id": goal_id,
                    "status": typed_status.status or "",
                    "progress": typed_status.progress,
                    # what was typed, when it says more than the status (or is not one)
                    "status_text": status_text if typed_status.extra or not typed_status.status else "",
                    "comment": comment,
                }
            )
    employee_id = props.get("AppraisalEmployeeID", "")
    new_items: list[dict[str, object]] = []
    for prefix, owner_key in (("goal", "measure"), ("action", "owner")):
        for n in range(1, fields.NEW_ROWS + 1):
            text = answers_.get(f"{prefix}.{n}.text", "")
            other = answers_.get(f"{prefix}.{n}.{owner_key}", "")
            due_text = answers_.get(f"{prefix}.{n}.due", "")
            if not text:
                if other or due_text:
                    problems.add(
                        f"{prefix}.{n}.text: empty, but the row has other values; the row is left out"
                    )
                continue
            due, kept_text, exact = _typed_date(f"{prefix}.{n}.due", due_text, anchor, lang, problems)
            new_items.append(
                {
                    "id": f"{settings.round_id}-{employee_id}-{'G' if prefix == 'goal' else 'A'}{n}",
                    "type": prefix,
                    "description": text,
                    "measure": other if prefix == "goal" else "",
                    "responsible": other if prefix == "action" else "",
                    "due": due,
                    "due_text": kept_text,
                    "due_exact": exact,
                }
            )
    wellbeing = _read_wellbeing(answers_, found, problems)
    for key in (*(fields.review_key(g, "status") for g in goal_ids), *EXPECTED):
        if key in found and found[key].found_by != "missing" and not answers_.get(key):
            problems.add(f"{key} is empty")
    for key in REQUIRED:
        if key != "held_on" and not answers_.get(key):
            missing.append(f"{key} is empty")
    return Reading(
        employee_id=employee_id,
        interviewer_id=props.get("AppraisalInterviewerID", ""),
        sha256=hashlib.sha256(word.raw).hexdigest(),
        source=str(word.path),
        answers=answers_,
        found_by={key: answer.found_by for key, answer in found.items()},
        held_on=held_on.isoformat() if held_on else None,
        follow_up_date=follow_up or None,
        follow_up_text=follow_up_text,
        reviews=reviews,
        goals=new_items,
        wellbeing=wellbeing,
        problems=list(problems),
        missing_required=missing,
    )


def _check_held_on(
    held_on: dt.date,
    planned: dt.date | None,
    settings: Settings,
    today: dt.date,
    lang: str,
    problems: _Problems,
) -> None:
    """Warnings for a date held that is possible but worth a look; the form is accepted."""
    shown = locale.short_date(held_on, lang)
    if held_on > today:
        problems.add(f"held_on: {shown} is in the future; check the date")
    if (settings.period_start and held_on < settings.period_start) or (
        settings.period_end and held_on > settings.period_end
    ):
        problems.add(f"held_on: {shown} is outside the round's period; check the date")
    if planned is not None and abs((held_on - planned).days) > HELD_ON_DRIFT_DAYS:
        problems.add(
            f"held_on: {shown} is more than {HELD_ON_DRIFT_DAYS} days from the planned "
            f"{locale.short_date(planned, lang)}; check the date"
        )


def _read_wellbeing(
    answers_: dict[str, str], found: dict[str, reading.Answer], problems: _Problems
) -> dict[str, object] | None:
    """The consented well-being score; a score without a "yes" is neither kept nor counted."""
    if "wellbeing_score" not in found:
        return None
    score_text = answers_.get("wellbeing_score", "")
    consent_text = answers_.get("wellbeing_consent", "")
    if not score_text:
        return None
    score = answers.read_score(score_text)
    consent = answers.read_yes_no(consent_text)
    if score is None:
        problems.add(f'wellbeing_score: "{score_text}" is not a score from 1 to 5; left out')
    elif consent is not True:
        problems.add(
            'wellbeing_score: given without the employee\'s "yes" to its use; neither stored nor counted'
            if consent is None
            else 'wellbeing_score: the employee said "no" to its use; neither stored nor counted'
        )
    if score is None or consent is not True:
        answers_.pop("wellbeing_score", None)  # not stored anywhere
        return None
    return {"score": score}


def _goal_ids(props: dict[str, str]) -> list[str]:
    try:
        ids = json.loads(props.get("AppraisalGoals", "[]"))
    except ValueError:
        return []
    return [str(i) for i in ids] if isinstance(ids, list) else []


# -- the register ------------------------------------------------------------------------------------


class Register:
    """The round's register of collected conversations: `output/<round>/register.json`."""

    def __init__(self, root: Path):
        self.file = root / "register.json"
        self.data: dict = {"version": 1, "conversations": {}}
        if self.file.exists():
            try:
                self.data = json.loads(self.file.read_text("utf-8"))
            except ValueError as exc:
                raise OutputError(
                    f"{self.file}: the register is damaged ({exc}); restore it from "
                    f"{root / LEDGER_DIR} or a backup."
                ) from exc

    @property
    def conversations(self) -> dict[str, dict]:
        """Employee ID -> what was collected for them."""
        return self.data.setdefault("conversations", {})

    def save(self) -> None:
        """Write the register atomically."""
        atomic_write_bytes(self.file, json.dumps(self.data, ensure_ascii=False, indent=1).encode("utf-8"))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def local_day(stamp: object) -> dt.date | None:
    """The day of a register time stamp (UTC), or None."""
    try:
        return dt.datetime.fromisoformat(str(stamp)).date() if stamp else None
    except ValueError:
        return None


# -- minutes -----------------------------------------------------------------------------------------


def _return_to(round_: Round, interviewer: Employee | None) -> str:
    """To whom the employee returns the approved minutes: HR's contact, else the interviewer."""
    settings = round_.settings
    for name, email in (
        (settings.hr_contact_name, settings.hr_contact_email),
        (interviewer.name if interviewer else "", interviewer.email if interviewer else ""),
    ):
        if name and email:
            return f"{name} ({email})"
        if name or email:
            return name or email
    return "HR"


def _status_text(review: dict[str, object], statuses: dict[str, str]) -> str:
    """A reviewed goal's new status for the minutes: the status (with its progress), or what was typed
    when that says more or is not a status."""
    if review.get("status_text"):
        return str(review["status_text"])
    status = statuses.get(str(review.get("status", "")), "")
    progress = review.get("progress")
    if status and review.get("status") == "in_progress" and isinstance(progress, int):
        return f"{status} ({progress} %)"
    return status


def minutes_context(
    round_: Round,
    employee: Employee,
    interviewer: Employee | None,
    reading: Reading,
    goals: dict[str, Goal],
    lang: str,
    meeting: Meeting | None = None,
    made_on: dt.date | None = None,
) -> dict[str, object]:
    """Everything the minutes template may use. `made_on` is the day the minutes are made (today)."""
    base = "en" if lang == "en" else "nb"
    statuses = STATUS_LABELS[base]
    types = TYPE_LABELS[base]
    answers_ = reading.answers

    def date_text(iso: str | None) -> str:
        return locale.medium_date(dt.date.fromisoformat(iso), lang) if iso else ""

    reviews = []
    for review in reading.reviews:
        goal = goals.get(str(review["goal_id"]))
        reviews.append(
            {
                "id": review["goal_id"],
                "description": goal.description if goal else review["goal_id"],
                "type": types.get(goal.type, "") if goal else "",
                "old_status": statuses.get(goal.status, "") if goal else "",
                "status": _status_text(review, statuses),
                "comment": review["comment"],
            }
        )
    items = []
    for item in reading.goals:
        # an exact date as the language writes it; otherwise exactly what was typed
        if item["due"] and item.get("due_exact", True):
            due = locale.short_date(dt.date.fromisoformat(str(item["due"])), lang)
        else:
            due = str(item["due_text"])
        items.append({**item, "due": due, "type": types[str(item["type"])]})
    held_on = dt.date.fromisoformat(reading.held_on) if reading.held_on else None
    meeting_day = held_on or (meeting.date if meeting is not None else None)
    deadline = approval_due(meeting_day, made_on or clock.today(), round_.settings)
    score = reading.wellbeing.get("score") if reading.wellbeing else None
    return {
        "language": lang,
        "round": round_context(round_.settings, lang),
        "employee": person_context(employee),
        "interviewer": person_context(interviewer),
        "interviewer_name": answers_.get("interviewer_name", ""),
        "held_on": date_text(reading.held_on),
        **{key: answers_.get(key, "") for key in MINUTES_SECTIONS},
        "wellbeing_score": "" if score is None else str(score),
        "follow_up_date": reading.follow_up_text or date_text(reading.follow_up_date),
        "reviews": reviews,
        "new_goals": [i for i in items if i["id"].rsplit("-", 1)[-1].startswith("G")],
        "new_actions": [i for i in items if i["id"].rsplit("-", 1)[-1].startswith("A")],
        "approval_due": locale.medium_date(deadline, lang),
        "approval_return_to": _return_to(round_, interviewer),
        "approval_fields": [
            {
                "key": f.key,
                "label": f.label(lang),
                "placeholder": f.placeholder(lang),
                "bookmark": fields.bookmark_name(f.key),
                "bookmark_id": str(APPROVAL_BOOKMARK_BASE + i),
            }
            for i, f in enumerate(APPROVAL_FIELDS)
        ],
    }


def minutes_paths(round_: Round, employee: Employee, lang: str) -> tuple[str, str, str]:
    """Where the minutes go: the round's minutes folder, the employee's folder, the personnel folder
    (the last relative to the output folder, the first two to the round's folder)."""
    name = "referat" if lang != "en" else "minutes"
    return (
        f"minutes/{layout.person_folder(employee)}.docx",
        f"{layout.employee_dir(employee)}/{name}.docx",
        f"personnel/{layout.safe_name(employee.id)}/{layout.safe_name(round_.settings.round_id)}-minutes.docx",
    )


# -- the stage ---------------------------------------------------------------------------------------


def _read_file(
    path: Path,
    round_: Round,
    by_id: dict[str, Employee],
    interviewer_of: dict[str, str],
    meetings: dict[str, Meeting],
    today: dt.date,
) -> tuple[FileResult, Reading | WordFile | None]:
    """Check, identify and read one returned file: the outcome so far, and the reading of a
    meeting-notes form or the returned minutes."""
    reason = skip_reason(path)
    if reason:
        return FileResult(path, SKIPPED, messages=[reason]), None
    outcome = FileResult(path, REJECTED)
    try:
        word = open_word_file(path)
        kind = _identify(word, round_, by_id, interviewer_of)
        outcome.employee_id = word.properties["AppraisalEmployeeID"]
        if kind == "minutes":
            return outcome, word
        lang = document_language(by_id[outcome.employee_id], round_.settings)
        return outcome, read_notes(word, round_, lang, meetings.get(outcome.employee_id), today)
    except Refused as exc:
        outcome.messages.append(str(exc))
        return outcome, None


def collect_forms(
    round_: Round,
    folder: Path,
    output: Path,
    templates: TemplateSet,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    today: dt.date | None = None,
) -> CollectResult:
    """Step 4: read every .docx under `folder`, write minutes for complete forms, update the register.
    `today` is the day the minutes are made (default: today), from which deadlines may count."""
    today = today or clock.today()
    result = CollectResult()
    root = layout.round_folder(output, round_.settings.round_id)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _inside_output(p, output))
    by_id = {e.id: e for e in round_.employees if e.id}
    interviewer_of = _interviewers(round_)
    meetings = _meetings(round_)
    goals_by_id = {g.id: g for g in round_.goals}
    # the round's folder, and the output folder whose personnel files and ledger every round's collect shares
    with output_lock(root), output_lock(output):
        register = Register(root)
        ledgers = (Ledger(root), Ledger(output))  # the round's files; the personnel folder beside the rounds
        readings: dict[str, list[tuple[FileResult, Reading]]] = defaultdict(list)
        approvals: list[tuple[FileResult, WordFile]] = []
        read = parallel_map(
            lambda i: _read_file(files[i], round_, by_id, interviewer_of, meetings, today),
            len(files),
            workers,
            chunk=32,
            progress=progress,
        )
        for outcome, payload in read:
            result.files.append(outcome)
            if isinstance(payload, Reading):
                readings[outcome.employee_id].append((outcome, payload))
            elif isinstance(payload, WordFile):
                approvals.append((outcome, payload))
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
            )
            if item is not None:
                pending.append(item)
        written_all = parallel_map(
            lambda i: _write_minutes(pending[i], ledgers), len(pending), workers, chunk=16, at_least=100
        )
        for item, written in zip(pending, written_all, strict=True):
            _record_minutes(item, written, ledgers, register, result)
        for outcome, word in approvals:
            _apply_approval(round_, register, outcome, word)
        register.save()
        for ledger in ledgers:
            ledger.save()
    return result


def _inside_output(path: Path, output: Path) -> bool:
    try:
        path.resolve().relative_to(output.resolve())
    except ValueError:
        return False
    return True


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
        raise Refused(
            "not a form made by appraisal (it carries no form identity); use the meeting-notes "
            "form from the manager's folder"
        )
    if kind not in ("meeting_notes", "minutes"):
        raise Refused(
            f"this is {OTHER_KINDS.get(kind, f'a document of kind {kind}')}, not a meeting-notes form or "
            "minutes; nothing to collect"
        )
    if props.get("AppraisalRound") != round_.settings.round_id:
        raise Refused(
            f"the form belongs to round {props.get('AppraisalRound') or '(none)'}, not "
            f"{round_.settings.round_id}"
        )
    employee_id = props.get("AppraisalEmployeeID", "")
    employee = by_id.get(employee_id)
    if employee is None:
        raise Refused(f"the form is for employee {employee_id or '(none)'}, who is not in the workbook")
    if not employee.active:
        raise Refused(f"the form is for {employee.name} ({employee_id}), who is not active in this round")
    if kind == "meeting_notes":
        expected = interviewer_of.get(employee_id)
        if expected is None:
            raise Refused(f"{employee.name} ({employee_id}) has no meeting in this round")
        if props.get("AppraisalInterviewerID", "") != expected:
            raise Refused(
                f"the form was made for interviewer {props.get('AppraisalInterviewerID') or '(none)'}, "
                f"but {employee.name}'s interviewer is {expected}"
            )
    return kind


def _describe(reading: Reading) -> str:
    parts = [
        f"{len(reading.reviews)} reviewed",
        f"{sum(1 for g in reading.goals if g['type'] == 'goal')} new goals",
        f"{sum(1 for g in reading.goals if g['type'] == 'action')} new actions",
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
) -> _Minutes | None:
    """Decide what a batch's forms for one employee amount to; the minutes to write, if any."""
    distinct = {reading.content for _, reading in found}
    if len(distinct) > 1:
        names = ", ".join(str(outcome.path) for outcome, _ in found)
        for outcome, _ in found:
            outcome.status = CONFLICT
            outcome.messages.append(
                f"two different forms for {employee.name} ({employee.id}) in this batch: "
                f"{names}; neither was applied — keep one and collect again"
            )
        return None
    first_outcome, reading = found[0]
    for outcome, _ in found[1:]:
        outcome.status = DUPLICATE
        outcome.messages.append(f"same content as {first_outcome.path}")
    previous = register.conversations.get(employee.id)
    # the same answers, or the very same file: a file collected before is never applied again, so a
    # newer version of the tool that reads it differently does not replace minutes already approved
    if previous and (previous.get("content") == reading.content or previous.get("sha256") == reading.sha256):
        first_outcome.status = UNCHANGED
        first_outcome.read = "already collected"
        return None
    first_outcome.messages.extend(reading.problems)
    if reading.missing_required:
        first_outcome.status = INCOMPLETE
        first_outcome.messages.insert(0, "required: " + ", ".join(reading.missing_required))
        return None
    lang = document_language(employee, round_.settings)
    context = minutes_context(round_, employee, interviewer, reading, goals, lang, meeting, today)
    template = templates.get("minutes", lang)
    properties = document_properties(round_, "minutes", employee.id, template.digest)
    properties["AppraisalSourceForm"] = reading.content
    in_round, in_folder, personnel = minutes_paths(round_, employee, lang)
    return _Minutes(
        employee=employee,
        interviewer=interviewer,
        outcome=first_outcome,
        reading=reading,
        previous=previous,
        template=template,
        context=context,
        properties=properties,
        title=f"{'Minutes' if lang == 'en' else 'Referat'} – {employee.name}",
        targets=[(0, in_round), (0, in_folder), (1, personnel)],
        digest=input_digest(code_digest(), template.digest, reading.content, context),
        made_on=today,
    )


@dataclass
class _Minutes:
    """Minutes to write for one accepted reading: where, from what, and what to record afterwards."""

    employee: Employee
    interviewer: Employee | None
    outcome: FileResult
    reading: Reading
    previous: dict | None
    template: CompiledTemplate
    context: dict[str, object]
    properties: dict[str, str]
    title: str
    targets: list[tuple[int, str]]  # (0: the round's ledger, 1: the output folder's), relative path
    digest: str
    made_on: dt.date  # the day the minutes are made: their approval deadline counts from it


def _write_minutes(item: _Minutes, ledgers: tuple[Ledger, Ledger]) -> list[Outcome] | str:
    """Render one employee's minutes once and bring its three copies up to date."""
    try:
        data = item.template.render(item.context, item.properties, item.title)
        return [
            publish(
                ledgers[which].root,
                relative,
                "minutes",
                item.employee.id,
                item.digest,
                lambda: data,
                ledgers[which].entries.get(relative),
            )
            for which, relative in item.targets
        ]
    except (AppraisalError, OSError) as exc:
        return f"the minutes could not be written: {exc}"


def _record_minutes(
    item: _Minutes,
    written: list[Outcome] | str,
    ledgers: tuple[Ledger, Ledger],
    register: Register,
    result: CollectResult,
) -> None:
    """Take the minutes' outcomes into the ledgers and the reading into the register."""
    outcome, reading, previous, employee = item.outcome, item.reading, item.previous, item.employee
    if isinstance(written, str):
        outcome.status = REJECTED
        outcome.messages.insert(0, written)
        return
    paths = []
    for (which, relative), published in zip(item.targets, written, strict=True):
        ledgers[which].record([published])
        paths.append(published.beside or relative)
        if published.beside:
            outcome.messages.append(f"{relative} was edited since; the new minutes are {published.beside}")
    result.minutes_written.extend(paths)
    history = list(previous.get("history", [])) if previous else []
    if previous:
        history.append(
            {k: previous.get(k) for k in ("sha256", "content", "source", "collected_at", "approval")}
        )
    register.conversations[employee.id] = {
        "employee_id": employee.id,
        "interviewer_id": item.interviewer.id if item.interviewer else "",
        "sha256": reading.sha256,
        "content": reading.content,
        "source": reading.source,
        "collected_at": _now(),
        "minutes_made_on": item.made_on.isoformat(),
        "held_on": reading.held_on,
        "follow_up_date": reading.follow_up_date,
        "answers": reading.answers,
        "reviews": reading.reviews,
        "goals": reading.goals,
        "wellbeing": reading.wellbeing,
        "problems": reading.problems,
        "minutes": paths,
        # New minutes need a new approval: one given to the earlier minutes stays in the history.
        "approval": None,
        "history": history,
    }
    outcome.status = REPLACED if previous else ACCEPTED
    outcome.read = f"{employee.name}: {_describe(reading)}"
    if previous:
        outcome.messages.insert(0, f"replaces the reading of {previous.get('source')}")


def _apply_approval(round_: Round, register: Register, outcome: FileResult, word: WordFile) -> None:
    employee_id = outcome.employee_id
    conversation = register.conversations.get(employee_id)
    if conversation is None:
        outcome.status = REJECTED
        outcome.messages.append("minutes for a conversation that has not been collected in this round")
        return
    made_from = word.properties.get("AppraisalSourceForm", "")
    if made_from and made_from != conversation.get("content"):
        outcome.status = REJECTED
        outcome.messages.append(
            "these minutes were made from an earlier version of the meeting-notes form; "
            "newer minutes replaced them — send the employee the current minutes"
        )
        return
    found = reading.read_answers(word.document_xml, list(APPROVAL_FIELDS), "nb", word.numbering_xml)
    approved_text = found["approval.approved"].text
    date_text = found["approval.date"].text
    comment = found["approval.comment"].text
    if not approved_text and not date_text:
        outcome.status = INCOMPLETE
        outcome.messages.append("the approval is not filled in (approved yes/no and date)")
        return
    approved = answers.read_yes_no(approved_text)
    problems = []
    if approved is None:
        problems.append(f'approval.approved: "{approved_text}" is not yes or no')
    approval_date = None
    if date_text:
        made = local_day(conversation.get("collected_at"))
        typed = answers.read_date(date_text, made, "after")
        if typed.date is not None and typed.exact:
            approval_date = typed.date.isoformat()
        else:
            problems.append(f'approval.date: "{date_text}" is not a date')
    sha = hashlib.sha256(word.raw).hexdigest()
    previous = conversation.get("approval") or {}
    if previous.get("sha256") == sha:
        outcome.status = UNCHANGED
        outcome.read = "approval already recorded"
        return
    if approved is None:
        outcome.status = INCOMPLETE
        outcome.messages.extend(problems)
        return
    conversation["approval"] = {
        "approved": approved,
        "date": approval_date,
        "comment": comment,
        "sha256": sha,
        "source": str(word.path),
        "recorded_at": _now(),
    }
    outcome.status = APPROVAL_RECORDED
    outcome.read = f"{'approved' if approved else 'not approved'}" + (
        f" on {approval_date}" if approval_date else ""
    )
    outcome.messages.extend(problems)


def example_minutes_context(round_: Round) -> dict[str, object]:
    """A minutes context with every part filled (for `templates check`), from a round's first employee
    with goals."""
    from pipeline.documents.contexts import plan_invitations

    invitations = plan_invitations(round_)
    if not invitations:
        raise ValueError("the round has no scheduled active employee to take example values from")
    goals = {g.id: g for g in round_.goals}
    own = {g.employee_id for g in round_.goals}
    invitation = next((i for i in invitations if i.employee.id in own), invitations[0])
    employee = invitation.employee
    goal_ids = [g.id for g in round_.goals if g.employee_id == employee.id]
    reading = Reading(
        employee_id=employee.id,
        interviewer_id=invitation.interviewer.id if invitation.interviewer else "",
        sha256="",
        source="",
        found_by={},
        problems=[],
        missing_required=[],
        answers={
            "interviewer_name": invitation.interviewer.name if invitation.interviewer else "",
            **dict.fromkeys(MINUTES_SECTIONS, "…"),
        },
        held_on=invitation.meeting.date.isoformat() if invitation.meeting.date else None,
        follow_up_date=round_.settings.follow_up_date.isoformat() if round_.settings.follow_up_date else None,
        follow_up_text="",
        reviews=[
            {"goal_id": g, "status": "done", "progress": 100, "status_text": "", "comment": "…"}
            for g in goal_ids
        ],
        goals=[
            {
                "id": f"{round_.settings.round_id}-{employee.id}-{letter}1",
                "type": kind,
                "description": "…",
                "measure": "…" if kind == "goal" else "",
                "responsible": "…" if kind == "action" else "",
                "due": "",
                "due_text": "…",
                "due_exact": False,
            }
            for kind, letter in (("goal", "G"), ("action", "A"))
        ],
        wellbeing={"score": 4},
    )
    return minutes_context(
        round_, employee, invitation.interviewer, reading, goals, invitation.lang, invitation.meeting
    )
