"""Steps 2-3: preparation forms for employee and manager, and the meeting-notes form managers fill in.

Per active, scheduled employee, in the employee's language:
* `employees/<id>-<name>/` gets the employee's own preparation form;
* `managers/<interviewer>/<id>-<name>/` gets the manager's preparation form and the meeting-notes form.
A manager's folder holds only the forms of the employees they interview.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Unpack

from pipeline.documents.contexts import Invitation, form_context, plan_invitations
from pipeline.documents.kinds import KINDS, Step, StepOptions, run_document_step
from pipeline.model import Goal, Round
from pipeline.render.templates import TemplateSet
from pipeline.store import layout
from pipeline.store.batch import (
    BatchResult,
    Job,
    SharedContext,
    document_properties,
    record_key,
)
from pipeline.store.groups import JobGroups
from pipeline.store.ledger import Ledger, input_digest

FORM_VERSION = "2"  # the layout contract between writer and reader (docs/forms.md)


def form_properties(
    round_: Round, kind: str, invitation: Invitation, goal_ids: str, template_digest: str
) -> dict[str, str]:
    """The identity a form carries, so a returned copy is recognised whatever its file name (`goal_ids`:
    the JSON list of its goals' IDs)."""
    return {
        **document_properties(round_, kind, invitation.employee.id, template_digest),
        "AppraisalInterviewerID": invitation.interviewer.id if invitation.interviewer else "",
        "AppraisalFormVersion": FORM_VERSION,
        "AppraisalGoals": goal_ids,
    }


FORM_KINDS = ("employee_preparation", "manager_preparation", "meeting_notes")


def form_jobs(round_: Round, templates: TemplateSet, invitations: list[Invitation]) -> JobGroups:
    """The three forms of each invitation, made where they are rendered (`store.groups`)."""
    goals_by_employee: dict[str, list[Goal]] = defaultdict(list)
    for goal in round_.goals:
        goals_by_employee[goal.employee_id].append(goal)
    templates.compile(FORM_KINDS, (invitation.lang for invitation in invitations))
    settings_key = input_digest(asdict(round_.settings))
    jobs = JobGroups()
    for invitation in invitations:
        goals = goals_by_employee.get(invitation.employee.id, [])
        make = functools.partial(_invitation_forms, round_, templates, invitation, goals, settings_key)
        # no interviewer: validation refuses this round, but never put forms in a stranger's folder
        jobs.add(1 if invitation.interviewer is None else len(FORM_KINDS), make)
    return jobs


def _invitation_forms(
    round_: Round, templates: TemplateSet, invitation: Invitation, goals: list[Goal], settings_key: str
) -> list[Job]:
    """An invitation's forms: the employee's preparation form, and with an interviewer theirs and the
    meeting notes. Their inputs are hashed once for the three."""
    employee, interviewer, lang = invitation.employee, invitation.interviewer, invitation.lang
    inputs = input_digest(
        settings_key,
        record_key(employee),
        record_key(invitation.meeting),
        record_key(interviewer),
        [record_key(g) for g in goals],
        lang,
    )
    manager_folder = (
        f"{layout.manager_dir(interviewer)}/{layout.person_folder(employee)}"
        if interviewer is not None
        else None
    )
    context = SharedContext(
        functools.partial(form_context, round_, employee, invitation.meeting, interviewer, goals, lang),
        uses=1 if manager_folder is None else 3,
    )
    goal_ids = json.dumps([g.id for g in goals], ensure_ascii=False)
    jobs: list[Job] = []
    folders = (layout.employee_dir(employee), manager_folder, manager_folder)
    for kind, folder in zip(FORM_KINDS, folders, strict=True):
        if folder is None:
            continue
        template = templates.get(kind, lang)
        jobs.append(
            Job.from_template(
                f"{folder}/{KINDS[kind].file_name(lang, '.docx')}",
                kind,
                employee.id,
                template,
                inputs,
                context,
                form_properties(round_, kind, invitation, goal_ids, template.digest),
                KINDS[kind].title(lang, employee.name),
            )
        )
    return jobs


def render_forms(
    round_: Round,
    output: Path,
    templates: TemplateSet,
    **options: Unpack[StepOptions],
) -> BatchResult:
    """Steps 2-3 for a validated round: the three forms per scheduled employee."""

    only = options.get("only")

    def make_jobs(ledger: Ledger) -> JobGroups:
        return form_jobs(round_, templates, plan_invitations(round_, only))

    return run_document_step(Step.PREPARE, round_, output, templates, make_jobs, options)
