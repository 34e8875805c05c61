"""`appraisal send` (the round's outbox delivered over SMTP, `pipeline.mail.send`) and `appraisal remind`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli import cli, email_option, output_option, show, templates_option, workbook_option


@cli.command()
@workbook_option
@output_option
@click.option("--round", "round_id", help="The round whose outbox to send (default: the workbook's round).")
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The installation's settings (default: ./appraisal.toml).",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be sent (the default without --yes).")
@click.option("--yes", is_flag=True, help="Send what is listed.")
@click.option("--to-self", metavar="ADDRESS", help="Send every message to ADDRESS instead, as a rehearsal.")
@click.option("--resend-uncertain", is_flag=True, help="Also send the messages a killed run left uncertain.")
def send(
    workbook: Path,
    output: Path,
    round_id: str | None,
    config: Path | None,
    dry_run: bool,
    yes: bool,
    to_self: str | None,
    resend_uncertain: bool,
) -> None:
    """Send the e-mails queued in OUTPUT/<round>/outbox/ through the SMTP server of appraisal.toml's
    [smtp] section: each version of a message to each recipient once. Lists them until --yes is given.

    Every message sent is recorded; a re-run sends only what is still queued. A message a killed run
    may or may not have delivered is listed as uncertain and not sent again unless --resend-uncertain.
    """
    from pipeline.install import config_path, read_installation
    from pipeline.mail.send import outbox_messages, send_outbox

    if dry_run and yes:
        raise click.UsageError("give --dry-run or --yes, not both")
    round_id = round_id or _workbook_round(workbook)
    installation = read_installation(config)
    queued, found = outbox_messages(output, round_id, to_self)
    if not yes:
        _list(queued, found, to_self, resend_uncertain)
        click.echo("\nNothing was sent. Run again with --yes to send what is listed.")
        return
    if installation.smtp is None:
        click.echo(
            f"Error: no [smtp] section in {config or config_path()}: say there how to reach the mail server "
            "(`appraisal init` writes the file with every setting explained); nothing was sent.",
            err=True,
        )
        sys.exit(1)
    result = send_outbox(
        output, round_id, installation.smtp, to_self=to_self, resend_uncertain=resend_uncertain,
        on_sent=lambda m: click.echo(f"{'rehearsed' if to_self else 'sent':<9} {m.path.name} to {to_self or ', '.join(m.recipients)}"),
    )  # fmt: skip
    for message in result.failed:
        click.secho(
            f"failed    {message.path} to {', '.join(message.recipients)}: {message.detail}", fg="red"
        )
    for path, why in result.unreadable:
        click.secho(f"not sent  {path}: {why}", fg="yellow")
    _uncertain(result.uncertain)
    verb = "rehearsed" if to_self else "sent"
    click.echo(f"\n{len(result.sent)} {verb}, {len(result.failed)} failed, {result.already} sent before.")
    if result.failed:
        sys.exit(1)


def _list(queued, found, to_self: str | None, resend_uncertain: bool) -> None:  # noqa: ANN001
    """What `send --yes` would do."""
    for message in queued + (found.uncertain if resend_uncertain else []):
        click.echo(
            f"send      {message.path} to {to_self or ', '.join(message.recipients)}: {message.subject}"
        )
    if not resend_uncertain:
        _uncertain(found.uncertain)
    for message in found.failed:
        click.echo(f"failed    {message.path}: {message.detail} (fix the address; a new version is queued)")
    for path, why in found.unreadable:
        click.echo(f"not sent  {path}: {why}")
    for path in found.edited_beside:
        click.echo(
            f"not sent  {path}: the tool's new version of a draft someone edited; the edited one is sent"
        )
    click.echo(f"\n{len(queued)} to send, {len(found.uncertain)} uncertain, {found.already} sent before.")


def _uncertain(messages) -> None:  # noqa: ANN001
    for message in messages:
        click.secho(
            f"uncertain {message.path}: a run was stopped while the server took it; it may have arrived. Ask "
            "the recipient; `appraisal send --yes --resend-uncertain` sends it again.",
            fg="yellow",
        )


def _workbook_round(workbook: Path) -> str:
    from pipeline.round.reader import read_round

    round_id = read_round(workbook)[0].settings.round_id
    if not round_id:
        raise click.UsageError("the workbook names no round; give --round")
    return round_id


@cli.command()
@workbook_option
@output_option
@templates_option
@email_option
def remind(workbook: Path, output: Path, templates_dir: Path | None, email: bool) -> None:
    """List what is due or overdue in the round, and for whom: preparation before a meeting, meeting-notes
    forms and approvals past their deadline, goals and actions past their due date.

    --email queues one reminder per person in the outbox (`appraisal send` sends them), never of the
    same thing twice within the Round sheet's reminder_interval_days.
    """
    from pipeline import clock
    from pipeline.cli import _validated_round
    from pipeline.followup.sources import round_zone
    from pipeline.mail.outbox import queue_reminders
    from pipeline.mail.remind import find_reminders, not_reminded_lately, remember_reminded
    from pipeline.render.templates import resolve_template_folder
    from pipeline.store.batch import default_workers

    round_ = _validated_round(workbook, output=output)
    today = clock.today(round_zone(round_))
    reminders = find_reminders(round_, output, today)
    show.print_reminders(reminders, today)
    if email:
        due = not_reminded_lately(reminders, output, round_, today)
        folder = resolve_template_folder(templates_dir)
        queued = queue_reminders(round_, output, folder, due, today, workers=default_workers())
        remember_reminded(due, output, round_, today)
        if len(due) < len(reminders):
            click.echo(
                f"{len(reminders) - len(due)} reminded of within the last reminder_interval_days: left out."
            )
        show.print_queued(queued, round_, output)
