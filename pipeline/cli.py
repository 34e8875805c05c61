"""The `appraisal` command: options in, one stage function called, results printed, errors mapped to exit codes.

Exit codes: 0 done, 1 data problems or refused, 2 usage. `--debug` (anywhere on the line) shows tracebacks.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import AppraisalError
from pipeline.model import ERROR, INFO, WARNING, Report, Round
from pipeline.round.report import issue_line, report_groups, summary_line, write_report_workbook

DEFAULT_WORKBOOK = Path("input/round.xlsx")
DEFAULT_OUTPUT = Path("output")
SEVERITY_COLOURS = {ERROR: "red", WARNING: "yellow", INFO: "cyan"}

workbook_option = click.option(
    "--workbook",
    "-w",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_WORKBOOK,
    show_default=True,
    help="The round workbook.",
)
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="Folder the round's output goes to.",
)


class AppraisalGroup(click.Group):
    """Turns AppraisalError into `Error: ...` and exit 1, and any bug into a one-line message."""

    ORDER = ("init", "validate", "invite", "prepare", "collect", "status", "run", "templates")

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Commands in the order of the round, not the alphabet."""
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: (self.ORDER.index(name) if name in self.ORDER else 99, name))

    def invoke(self, ctx: click.Context) -> object:
        debug = "--debug" in sys.argv or bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except AppraisalError as exc:
            if debug:
                traceback.print_exc()
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug of ours: say so plainly, details with --debug
            if debug:
                raise
            click.echo(
                f"Error: unexpected {type(exc).__name__}: {exc} (run again with --debug for details)",
                err=True,
            )
            ctx.exit(1)
        return None


@click.group(cls=AppraisalGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="appraisal")
@click.option("--debug", is_flag=True, help="Show the full traceback when something goes wrong.")
def cli(debug: bool) -> None:
    """Run a yearly appraisal round (medarbeidersamtale) from one Excel workbook.

    Start with `appraisal init DIR --example`, then `appraisal validate` in DIR.
    """


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=Path("."))
@click.option(
    "--lang",
    type=click.Choice(["nb", "en"]),
    default="nb",
    show_default=True,
    help="Language of the headers, the Instructions sheet and the drop-down values.",
)
@click.option("--example", is_flag=True, help="Fill the workbook with a small example organisation.")
def init(directory: Path, lang: str, example: bool) -> None:
    """Create DIRECTORY/input/round.xlsx, ready to fill in, and DIRECTORY/templates/.

    Existing files are never overwritten.
    """
    from pipeline.round.starter import init_project

    result = init_project(directory, lang=lang, example=example)
    for path in result.created:
        click.echo(f"created  {path}")
    for path in result.skipped:
        click.echo(f"kept     {path} (exists; not overwritten)")
    click.echo(
        f"\nNext: fill in {directory / 'input' / 'round.xlsx'}, then in {directory} run `appraisal validate` "
        "and `appraisal run`."
    )


def _print_report(round_: Round, report: Report, workbook: Path) -> None:
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
    _echo_structural_errors(report, workbook)


STRUCTURAL = ("missing-sheet", "missing-column", "duplicate-sheet", "required-setting")


def _echo_structural_errors(report: Report, workbook: Path) -> None:
    """Problems with the workbook's shape also get an `Error:` line on stderr naming the file."""
    for issue in report.errors:
        if issue.code in STRUCTURAL:
            where = f"sheet {issue.sheet}" if issue.sheet else "workbook"
            click.echo(f"Error: {workbook}: {where}: {issue.message}", err=True)


@cli.command()
@workbook_option
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON list instead.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a copy of the workbook with the problem cells marked (.xlsx).",
)
def validate(workbook: Path, as_json: bool, report_path: Path | None) -> None:
    """Check the round workbook and list every problem, by sheet and cell.

    Exits 0 when there are no errors (warnings allowed), 1 when there are.
    """
    from pipeline.round.rules import check_workbook

    round_, report = check_workbook(workbook)
    if as_json:
        click.echo(json.dumps(report.to_list(), ensure_ascii=False, indent=2))
        _echo_structural_errors(report, workbook)
    else:
        _print_report(round_, report, workbook)
    if report_path is not None:
        write_report_workbook(workbook, report, report_path, round_.settings.language)
        if not as_json:
            click.echo(f"Report written to {report_path}")
    sys.exit(1 if report.errors else 0)


templates_option = click.option(
    "--templates",
    "-t",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of templates (<language>/<kind>.docx); default: ./templates if it exists, else the built-in ones.",
)


