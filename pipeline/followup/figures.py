"""The round's figures: one fact per conversation and per goal/action (no names, no text), the
counts of one group (`Figures`), their columns and headers, and the previous round (SPEC §6).

`sources.py` turns the round into facts (`ConversationFact`, `GoalFact`); `frames.py` adds them up
per department, per interviewer and in total with pandas. The follow-up workbook's Overview shows
them all; what the leadership summary and the CSV export may show is decided in `privacy.py`
(interviewers are numbered here, `interviewer_labels`; a round or previous round with fewer than N
employees shows no figures, `comparison_values`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields

from pipeline import texts
from pipeline.model import Stage

# A chart of more groups than this is unreadable on a page: it shows the largest and pools the rest.
MAX_BARS = 20


@dataclass(frozen=True)
class Bars:
    """What a bar chart shows: per bar group, a label and one value per series (a fraction, or None)."""

    title: str
    series: tuple[str, ...]
    groups: tuple[tuple[str, tuple[float | None, ...]], ...]


STAGES = tuple(stage.value for stage in Stage)
STAGE_RANK = {stage: rank for rank, stage in enumerate(STAGES)}

# The figure columns: (attribute of Figures, kind). Their headers are the texts `figures.headers.<name>`,
# and some have a note on the header, `figures.notes.<name>`.
FIGURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("employees", "int"),
    ("invited", "int"),
    ("prepared", "int"),
    ("held", "int"),
    ("minutes", "int"),
    ("approved", "int"),
    ("conversations_overdue", "int"),
    ("goals", "int"),
    ("agreed", "int"),
    ("done", "int"),
    ("in_progress", "int"),
    ("goals_overdue", "int"),
    ("conversation_rate", "percent"),
    ("goal_rate", "percent"),
)


@dataclass(frozen=True)
class ConversationFact:
    """One employee in scope, as the figures see them (no name)."""

    department: str
    interviewer_id: str
    stage: str
    overdue: bool
    wellbeing: int | None = None  # the score 1-5, only where the employee consented


@dataclass(frozen=True)
class GoalFact:
    """One goal or action followed up, as the figures see it (no text)."""

    department: str
    interviewer_id: str
    new: bool  # agreed in this round's minutes
    status: str  # not_started | in_progress | done | cancelled, or "" when not recognised
    overdue: bool


@dataclass
class Figures:
    """The counts of one group (a department, an interviewer's employees, the round)."""

    employees: int = 0
    invited: int = 0
    prepared: int = 0
    held: int = 0
    minutes: int = 0
    approved: int = 0
    conversations_overdue: int = 0
    goals: int = 0
    agreed: int = 0
    done: int = 0
    in_progress: int = 0
    cancelled: int = 0
    goals_overdue: int = 0
    wellbeing_count: int = 0  # consented well-being scores
    wellbeing_sum: int = 0
    wellbeing_squares: int = 0  # the sum of the scores' squares (with the sum: the standard deviation)

    def merge(self, other: Figures) -> None:
        """Add another group's counts to these."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    @property
    def conversation_rate(self) -> float | None:
        """Approved minutes per employee (None for no employees)."""
        return self.approved / self.employees if self.employees else None

    @property
    def goal_rate(self) -> float | None:
        """Done per goal or action that still counts (cancelled ones left out)."""
        counted = self.goals - self.cancelled
        return self.done / counted if counted else None

    @property
    def wellbeing_mean(self) -> float | None:
        """The average consented well-being score (None without scores)."""
        return self.wellbeing_sum / self.wellbeing_count if self.wellbeing_count else None

    @property
    def wellbeing_std(self) -> float | None:
        """The scores' sample standard deviation (None for fewer than two)."""
        n = self.wellbeing_count
        if n < 2:
            return None
        variance = (self.wellbeing_squares - self.wellbeing_sum**2 / n) / (n - 1)
        return max(0.0, variance) ** 0.5

    def to_dict(self) -> dict[str, int]:
        """The counts, for the run's state file (read by the next round's comparison)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Figures:
        """Counts back from `to_dict` (unknown keys ignored, missing ones 0)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in data.items() if k in known and isinstance(v, int | float)})


