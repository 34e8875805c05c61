"""`appraisal templates check`: the documents' and the e-mails' templates, checked."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.cli import cli, show, templates_option, workbook_option


@cli.group()
def templates() -> None:
    """Work with the document templates."""


@templates.command("check")
@templates_option
@workbook_option
def templates_check(templates_dir: Path | None, workbook: Path) -> None:
    """List, per template (documents and e-mails), Jinja syntax errors (with the line) and variables the
    documents do not provide.

    Uses the round workbook for example values when it exists, else built-in examples.
    """
    from pipeline.documents.examples import example_contexts
    from pipeline.mail.templates import check_email_templates
    from pipeline.render.checking import check_templates, problems_by_template
    from pipeline.render.templates import TemplateSet, resolve_template_folder

    folder = resolve_template_folder(templates_dir)
    examples = example_contexts(workbook)
    checked, problems = check_templates(TemplateSet(folder), examples)
    mails = {
        "invitation_email": {**examples["invitation"], "preparation_form": True},
        "cancellation_email": examples["invitation"],
        "interviewer_email": {**examples["overview"], "form_count": "4"},
        "minutes_email": {**examples["invitation"], "approval_due": "15. februar 2027"},
        "reminder_email": {
            "person": examples["invitation"]["employee"],
            "round": examples["invitation"]["round"],
            "items": [
                {
                    "what": what,
                    "about": "Kari Nordmann",
                    "due": "15. februar 2027",
                    "days_overdue": "3",
                    "goal": "Mål",
                }
                for what in ("preparation", "minutes", "approval", "goal")
            ],
        },
    }
    more, more_problems = check_email_templates(folder, mails, ("nb", "en", "nn"))
    checked, problems = checked + more, problems + more_problems
    show.print_template_check(problems_by_template(checked, problems))
    if problems:
        sys.exit(1)