def generating_options(command: Callable) -> Callable:
    """The options every document-generating step takes."""
    for option in reversed(
        (
            workbook_option,
            output_option,
            templates_option,
            click.option("--only", help="Only these employee IDs (comma-separated)."),
            click.option(
                "--pdf", is_flag=True, help="Also write a PDF of each document (needs LibreOffice)."
            ),
            click.option(
                "--jobs",
                "-j",
                type=click.IntRange(min=1),
                help="Worker processes (default: number of cores).",
            ),
        )
    ):
        command = option(command)
    return command


def _validated_round(workbook: Path, as_json: bool = False) -> Round:
    """Read and validate; print the problems and refuse (exit 1) while errors remain (as JSON, the
    workbook's problems, for a command run with `--json`)."""
    from pipeline.round.rules import check_workbook

    round_, report = check_workbook(workbook)
    if report.errors and as_json:
        click.echo(json.dumps(report.to_list(), ensure_ascii=False, indent=2))
        sys.exit(1)
    if report.errors:
        _print_report(round_, report, workbook)
        click.echo("Nothing was produced: fix the errors above and run again.", err=True)
        sys.exit(1)
    if report.warnings:
        click.secho(f"{workbook}: {summary_line(report)} See `appraisal validate`.", fg="yellow", err=as_json)
    return round_


def _parse_only(only: str | None, round_: Round) -> set[str] | None:
    if not only:
        return None
    wanted = {part.strip() for part in only.split(",") if part.strip()}
    known = {e.id for e in round_.employees if e.active}
    unknown = sorted(wanted - known)
    if unknown:
        raise click.BadParameter(f"not an active employee: {', '.join(unknown)}", param_hint="--only")
    return wanted


def _progress(total_label: str):  # noqa: ANN202
    """A rich progress bar on a terminal; nothing when output is redirected."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if not sys.stdout.isatty():
        return None
    return Progress(
        TextColumn(total_label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
    )


def _print_batch(result, root: Path) -> None:  # noqa: ANN001
    from pipeline.store.ledger import FAILED, KEPT

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
    counts = result.counts
    labels = {"kept": "kept because edited"}
    rows = [(labels.get(status, status), count) for status, count in counts.items()]
    if result.pdf_written or result.pdf_failed:
        rows.append(("PDF written", len(result.pdf_written)))
    click.echo("")
    _echo_counts(rows)
    click.echo(f"Output: {root}")


def _echo_counts(rows: list[tuple[str, int]]) -> None:
    """The summary table a step ends with: one label and count per line, aligned."""
    width = max(len(label) for label, _ in rows)
    for label, count in rows:
        click.echo(f"  {label:<{width}}  {count:>6}")


@cli.command()
@generating_options
def invite(
    workbook: Path, output: Path, templates_dir: Path | None, only: str | None, pdf: bool, jobs: int | None
) -> None:
    """Step 1: invitation letters and calendar invitations (.ics) per employee, and a schedule overview
    per interviewer, into OUTPUT/<round>/employees/ and OUTPUT/<round>/managers/.

    Validates first and refuses while errors remain. Unchanged documents are not rewritten; a document
    someone edited is kept, and the new version is written beside it.
    """
    round_ = _validated_round(workbook)
    if not _generate("invite", round_, output, templates_dir, only, pdf, jobs):
        sys.exit(1)


_STEP_LABELS = {"invite": "Writing invitations", "prepare": "Writing forms"}


class _Bars:
    """Progress bars for the generating steps (none when output is not a terminal)."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, step: str):  # noqa: ANN204 - the Progress protocol of pipeline.run
        self.stop()
        self.bar = _progress(_STEP_LABELS[step])
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
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _generate(
    step: str,
    round_: Round,
    output: Path,
    templates_dir: Path | None,
    only: str | None,
    pdf: bool,
    jobs: int | None,
) -> bool:
    """Run one generating step (`invite` or `prepare`) with a progress bar and its summary; True if all went well."""
    from pipeline.documents.invite import render_invitations
    from pipeline.documents.prepare import render_forms
    from pipeline.render.templates import TemplateSet, resolve_template_folder
    from pipeline.store.batch import default_workers

    stage = {"invite": render_invitations, "prepare": render_forms}[step]
    wanted = _parse_only(only, round_)
    templates = TemplateSet(resolve_template_folder(templates_dir), round_.settings.language)
    bars = _Bars()
    on_total, advance = bars(step)
    try:
        result = stage(
            round_,
            output,
            templates,
            only=wanted,
            workers=jobs or default_workers(),
            pdf=pdf,
            progress=advance,
            on_total=on_total,
        )
    finally:
        bars.stop()
    return _print_generated(result, round_, output)


def _print_generated(result, round_: Round, output: Path) -> bool:  # noqa: ANN001
    """A generating step's lines and summary; True if all went well."""
    from pipeline.store import layout
    from pipeline.store.ledger import FAILED

    _print_batch(result, layout.round_folder(output, round_.settings.round_id))
    return not (result.count(FAILED) or result.pdf_failed)


