"""Example values for checking templates: from the user's round when it can be read, else the sample."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline.collect.minutes import example_minutes_context
from pipeline.documents.contexts import example_document_contexts as document_examples
from pipeline.errors import AppraisalError
from pipeline.model import Round
from pipeline.round.reader import read_round


def contexts_of(round_: Round) -> dict[str, dict[str, object]]:
    """Example contexts for every template kind of a round."""
    return {**document_examples(round_), "minutes": example_minutes_context(round_)}


def example_contexts(workbook: Path | None) -> dict[str, dict[str, object]]:
    """Contexts per template kind, from `workbook` if it has a scheduled employee, else the built-in sample."""
    if workbook is not None and workbook.exists():
        try:
            round_, _ = read_round(workbook)
            return contexts_of(round_)
        except (AppraisalError, ValueError):
            pass
    from pipeline.round.starter import write_starter_workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.xlsx"
        write_starter_workbook(path, "nb", example=True)
        round_, _ = read_round(path)
    return contexts_of(round_)
