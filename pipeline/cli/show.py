"""How the commands' results look on a terminal: the validation report, the lines and summary table
each step ends with, and the progress bars. Printing only; what to print comes from the library's
results, and the exit codes are the commands' (`pipeline.cli`).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.codes import SHAPE_CODES
from pipeline.collect import results
from pipeline.model import ERROR, INFO, WARNING, Report, Round
from pipeline.round.report_lines import issue_line, report_groups, summary_line
from pipeline.store.ledger import FAILED, KEPT, UNCHANGED, UPDATED, WRITTEN

if TYPE_CHECKING:  # the stages' modules load when a command runs, not for `--help`
    from pipeline.collect.results import CollectResult
    from pipeline.followup.carry import CarryOver
    from pipeline.followup.result import FollowUpResult
    from pipeline.mail.remind import Reminder
    from pipeline.retention.purge import PersonnelCopy, RoundPurge
    from pipeline.run import Stage, Validation
    from pipeline.store.batch import BatchResult

SEVERITY_COLOURS = {ERROR: "red", WARNING: "yellow", INFO: "cyan"}
STEP_LABELS = {"invite": "Writing invitations", "prepare": "Writing forms"}
STAGE_TITLES = {
    "invite": "Step 1: invitations",
    "prepare": "Steps 2-3: preparation and meeting-notes forms",
    "email": "E-mails: the invitations, queued in the outbox",
    "collect": "Step 4: collecting returned forms from {source}",
    "status": "Step 5: follow-up",
}
UNCHANGED_LISTED = 50  # more forms found as they were than this are counted in one line, not listed
FILE_COLOURS = {
    results.ACCEPTED: "green",
    results.REPLACED: "green",
    results.APPROVAL_RECORDED: "green",
    results.INCOMPLETE: "yellow",
    results.REJECTED: "red",
    results.CONFLICT: "red",
}
FILE_LABELS = (
    (results.ACCEPTED, "accepted"),
    (results.REPLACED, "replaced earlier reading"),
    (results.APPROVAL_RECORDED, "approvals recorded"),
    (results.INCOMPLETE, "incomplete"),
    (results.UNCHANGED, "unchanged"),
    (results.DUPLICATE, "duplicate"),
    (results.CONFLICT, "conflict"),
    (results.REJECTED, "rejected"),
    (results.SKIPPED, "skipped"),
)


def echo_json(items: list) -> None:
    """A `--json` answer: the list, indented, non-ASCII kept as it is."""
    click.echo(json.dumps(items, ensure_ascii=False, indent=2))


def print_report(round_: Round, report: Report, workbook: Path) -> None:
    """The validation report: what was read, the problems by sheet, the summary line."""
    click.echo(
        f"Checked {workbook}: {len(round_.employees)} employees, {len(round_.meetings)} meetings, "
        f"{len(round_.goals)} goals."
    )
    for sheet, issues in report_groups(report):
        click.echo("")
        click.secho(sheet, bold=True)
        for issue in issues:
            click.secho(f"  {issue_line(issue)}", fg=SEVERITY_COLOURS.get(issue.severity))
    click.echo("")
    click.secho(summary_line(report), fg="red" if report.errors else "green", bold=True)
    echo_shape_errors(report, workbook)


def echo_shape_errors(report: Report, workbook: Path) -> None:
    """Problems with the workbook's shape also get an `Error:` line on stderr naming the file."""
    for issue in report.errors:
        if issue.code in SHAPE_CODES:
            where = f"sheet {issue.sheet}" if issue.sheet else "workbook"
            click.echo(f"Error: {workbook}: {where}: {issue.message}", err=True)


def echo_warnings_line(report: Report, workbook: Path, err: bool) -> None:
    """The one line a step shows for a workbook with warnings only."""
    click.secho(f"{workbook}: {summary_line(report)} See `appraisal validate`.", fg="yellow", err=err)


def echo_counts(rows: list[tuple[str, int]]) -> None:
    """The summary table a step ends with: one label and count per line, aligned."""
    width = max(len(label) for label, _ in rows)
    for label, count in rows:
        click.echo(f"  {label:<{width}}  {count:>6}")


