"""Every kind of document the tool writes, declared once: the step that writes it, whether it comes
from a template, and what `collect` calls it. Its file name and title in each language are the texts
`kinds.<name>.file` and `kinds.<name>.title` (`pipeline/texts`).

Adding a kind is one entry here, its texts, its template (`scripts/make_templates.py`) and its context
function (`documents/contexts.py`, with an example in `CONTEXT_EXAMPLES`); `tests/test_kinds.py` fails
when one of them is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypedDict

from pipeline import texts
from pipeline.model import Round
from pipeline.render.templates import TemplateSet
from pipeline.store.batch import BatchResult, Job, run_batch, step_fingerprint
from pipeline.store.folder import RoundOutput
from pipeline.store.ledger import FAILED, Ledger
from pipeline.store.state import State


class Step(StrEnum):
    """The step of the round that writes a kind."""

    INVITE = "invite"
    PREPARE = "prepare"
    COLLECT = "collect"
    STATUS = "status"
    MAIL = "mail"  # the outbox: e-mails queued by `invite --email` and the other steps' --email


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document."""

    name: str  # the kind's key: the template's file name, `AppraisalKind` in the document's properties
    step: Step
    described: str  # what it is, as `collect` says it of a file sent back by mistake
    template: bool = True  # False for the calendar invitation, which is written by code
    form: bool = False  # a form with fields to fill in
    event: str = ""  # what writing it means for the employee, recorded in the state (`invited`, `prepared`)

    def file_name(self, lang: str, suffix: str) -> str:
        """The file's name in a language (any other language code reads the bokmål name)."""
        return texts.get(lang, f"kinds.{self.name}.file") + suffix

    def title(self, lang: str, whom: str) -> str:
        """The document's title for a person ("Invitasjon – Ola Nordmann")."""
        return f"{texts.get(lang, f'kinds.{self.name}.title')} – {whom}"


KINDS: dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind(
            "invitation",
            Step.INVITE,
            "an invitation letter",
            event="invited",
        ),
        DocumentKind(
            "calendar",
            Step.INVITE,
            "a calendar invitation",
            template=False,
        ),
        DocumentKind(
            "overview",
            Step.INVITE,
            "a schedule overview",
        ),
        DocumentKind(
            "manager_calendar",
            Step.INVITE,
            "an interviewer's calendar",
            template=False,
        ),
        DocumentKind(
            "employee_preparation",
            Step.PREPARE,
            "an employee's preparation form",
            form=True,
        ),
        DocumentKind(
            "manager_preparation",
            Step.PREPARE,
            "a manager's preparation form",
            form=True,
        ),
        DocumentKind(
            "meeting_notes",
            Step.PREPARE,
            "a meeting-notes form",
            form=True,
            event="prepared",
        ),
        DocumentKind(
            "minutes",
            Step.COLLECT,
            "minutes",
        ),
        DocumentKind(
            "plan",
            Step.STATUS,
            "an employee's plan of goals and actions",
        ),
        DocumentKind(
            "invitation_email",
            Step.MAIL,
            "an invitation e-mail",
            template=False,
        ),
        DocumentKind(
            "cancellation_email",
            Step.MAIL,
            "a cancellation e-mail",
            template=False,
        ),
        DocumentKind(
            "interviewer_email",
            Step.MAIL,
            "an interviewer's e-mail",
            template=False,
        ),
        DocumentKind(
            "minutes_email",
            Step.MAIL,
            "an e-mail with minutes",
            template=False,
        ),
        DocumentKind(
            "reminder_email",
            Step.MAIL,
            "a reminder e-mail",
            template=False,
        ),
    )
}

TEMPLATE_KINDS = tuple(name for name, kind in KINDS.items() if kind.template)


def record_events(output: Path, round_id: str, result: BatchResult) -> None:
    """Record in the state what a step's documents mean for each employee (`invited`, `prepared`): every
    document of an eventful kind that exists now, written in this run or before, as it was or edited."""
    events = sorted(
        {
            (outcome.employee_id, KINDS[outcome.kind].event)
            for outcome in result.outcomes
            if outcome.kind in KINDS and KINDS[outcome.kind].event and outcome.status != FAILED
        }
    )
    State(output).add_events(round_id, events, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


def kinds_of(step: Step) -> tuple[str, ...]:
    """The kinds a step writes from templates (what its fingerprint covers)."""
    return tuple(name for name, kind in KINDS.items() if kind.step == step and kind.template)


def written_by(step: Step) -> tuple[str, ...]:
    """Every kind a step writes, from a template or not (its part of the ledger)."""
    return tuple(name for name, kind in KINDS.items() if kind.step == step)


class StepOptions(TypedDict, total=False):
    """How a document-writing step runs (`render_invitations`, `render_forms`)."""

    only: set[str] | None  # these employee IDs only (the whole round when None)
    workers: int  # worker processes (1: none)
    pdf: bool  # also convert the new and changed documents to PDF
    progress: Callable[[int], None] | None  # told how many more jobs are done
    on_total: Callable[[int], None] | None  # told how many jobs there are


def run_document_step(
    step: Step,
    round_: Round,
    output: Path,
    templates: TemplateSet,
    make_jobs: Callable[[Ledger], Sequence[Job]],
    options: StepOptions,
) -> BatchResult:
    """Run a document-writing step in the round's folder: skipped whole when nothing it depends on
    changed (not with `only`), its part of the ledger read, and its events recorded."""
    unknown = set(options) - set(StepOptions.__annotations__)
    if unknown:
        raise TypeError(f"unknown step options: {', '.join(sorted(unknown))}")
    only = options.get("only")
    fingerprint = None if only is not None else step_fingerprint(round_, templates, kinds_of(step))
    result = run_batch(
        RoundOutput.for_round(round_, output),
        step.value,
        make_jobs,
        workers=options.get("workers", 1),
        pdf=options.get("pdf", False),
        progress=options.get("progress"),
        on_total=options.get("on_total"),
        fingerprint=fingerprint,
        kinds=written_by(step),
    )
    if not result.unchanged:  # an unchanged step's events were recorded by the run that wrote it
        record_events(output, round_.settings.round_id, result)
    return result
