"""The round's outbox: one `.eml` per recipient and kind in `output/<round>/outbox/<id>-<name>/`, written
like every other output (atomically, recorded in the ledger, a new version only when its content
changed, a file someone edited kept). `appraisal send` delivers them; until then they are drafts
(`X-Unsent: 1`) that HR can open in Outlook and send by hand. Every message is From the round's HR
contact, in its reader's language, from an editable template (`mail.templates`).

* `invite --email`: each employee's invitation: the letter (its PDF when made, else the .docx), the
  calendar invitation as a `text/calendar; method=REQUEST` part (shown as a meeting with accept and
  decline), and the preparation form when `prepare` has made it. Reply-To the interviewer.
  A meeting cancelled since gets its cancellation (`text/calendar; method=CANCEL`).
* `prepare --email`: the same (now with the form), and each interviewer's one e-mail: their schedule
  overview, their calendar file and a zip of their forms, not one e-mail per employee.
* `collect --email`: each employee's minutes, to read and approve by the deadline.
* `remind --email`: one reminder per person of everything due for them (`mail.remind`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline import texts
from pipeline.documents.calendars import CANCELLED
from pipeline.documents.contexts import (
    _conversation_context,
    document_language,
    invitation_context,
    overview_context,
    person_context,
    plan_invitations,
    round_context,
)
from pipeline.documents.kinds import KINDS, Step, written_by
from pipeline.errors import AppraisalError
from pipeline.mail.message import Attachment, Draft, build_message, draft_seed
from pipeline.mail.remind import Reminder, approval_due_of
from pipeline.mail.templates import email_template_path, load_email_template
from pipeline.model import Employee, Round
from pipeline.register import Register
from pipeline.render import locale
from pipeline.store import layout
from pipeline.store.batch import BatchResult, Job, code_digest, run_batch
from pipeline.store.folder import RoundOutput
from pipeline.store.ledger import Ledger, input_digest
from pipeline.store.state import State

OUTBOX = "outbox"
WORD = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that the same forms give the same zip


@dataclass(frozen=True)
class Letter:
    """One e-mail to queue: to whom, about what (the template's variables), with what attached."""

    person: Employee  # the recipient
    lang: str
    context: dict[str, object]
    attachments: tuple[Attachment, ...]
    reply_to: Employee | None = None
    calendar: bytes | None = None
    calendar_method: str = "REQUEST"


def queue_invitations(round_: Round, output: Path, templates: Path | None, workers: int = 1) -> BatchResult:
    """Each invited employee's invitation e-mail, once their letter and calendar invitation exist."""

    def letters(made: dict[tuple[str, str], Path]) -> list[Letter]:
        found = []
        for invitation in plan_invitations(round_):
            employee, lang = invitation.employee, invitation.lang
            letter, calendar = made.get(("invitation", employee.id)), made.get(("calendar", employee.id))
            if letter is None or calendar is None:
                continue  # not invited yet: nothing to send
            form = made.get(("employee_preparation", employee.id))
            context = invitation_context(round_, employee, invitation.meeting, invitation.interviewer, lang)
            attached = (_attachment(letter),) + ((_attachment(form),) if form else ())
            found.append(
                Letter(
                    employee,
                    lang,
                    {**context, "preparation_form": form is not None},
                    attached,
                    invitation.interviewer,
                    calendar.read_bytes(),
                )  # fmt: skip
            )
        return found

    return _queue(round_, output, templates, "invitation_email", letters, workers)


def queue_cancellations(round_: Round, output: Path, templates: Path | None, workers: int = 1) -> BatchResult:
    """Each employee whose invitation was cancelled (`documents.calendars`): the cancellation, with its
    `text/calendar; method=CANCEL` part, which takes the meeting out of their calendar."""
    folder = RoundOutput(output, round_.settings.round_id)
    settings = round_.settings

    def letters(made: dict[tuple[str, str], Path]) -> list[Letter]:
        found = []
        for relative, entry in sorted(folder.ledger(("calendar",)).entries.items()):
            employee = round_.employee(entry.employee_id)
            facts = entry.extra.get("event")
            cancelled = isinstance(facts, dict) and facts.get("status") == CANCELLED
            if not cancelled or employee is None or not (folder.root / relative).is_file():
                continue
            lang = document_language(employee, settings)
            start = (
                dt.datetime.fromisoformat(str(facts["start"]))
                if isinstance(facts, dict) and facts.get("start")
                else None
            )
            organizer = facts.get("organizer") if isinstance(facts, dict) else None
            context = {
                "employee": person_context(employee),
                "interviewer": {"name": organizer[0] if isinstance(organizer, list) and organizer else ""},
                "meeting": {"when": locale.date_and_time(start.date(), start.time(), lang) if start else ""},
                "round": round_context(settings, lang),
            }
            calendar = (folder.root / relative).read_bytes()
            found.append(Letter(employee, lang, context, (), None, calendar, "CANCEL"))
        return found

    return _queue(round_, output, templates, "cancellation_email", letters, workers)


def queue_interviewer_mails(
    round_: Round, output: Path, templates: Path | None, workers: int = 1
) -> BatchResult:
    """Each interviewer's one e-mail, once their overview exists: the overview, their calendar and a zip
    of the preparation and meeting-notes forms of their people."""

    def letters(made: dict[tuple[str, str], Path]) -> list[Letter]:
        theirs: dict[str, list] = defaultdict(list)
        for invitation in plan_invitations(round_):
            if invitation.interviewer is not None:
                theirs[invitation.interviewer.id].append(invitation)
        found = []
        for interviewer_id, invitations in sorted(theirs.items()):
            interviewer = invitations[0].interviewer
            overview = made.get(("overview", interviewer_id))
            if overview is None:
                continue
            lang = document_language(interviewer, round_.settings)
            forms = [
                made[(kind, i.employee.id)]
                for i in invitations
                for kind in ("manager_preparation", "meeting_notes")
                if (kind, i.employee.id) in made
            ]
            attached = [_attachment(overview)]
            calendar = made.get(("manager_calendar", interviewer_id))
            if calendar is not None:
                attached.append(Attachment(calendar.name, calendar.read_bytes(), "text", "calendar"))
            if forms:
                name = texts.get(lang, "mail.forms_zip") + ".zip"
                attached.append(Attachment(name, _zip(forms, made_root(forms[0])), "application", "zip"))
            pairs = [(i.employee, i.meeting) for i in invitations]
            context = {**overview_context(round_, interviewer, pairs, lang), "form_count": str(len(forms))}
            found.append(Letter(interviewer, lang, context, tuple(attached)))
        return found

    return _queue(round_, output, templates, "interviewer_email", letters, workers)


def queue_minutes_mails(round_: Round, output: Path, templates: Path | None, workers: int = 1) -> BatchResult:
    """Each employee's minutes, once made, to read and approve by their deadline."""
    settings = round_.settings
    by_id = {e.id: e for e in round_.employees if e.id}
    meetings = {i.employee.id: i for i in plan_invitations(round_)}

    def letters(made: dict[tuple[str, str], Path]) -> list[Letter]:
        register = Register(layout.round_folder(output, settings.round_id)).conversations
        found = []
        for employee_id, conversation in sorted(register.items()):
            employee, minutes = by_id.get(employee_id), made.get(("minutes", employee_id))
            invitation = meetings.get(employee_id)
            if employee is None or minutes is None or invitation is None or not conversation.minutes_made_on:
                continue
            lang = document_language(employee, settings)
            due = approval_due_of(conversation, invitation.meeting.date, settings)
            context = {
                **_conversation_context(round_, employee, invitation.meeting, invitation.interviewer, lang),
                "approval_due": locale.medium_date(due, lang),
            }
            found.append(Letter(employee, lang, context, (_attachment(minutes),), invitation.interviewer))
        return found

    return _queue(round_, output, templates, "minutes_email", letters, workers)


def queue_reminders(
    round_: Round,
    output: Path,
    templates: Path | None,
    reminders: list[Reminder],
    today: dt.date,
    workers: int = 1,
) -> BatchResult:
    """One reminder e-mail per person, of everything in `reminders` that is theirs."""
    settings = round_.settings
    theirs: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        theirs[reminder.to.id].append(reminder)

    def letters(made: dict[tuple[str, str], Path]) -> list[Letter]:
        found = []
        for items in theirs.values():
            person = items[0].to
            lang = document_language(person, settings)
            listed = [
                {
                    "what": r.what,
                    "about": r.about.name,
                    "due": locale.medium_date(r.due, lang),
                    "days_overdue": str(r.days_overdue(today)),
                    "goal": r.goal,
                }
                for r in items
            ]
            context = {
                "person": person_context(person),
                "round": round_context(settings, lang),
                "items": listed,
            }
            found.append(Letter(person, lang, context, ()))
        return found

    salt = [(r.to.id, r.key, r.due.isoformat()) for r in reminders]
    # a file per day of reminding: a later reminder never replaces one that may not have been sent yet
    return _queue(
        round_, output, templates, "reminder_email", letters, workers, salt, f" {today.isoformat()}"
    )


def _queue(
    round_: Round,
    output: Path,
    templates: Path | None,
    kind: str,
    letters: Callable[[dict[tuple[str, str], Path]], list[Letter]],
    workers: int,
    salt: object = None,
    suffix: str = "",
) -> BatchResult:
    """Write (or leave as they are) the e-mails of one kind: a job per letter with an address."""
    settings = round_.settings
    if not settings.hr_contact_email:
        raise AppraisalError(
            "Round sheet, hr_contact_email: an e-mail address is needed to send from (the round's HR "
            "contact); fill it in, or leave out --email."
        )
    folder = RoundOutput.for_round(round_, output)

    def make_jobs(ledger: Ledger) -> list[Job]:
        jobs = []
        for letter in letters(_documents(folder)):
            person = letter.person
            if not person.email:
                continue
            path = email_template_path(templates, kind, letter.lang, settings.language)
            template = _template(path, path.stat().st_mtime_ns)
            subject, body = template.render(letter.context)
            reply = letter.reply_to
            draft = Draft(
                sender=(settings.hr_contact_name, settings.hr_contact_email),
                recipient=(person.name, person.email),
                reply_to=(reply.name, reply.email) if reply is not None and reply.email else None,
                subject=subject,
                body=body,
                language=letter.lang,
                calendar=letter.calendar,
                calendar_method=letter.calendar_method,
                attachments=letter.attachments,
                reference=f"{settings.round_id}/{kind}/{person.id}",
            )
            jobs.append(
                Job(
                    relative=f"{OUTBOX}/{layout.person_folder(person)}/{KINDS[kind].file_name(letter.lang, suffix + '.eml')}",
                    kind=kind,
                    employee_id=person.id,
                    input_hash=input_digest(code_digest(), template.digest, draft_seed(draft)),
                    build=build_message,
                    args=(draft,),
                    extra={"to": person.email},
                )
            )
        return jobs

    version = State(output).version(folder.root.name)  # a document written since changes what is attached
    fingerprint = input_digest(code_digest(), kind, version, _template_digests(templates, round_, kind), salt)
    return run_batch(  # a queued e-mail is the send log's to account for: none is taken away here
        folder,
        f"email-{kind}",
        make_jobs,
        workers=workers,
        fingerprint=fingerprint,
        kinds=(kind,),
        moves=False,
    )


def _documents(folder: RoundOutput) -> dict[tuple[str, str], Path]:
    """(kind, person ID) -> the file, of every document the round's steps made that is there; for the
    minutes, the employee's own copy."""
    root = folder.root
    kinds = written_by(Step.INVITE) + written_by(Step.PREPARE) + written_by(Step.COLLECT)
    made: dict[tuple[str, str], Path] = {}
    for relative, entry in sorted(folder.ledger(kinds).entries.items()):
        if entry.kind == "minutes" and not relative.startswith(f"{layout.EMPLOYEES}/"):
            continue
        if (root / relative).is_file():
            made[(entry.kind, entry.employee_id)] = root / relative
    return made


def made_root(path: Path) -> Path:
    """The interviewer's folder a form is in (managers/<interviewer>/<employee>/form.docx)."""
    return path.parent.parent


def _zip(paths: list[Path], base: Path) -> bytes:
    """The files as one zip, named by their place under `base`, with fixed dates: the same files give
    the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(paths):
            info = zipfile.ZipInfo(path.relative_to(base).as_posix(), _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


@functools.lru_cache(maxsize=64)
def _template(path: Path, mtime_ns: int):  # noqa: ANN202 - an EmailTemplate
    return load_email_template(path)


@functools.lru_cache(maxsize=4096)
def _attachment_cached(path: str, size: int, mtime_ns: int) -> Attachment:
    data = Path(path).read_bytes()
    maintype, subtype = ("application", "pdf") if path.endswith(".pdf") else WORD
    return Attachment(Path(path).name, data, maintype, subtype)


def _attachment(document: Path) -> Attachment:
    """A document to attach: its PDF when one was made beside it, else the document itself."""
    pdf = document.with_suffix(".pdf")
    chosen = pdf if pdf.is_file() else document
    stat = chosen.stat()
    return _attachment_cached(str(chosen), stat.st_size, stat.st_mtime_ns)


def _template_digests(folder: Path | None, round_: Round, kind: str) -> list[str]:
    """The digests of the templates of `kind` in every language the round's people read."""
    settings = round_.settings
    paths = {email_template_path(folder, kind, lang, settings.language) for lang in round_.languages()}
    return sorted(_template(path, path.stat().st_mtime_ns).digest for path in paths)