def print_generated(result: BatchResult, round_: Round, output: Path) -> None:
    """A generating step's lines (documents kept or failed) and summary table."""
    from pipeline.store.folder import RoundOutput
    from pipeline.store.ledger import FAILED, KEPT

    root = RoundOutput(output, round_.settings.round_id).root
    for outcome in result.outcomes:
        if outcome.status == KEPT:
            click.secho(
                f"kept     {root / outcome.path} (changed by someone; new version: {outcome.beside})",
                fg="yellow",
            )
        elif outcome.status == FAILED:
            click.secho(f"failed   {outcome.message}", fg="red", err=True)
    for path in result.pdf_failed:
        click.secho(f"failed   PDF of {root / path}", fg="red", err=True)
    echo_moved(result, root)
    labels = {"kept": "kept because edited"}
    rows = [(labels.get(status, status), count) for status, count in result.counts.items()]
    if result.moved:
        rows.append(("moved", sum(1 for m in result.moved if m.removed)))
    if result.pdf_written or result.pdf_failed:
        rows.append(("PDF written", len(result.pdf_written)))
    click.echo("")
    echo_counts(rows)
    click.echo(f"Output: {root}")


MOVED_LINES = 10  # a manager's name corrected moves every document of theirs: the first ones, then a count


def echo_moved(result: BatchResult, root: Path) -> None:
    """The documents now in another place (a name corrected, another interviewer, another language):
    each one taken from its old place, and each one kept there because a person changed it."""
    removed = [m for m in result.moved if m.removed]
    for m in removed[:MOVED_LINES]:
        click.echo(f"moved    {root / m.old} -> {root / m.new} (the old one removed)")
    if len(removed) > MOVED_LINES:
        click.echo(f"moved    ... and {len(removed) - MOVED_LINES} more")
    for m in result.moved:
        if not m.removed:
            click.secho(
                f"kept     {root / m.old} (changed by someone, so not removed; the current one is {m.new})",
                fg="yellow",
            )


def print_queued(result: BatchResult, round_: Round, output: Path) -> None:
    """The e-mails queued in the outbox: how many are new, changed or as they were, and what next."""
    from pipeline.store.folder import RoundOutput
    from pipeline.store.ledger import FAILED, UNCHANGED, UPDATED, WRITTEN

    outbox = RoundOutput(output, round_.settings.round_id).root / "outbox"
    for outcome in result.outcomes:
        if outcome.status == FAILED:
            click.secho(f"failed   {outcome.message}", fg="red", err=True)
    new, changed = result.count(WRITTEN), result.count(UPDATED)
    click.echo(
        f"\nE-mails queued in {outbox}: {new} new, {changed} changed, {result.count(UNCHANGED)} as before. "
        "`appraisal send` lists them; `appraisal send --yes` sends them."
    )


def print_collected(result: CollectResult, folder: Path) -> None:
    """A line per returned file (with its messages) and the summary table. Forms collected before and
    found as they were are listed one by one only when there are few of them (`UNCHANGED_LISTED`): HR
    keeps the returned forms in one folder all round, and a run over thousands of them would list
    every one each time; then one line counts them (`--json` lists every file)."""
    quiet = [i for i in result.files if i.status == results.UNCHANGED and not i.messages]
    skip = {id(item) for item in quiet} if len(quiet) > UNCHANGED_LISTED else set()
    lines = []  # written at once: 10,000 lines one call each were a tenth of an unchanged run
    for item in result.files:
        if id(item) in skip:
            continue
        shown = results.name_under(item.path, folder) or item.path
        who = f" [{item.employee_id}]" if item.employee_id else ""
        detail = f": {item.read}" if item.read else ""
        lines.append(click.style(f"{item.status:<10} {shown}{who}{detail}", fg=FILE_COLOURS.get(item.status)))
        lines.extend(f"           - {message}" for message in item.messages)
    if skip:
        lines.append(
            click.style(
                f"{results.UNCHANGED:<10} {len(skip):,} forms collected before, as they were (the collect report lists each)",
                fg=FILE_COLOURS.get(results.UNCHANGED),
            )
        )
    if lines:
        click.echo("\n".join(lines))
    for m in result.moved:  # relative to the round's folder, as the report's paths
        if m.removed:
            click.echo(f"moved      {m.old} -> {m.new} (the minutes filed where they now belong)")
        else:
            click.secho(f"kept       {m.old} (changed by someone, so not moved to {m.new})", fg="yellow")
    click.echo("")
    echo_counts([(label, result.count(status)) for status, label in FILE_LABELS])
    n = result.conversations_written
    if n:
        click.echo(
            f"Minutes written for {n} conversation{'' if n == 1 else 's'}, each filed in {result.places} places."
        )
    else:
        click.echo("No minutes written.")
    if result.report is not None:
        click.echo(f"Report for HR to forward: {result.report}")
    if result.report_backup is not None:
        click.echo(f"The report had been edited; that copy is kept as {result.report_backup}")
    if result.report_note:
        click.secho(f"Warning: {result.report_note}", fg="yellow")
    if result.archived:
        click.echo(
            f"Archive copies (PDF/A-2) written: {len(result.archived)}, in {result.archived[0].parents[1]}"
        )
    for copy in result.archive_failed:
        click.secho(
            f"Warning: {copy}: LibreOffice could not write it as PDF/A-2; collect with --pdf again",
            fg="yellow",
        )
    if result.archive_note:
        click.secho(f"Warning: no PDF/A-2 copies written: {result.archive_note}", fg="yellow")