@cli.command()
@generating_options
def prepare(
    workbook: Path, output: Path, templates_dir: Path | None, only: str | None, pdf: bool, jobs: int | None
) -> None:
    """Steps 2-3: per employee, their preparation form (in their folder), and for their interviewer a
    preparation form and the meeting-notes form to fill in (in OUTPUT/<round>/managers/<interviewer>/).

    Validates first and refuses while errors remain. Same re-run rules as `invite`.
    """
    round_ = _validated_round(workbook)
    if not _generate("prepare", round_, output, templates_dir, only, pdf, jobs):
        sys.exit(1)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@workbook_option
@output_option
@templates_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print every file's outcome and problems as a JSON list."
)
def collect(folder: Path, workbook: Path, output: Path, templates_dir: Path | None, as_json: bool) -> None:
    """Step 4: read every filled-in meeting-notes form (.docx) under FOLDER, write the minutes, file them
    in each employee's folder and personnel folder, and record goals, actions and approvals.

    Files are recognised by what is inside them, not by their names. Exit 0 when every file was handled
    (some may be incomplete), 1 when any was rejected or in conflict. `--json` prints, for each file, its
    outcome (`form-accepted`, `form-rejected`, ...) and then its problems, with the keys of `validate
    --json` and the file, the field and the employee ID.
    """
    round_ = _validated_round(workbook, as_json)
    if not _collect(round_, folder, output, templates_dir, as_json):
        sys.exit(1)


def _collect(
    round_: Round, folder: Path, output: Path, templates_dir: Path | None, as_json: bool = False
) -> bool:
    """Collect one folder of returned forms and print a line per file and a summary; True unless a file
    was rejected or in conflict."""
    from pipeline.collect import step
    from pipeline.render.templates import TemplateSet, resolve_template_folder
    from pipeline.store.batch import default_workers

    templates = TemplateSet(resolve_template_folder(templates_dir), round_.settings.language)
    result = step.collect_forms(round_, folder, output, templates, workers=default_workers())
    if as_json:
        click.echo(json.dumps(result.to_list(), ensure_ascii=False, indent=2))
        return not result.failed
    return _print_collected(result, folder)


def _print_collected(result, folder: Path) -> bool:  # noqa: ANN001
    """A line per returned file and a summary; True unless a file was rejected or in conflict."""
    from pipeline.collect import results

    colours = {
        results.ACCEPTED: "green",
        results.REPLACED: "green",
        results.APPROVAL_RECORDED: "green",
        results.INCOMPLETE: "yellow",
        results.REJECTED: "red",
        results.CONFLICT: "red",
    }
    for item in result.files:
        try:
            shown = item.path.relative_to(folder)
        except ValueError:
            shown = item.path
        who = f" [{item.employee_id}]" if item.employee_id else ""
        detail = f": {item.read}" if item.read else ""
        click.secho(f"{item.status:<10} {shown}{who}{detail}", fg=colours.get(item.status))
        for message in item.messages:
            click.echo(f"           - {message}")
    click.echo("")
    labels = [
        (results.ACCEPTED, "accepted"),
        (results.REPLACED, "replaced earlier reading"),
        (results.APPROVAL_RECORDED, "approvals recorded"),
        (results.INCOMPLETE, "incomplete"),
        (results.UNCHANGED, "unchanged"),
        (results.DUPLICATE, "duplicate"),
        (results.CONFLICT, "conflict"),
        (results.REJECTED, "rejected"),
        (results.SKIPPED, "skipped"),
    ]
    _echo_counts([(label, result.count(status)) for status, label in labels])
    click.echo(f"Minutes written: {len(result.minutes_written)}")
    return not result.failed


@cli.command()
@workbook_option
@output_option
@click.option("--json", "as_json", is_flag=True, help="Print the warnings as a JSON list instead.")
def status(workbook: Path, output: Path, as_json: bool) -> None:
    """Step 5: write OUTPUT/<round>/follow-up.xlsx (every conversation, goal and action, with the edits
    people made kept) and OUTPUT/<round>/leadership-summary.xlsx (figures only, no names).

    Refuses while the follow-up workbook is open in Excel or LibreOffice. `--json` prints the warnings
    (edits kept, values not understood, rows restored, ...) with the keys of `validate --json`.
    """
    round_ = _validated_round(workbook, as_json)
    _status(round_, output, as_json)


def _status(round_: Round, output: Path, as_json: bool = False) -> None:
    from pipeline.followup.step import write_follow_up

    result = write_follow_up(round_, output)
    if as_json:
        click.echo(json.dumps(result.to_list(), ensure_ascii=False, indent=2))
        return
    _print_status(result)


