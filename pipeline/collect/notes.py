"""Reading a returned meeting-notes form into the values the minutes and the register need: the
answers as typed, the dates and statuses they mean, and every problem once."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field

from pipeline import clock
from pipeline.forms import answers, fields, reading
from pipeline.forms.intake import Refused, WordFile
from pipeline.model import ERROR, WARNING, Meeting, Problem, Round, Settings, Severity, problem
from pipeline.register import AgreedItem, Review, Wellbeing
from pipeline.render import locale
from pipeline.store.ledger import (
    input_digest,
)

REQUIRED = ("summary", "held_on", "interviewer_name")


# reported when empty, but not required (SPEC §5: other empty fields are reported but do not block)
EXPECTED = ("employee_view", "strengths", "improvements", "development", "follow_up_date")


# Fields the meeting-notes form gained in version 2; a form of version 1 does not have them.
V2_KEYS = frozenset(f.key for f in (*fields.NOTES_CONVERSATION[4:], *fields.NOTES_SCORE))


HELD_ON_DRIFT_DAYS = 30  # a date held further than this from the planned date is worth a look
MAX_FORM_GOALS = 200  # earlier goals a form may list for review (an employee has a handful)


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
    reviews: list[Review]
    goals: list[AgreedItem]
    wellbeing: Wellbeing | None  # a score 1-5, only with the employee's consent
    problems: list[Problem]
    missing_required: list[Problem]  # one per required field that is empty or cannot be read
    titles: dict[str, str] = field(default_factory=dict)  # field key -> its title on the form

    @functools.cached_property  # what was read is not changed afterwards
    def content(self) -> str:
        """A hash of what was read: the same answers saved again (by Word or LibreOffice) hash the same."""
        return input_digest(  # of the records as the register stores them, so that a hash stays the same
            self.answers,
            self.held_on,
            self.follow_up_date,
            [r.to_json() for r in self.reviews],
            [g.to_json() for g in self.goals],
            self.wellbeing.to_json() if self.wellbeing else None,
        )


@dataclass
class KnownReading(Reading):
    """A meeting-notes form whose very bytes were collected before for its employee: not read again
    (a run over a folder of forms collected long ago would parse every one each time). What it held is
    the register's (`known_content`); it counts as that content against the other forms of the batch,
    so a second, different form for the employee is still a conflict."""

    known_content: str = ""

    @property
    def content(self) -> str:
        return self.known_content

    @classmethod
    def of(cls, word: WordFile, sha256: str, content: str) -> KnownReading:
        props = word.properties
        return cls(
            employee_id=props.get("AppraisalEmployeeID", ""),
            interviewer_id=props.get("AppraisalInterviewerID", ""),
            sha256=sha256,
            source=str(word.path),
            answers={},
            found_by={},
            held_on=None,
            follow_up_date=None,
            follow_up_text="",
            reviews=[],
            goals=[],
            wellbeing=None,
            problems=[],
            missing_required=[],
            known_content=content,
        )


class _Problems(list):
    """A form's problems in the order found, each once. A field is named in a message by the title the
    person sees on the form ("“Mål 2 – frist”"), in the form's language; its key stays in `field`."""

    def __init__(self, fields_: dict[str, fields.Field], lang: str):
        super().__init__()
        self.fields, self.lang = fields_, lang

    def title(self, key: str) -> str:
        """A field's title on the form (its key when it is not one of the form's fields)."""
        field_ = self.fields.get(key)
        return field_.title(self.lang) if field_ is not None else key

    def name(self, key: str) -> str:
        """A field as the message names it: its title on the form, quoted."""
        return f"“{self.title(key)}”"

    def add(self, code: str, message: str, field: str | None = None, severity: Severity = WARNING) -> None:
        if all(p.message != message for p in self):
            self.append(problem(severity, code, message, field=field))


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
        problems.add("not-a-date", f'{problems.name(key)}: "{text}" {_not_a_date(typed)}; kept as text', key)
        return "", text, False
    if not typed.exact:
        problems.add(
            "approximate-date",
            f'{problems.name(key)}: "{text}" read as {locale.short_date(typed.date, lang)} (approximate)',
            key,
        )
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
    settings = round_.settings
    goal_ids = _goal_ids(props)
    wanted = fields.form_fields("meeting_notes", goal_ids)
    if props.get("AppraisalFormVersion", "1") == "1":
        wanted = [f for f in wanted if f.key not in V2_KEYS]
    found = reading.read_answers(word.document_xml, wanted, lang, word.numbering_xml)
    answers_ = {key: answer.text for key, answer in found.items()}
    by_key = {f.key: f for f in wanted}
    problems, missing = _Problems(by_key, lang), _Problems(by_key, lang)
    _note_where_found(found, problems)
    planned = meeting.date if meeting is not None else None
    held_on = _read_held_on(
        answers_.get("held_on", ""), planned, settings, today or clock.today(), lang, problems, missing
    )
    anchor = held_on or planned
    follow_up, follow_up_text, _ = _typed_date(
        "follow_up_date", answers_.get("follow_up_date", ""), anchor, lang, problems
    )
    reviews = _read_reviews(answers_, goal_ids, problems)
    employee_id = props.get("AppraisalEmployeeID", "")
    new_items = _read_new_items(answers_, f"{settings.round_id}-{employee_id}", anchor, lang, problems)
    wellbeing = _read_wellbeing(answers_, found, problems)
    for key in (*(fields.review_key(g, "status") for g in goal_ids), *EXPECTED):
        if key in found and found[key].found_by != "missing" and not answers_.get(key):
            problems.add("empty-answer", f"{problems.name(key)} is empty", key)
    for key in REQUIRED:
        if key != "held_on" and not answers_.get(key):
            missing.add("required-answer", f"{missing.name(key)} is empty", key, ERROR)
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
        missing_required=list(missing),
        # the titles of the fields the problems name (the report shows them), not of every field
        titles={p.field: problems.title(p.field) for p in (*problems, *missing) if p.field in by_key},
    )


