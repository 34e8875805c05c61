"""Returned minutes with the employee's approval filled in: read and recorded in the register."""

from __future__ import annotations

import hashlib

from pipeline.collect.results import APPROVAL_RECORDED, INCOMPLETE, REJECTED, UNCHANGED, FileResult
from pipeline.documents.contexts import document_language
from pipeline.forms import answers, fields, reading
from pipeline.forms.intake import WordFile
from pipeline.model import ERROR, Round
from pipeline.register import Approval, Register, local_day, now_stamp

APPROVAL_FIELDS = (  # their words: the texts `forms.fields.approval.*`
    fields.Field("approval.approved", "text"),
    fields.Field("approval.date", "date"),
    fields.Field("approval.comment", "text"),
)


APPROVAL_BOOKMARK_BASE = 900  # bookmark IDs of the approval fields in the minutes template


def apply_approval(round_: Round, register: Register, outcome: FileResult, word: WordFile) -> None:
    employee_id = outcome.employee_id
    conversation = register.conversations.get(employee_id)
    if conversation is None:
        outcome.status = REJECTED
        outcome.note(
            "approval-not-collected",
            "minutes for a conversation that has not been collected in this round",
            ERROR,
        )
        return
    made_from = word.properties.get("AppraisalSourceForm", "")
    if made_from and made_from != conversation.content:
        outcome.status = REJECTED
        outcome.note(
            "approval-of-earlier-minutes",
            "these minutes were made from an earlier version of the meeting-notes form; "
            "newer minutes replaced them — send the employee the current minutes",
            ERROR,
        )
        return
    found = reading.read_answers(word.document_xml, list(APPROVAL_FIELDS), "nb", word.numbering_xml)
    approved_text = found["approval.approved"].text
    date_text = found["approval.date"].text
    comment = found["approval.comment"].text
    if not approved_text and not date_text:
        outcome.status = INCOMPLETE
        outcome.note("approval-empty", "the approval is not filled in (approved yes/no and date)")
        return
    approved = answers.read_yes_no(approved_text)
    problems: list[tuple[str, str, str]] = []
    employee = round_.employee(employee_id)
    lang = document_language(employee, round_.settings) if employee else round_.settings.language
    outcome.titles = {f.key: f.title(lang) for f in APPROVAL_FIELDS}  # as the minutes show the field
    title = {key: f"“{text}”" for key, text in outcome.titles.items()}
    if approved is None:
        problems.append(
            (
                "not-yes-or-no",
                f'{title["approval.approved"]}: "{approved_text}" is not yes or no',
                "approval.approved",
            )
        )
    approval_date = None
    if date_text:
        made = local_day(conversation.collected_at)
        typed = answers.read_date(date_text, made, "after")
        if typed.date is not None and typed.exact:
            approval_date = typed.date.isoformat()
        else:
            problems.append(
                ("not-a-date", f'{title["approval.date"]}: "{date_text}" is not a date', "approval.date")
            )
    sha = hashlib.sha256(word.raw).hexdigest()
    if conversation.approval is not None and conversation.approval.sha256 == sha:
        outcome.status = UNCHANGED
        outcome.read = "approval already recorded"
        return
    if approved is None:
        outcome.status = INCOMPLETE
        for code, message, key in problems:
            outcome.note(code, message, field=key)
        return
    conversation.approval = Approval(
        approved=approved,
        date=approval_date,
        comment=comment,
        sha256=sha,
        source=str(word.path),
        recorded_at=now_stamp(),
    )
    if approved:
        register.event(employee_id, "approved")
    outcome.status = APPROVAL_RECORDED
    outcome.read = f"{'approved' if approved else 'not approved'}" + (
        f" on {approval_date}" if approval_date else ""
    )
    for code, message, key in problems:
        outcome.note(code, message, field=key)
