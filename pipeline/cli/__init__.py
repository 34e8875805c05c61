"""The `appraisal` command: options in, one stage function called, results printed, errors mapped to exit codes.

Exit codes: 0 done, 1 data problems or refused, 2 usage. `--debug` (anywhere on the line) shows tracebacks.
The commands are here; how their results look on a terminal is `pipeline.cli.show`. This package is
the only one that knows click.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli import show
from pipeline.errors import AppraisalError
from pipeline.model import Round
from pipeline.store.ledger import set_up_process

DEFAULT_WORKBOOK = Path("input/round.xlsx")
DEFAULT_OUTPUT = Path("output")

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
templates_option = click.option(
    "--templates",
    "-t",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of templates (<language>/<kind>.docx); default: ./templates if it exists, else the built-in ones.",
)
pdf_option = click.option(
    "--pdf", is_flag=True, help="Also write a PDF of each document (needs LibreOffice)."
)
jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: number of cores)."
)


def generating_options(command: Callable) -> Callable:
    """The options every document-generating step takes."""
    only_option = click.option("--only", help="Only these employee IDs (comma-separated).")
    for option in reversed(
        (workbook_option, output_option, templates_option, only_option, pdf_option, jobs_option)
    ):
        command = option(command)
    return command


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
@click.option("--wait", type=click.FloatRange(min=0), default=0, help="Wait up to SECONDS for another run.")
def cli(debug: bool, wait: float) -> None:
    """Run a yearly appraisal round (medarbeidersamtale) from one Excel workbook.

    Start with `appraisal init DIR --example`, then `appraisal validate` in DIR."""
    set_up_process(os.environ.get("APPRAISAL_FILE_MODE"), wait)  # owner-only files unless told otherwise


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=Path("."))
@click.option(
    "--lang",
    type=click.Choice(["nb", "nn", "en"]),
    default="nb",
    show_default=True,
    help="Language of the headers, the Instructions sheet and the drop-down values (bokmål, nynorsk, English).",
)
@click.option("--example", is_flag=True, help="Fill the workbook with a small example organisation.")
def init(directory: Path, lang: str, example: bool) -> None:
    """Create DIRECTORY/input/round.xlsx, ready to fill in, DIRECTORY/templates/ and DIRECTORY/appraisal.toml.

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
    from pipeline.round.report import write_report_workbook
    from pipeline.round.rules import check_workbook

    round_, report = check_workbook(workbook)
    if as_json:
        show.echo_json(report.to_list())
        show.echo_shape_errors(report, workbook)
    else:
        show.print_report(round_, report, workbook)
    if report_path is not None:
        write_report_workbook(workbook, report, report_path, round_.settings.language)
        if not as_json:
            click.echo(f"Report written to {report_path}")
    sys.exit(1 if report.errors else 0)


def _validated_round(workbook: Path, as_json: bool = False, output: Path | None = None) -> Round:
    """Read and validate; print the problems and refuse (exit 1) while errors remain (as JSON, the
    workbook's problems, for a command run with `--json`). With `output`, the previous round's open
    goals and actions are carried over into the round (`followup/carry.py`), and that is said."""
    from pipeline.round.remembered import check_workbook_remembered

    if output is None:
        from pipeline.round.rules import check_workbook  # the reader and rules: not for a remembered check

        round_, report = check_workbook(workbook)
    else:
        checked = check_workbook_remembered(workbook, output)
        checked.keep()  # only into an output folder already there: a refused command makes none
        round_, report = checked.round, checked.report
    if report.errors and as_json:
        show.echo_json(report.to_list())
        sys.exit(1)
    if report.errors:
        show.print_report(round_, report, workbook)
        click.echo("Nothing was produced: fix the errors above and run again.", err=True)
        sys.exit(1)
    if report.warnings:
        show.echo_warnings_line(report, workbook, err=as_json)
    if output is not None:
        from pipeline.followup.carry import carry_over

        round_, carried = carry_over(round_, output)
        show.print_carried(carried, err=as_json)
    return round_


def _parse_only(only: str | None, round_: Round) -> set[str] | None:
    """`--only`'s employee IDs; every one must be an active employee of the round."""
    if not only:
        return None
    wanted = {part.strip() for part in only.split(",") if part.strip()}
    known = {e.id for e in round_.employees if e.active}
    unknown = sorted(wanted - known)
    if unknown:
        raise click.BadParameter(f"not an active employee: {', '.join(unknown)}", param_hint="--only")
    return wanted


