"""`appraisal schedule`: the meeting plan proposed in a copy of the workbook (`pipeline.schedule`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli import _validated_round, cli, workbook_option


@cli.command()
@workbook_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The planned copy to write (default: <workbook>-planned.xlsx beside the workbook).",
)
def schedule(workbook: Path, out: Path | None) -> None:
    """Propose a meeting for every active employee who has no row on the Schedule sheet, with their
    manager, in free working time of the round's period, and write them into a copy of the workbook.

    The new rows are marked green; the workbook itself is never changed. Review the copy, then use it
    as the round's workbook. Who could not be placed is listed, with the reason.
    """
    from pipeline import clock
    from pipeline.followup.sources import round_zone
    from pipeline.round.report import issue_line
    from pipeline.round.rules import check_workbook
    from pipeline.schedule.placing import ScheduleError, place_meetings
    from pipeline.schedule.planned import check_destination, planned_path, write_planned

    destination = out or planned_path(workbook)
    check_destination(workbook, destination)
    round_ = _validated_round(workbook)
    try:
        plan = place_meetings(round_, clock.today(round_zone(round_)))
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
        f"Placed {len(plan.placed)} meetings from {days[0]:%d.%m.%Y} to {days[-1]:%d.%m.%Y}"
        + (f"; {len(plan.unplaced)} employees not placed (above)." if plan.unplaced else ".")
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
