"""The round's outbox: one `.eml` per recipient and kind in `output/<round>/outbox/`, written like every
other output (atomically, recorded in the ledger, a new version only when its content changed, a file
someone edited kept). `appraisal send` delivers them; until then they are drafts (`X-Unsent: 1`) that HR
can open in Outlook and send by hand.

`invite --email` (and `run --email`) queues each employee's invitation: the letter (its PDF when made,
else the .docx), the calendar invitation as a `text/calendar; method=REQUEST` part (shown as a meeting
with accept and decline), and the preparation form when `prepare` has made it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from pipeline.documents.contexts import invitation_context, plan_invitations
from pipeline.documents.kinds import KINDS, Step, written_by
from pipeline.errors import AppraisalError
from pipeline.mail.message import Attachment, Draft, build_message, draft_seed
from pipeline.mail.templates import email_template_path, load_email_template
from pipeline.model import Round
from pipeline.store import layout
from pipeline.store.batch import BatchResult, Job, code_digest, run_batch
from pipeline.store.folder import RoundOutput
from pipeline.store.ledger import Ledger, input_digest
from pipeline.store.state import State

OUTBOX = "outbox"
WORD = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def outbox_path(person_folder: str, kind: str, lang: str) -> str:
    """`outbox/<id>-<name>/<kind's file name>.eml`, relative to the round's folder."""
    return f"{OUTBOX}/{person_folder}/{KINDS[kind].file_name(lang, '.eml')}"


def queue_invitations(
    round_: Round, output: Path, templates_folder: Path | None, workers: int = 1
) -> BatchResult:
    """Write (or leave as they are) the invitation e-mail of every invited employee whose letter and
    calendar invitation exist, from the round's HR contact, Reply-To the interviewer."""
    settings = round_.settings
    if not settings.hr_contact_email:
        raise AppraisalError(
            "Round sheet, hr_contact_email: an e-mail address is needed to send from (the round's HR "
            "contact); fill it in, or leave out --email."
        )
    folder = RoundOutput.for_round(round_, output)
    root = folder.root

    def make_jobs(ledger: Ledger) -> list[Job]:
        documents = folder.ledger(written_by(Step.INVITE) + written_by(Step.PREPARE)).entries
        made = {(e.kind, e.employee_id): path for path, e in documents.items()}
        jobs = []
        compiled: dict[Path, object] = {}
        for invitation in plan_invitations(round_):
            employee, lang = invitation.employee, invitation.lang
            letter, calendar = made.get(("invitation", employee.id)), made.get(("calendar", employee.id))
            if not employee.email or letter is None or calendar is None or not (root / calendar).is_file():
                continue  # not invited yet (or no address): nothing to send
            path = email_template_path(templates_folder, "invitation_email", lang, settings.language)
            template = compiled.setdefault(path, load_email_template(path))
            form = made.get(("employee_preparation", employee.id))
            attachments = [_attachment(root / letter)]
            if form is not None and (root / form).is_file():
                attachments.append(_attachment(root / form))
            context = {
                **invitation_context(round_, employee, invitation.meeting, invitation.interviewer, lang),
                "preparation_form": form is not None,
            }
            subject, body = template.render(context)  # type: ignore[attr-defined]
            interviewer = invitation.interviewer
            draft = Draft(
                sender=(settings.hr_contact_name, settings.hr_contact_email),
                recipient=(employee.name, employee.email),
                reply_to=(interviewer.name, interviewer.email) if interviewer and interviewer.email else None,
                subject=subject,
                body=body,
                language=lang,
                calendar=(root / calendar).read_bytes(),
                attachments=tuple(attachments),
                reference=f"{settings.round_id}/invitation/{employee.id}",
            )
            jobs.append(
                Job(
                    relative=outbox_path(layout.person_folder(employee), "invitation_email", lang),
                    kind="invitation_email",
                    employee_id=employee.id,
                    input_hash=input_digest(code_digest(), template.digest, draft_seed(draft)),  # type: ignore[attr-defined]
                    build=build_message,
                    args=(draft,),
                    extra={"to": employee.email},
                )
            )
        return jobs

    version = State(output).version(root.name)  # any document written since changes what is attached
    fingerprint = input_digest(code_digest(), version, _template_digests(templates_folder, round_))
    return run_batch(
        folder,
        "email-invitations",
        make_jobs,
        workers=workers,
        fingerprint=fingerprint,
        kinds=("invitation_email",),
    )


@functools.lru_cache(maxsize=256)
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


def _template_digests(folder: Path | None, round_: Round) -> list[str]:
    languages = sorted(
        {e.language or round_.settings.language for e in round_.employees} | {round_.settings.language}
    )
    paths = {
        email_template_path(folder, "invitation_email", lang, round_.settings.language) for lang in languages
    }
    return sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in paths)