def print_status(result: FollowUpResult) -> None:
    """The follow-up's warnings and the files written (or unchanged)."""
    for warning in result.warnings:
        click.secho(f"Warning: {warning}", fg="yellow")
    for path, same in zip((result.follow_up, result.leadership), result.same, strict=True):
        word = "unchanged" if same else "written"
        click.echo(f"{word:<9} {path}")
    if result.backup is not None:
        click.echo(f"previous  {result.backup}")
    copies = result.copies
    if copies.written or copies.unchanged or copies.kept:
        click.echo(
            f"managers' copies: {len(copies.written)} written, {copies.unchanged} unchanged"
            + (f", {len(copies.kept)} left as they are (see the warnings)" if copies.kept else "")
        )
        for earlier, path in copies.moved:
            click.echo(f"moved    {earlier} -> {path} (the old one removed)")
    if result.plans is not None:
        plans = result.plans
        changed = plans.count(WRITTEN) + plans.count(UPDATED)
        click.echo(
            f"employees' plans: {changed} written, {plans.count(UNCHANGED)} unchanged"
            + (f", {plans.count(KEPT)} kept because edited" if plans.count(KEPT) else "")
            + (f", {plans.count(FAILED)} failed" if plans.count(FAILED) else "")
        )
        echo_moved(plans, result.follow_up.parent)
    merged = result.counts.get("copies_merged", 0)
    if merged:
        click.echo(
            f"merged {merged} manager's cop{'y' if merged == 1 else 'ies'}: {result.counts.get('copy_edits', 0)} "
            f"change(s) taken, {result.counts.get('copy_new_rows', 0)} new row(s), {len(result.conflicts)} conflict(s)"
        )


def print_template_check(by_template: dict[Path, list[str]]) -> None:
    """Per template, `ok` or its problems."""
    for path, messages in by_template.items():
        mark = (
            click.style("ok", fg="green")
            if not messages
            else click.style(f"{len(messages)} problem(s)", fg="red")
        )
        click.echo(f"{path}: {mark}")
        for message in messages:
            click.echo(f"  {message}")


def print_validation(validation: Validation, workbook: Path) -> None:
    """`appraisal run`'s validation stage: the report, where its annotated copy went, and the goals
    carried over from the previous round."""
    print_report(validation.round, validation.report, workbook)
    if validation.report_path is not None:
        said = "Report (unchanged):" if validation.report_unchanged else "Report written to"
        click.echo(f"{said} {validation.report_path}")
        if validation.report_previous is not None:
            click.echo(f"previous  {validation.report_previous} (the report as it had been changed since)")
    print_carried(validation.carried)


def print_carried(carried: CarryOver, err: bool = False) -> None:
    """The open goals and actions carried over from the previous round (nothing when there were none)."""
    if carried.message:
        click.secho(f"Warning: {carried.message}", fg="yellow", err=err)
    if carried.carried:
        also = (
            f" ({carried.already_in_workbook} more are already on the Goals sheet)"
            if carried.already_in_workbook
            else ""
        )
        click.echo(
            f"Carried over {carried.carried} open goal(s) and action(s) from round {carried.previous}{also}.",
            err=err,
        )


def announce_stage(name: str, source: Path | None) -> None:
    """The title `appraisal run` shows as a stage after validation begins."""
    click.echo("")
    click.secho(STAGE_TITLES[name].format(source=source), bold=True)


def print_stage(stage: Stage, round_: Round, output: Path) -> None:
    """A finished stage after validation, as its own command shows it."""
    if stage.name in ("invite", "prepare"):
        print_generated(stage.result, round_, output)
    elif stage.name == "email":
        print_queued(stage.result, round_, output)
    elif stage.name == "collect":
        print_collected(stage.result, stage.source)
    else:
        print_status(stage.result)


