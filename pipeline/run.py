"""The whole round, stage by stage, as `appraisal run` runs it: validate (the gate), invite, prepare,
collect (when there are returned forms), status.

`run_round` yields each stage's result as soon as the stage is done, so that a caller can show it
before the next stage starts; it prints nothing. Nothing after validation runs while the workbook has
errors. `render_step`, `collect_step` and `status_step` run one stage on its own, as `appraisal
invite`, `prepare`, `collect` and `status` do (they validate first themselves).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.collect.results import CollectResult
from pipeline.documents.invite import render_invitations
from pipeline.documents.prepare import render_forms
from pipeline.followup.carry import CarryOver, carry_over
from pipeline.followup.plans import KIND as PLAN_KIND
from pipeline.followup.plans import write_plans
from pipeline.followup.record import backup, file_stamp, sha
from pipeline.followup.result import FollowUpResult
from pipeline.followup.step import remember_quick, write_follow_up
from pipeline.model import Report, Round
from pipeline.render.templates import TemplateSet, resolve_template_folder
from pipeline.round.remembered import Checked, check_workbook_remembered
from pipeline.store.aside import Aside
from pipeline.store.batch import BatchResult, code_digest, default_workers, template_digests
from pipeline.store.folder import RoundOutput
from pipeline.store.ledger import input_digest
from pipeline.store.state import State

# A stage's progress: given the stage's name, the callbacks (on_total(n), advance(n)) it reports to.
Progress = Callable[[str], tuple[Callable[[int], None] | None, Callable[[int], None] | None]]


@dataclass(frozen=True)
class Validation:
    """The validation stage: the round as read, its problems, and where the annotated copy went."""

    round: Round
    report: Report
    report_path: Path | None  # None when the workbook names no round (no folder to put it in)
    carried: CarryOver = CarryOver()  # the open goals taken from the previous round
    report_unchanged: bool = False  # the report there was made from the same workbook and problems
    report_previous: Path | None = None  # the report as a person had changed it, kept before it is replaced


@dataclass(frozen=True)
class Stage:
    """One finished stage of the round: `validate`, `invite`, `prepare`, `collect` or `status`."""

    name: str
    result: Validation | BatchResult | CollectResult | FollowUpResult
    source: Path | None = None  # collect: the folder of returned forms

    @property
    def failed(self) -> bool:
        """The workbook has errors (validate), a document failed (invite, prepare), or a returned file
        was rejected or in conflict (collect)."""
        if isinstance(self.result, Validation):
            return bool(self.result.report.errors)
        return isinstance(self.result, BatchResult | CollectResult) and self.result.failed


RENDERERS = {"invite": render_invitations, "prepare": render_forms}


def render_step(
    name: str,
    round_: Round,
    output: Path,
    *,
    templates_dir: Path | None = None,
    only: set[str] | None = None,
    pdf: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """One document-generating stage (`invite` or `prepare`) of a validated round; `only` narrows it
    to those employee IDs."""
    templates = _templates(round_, templates_dir)
    return _render(name, round_, output, templates, only, pdf, workers or default_workers(), progress)


def collect_step(
    round_: Round,
    folder: Path,
    output: Path,
    *,
    templates_dir: Path | None = None,
    workers: int | None = None,
    pdf: bool = False,
) -> CollectResult:
    """The collect stage of a validated round: every returned form under `folder` (`pdf`: with the
    personnel copies also as PDF/A-2)."""
    from pipeline.collect.step import collect_forms  # loaded when there is something to collect

    templates = _templates(round_, templates_dir)
    return collect_forms(round_, folder, output, templates, workers=workers or default_workers(), pdf=pdf)


def email_step(
    which: str, round_: Round, output: Path, *, templates_dir: Path | None = None, workers: int | None = None
) -> BatchResult:
    """Queue e-mails of a validated round in its outbox (`mail.outbox`): `invite` the invitations;
    `prepare` the invitations (with their forms now) and each interviewer's e-mail; `collect` the
    minutes for approval."""
    from pipeline.mail.outbox import (  # loaded only with --email
        queue_cancellations,
        queue_interviewer_mails,
        queue_invitations,
        queue_minutes_mails,
    )

    folder = resolve_template_folder(templates_dir)
    queues = {
        "invite": (queue_invitations, queue_cancellations),
        "prepare": (queue_invitations, queue_cancellations, queue_interviewer_mails),
        "collect": (queue_minutes_mails,),
    }[which]
    result = BatchResult()
    for queue in queues:
        result.outcomes += queue(round_, output, folder, workers=workers or default_workers()).outcomes
    return result


def _templates(round_: Round, templates_dir: Path | None) -> TemplateSet:
    """The round's templates: `templates_dir`, else ./templates, else the bundled ones."""
    return TemplateSet(resolve_template_folder(templates_dir), round_.settings.language)