def _note_where_found(found: dict[str, reading.Answer], problems: _Problems) -> None:
    """A problem for each answer not found, or read from outside its field."""
    for key, answer in found.items():
        if answer.found_by == "missing":
            problems.add("field-not-found", f"{problems.name(key)}: not found in the form", key)
        elif answer.text and not answer.control:
            problems.add(
                "field-deleted",
                f"{problems.name(key)}: read from where the field was (the field itself was deleted); check it",
                key,
            )
        elif answer.beside:
            problems.add("read-beside-field", f"{problems.name(key)}: read from beside the field", key)


def _read_held_on(
    held_text: str,
    planned: dt.date | None,
    settings: Settings,
    today: dt.date,
    lang: str,
    problems: _Problems,
    missing: _Problems,
) -> dt.date | None:
    """The day the conversation was held: required, and a day (not a week or a month)."""
    if not held_text:
        missing.add("required-answer", f"{missing.name('held_on')} is empty", "held_on", ERROR)
        return None
    typed = answers.read_date(held_text, planned, "nearest")
    if typed.date is None:
        missing.add(
            "not-a-date", f'{missing.name("held_on")}: "{held_text}" {_not_a_date(typed)}', "held_on", ERROR
        )
        return None
    if not typed.exact:
        missing.add(
            "approximate-date",
            f'{missing.name("held_on")}: "{held_text}" is not a day (write the day it was held)',
            "held_on",
            ERROR,
        )
        return None
    _check_held_on(typed.date, planned, settings, today, lang, problems)
    return typed.date


def _read_reviews(answers_: dict[str, str], goal_ids: list[str], problems: _Problems) -> list[Review]:
    """The review of each earlier goal or action that has a status or a comment."""
    reviews: list[Review] = []
    for goal_id in goal_ids:
        status_key = fields.review_key(goal_id, "status")
        status_text = answers_.get(status_key, "")
        comment = answers_.get(fields.review_key(goal_id, "comment"), "")
        typed_status = answers.read_status(status_text) if status_text else answers.TypedStatus(None)
        if status_text and typed_status.status is None:
            problems.add(
                "not-a-status",
                f'{problems.name(status_key)}: "{status_text}" is not a status; kept as text',
                status_key,
            )
        if status_text or comment:
            reviews.append(
                Review(
                    goal_id=goal_id,
                    status=typed_status.status or "",
                    progress=typed_status.progress,
                    status_text=status_text if typed_status.extra or not typed_status.status else "",
                    comment=comment,
                )
            )
    return reviews


