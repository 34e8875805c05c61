"""A validation report's words: the lines the terminal shows (English), and each problem's message and
severity in the round's language. Apart from `round.report`, which writes the annotated workbook, so
that printing a report does not load openpyxl (issue 16: a command loads what it uses)."""

from __future__ import annotations

from collections import Counter

from pipeline import texts
from pipeline.model import ERROR, INFO, WARNING, Problem, Report

SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}


def summary_line(report: Report) -> str:
    """`1 error, 0 warnings.` (and notes when there are any), or `No problems found.`"""
    counts = Counter(issue.severity for issue in report.issues)
    if not counts:
        return "No problems found."
    parts = []
    for severity, word in ((ERROR, "error"), (WARNING, "warning"), (INFO, "note")):
        n = counts.get(severity, 0)
        if n or severity != INFO:
            parts.append(f"{n} {word}{'' if n == 1 else 's'}")
    return ", ".join(parts) + "."


def report_groups(report: Report) -> list[tuple[str, list[Problem]]]:
    """The issues grouped by sheet, in the order the sheets first appear in the report."""
    groups: dict[str, list[Problem]] = {}
    for issue in report.issues:
        groups.setdefault(issue.sheet or "(workbook)", []).append(issue)
    return list(groups.items())


def issue_line(issue: Problem) -> str:
    """One line: where, severity, header and message, code last (`Ansatte!E14  error  E-post: ...`)."""
    column = f"{issue.column}: " if issue.column and not issue.message.startswith(f"{issue.column}:") else ""
    return f"{issue.where or '-':<18} {issue.severity:<7} {column}{issue.message} [{issue.code}]"


def localised_message(issue: Problem, lang: str) -> str:
    """The problem's message in `lang`, said from the catalogue's `problems.<key>` with the problem's
    own values; in English, or for a problem the catalogue cannot say, its English `message`."""
    if lang == "en" or issue.phrase is None:
        return issue.message
    try:
        return texts.message(lang, issue.phrase.key, issue.phrase.args)
    except (KeyError, IndexError, ValueError):  # a phrase the catalogue has no text for
        return issue.message


def severity_word(severity: str, lang: str) -> str:
    """`feil`, `advarsel`, `merknad` / `error`, `warning`, `info`."""
    return texts.get(lang, f"problems.report.{severity}")