def figure_header(name: str, lang: str) -> str:
    """A figure column's header in `lang`."""
    return texts.get(lang, f"figures.headers.{name}")


def figure_headers(lang: str) -> list[str]:
    """The figure columns' headers in `lang`."""
    return [figure_header(name, lang) for name, _ in FIGURE_COLUMNS]


def figure_notes(lang: str) -> Mapping[str, str]:
    """The notes on some figure columns' headers in `lang`, by the column's name."""
    return texts.section(lang, "figures.notes")


def figure_values(figures: Figures) -> list[object]:
    """The figure columns' values of one group (rates as fractions, None when undefined)."""
    return [getattr(figures, name) for name, _ in FIGURE_COLUMNS]


def rate_headers(lang: str) -> dict[str, str]:
    """The rate columns' names and headers: what the charts show."""
    headers = dict(zip((name for name, _ in FIGURE_COLUMNS), figure_headers(lang), strict=True))
    return {name: headers[name] for name, kind in FIGURE_COLUMNS if kind == "percent"}


def chart_bars(title: str, series: dict[str, str], groups: dict[str, Figures], other: str) -> Bars:
    """The bars of a chart of rates (`series`: figure name -> its header): one per group, or, for more
    groups than a page shows readably, the largest (by employees) and one bar `other` pooling the rest."""
    order = list(groups)
    if len(order) > MAX_BARS:
        order = sorted(order, key=lambda key: (-groups[key].employees, key))[: MAX_BARS - 1]
        rest = Figures()
        for key in set(groups) - set(order):
            rest.merge(groups[key])
        groups = {**{key: groups[key] for key in order}, other: rest}
        order.append(other)
    return Bars(
        title,
        tuple(series.values()),
        tuple((key, tuple(getattr(groups[key], name) for name in series)) for key in order),
    )


# -- privacy -----------------------------------------------------------------------------------------


def interviewer_labels(groups: dict[str, Figures], word: str) -> dict[str, str]:
    """Anonymous labels for interviewers (`word` and a number): numbered by the size of their group,
    largest first."""
    order = sorted(groups, key=lambda key: (-groups[key].employees, -groups[key].goals, key))
    width = len(str(len(order)))
    return {key: f"{word} {n:0{width}d}" for n, key in enumerate(order, start=1)}


# -- the previous round ------------------------------------------------------------------------------


@dataclass
class PreviousRound:
    """The latest earlier round found under the output folder, for the comparison sheet."""

    round_id: str
    figures: Figures | None  # its totals as its last status run wrote them; None when unknown
    held: int  # conversations collected (from its register)
    approved: int
    agreed: int  # goals and actions agreed in its minutes
    goal_status: dict[str, int] = field(default_factory=dict)  # status -> count of its goals now


def previous_shown(previous: PreviousRound | None, minimum: int) -> bool:
    """Whether the previous round's figures may be shown: unknown, or of at least `minimum` employees."""
    before = previous.figures if previous is not None else None
    return before is None or before.employees == 0 or before.employees >= minimum


def comparison_values(
    total: Figures, previous: PreviousRound | None, minimum: int
) -> list[tuple[str, object, object]]:
    """Per figure column, (name, this round's value, the previous round's value).

    A value is a number, "< N" for the employees of a round too small to show, or None (nothing to
    show). Without its totals, the previous round still shows what its register tells: meetings held,
    minutes, approvals and goals agreed.
    """
    shown = total.employees >= minimum
    before = previous.figures if previous is not None else None
    before_shown = previous_shown(previous, minimum)
    values: list[tuple[str, object, object]] = []
    for name, _ in FIGURE_COLUMNS:
        now = _value_or_hidden(total, name, shown, minimum)
        then: object = None
        if previous is not None:
            if before is not None and before.employees:
                then = _value_or_hidden(before, name, before_shown, minimum)
            elif name in ("held", "minutes"):
                then = previous.held
            elif name == "approved":
                then = previous.approved
            elif name == "agreed":
                then = previous.agreed
        values.append((name, now, then))
    return values


def _value_or_hidden(figures: Figures, name: str, shown: bool, minimum: int) -> object:
    """A figure, or for a round too small to show: "< N" for its employees, else None."""
    if shown:
        return getattr(figures, name)
    return f"< {minimum}" if name == "employees" else None