def _read_new_items(
    answers_: dict[str, str], id_prefix: str, anchor: dt.date | None, lang: str, problems: _Problems
) -> list[AgreedItem]:
    """The new goals and actions, with IDs `<round>-<employee>-G1`, `-A1`, ... by their row."""
    new_items: list[AgreedItem] = []
    for prefix, owner_key in (("goal", "measure"), ("action", "owner")):
        for n in range(1, fields.NEW_ROWS + 1):
            text = answers_.get(f"{prefix}.{n}.text", "")
            other = answers_.get(f"{prefix}.{n}.{owner_key}", "")
            due_text = answers_.get(f"{prefix}.{n}.due", "")
            if not text:
                if other or due_text:
                    problems.add(
                        "row-without-text",
                        f"{problems.name(f'{prefix}.{n}.text')}: empty, but the row has other values; the row is left out",
                        f"{prefix}.{n}.text",
                    )
                continue
            due, kept_text, exact = _typed_date(f"{prefix}.{n}.due", due_text, anchor, lang, problems)
            new_items.append(
                AgreedItem(
                    id=f"{id_prefix}-{'G' if prefix == 'goal' else 'A'}{n}",
                    type=prefix,
                    description=text,
                    measure=other if prefix == "goal" else "",
                    responsible=other if prefix == "action" else "",
                    due=due,
                    due_text=kept_text,
                    due_exact=exact,
                )
            )
    return new_items


def _check_held_on(
    held_on: dt.date,
    planned: dt.date | None,
    settings: Settings,
    today: dt.date,
    lang: str,
    problems: _Problems,
) -> None:
    """Warnings for a date held that is possible but worth a look; the form is accepted."""
    shown, held = locale.short_date(held_on, lang), problems.name("held_on")
    if held_on > today:
        problems.add("held-on-in-future", f"{held}: {shown} is in the future; check the date", "held_on")
    if (settings.period_start and held_on < settings.period_start) or (
        settings.period_end and held_on > settings.period_end
    ):
        problems.add(
            "held-on-outside-period",
            f"{held}: {shown} is outside the round's period; check the date",
            "held_on",
        )
    if planned is not None and abs((held_on - planned).days) > HELD_ON_DRIFT_DAYS:
        problems.add(
            "held-on-far-from-plan",
            f"{held}: {shown} is more than {HELD_ON_DRIFT_DAYS} days from the planned "
            f"{locale.short_date(planned, lang)}; check the date",
            "held_on",
        )


def _read_wellbeing(
    answers_: dict[str, str], found: dict[str, reading.Answer], problems: _Problems
) -> Wellbeing | None:
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
        problems.add(
            "not-a-score",
            f'{problems.name("wellbeing_score")}: "{score_text}" is not a score from 1 to 5; left out',
            "wellbeing_score",
        )
    elif consent is not True:
        problems.add(
            "score-without-consent",
            f'{problems.name("wellbeing_score")}: given without the employee\'s "yes" to its use; neither stored nor counted'
            if consent is None
            else f'{problems.name("wellbeing_score")}: the employee said "no" to its use; neither stored nor counted',
            "wellbeing_score",
        )
    if score is None or consent is not True:
        answers_.pop("wellbeing_score", None)  # not stored anywhere
        return None
    return Wellbeing(score)


def _goal_ids(props: dict[str, str]) -> list[str]:
    """The earlier goals the form lists for review (in its properties); refused past MAX_FORM_GOALS."""
    try:
        ids = json.loads(props.get("AppraisalGoals", "[]"))
    except ValueError:
        return []
    if isinstance(ids, list) and len(ids) > MAX_FORM_GOALS:
        raise Refused(
            f"the form lists {len(ids)} earlier goals to review; a form has at most {MAX_FORM_GOALS}",
            "file-too-large",
        )
    return [str(i) for i in ids] if isinstance(ids, list) else []