def _render(
    name: str,
    round_: Round,
    output: Path,
    templates: TemplateSet,
    only: set[str] | None,
    pdf: bool,
    workers: int,
    progress: Progress | None,
) -> BatchResult:
    on_total, advance = progress(name) if progress else (None, None)
    return RENDERERS[name](
        round_,
        output,
        templates,
        only=only,
        workers=workers,
        pdf=pdf,
        progress=advance,
        on_total=on_total,
    )


def status_step(
    round_: Round,
    output: Path,
    *,
    templates_dir: Path | None = None,
    templates: TemplateSet | None = None,
    fresh: bool = False,
    collect_dir: Path | None = None,
    pdf: bool = False,
    workers: int | None = None,
) -> FollowUpResult:
    """The status stage of a validated round: the follow-up workbook, the leadership summary and the
    managers' copies (`write_follow_up`), then each employee's plan (`write_plans`) from the goals and
    actions as the merge left them (when nothing changed since the last run, the plans are as they were)."""
    templates = templates or _templates(round_, templates_dir)
    # what the plans are made from beside the follow-up's inputs: a plan template HR edited makes it run
    plans = (template_digests(round_, templates, (PLAN_KIND,)), pdf)
    with RoundOutput.for_round(round_, output).hold():  # the follow-up and the plans as one
        result = write_follow_up(round_, output, fresh=fresh, collect_dir=collect_dir, also=plans)
        if result.goal_rows is not None and result.today is not None:
            result.plans = write_plans(
                round_,
                output,
                templates,
                result.goal_rows,
                result.today,
                workers=workers or default_workers(),
                pdf=pdf,
            )
            if not result.plans.failed:  # remembered only now: the plans are part of the step
                remember_quick(RoundOutput.for_round(round_, output).root, result)
    return result


def run_round(
    workbook: Path,
    output: Path,
    *,
    templates_dir: Path | None = None,
    notes_dir: Path | None = None,
    pdf: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    on_start: Callable[[str, Path | None], None] | None = None,
    email: bool = False,
) -> Iterator[Stage]:
    """Run every stage that applies, in order, yielding each as it finishes (`email`: after the forms,
    the invitation e-mails are queued in the outbox, with the forms attached: stage `email`).

    The validation report is written to OUTPUT/<round>/validation-report.xlsx; when the workbook has
    errors, nothing else runs. Returned forms are collected from `notes_dir`, else from `notes/` beside
    the workbook when that folder exists. `on_start(name, source)` is called as each stage after
    validation begins (`source`: the folder collected from)."""

    def start(name: str, source: Path | None = None) -> None:
        if on_start is not None:
            on_start(name, source)

    checked = check_workbook_remembered(workbook, output)
    round_, report = checked.round, checked.report
    if not round_.settings.round_id:  # no round, no folder to hold or write in: the report says why
        yield Stage("validate", Validation(round_, report, None))
        return
    folder = RoundOutput(output, round_.settings.round_id)  # the steps record the round, not a failed check
    # One hold for the whole run, of the round and of what it writes outside it (the personnel folders):
    # a second run waits or refuses before anything is written, never half-way (each step's own hold
    # inside this one just goes on).
    with folder.hold(personnel=True):
        options = _Options(workbook, templates_dir, notes_dir, pdf, workers, progress, start, email)
        yield from _stages(checked, folder, options)


@dataclass(frozen=True)
class _Options:
    """How `run_round` was asked to run (its arguments, passed on to its stages)."""

    workbook: Path
    templates_dir: Path | None
    notes_dir: Path | None
    pdf: bool
    workers: int | None
    progress: Progress | None
    start: Callable[..., None]
    email: bool


REPORT_RECORD = "validation-report"  # the state record of the last report `run` wrote: its inputs and file