email_option = click.option(
    "--email",
    is_flag=True,
    help="Also queue the e-mails in OUTPUT/<round>/outbox/ (`appraisal send` sends them).",
)


@cli.command()
@generating_options
@email_option
def invite(
    workbook: Path,
    output: Path,
    templates_dir: Path | None,
    only: str | None,
    pdf: bool,
    jobs: int | None,
    email: bool,
) -> None:
    """Step 1: invitation letters and calendar invitations (.ics) per employee, and a schedule overview
    and a calendar of all their meetings per interviewer, into OUTPUT/<round>/employees/ and
    OUTPUT/<round>/managers/. `--email` also queues each employee's invitation e-mail in the outbox.

    Validates first and refuses while errors remain. Unchanged documents are not rewritten; a document
    someone edited is kept, and the new version is written beside it.
    """
    _generate("invite", workbook, output, templates_dir, only, pdf, jobs, email)


@cli.command()
@generating_options
@email_option
def prepare(
    workbook: Path,
    output: Path,
    templates_dir: Path | None,
    only: str | None,
    pdf: bool,
    jobs: int | None,
    email: bool,
) -> None:
    """Steps 2-3: per employee, their preparation form (in their folder), and for their interviewer a
    preparation form and the meeting-notes form to fill in (in OUTPUT/<round>/managers/<interviewer>/).
    `--email` queues the invitations with their forms, and each interviewer's one e-mail.

    Validates first and refuses while errors remain. Same re-run rules as `invite`.
    """
    _generate("prepare", workbook, output, templates_dir, only, pdf, jobs, email)


def _generate(
    step: str,
    workbook: Path,
    output: Path,
    templates_dir: Path | None,
    only: str | None,
    pdf: bool,
    jobs: int | None,
    email: bool = False,
) -> None:
    """One generating step (`invite` or `prepare`) with a progress bar and its summary, then (`email`)
    its e-mails queued; exit 1 when a document failed."""
    from pipeline.run import render_step

    round_ = _validated_round(workbook, output=output)
    wanted = _parse_only(only, round_)
    bars = show.Bars()
    try:
        result = render_step(
            step,
            round_,
            output,
            templates_dir=templates_dir,
            only=wanted,
            pdf=pdf,
            workers=jobs,
            progress=bars,
        )
    finally:
        bars.stop()
    show.print_generated(result, round_, output)
    if result.failed:
        sys.exit(1)
    if email:
        from pipeline.run import email_step

        queued = email_step(step, round_, output, templates_dir=templates_dir, workers=jobs)
        show.print_queued(queued, round_, output)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@workbook_option
@output_option
@templates_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print every file's outcome and problems as a JSON list."
)
@click.option("--pdf", is_flag=True, help="Also keep each personnel copy as PDF/A-2 (needs LibreOffice).")
@email_option
def collect(
    folder: Path,
    workbook: Path,
    output: Path,
    templates_dir: Path | None,
    as_json: bool,
    pdf: bool,
    email: bool,
) -> None:
    """Step 4: read every filled-in meeting-notes form (.docx) under FOLDER, write the minutes, file them
    in each employee's folder and personnel folder, and record goals, actions and approvals.

    Files are recognised by what is inside them, not by their names. Exit 0 when every file was handled
    (some may be incomplete), 1 when any was rejected or in conflict. `--json` prints, for each file, its
    outcome (`form-accepted`, `form-rejected`, ...) and then its problems, with the keys of `validate
    --json` and the file, the field and the employee ID.
    """
    from pipeline.run import collect_step

    round_ = _validated_round(workbook, as_json, output)
    result = collect_step(round_, folder, output, templates_dir=templates_dir, pdf=pdf)
    if as_json:
        show.echo_json(result.to_list())
    else:
        show.print_collected(result, folder)
    if email:
        from pipeline.run import email_step

        queued = email_step("collect", round_, output, templates_dir=templates_dir)
        if not as_json:
            show.print_queued(queued, round_, output)
    if result.failed:
        sys.exit(1)


