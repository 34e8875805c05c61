"""Example values for checking templates: from the user's round when it can be read, else the sample."""

from __future__ import annotations

from pathlib import Path

from pipeline.collect.minutes import example_minutes_context
from pipeline.documents.contexts import example_document_contexts as document_examples
from pipeline.errors import AppraisalError
from pipeline.followup.plans import example_plan_context
from pipeline.model import Round
from pipeline.round.reader import read_round, read_round_from_rows


def contexts_of(round_: Round) -> dict[str, dict[str, object]]:
    """Example contexts for every template kind of a round."""
    return {
        **document_examples(round_),
        "minutes": example_minutes_context(round_),
        "plan": example_plan_context(round_),
    }


def example_contexts(workbook: Path | None) -> dict[str, dict[str, object]]:
    """Contexts per template kind, from `workbook` if it has a scheduled employee, else the built-in sample.

    The sample is the example company's workbook as `appraisal init --example` writes it, read from its
    cell values in memory the way the reader reads the file.
    """
    if workbook is not None and workbook.exists():
        try:
            round_, _ = read_round(workbook)
            return contexts_of(round_)
        except (AppraisalError, ValueError):
            pass
    from pipeline.round.starter import starter_sheets

    round_, _ = read_round_from_rows(starter_sheets("nb", example=True))
    return contexts_of(round_)