class _KeptAside:
    """The checked round kept (`remembered`) and the validation report written, beside the run
    (`store.aside`): nothing after validation reads either. The report is left as it is when the one
    there was written from the same workbook, problems, language and code and is as it was written:
    copying a large workbook to annotate it is most of an unchanged re-run's time (issue 16). One a
    person changed since (its bytes are not those written) is copied to `history/` before it is
    replaced, as the follow-up workbook and the collect report are."""

    def __init__(
        self, checked: Checked, workbook: Path, path: Path, folder: RoundOutput, beside: bool = True
    ):
        report, lang = checked.report, checked.round.settings.language
        problems = [(p.severity, p.sheet, p.cell, p.column, p.code, p.message) for p in report.issues]
        self.key = input_digest(code_digest(), sha(workbook), problems, lang)
        self.state, self.scope = State(folder.output), folder.root.name
        record = self.state.document(self.scope, REPORT_RECORD)
        self.unchanged = (
            isinstance(record, dict)
            and record.get("key") == self.key
            and record.get("stamp") == file_stamp(path)
        )
        # a report changed since it was written (a person's notes in it): kept in history/ first
        self.previous = None
        written = record.get("sha") if isinstance(record, dict) and not self.unchanged else None
        found = sha(path) if written else None  # None: not there
        if found is not None and found != written:
            self.previous = backup(path, folder.root)

        def work() -> dict | None:
            checked.keep()  # the output folder is there now
            if self.unchanged:
                return None
            _write_report(workbook, report, path, lang)
            return {"stamp": file_stamp(path), "sha": sha(path)}

        # an unchanged re-run has nothing to do here, and starts no process for it; `beside` False: the
        # report is written now, in this process (a workbook with errors: the report is all there is)
        if self.unchanged and checked.key is None:
            self.aside = None
        else:
            self.aside = Aside(work, beside)

    def finish(self, failed: bool = False) -> None:
        """Wait for the work; record the report written (not when the run `failed`: then what went wrong
        in the run is what is said, and the report is simply written again next time)."""
        if self.aside is None:
            return
        if failed:
            with contextlib.suppress(Exception):
                self.aside.result()
            return
        written = self.aside.result()
        if written is not None:
            self.state.put_document(self.scope, REPORT_RECORD, {"key": self.key, **written})


def _write_report(workbook: Path, report: Report, path: Path, lang: str) -> None:
    from pipeline.round.report import write_report_workbook  # openpyxl: loaded when a report is written

    write_report_workbook(workbook, report, path, lang)


def _stages(checked: Checked, folder: RoundOutput, options: _Options) -> Iterator[Stage]:
    round_, report, workbook = checked.round, checked.report, options.workbook
    report_path = folder.root / "validation-report.xlsx"
    if report.errors:  # nothing else is written: the report alone, and the state's record of it
        kept = _KeptAside(checked, workbook, report_path, folder, beside=False)
        kept.finish()
        yield Stage(
            "validate",
            Validation(
                round_, report, report_path, report_unchanged=kept.unchanged, report_previous=kept.previous
            ),
        )
        return
    kept = _KeptAside(checked, workbook, report_path, folder)
    try:
        round_, carried = carry_over(round_, folder.output)
        yield Stage(
            "validate", Validation(round_, report, report_path, carried, kept.unchanged, kept.previous)
        )
        yield from _steps(round_, folder, options)
    except BaseException:
        kept.finish(failed=True)
        raise
    kept.finish()


def _steps(round_: Round, folder: RoundOutput, options: _Options) -> Iterator[Stage]:
    """The steps after validation, in order."""
    output, workbook, templates_dir, pdf = folder.output, options.workbook, options.templates_dir, options.pdf
    start, email = options.start, options.email
    workers = options.workers or default_workers()
    templates = _templates(round_, templates_dir)
    for name in RENDERERS:
        start(name)
        yield Stage(name, _render(name, round_, output, templates, None, pdf, workers, options.progress))
    if email:
        start("email")
        yield Stage(
            "email", email_step("prepare", round_, output, templates_dir=templates_dir, workers=workers)
        )
    notes = options.notes_dir if options.notes_dir is not None else workbook.parent / "notes"
    if notes.is_dir():
        from pipeline.collect.step import collect_forms  # loaded when there is something to collect

        start("collect", notes)
        yield Stage(
            "collect", collect_forms(round_, notes, output, templates, workers=workers, pdf=pdf), notes
        )
        if email:
            start("email")
            yield Stage(
                "email", email_step("collect", round_, output, templates_dir=templates_dir, workers=workers)
            )
    start("status")
    yield Stage("status", status_step(round_, output, templates=templates, pdf=pdf, workers=workers))