@cli.command()
@workbook_option
@output_option
@click.option("--json", "as_json", is_flag=True, help="Print the warnings as a JSON list instead.")
@click.option(
    "--export",
    "export_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write the anonymous figures as CSV (UTF-8 with BOM) into this folder.",
)
@click.option(
    "--collect",
    "collect_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Merge the managers' follow-up copies returned in this folder (by e-mail, say).",
)
@templates_option
@click.option("--pdf", is_flag=True, help="Also write a PDF of each new or changed employee's plan.")
def status(
    workbook: Path,
    output: Path,
    as_json: bool,
    export_dir: Path | None,
    collect_dir: Path | None,
    templates_dir: Path | None,
    pdf: bool,
) -> None:
    """Step 5: write OUTPUT/<round>/follow-up.xlsx (every conversation, goal and action, with the edits
    people made kept), OUTPUT/<round>/leadership-summary.xlsx (figures only, no names) and each
    interviewer's own copy, OUTPUT/<round>/managers/<id>-<name>/oppfolging.xlsx, with only their people;
    then each employee's plan, OUTPUT/<round>/employees/<id>-<name>/mine-mal-og-tiltak.docx: their goals
    and actions as they stand now, what changed marked (`--pdf`: and a PDF of each new or changed plan).

    The managers' edits in their copies (left in their folders, or returned into the folder given to
    `--collect`) are merged three ways into HR's workbook first: a change on one side is taken, a
    change on both sides is a conflict (HR's value stays; both are listed, and on the Conflicts sheet).

    Refuses while the follow-up workbook is open in Excel or LibreOffice. `--json` prints the warnings
    (edits kept, values not understood, rows restored, ...) with the keys of `validate --json`.
    `--export DIR` writes DIR/figures.csv: the leadership summary's figures, one row per group and
    measure (round, grouping, group, measure, value, suppressed), hidden where the summary hides them.
    """
    from pipeline.followup.export import export_figures
    from pipeline.run import status_step

    round_ = _validated_round(workbook, as_json, output)
    result = status_step(
        round_,
        output,
        templates_dir=templates_dir,
        fresh=export_dir is not None,
        collect_dir=collect_dir,
        pdf=pdf,
    )
    exported = []
    if export_dir is not None and result.frames is not None:
        exported = export_figures(export_dir, round_.settings, result.frames, result.previous)
    if as_json:
        show.echo_json(result.to_list())
    else:
        show.print_status(result)
        for path in exported:
            click.echo(f"{'written':<9} {path}")


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
@pdf_option
@jobs_option
@email_option
def run(
    workbook: Path,
    output: Path,
    templates_dir: Path | None,
    notes_dir: Path | None,
    pdf: bool,
    jobs: int | None,
    email: bool,
) -> None:
    """Run every step of the round that applies, in order: validate, invite, prepare, collect (when there
    are returned forms), status (the follow-up workbook and the leadership summary).

    The validation report goes to OUTPUT/<round>/validation-report.xlsx; nothing else is produced while
    the workbook has errors.
    """
    from pipeline.run import run_round

    ok = True
    bars = show.Bars()
    stages = run_round(
        workbook,
        output,
        templates_dir=templates_dir,
        notes_dir=notes_dir,
        pdf=pdf,
        workers=jobs,
        progress=bars,
        on_start=show.announce_stage,
        email=email,
    )
    try:
        for stage in stages:
            bars.stop()
            if stage.name == "validate":
                round_ = stage.result.round
                show.print_validation(stage.result, workbook)
                if stage.failed:
                    click.echo("Fix the errors above and run again; nothing else was produced.", err=True)
                    sys.exit(1)
            else:
                show.print_stage(stage, round_, output)
                ok = ok and not stage.failed
            del stage  # let its outcomes go while the next stage runs (300,000 at 100,000 employees)
    finally:
        bars.stop()
        stages.close()  # the run's hold released now, not when Python ends (a workbook with errors exits above)
    if not ok:
        sys.exit(1)


# the commands on the output folder's records (export-state, history, purge), `send`, `templates check`
from pipeline.cli import delivery, planning, records, templates  # noqa: E402, F401  (they register themselves on `cli`)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `appraisal` command; `--debug` may stand anywhere on the line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        args = ["--debug", *(a for a in args if a != "--debug")]
    cli.main(args=args, prog_name="appraisal")
