"""What every check of a round shares: the round, the report, today, and look-ups built once."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

from pipeline.model import Employee, Meeting, Phrase, Problem, Report, Round, phrase
from pipeline.round.values import id_key

MAX_SUGGESTIONS = 200  # "did you mean" look-ups per run; beyond that, hints are left out (fast on huge files)


@dataclass
class Context:
    """A round being checked, with the look-ups the rules share.

    `codes` are the problem codes the running rule declares; a problem with any other code is a bug in
    the rule, and refused like a `Problem` with an undeclared code.
    """

    round: Round
    report: Report
    today: dt.date
    by_id: dict[str, Employee] = field(default_factory=dict)
    by_key: dict[str, list[Employee]] = field(default_factory=dict)
    suggestions_left: int = MAX_SUGGESTIONS
    codes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, round_: Round, report: Report, today: dt.date) -> Context:
        """A context for checking `round_`, with its employees looked up by ID and by ID key."""
        ctx = cls(round_, report, today)
        for employee in round_.employees:
            if employee.id:
                ctx.by_id.setdefault(employee.id, employee)
                ctx.by_key.setdefault(id_key(employee.id), []).append(employee)
        return ctx

    def add(
        self,
        severity: str,
        kind: str,
        field_name: str | None,
        row: int | None,
        code: str,
        message: str,
        said: Phrase | None = None,
    ) -> None:
        """Record a problem at a field of a row of a sheet kind (`employees`, `schedule`, `goals`);
        `said` is the message as a catalogue phrase (for the report in the round's language)."""
        info = self.round.sheets.get(kind)
        sheet = info.name if info else kind
        cell = info.cell(field_name, row) if info and field_name and row else None
        column = info.headers.get(field_name) if info and field_name else None
        self.add_problem(Problem(severity, sheet, cell, column, code, message, phrase=said))

    def add_problem(self, problem: Problem) -> None:
        """Record a problem placed by the rule itself (a setting's cell on the Round sheet)."""
        if problem.code not in self.codes:
            raise ValueError(f"problem code {problem.code!r} is not declared by the rule reporting it")
        self.report.add(problem)

    def suggest(self, identifier: str) -> tuple[str, Phrase]:
        """`; did you mean 1024?` for an unknown ID, or a full stop; and the same as a phrase."""
        guess = self._guess(identifier)
        if guess is None:
            return ".", phrase("parts.end")
        return f"; did you mean {guess}?", phrase("parts.did-you-mean", id=guess)

    def _guess(self, identifier: str) -> str | None:
        if not identifier or self.suggestions_left <= 0:
            return None
        self.suggestions_left -= 1
        same = self.by_key.get(id_key(identifier))
        if same:
            return same[0].id
        candidates = [i for i in self.by_id if len(i) == len(identifier)] or list(self.by_id)
        close = difflib.get_close_matches(identifier, candidates[:5000], n=1, cutoff=0.6)
        return close[0] if close else None

    def sheet_name(self, kind: str) -> str:
        """The sheet's name as written in the file."""
        info = self.round.sheets.get(kind)
        return info.name if info else kind

    def interviewer_of(self, meeting: Meeting) -> str:
        """The meeting's interviewer: the one named, else the employee's manager."""
        return self.round.interviewer_id(meeting)


def describe(employee: Employee | None, identifier: str) -> str:
    """`1024 (Kari Nordmann)`, or the ID alone when the person is not known or has no name."""
    return f"{identifier} ({employee.name})" if employee and employee.name else identifier
