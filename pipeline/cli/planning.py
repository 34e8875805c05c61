"""`appraisal schedule`: the meeting plan proposed in a copy of the workbook (`pipeline.schedule`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli import _validated_round, cli, workbook_option
from pipeline.model import Round


@cli.command()
@workbook_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The planned copy to write (default: <workbook>-planned.xlsx beside the workbook).",
)
@click.option(
    "--busy",
    "busy_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A folder of calendars exported from Outlook or Google (.ics), one per interviewer: their busy times.",
)
def schedule(workbook: Path, out: Path | None, busy_dir: Path | None) -> None:
    """Propose a meeting for every active employee who has no row on the Schedule sheet, with their
    manager, in free working time of the round's period, and write them into a copy of the workbook.

    The new rows are marked green; the workbook itself is never changed. Review the copy, then use it
    as the round's workbook. Who could not be placed is listed, with the reason. With --busy, each
    interviewer's exported calendar (named by their Employee ID, or holding their e-mail) adds their
    busy times.
    """
    from pipeline import clock
    from pipeline.followup.sources import round_zone
    from pipeline.round.report_lines import issue_line
    from pipeline.round.rules import check_workbook
    from pipeline.schedule.placing import ScheduleError, place_meetings
    from pipeline.schedule.planned import check_destination, planned_path, write_planned

    destination = out or planned_path(workbook)
    check_destination(workbook, destination)
    round_ = _validated_round(workbook)
    busy = _read_busy(busy_dir, round_) if busy_dir else None
    try:
        plan = place_meetings(round_, clock.today(round_zone(round_)), busy)
    except ScheduleError as exc:
        click.echo(f"Error: {workbook}: {exc}.", err=True)
        sys.exit(1)
    if not plan.invitation_date_given:
        click.echo(
            f"The Round sheet gives no invitation_date: planned from today, {plan.invitation_date:%d.%m.%Y}."
        )
    for unplaced in plan.unplaced:
        click.secho(f"Not placed: {unplaced.reason}", fg="yellow")
    if not plan.placed:
        click.echo(
            "Nothing to place: every active employee who can be placed has a meeting. No file was written."
        )
        sys.exit(0)
    write_planned(workbook, round_, plan.placed, destination)
    days = sorted({meeting.day for meeting in plan.placed})
    click.echo(
        f"Placed {_count(len(plan.placed), 'meeting')} from {days[0]:%d.%m.%Y} to {days[-1]:%d.%m.%Y}"
        + (f"; {_count(len(plan.unplaced), 'employee')} not placed (above)." if plan.unplaced else ".")
    )
    _, report = check_workbook(destination)
    if report.errors:  # never expected: the plan keeps every rule validation checks
        for issue in report.errors:
            click.echo(issue_line(issue), err=True)
        click.echo(f"Error: the planned copy {destination} does not validate; please report this.", err=True)
        sys.exit(1)
    click.echo(
        f"Planned copy written to {destination} (new rows marked green). Review it, then use it as the round's workbook."
    )


def _read_busy(folder: Path, round_: Round) -> dict[str, list] | None:
    """The calendars' busy times, saying which file went to whom and which could not be read."""
    from pipeline.schedule.busy import read_busy
    from pipeline.schedule.placing import who_is

    if round_.settings.period_start is None or round_.settings.period_end is None:
        return None  # place_meetings says what is missing
    busy = read_busy(folder, round_)
    for path, person_id in busy.matched.items():
        click.echo(
            f"Busy times: {path} is {who_is(round_, person_id)}'s calendar ({len(busy.times[person_id])} busy times in the period)."
        )
    for path, reason in busy.skipped.items():
        click.secho(f"Not read: {path}: {reason}.", fg="yellow")
    if not busy.matched and not busy.skipped:
        click.secho(f"No .ics files in {folder}.", fg="yellow")
    return busy.times


def _count(number: int, noun: str) -> str:
    """`1 meeting`, `2 meetings`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
