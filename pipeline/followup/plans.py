"""Each employee's own plan through the year (issue 25): `employees/<id>-<name>/mine-mal-og-tiltak.docx`.

`appraisal status` writes, after the follow-up's merge, one document per employee with at least one
goal or action (not for those who have left), in the employee's language, from the template
`plan.docx`: the employee's goals and actions of this round and the ones still open from earlier
rounds, as they stand in HR's follow-up workbook after the merge (so a manager's update through their
copy reaches the plan), with overdue items marked as the follow-up marks them, and what changed since
the previous version marked (new, new status, new due date, done). It holds nothing about anyone else.

The documents go through the ledger like every document (`store.batch.run_batch`, step `status`): a
plan whose content did not change is not rewritten, and one a person edited is never overwritten. To
mark what changed, the state database keeps, per employee, the items of the version written and of the
one before it (document `employee-plans`); a version is compared with the one before it, so running
`status` again with nothing changed gives the same document, marks and date included.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from pathlib import Path

from pipeline import clock, texts
from pipeline.documents.contexts import (
    document_language,
    person_context,
    round_context,
    status_labels,
    type_labels,
)
from pipeline.documents.kinds import KINDS, Step, written_by
from pipeline.followup.columns import COUNTED_GOAL_SOURCES, Row
from pipeline.model import Employee, Round
from pipeline.render import locale
from pipeline.render.templates import TemplateSet
from pipeline.store import layout
from pipeline.store.batch import BatchResult, Job, document_properties, record_key, run_batch
from pipeline.store.folder import RoundOutput
from pipeline.store.groups import JobGroups
from pipeline.store.ledger import FAILED, KEPT, Ledger
from pipeline.store.state import State

KIND = "plan"
STATE_NAME = "employee-plans"
FINISHED = ("done", "cancelled")


def plan_items(round_: Round, goal_rows: list[Row]) -> dict[str, list[dict[str, object]]]:
    """Per employee, their goals and actions as the plan lists them (JSON values, canonical keys): this
    round's, and earlier ones that were still open when the round began; in the follow-up's order."""
    round_id = round_.settings.round_id
    at_start = {g.id: g.status for g in round_.goals}
    items: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in goal_rows:
        values = row.values
        employee_id = str(values.get("employee_id") or "")
        goal_id = str(values.get("goal_id") or row.key)
        if row.source not in COUNTED_GOAL_SOURCES or not employee_id:  # not removed, nor without an ID
            continue
        if str(values.get("agreed_in") or "") != round_id and at_start.get(goal_id) in FINISHED:
            continue  # done or cancelled before this round
        due = values.get("due")
        items[employee_id].append(
            {
                "id": goal_id,
                "type": str(values.get("type") or ""),
                "description": str(values.get("description") or ""),
                "measure": str(values.get("measure") or ""),
                "responsible": str(values.get("responsible") or ""),
                "due": due.isoformat() if isinstance(due, dt.date) else "",
                "status": str(values.get("status") or ""),
                "progress": values.get("progress") if isinstance(values.get("progress"), int) else None,
                "comment": str(values.get("comment") or ""),
                "overdue": bool(values.get("overdue")),
            }
        )
    return dict(items)


def write_plans(
    round_: Round,
    output: Path,
    templates: TemplateSet,
    goal_rows: list[Row],
    today: dt.date,
    *,
    workers: int = 1,
    pdf: bool = False,
) -> BatchResult:
    """Write (or leave as they are) the plans of every employee with a goal or action."""
    folder = RoundOutput.for_round(round_, output)
    state = State(output)
    record = state.document(round_.settings.round_id, STATE_NAME)
    known: dict[str, dict] = record if isinstance(record, dict) else {}
    versions: dict[str, dict] = {}
    items = plan_items(round_, goal_rows)

    def make_jobs(ledger: Ledger) -> JobGroups:
        jobs = JobGroups()  # each plan's job made where it is rendered
        planned = []
        for employee in round_.employees:
            own = items.get(employee.id)
            if not own or employee.status == "left":
                continue
            versions[employee.id] = version = _version(known.get(employee.id), own, today)
            jobs.add(1, functools.partial(_job, round_, templates, employee, version))
            planned.append(employee)
        templates.compile((KIND,), (document_language(e, round_.settings) for e in planned))
        return jobs

    result = run_batch(
        folder, Step.STATUS.value, make_jobs, workers=workers, pdf=pdf, kinds=written_by(Step.STATUS)
    )
    for outcome in result.outcomes:
        if outcome.status not in (FAILED, KEPT) and outcome.employee_id in versions:
            known[outcome.employee_id] = versions[outcome.employee_id]
    state.put_document(round_.settings.round_id, STATE_NAME, known)
    return result


def _version(known: dict | None, items: list[dict[str, object]], today: dt.date) -> dict:
    """This version of a plan: its items, the previous version's (what the marks compare with; None for
    the first) and the day it is current as of. The same items as the version on record keep its
    previous version and its date, so that nothing changes."""
    if known and known.get("items") == items:
        return known
    return {"items": items, "before": known.get("items") if known else None, "as_of": today.isoformat()}


def _job(round_: Round, templates: TemplateSet, employee: Employee, version: dict) -> tuple[Job]:
    lang = document_language(employee, round_.settings)
    template = templates.get(KIND, lang)
    properties = document_properties(round_, KIND, employee.id, template.digest)
    title = KINDS[KIND].title(lang, employee.name)
    context = functools.partial(plan_context, round_, employee, version, lang)
    job = Job.from_template(
        f"{layout.employee_dir(employee)}/{KINDS[KIND].file_name(lang, '.docx')}",
        KIND,
        employee.id,
        template,
        # the employee's whole record: the template may show any of their facts (`person_context`)
        (round_context(round_.settings, lang), record_key(employee), version, lang),
        context,
        properties,
        title,
    )
    return (job,)


def plan_context(round_: Round, employee: Employee, version: dict, lang: str) -> dict[str, object]:
    """Everything the plan template may use: the round, the employee, the date it is current as of, and
    its items, each with its words in `lang`, an overdue word and what changed."""
    before = {item["id"]: item for item in version.get("before") or []}
    compare = version.get("before") is not None  # the first version marks nothing
    words = texts.section(lang, "plan")
    statuses, types = status_labels(lang), type_labels(lang)
    rows = []
    for item in version["items"]:
        status = str(item["status"])
        progress = item["progress"]
        rows.append(
            {
                "id": item["id"],
                "type": types.get(str(item["type"]), str(item["type"])),
                "description": item["description"],
                "detail": item["measure"] or item["responsible"],
                "due": _date(str(item["due"]), lang) or words["no_due"],
                "status": statuses.get(status, status)
                + (f" ({progress} %)" if progress is not None and status == "in_progress" else ""),
                "comment": item["comment"],
                "overdue": words["overdue"] if item["overdue"] else "",
                "change": _change(item, before.get(str(item["id"])), lang) if compare else "",
            }
        )
    return {
        "round": round_context(round_.settings, lang),
        "employee": person_context(employee),
        "as_of": locale.medium_date(dt.date.fromisoformat(version["as_of"]), lang),
        "items": rows,
        "changed": any(row["change"] for row in rows),
    }


def _change(item: dict, before: dict | None, lang: str) -> str:
    """What changed in an item since the previous version, in words ("" for nothing)."""
    words = texts.section(lang, "plan")
    if before is None:
        return words["mark_new"]
    marks = []
    if item["status"] != before.get("status"):
        statuses = status_labels(lang)
        if item["status"] == "done":
            marks.append(words["mark_done"])
        else:
            old = str(before.get("status") or "")
            marks.append(words["mark_status"].format(old=statuses.get(old, old) or "–"))
    if item["due"] != before.get("due"):
        marks.append(words["mark_due"].format(old=_date(str(before.get("due") or ""), lang) or "–"))
    return "; ".join(marks)


def _date(iso: str, lang: str) -> str:
    return locale.short_date(dt.date.fromisoformat(iso), lang) if iso else ""


def example_plan_context(round_: Round) -> dict[str, object]:
    """A real plan context for `templates check`: the first employee with goals in the workbook, their
    goals as the Goals sheet has them, compared with a version before it without the first."""
    by_employee: dict[str, list] = defaultdict(list)
    for goal in round_.goals:
        by_employee[goal.employee_id].append(goal)
    employee = next((e for e in round_.employees if by_employee.get(e.id)), round_.employees[0])
    items = [
        {
            "id": g.id, "type": g.type, "description": g.description, "measure": g.measure,
            "responsible": g.responsible, "due": g.due.isoformat() if g.due else "", "status": g.status,
            "progress": g.progress, "comment": g.comment, "overdue": False,
        }
        for g in by_employee.get(employee.id, [])
    ]  # fmt: skip
    version = {"items": items, "before": items[1:], "as_of": clock.today().isoformat()}
    return plan_context(round_, employee, version, document_language(employee, round_.settings))