class Bars:
    """Progress bars for the generating steps (none when output is not a terminal); the Progress
    protocol of `pipeline.run`."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, step: str):  # noqa: ANN204 - the Progress protocol of pipeline.run
        self.stop()
        self.bar = _progress(STEP_LABELS[step])
        task = None

        def on_total(total: int) -> None:
            nonlocal task
            if self.bar is not None:
                self.bar.start()
                task = self.bar.add_task(step, total=total)

        def advance(n: int) -> None:
            if self.bar is not None and task is not None:
                self.bar.advance(task, n)

        return on_total, advance

    def stop(self) -> None:
        """Take the bar off the terminal (it is transient)."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _progress(total_label: str):  # noqa: ANN202
    """A rich progress bar on a terminal; nothing when output is redirected."""
    if not sys.stdout.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn(total_label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
    )


def print_history(goal_id: str, lines: list) -> None:
    """`appraisal history`: one line per change, oldest first."""
    click.echo(f"{goal_id}: {len(lines)} change(s)")
    width = max(len(line.by) for line in lines)
    for line in lines:
        at = line.at.replace("T", " ")[:16]
        before = f"“{line.before}”" if line.before else "(empty)"
        after = f"“{line.after}”" if line.after else "(empty)"
        click.echo(f"{at}  {line.round_id}  {line.by:<{width}}  {line.column}: {before} → {after}")


# -- purge ------------------------------------------------------------------------------------------------


def print_rounds_chosen(older_than: str, cutoff: dt.date, ended: list[str], unknown: list[str]) -> None:
    """Which rounds `--older-than` chose, and those it could not judge."""
    chosen = ", ".join(ended) if ended else "none"
    click.echo(f"Rounds whose period ended {older_than} ago or more (on or before {cutoff}): {chosen}.")
    if unknown:
        click.echo(
            f"End not recorded, so not chosen (give --round to remove them): {', '.join(unknown)}. Their end "
            "is recorded the next time any step runs them."
        )


def print_round_purge(plan: RoundPurge, output: Path, removed: bool) -> None:
    """What a round's purge removed (or would remove), kept and left to HR."""
    ended = f" (ended {plan.ends_on})" if plan.ends_on else ""
    click.echo(f"\nRound {plan.round_id}{ended}")
    if not plan.anything:
        click.echo("  nothing left to remove: purged before")
        return
    verb = "removed" if removed else "remove "
    rows = plan.rows
    click.echo(f"  {verb}  {plan.folder}{'/' if plan.files else ''}: {plan.files} files, {_size(plan.size)}")
    click.echo(
        f"  {verb}  its records: {rows.get('files', 0)} files in the ledger, {rows.get('conversations', 0)} "
        f"conversations, {rows.get('events', 0)} events, {rows.get('records', 0)} other records"
    )
    click.echo(f"  kept     {plan.personnel_kept} personnel copies of the minutes, in {output / 'personnel'}")
    click.echo(f"  kept     {plan.carried_kept} open goals and actions, for the next round to carry over")
    for path in plan.open_files:
        click.echo(f"  open     {path}: close it first; nothing is removed while a file of the round is open")
    if plan.returned_forms:
        click.echo("  returned forms collect read, in your own folders (not touched: delete them when done):")
        for path in plan.returned_forms:
            click.echo(f"           {path}")


def print_personnel_purge(
    due: list[PersonnelCopy], output: Path, years: int, today: dt.date, removed: bool
) -> None:
    """The personnel copies past their retention, deleted (or to delete)."""
    click.echo(
        f"\nPersonnel copies past their retention of {years} years on {today}, in {output / 'personnel'}: {len(due)}"
    )
    verb = "deleted" if removed else "delete "
    for copy in due:
        click.echo(f"  {verb}  {copy.path} (due {copy.due})")


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


# -- remind ------------------------------------------------------------------------------------------------

REMINDER_WHAT = {
    "preparation": "prepare for the meeting",
    "minutes": "meeting-notes form due",
    "approval": "approval of the minutes due",
    "goal": "goal or action past due",
}


def print_reminders(reminders: list[Reminder], today: dt.date) -> None:
    """What is due or overdue, per person to remind, as a table."""
    if not reminders:
        click.echo(f"Nothing is due or overdue on {today}.")
        return
    width = max(len(r.to.name) for r in reminders)
    click.echo(f"{'to':<{width}}  {'what':<28} {'about':<24} {'due':<10} {'days late':>9}")
    for r in reminders:
        about = r.about.name + (f": {r.goal}" if r.goal else "")
        about = about if len(about) <= 24 else about[:23] + "…"
        late = r.days_overdue(today)
        click.echo(
            f"{r.to.name:<{width}}  {REMINDER_WHAT[r.what]:<28} {about:<24} {r.due.isoformat():<10} {late or '':>9}"
        )
    people = len({r.to.id for r in reminders})
    click.echo(
        f"\n{len(reminders)} things due or overdue, for {people} people. `appraisal remind --email` queues their reminders."
    )