def _print_status(result) -> None:  # noqa: ANN001
    for warning in result.warnings:
        click.secho(f"Warning: {warning}", fg="yellow")
    word = "unchanged" if result.unchanged else "written"
    click.echo(f"{word:<9} {result.follow_up}")
    click.echo(f"{word:<9} {result.leadership}")
    if result.backup is not None:
        click.echo(f"previous  {result.backup}")


@cli.command("export-state")
@workbook_option
@output_option
@click.option("--round", "round_id", help="The round to export (default: the workbook's round).")
@click.argument("destination", required=False, type=click.Path(path_type=Path, dir_okay=False))
def export_state(workbook: Path, output: Path, round_id: str | None, destination: Path | None) -> None:
    """Write the round's register (every collected conversation: answers, goals and actions, reviews,
    approval) as JSON to DESTINATION, or to standard output.

    The register lives in OUTPUT/.appraisal/state.sqlite; this is the way to read it without SQLite.
    """
    from pipeline.register import Register
    from pipeline.store import layout
    from pipeline.store.ledger import atomic_write_bytes

    if round_id is None:
        from pipeline.round.reader import read_round

        round_id = read_round(workbook)[0].settings.round_id
        if not round_id:
            raise click.UsageError("the workbook names no round; give --round")
    root = layout.round_folder(output, round_id)
    if not root.is_dir():
        raise click.ClickException(f"{root}: no such round in {output} (run the round's steps first).")
    text = Register(root).export_json()
    if destination is None:
        click.echo(text)
    else:
        atomic_write_bytes(destination, text.encode("utf-8") + b"\n")
        click.echo(f"written   {destination}")


@cli.group()
def templates() -> None:
    """Work with the document templates."""


@templates.command("check")
@templates_option
@workbook_option
def templates_check(templates_dir: Path | None, workbook: Path) -> None:
    """List, per template, Jinja syntax errors (with the line) and variables the documents do not provide.

    Uses the round workbook for example values when it exists, else built-in examples.
    """
    from pipeline.documents.examples import example_contexts
    from pipeline.render.templates import TemplateSet, check_templates, resolve_template_folder

    folder = resolve_template_folder(templates_dir)
    checked, problems = check_templates(TemplateSet(folder), example_contexts(workbook))
    by_template: dict[Path, list[str]] = {}
    for problem in problems:
        by_template.setdefault(problem.template, []).append(problem.message)
    for path in checked + [p for p in by_template if p not in checked]:
        messages = by_template.get(path, [])
        mark = (
            click.style("ok", fg="green")
            if not messages
            else click.style(f"{len(messages)} problem(s)", fg="red")
        )
        click.echo(f"{path}: {mark}")
        for message in messages:
            click.echo(f"  {message}")
    if problems:
        sys.exit(1)


@cli.command()
@workbook_option
@output_option
@templates_option
@click.option(
    "--notes",
    "notes_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of returned forms to collect (default: notes/ beside the workbook, if it exists).",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF of each document (needs LibreOffice).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: number of cores).")
def run(
    workbook: Path,
    output: Path,
    templates_dir: Path | None,
    notes_dir: Path | None,
    pdf: bool,
    jobs: int | None,
) -> None:
    """Run every step of the round that applies, in order: validate, invite, prepare, collect (when there
    are returned forms), status (the follow-up workbook and the leadership summary).

    The validation report goes to OUTPUT/<round>/validation-report.xlsx; nothing else is produced while
    the workbook has errors.
    """
    from pipeline.run import run_round

    titles = {
        "invite": "Step 1: invitations",
        "prepare": "Steps 2-3: preparation and meeting-notes forms",
        "collect": "Step 4: collecting returned forms from {source}",
        "status": "Step 5: follow-up",
    }

    def announce(name: str, source: Path | None) -> None:
        click.echo("")
        click.secho(titles[name].format(source=source), bold=True)

    ok = True
    bars = _Bars()
    stages = run_round(
        workbook,
        output,
        templates_dir=templates_dir,
        notes_dir=notes_dir,
        pdf=pdf,
        workers=jobs,
        progress=bars,
        on_start=announce,
    )
    try:
        for stage in stages:
            bars.stop()
            if stage.name == "validate":
                checked = stage.result
                round_ = checked.round
                _print_report(round_, checked.report, workbook)
                if checked.report_path is not None:
                    click.echo(f"Report written to {checked.report_path}")
                if checked.report.errors:
                    click.echo("Fix the errors above and run again; nothing else was produced.", err=True)
                    sys.exit(1)
            elif stage.name in ("invite", "prepare"):
                ok = _print_generated(stage.result, round_, output) and ok
            elif stage.name == "collect":
                ok = _print_collected(stage.result, stage.source) and ok
            else:
                _print_status(stage.result)
    finally:
        bars.stop()
    if not ok:
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `appraisal` command; `--debug` may stand anywhere on the line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        args = ["--debug", *(a for a in args if a != "--debug")]
    cli.main(args=args, prog_name="appraisal")
