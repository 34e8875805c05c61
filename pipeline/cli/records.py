"""The commands on the output folder's records: `export-state`, `history` and `purge` (retention)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from pipeline.cli import cli, output_option, show, workbook_option


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
    from pipeline.register import export_register

    if round_id is None:
        from pipeline.round.reader import read_round

        round_id = read_round(workbook)[0].settings.round_id
        if not round_id:
            raise click.UsageError("the workbook names no round; give --round")
    text = export_register(output, round_id, destination)
    click.echo(text if destination is None else f"written   {destination}")


@cli.command("history")
@workbook_option
@output_option
@click.argument("goal_id")
def history_command(workbook: Path, output: Path, goal_id: str) -> None:
    """Print every recorded change of the goal or action GOAL_ID, in every round of OUTPUT: when, in
    which round, by whom (HR, the sources, or the manager whose copy it came from), the column, and
    the value before and after. Exit 1 when no change of it is recorded.
    """
    from pipeline.followup.history import goal_history

    names: dict[str, str] = {}
    if workbook.exists():
        from pipeline.round.reader import read_round

        names = {e.id: e.name for e in read_round(workbook)[0].employees}
    lines = goal_history(output, goal_id, "en", names)
    if not lines:
        click.echo(f"No change of {goal_id} is recorded in {output}.", err=True)
        sys.exit(1)
    show.print_history(goal_id, lines)


@cli.command()
@output_option
@click.option("--round", "round_ids", multiple=True, help="A round to remove (may be given more than once).")
@click.option(
    "--older-than", help="Every round whose period ended at least this long ago: 5y, 18m, 6w, 400d."
)
@click.option(
    "--personnel", is_flag=True, help="Delete the personnel copies past retention_years (appraisal.toml)."
)
@click.option("--dry-run", is_flag=True, help="Only list what would be removed (the default without --yes).")
@click.option("--yes", is_flag=True, help="Remove what is listed.")
def purge(
    output: Path,
    round_ids: tuple[str, ...],
    older_than: str | None,
    personnel: bool,
    dry_run: bool,
    yes: bool,
) -> None:
    """Retention: remove whole rounds (their folder OUTPUT/<round> and their records) and personnel
    copies of the minutes past their retention. Lists what it would remove until --yes is given.

    A round's purge keeps the personnel copies of its minutes, and the goals and actions still open that
    the next round carries over. The forms HR collected from its own folders are listed, not touched.
    """
    from pipeline import clock
    from pipeline.install import read_installation
    from pipeline.retention.purge import add_offset, parse_duration, rounds_ended_before

    if dry_run and yes:
        raise click.UsageError("give --dry-run or --yes, not both")
    if not (round_ids or older_than or personnel):
        raise click.UsageError("say what to purge: --round ROUND, --older-than DURATION or --personnel")
    today = clock.today()
    years = read_installation().retention_years if personnel else None  # a bad file stops before anything
    chosen = list(dict.fromkeys(round_ids))
    if older_than:
        cutoff = add_offset(today, parse_duration(older_than), sign=-1)
        ended, unknown = rounds_ended_before(output, cutoff)
        show.print_rounds_chosen(older_than, cutoff, ended, unknown)
        chosen += [r for r in ended if r not in chosen]
    failed = False
    for round_id in chosen:
        failed = _purge_round(output, round_id, yes) or failed
    if personnel:
        failed = _purge_personnel(output, years, today, yes) or failed
    if not yes:
        click.echo("\nNothing was removed. Run again with --yes to remove what is listed.")
    if failed:
        sys.exit(1)


def _purge_round(output: Path, round_id: str, yes: bool) -> bool:
    """Purge one round (or list what that would do); True when there is no such round."""
    from pipeline.retention.purge import purge_round

    plan = purge_round(output, round_id, apply=yes)
    if not plan.anything and plan.ends_on is None:
        click.echo(f"Error: {output} has no round {round_id!r}.", err=True)
        return True
    show.print_round_purge(plan, output, yes)
    return False


def _purge_personnel(output: Path, years: int | None, today: dt.date, yes: bool) -> bool:
    """Delete (or list) the personnel copies past retention; True when the retention is not set."""
    from pipeline.install import config_path
    from pipeline.retention.purge import purge_personnel

    if years is None:
        click.echo(
            f"Error: retention_years is not set: put `retention_years = N` (whole years) in {config_path()} "
            "before purging personnel copies; `appraisal init` writes that file with the setting explained.",
            err=True,
        )
        return True
    due = purge_personnel(output, years, today, apply=yes)
    show.print_personnel_purge(due, output, years, today, yes)
    return False
