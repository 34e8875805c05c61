"""The round's figures per group, and the anonymous leadership summary (SPEC §6).

`followup.py` turns the round into one fact per conversation and per goal/action; this module adds
them up per department and per interviewer (`group_figures`) and writes
`output/<round>/leadership-summary.xlsx` (`build_leadership_workbook`): figures and charts only, no
employee names, no IDs, no free text.

Privacy rules of the summary:
* interviewers are never named: they are numbered ("Samtaleleder 1", ...) by the size of their group;
* a group with fewer than `min_group_size` employees shows "< N" instead of figures, and its figures
  are pooled into "Other"; when the pool itself would be smaller than N (so that subtracting it from
  the total would reveal a small group), the next smallest groups join it until it is not;
* a round with fewer than N employees in all shows no figures at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import xlsx
from pipeline.model import Settings, Stage
from pipeline.round.schema import ENUM_LABELS

RIGHT = Alignment(horizontal="right")
STAGES = tuple(stage.value for stage in Stage)
STAGE_RANK = {stage: rank for rank, stage in enumerate(STAGES)}

SUMMARY_TEXT = {
    "nb": {
        "departments": "Avdelinger",
        "interviewers": "Samtaleledere",
        "comparison": "Sammenligning",
        "department": "Avdeling",
        "interviewer": "Samtaleleder",
        "total": "Totalt",
        "other": "Andre (grupper under {n})",
        "in_other": "i «Andre»",
        "title": "Ledelsesoppsummering – {round}",
        "as_of": "Tall per {date}. Ingen navn, ID-er eller fritekst. Grupper med færre enn {n} ansatte vises "
        "som «< {n}», og tallene deres inngår i «Andre».",
        "few": "Runden har færre enn {n} ansatte; tallene vises ikke.",
        "chart_departments": "Fullført per avdeling",
        "chart_interviewers": "Fullført per samtaleleder",
        "chart_comparison": "Denne runden mot forrige",
        "no_previous": "Ingen tidligere runde funnet i output-mappen.",
        "previous": "Forrige runde: {round}",
        "measure": "Nøkkeltall",
        "this_round": "Denne runden ({round})",
        "previous_round": "Forrige runde ({round})",
        "previous_goals": "Mål og tiltak avtalt i {round} – status nå",
        "status": "Status",
        "count": "Antall",
        "share": "Andel",
        "unknown": "ukjent",
    },
    "en": {
        "departments": "Departments",
        "interviewers": "Interviewers",
        "comparison": "Comparison",
        "department": "Department",
        "interviewer": "Interviewer",
        "total": "Total",
        "other": "Other (groups under {n})",
        "in_other": "in “Other”",
        "title": "Leadership summary – {round}",
        "as_of": "Figures as of {date}. No names, IDs or free text. Groups with fewer than {n} employees "
        "show “< {n}”, and their figures are part of “Other”.",
        "few": "The round has fewer than {n} employees; no figures are shown.",
        "chart_departments": "Completion by department",
        "chart_interviewers": "Completion by interviewer",
        "chart_comparison": "This round against the last",
        "no_previous": "No earlier round found in the output folder.",
        "previous": "Previous round: {round}",
        "measure": "Measure",
        "this_round": "This round ({round})",
        "previous_round": "Previous round ({round})",
        "previous_goals": "Goals and actions agreed in {round} – status now",
        "status": "Status",
        "count": "Count",
        "share": "Share",
        "unknown": "unknown",
    },
}

# The figure columns: (attribute of Figures, nb header, en header, kind).
FIGURE_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("employees", "Ansatte", "Employees", "int"),
    ("invited", "Invitert", "Invited", "int"),
    ("prepared", "Forberedt", "Prepared", "int"),
    ("held", "Samtaler holdt", "Meetings held", "int"),
    ("minutes", "Referat mottatt", "Minutes received", "int"),
    ("approved", "Referat godkjent", "Minutes approved", "int"),
    ("conversations_overdue", "Samtaler over frist", "Conversations overdue", "int"),
    ("goals", "Mål og tiltak", "Goals and actions", "int"),
    ("agreed", "Avtalt i runden", "Agreed this round", "int"),
    ("done", "Fullført", "Done", "int"),
    ("in_progress", "Pågår", "In progress", "int"),
    ("goals_overdue", "Forfalt", "Overdue", "int"),
    ("conversation_rate", "Samtaler fullført (%)", "Conversations complete (%)", "percent"),
    ("goal_rate", "Mål og tiltak fullført (%)", "Goals and actions done (%)", "percent"),
)
FIGURE_NOTES = {
    "nb": {
        "employees": "Aktive ansatte i runden.",
        "conversations_overdue": "Referat eller godkjenning over fristen (minutes_due_days / approval_due_days).",
        "goals": "Alle mål og tiltak som følges opp (fra arbeidsboken og fra innsamlede referater), "
        "uten rader fjernet fra kilden.",
        "agreed": "Nye mål og tiltak fra referatene i denne runden.",
        "goals_overdue": "Frist passert og status verken fullført eller avbrutt.",
        "conversation_rate": "Godkjente referat delt på ansatte.",
        "goal_rate": "Fullførte delt på mål og tiltak (avbrutte regnes ikke med).",
    },
    "en": {
        "employees": "Active employees in the round.",
        "conversations_overdue": "Minutes or approval past due (minutes_due_days / approval_due_days).",
        "goals": "Every goal and action followed up (from the workbook and from collected minutes), "
        "not counting rows removed from their source.",
        "agreed": "New goals and actions from this round's minutes.",
        "goals_overdue": "Past due and neither done nor cancelled.",
        "conversation_rate": "Approved minutes divided by employees.",
        "goal_rate": "Done divided by goals and actions (cancelled ones not counted).",
    },
}


@dataclass(frozen=True)
class ConversationFact:
    """One employee in scope, as the figures see them (no name)."""

    department: str
    interviewer_id: str
    stage: str
    overdue: bool


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

    def add_conversation(self, fact: ConversationFact) -> None:
        """Count one employee; stages are cumulative (a held meeting was also invited)."""
        rank = STAGE_RANK.get(fact.stage, 0)
        self.employees += 1
        for name in ("invited", "prepared", "held", "minutes", "approved"):
            if rank >= STAGE_RANK[name]:
                setattr(self, name, getattr(self, name) + 1)
        self.conversations_overdue += fact.overdue

    def add_goal(self, fact: GoalFact) -> None:
        """Count one goal or action."""
        self.goals += 1
        self.agreed += fact.new
        self.done += fact.status == "done"
        self.in_progress += fact.status == "in_progress"
        self.cancelled += fact.status == "cancelled"
        self.goals_overdue += fact.overdue

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

    def to_dict(self) -> dict[str, int]:
        """The counts, for the run's state file (read by the next round's comparison)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Figures:
        """Counts back from `to_dict` (unknown keys ignored, missing ones 0)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in data.items() if k in known and isinstance(v, int | float)})


def group_figures(
    conversations: Iterable[ConversationFact],
    goals: Iterable[GoalFact],
    key: Callable[[ConversationFact | GoalFact], str],
) -> dict[str, Figures]:
    """The figures per group, the group of each fact given by `key`."""
    groups: dict[str, Figures] = {}
    for fact in conversations:
        groups.setdefault(key(fact), Figures()).add_conversation(fact)
    for goal in goals:
        groups.setdefault(key(goal), Figures()).add_goal(goal)
    return groups


def total_figures(conversations: Iterable[ConversationFact], goals: Iterable[GoalFact]) -> Figures:
    """The figures of the whole round."""
    total = Figures()
    for fact in conversations:
        total.add_conversation(fact)
    for goal in goals:
        total.add_goal(goal)
    return total


def figure_headers(lang: str) -> list[str]:
    """The figure columns' headers in `lang`."""
    return [en if lang == "en" else nb for _, nb, en, _ in FIGURE_COLUMNS]


def figure_values(figures: Figures) -> list[object]:
    """The figure columns' values of one group (rates as fractions, None when undefined)."""
    return [getattr(figures, name) for name, *_ in FIGURE_COLUMNS]


def write_figure_cells(ws: Worksheet, row: int, first_column: int, figures: Figures) -> None:
    """One group's figures from `first_column` on: counts as whole numbers, rates as percentages."""
    for offset, ((_, _, _, kind), value) in enumerate(
        zip(FIGURE_COLUMNS, figure_values(figures), strict=True)
    ):
        if value is None:
            continue
        cell = ws.cell(row=row, column=first_column + offset, value=value)
        cell.number_format = xlsx.PERCENT_FORMAT if kind == "percent" else xlsx.INTEGER_FORMAT


# -- privacy -----------------------------------------------------------------------------------------


@dataclass
class Suppressed:
    """Groups as the summary may show them."""

    shown: list[tuple[str, Figures]]  # groups with at least N employees, by label
    pooled: list[tuple[str, str]]  # (label, "< N" or "≥ N") of the groups whose figures are in Other
    other: Figures | None  # the pool's figures, or None when there is no pool


def suppress(groups: dict[str, Figures], minimum: int) -> Suppressed:
    """Hide every group under `minimum` employees in a pool ("Other") that is itself at least `minimum`.

    When the small groups together stay under `minimum`, the next smallest groups join the pool, so
    that no small group's figures can be had by subtracting the shown ones from the total.
    """
    ordered = sorted(groups.items(), key=lambda item: (item[1].employees, item[0]))
    small = [(label, f) for label, f in ordered if f.employees < minimum]
    large = [(label, f) for label, f in ordered if f.employees >= minimum]
    if not small:
        return Suppressed(sorted(large), [], None)
    pool = Figures()
    for _, figures in small:
        pool.merge(figures)
    while 0 < pool.employees < minimum and large:
        label, figures = large.pop(0)
        small.append((label, figures))
        pool.merge(figures)
    pooled = [(label, f"< {minimum}" if f.employees < minimum else f"≥ {minimum}") for label, f in small]
    return Suppressed(sorted(large), sorted(pooled), pool)


def interviewer_labels(groups: dict[str, Figures], lang: str) -> dict[str, str]:
    """Anonymous labels for interviewers: numbered by the size of their group, largest first."""
    word = SUMMARY_TEXT["en" if lang == "en" else "nb"]["interviewer"]
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


# -- the workbook ------------------------------------------------------------------------------------


def build_leadership_workbook(
    settings: Settings,
    as_of: dt.date,
    conversations: list[ConversationFact],
    goals: list[GoalFact],
    previous: PreviousRound | None,
) -> Workbook:
    """The anonymous summary: a sheet per department and per interviewer group, and the comparison
    with the previous round when there is one. Only counts, rates, department names and labels."""
    lang = "en" if settings.language == "en" else "nb"
    text = SUMMARY_TEXT[lang]
    minimum = max(1, settings.min_group_size)
    total = total_figures(conversations, goals)
    wb = Workbook()
    wb.remove(wb.active)
    intro = [
        text["title"].format(round=settings.title or settings.round_id),
        text["as_of"].format(date=_date_text(as_of, lang), n=minimum),
    ]
    by_department = group_figures(conversations, goals, lambda fact: fact.department)
    by_interviewer = group_figures(conversations, goals, lambda fact: fact.interviewer_id)
    labels = interviewer_labels(by_interviewer, lang)
    for sheet, groups, table, chart in (
        ("departments", by_department, "LeadershipDepartments", "chart_departments"),
        (
            "interviewers",
            {labels[key]: figures for key, figures in by_interviewer.items()},
            "LeadershipInterviewers",
            "chart_interviewers",
        ),
    ):
        ws = wb.create_sheet(text[sheet])
        _group_sheet(ws, intro, groups, total, minimum, lang, text[sheet[:-1]], table, text[chart])
    comparison = wb.create_sheet(text["comparison"])
    _comparison_sheet(comparison, intro, total, previous, minimum, settings.round_id, lang)
    for ws in wb.worksheets:
        xlsx.set_up_printing(ws, "1:4")
    wb.properties.creator = "appraisal"
    wb.properties.title = intro[0]
    return wb


def _date_text(day: dt.date, lang: str) -> str:
    return day.isoformat() if lang == "en" else day.strftime("%d.%m.%Y")


def _group_sheet(
    ws: Worksheet,
    intro: list[str],
    groups: dict[str, Figures],
    total: Figures,
    minimum: int,
    lang: str,
    group_word: str,
    table_name: str,
    chart_title: str,
) -> None:
    text = SUMMARY_TEXT[lang]
    xlsx.write_note(ws, 1, intro[0], title=True)
    xlsx.write_note(ws, 2, intro[1])
    header_row = 4
    headers = [group_word, *figure_headers(lang)]
    notes = {
        i + 2: FIGURE_NOTES[lang][name]
        for i, (name, *_) in enumerate(FIGURE_COLUMNS)
        if name in FIGURE_NOTES[lang]
    }
    xlsx.write_header(ws, header_row, headers, notes=notes)
    row = header_row
    if total.employees < minimum:
        # Too few people for any figure: the sheet says so and shows nothing else.
        xlsx.write_note(ws, 3, text["few"].format(n=minimum))
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), text["total"])
        _put_hidden(ws.cell(row=row, column=2), f"< {minimum}")
        xlsx.add_table(ws, table_name, header_row, row, headers)
        _finish(ws, headers)
        return
    hidden = suppress(groups, minimum)
    for label, figures in hidden.shown:
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), label)
        write_figure_cells(ws, row, 2, figures)
    if hidden.other is not None:
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), text["other"].format(n=minimum))
        write_figure_cells(ws, row, 2, hidden.other)
    chart_last = row
    row += 1
    xlsx.put_text(ws.cell(row=row, column=1), text["total"])
    write_figure_cells(ws, row, 2, total)
    for label, size in hidden.pooled:
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), label)
        _put_hidden(ws.cell(row=row, column=2), size)
        _put_hidden(ws.cell(row=row, column=3), text["in_other"])
    xlsx.add_table(ws, table_name, header_row, row, headers)
    _finish(ws, headers)
    if chart_last > header_row:
        rates = [
            (2 + i, headers[1 + i]) for i, (name, *_) in enumerate(FIGURE_COLUMNS) if name.endswith("_rate")
        ]
        xlsx.bar_chart(ws, chart_title, (1, header_row + 1, chart_last), rates, f"A{row + 3}")


def _put_hidden(cell: Cell, text: str) -> None:
    """A figure that is not shown ("< 5", "in Other"), right-aligned like the figures around it."""
    xlsx.put_text(cell, text)
    cell.alignment = RIGHT


def _finish(ws: Worksheet, headers: list[str]) -> None:
    widths = [max(26, xlsx.text_width(headers[0]) + 2)]
    widths += [xlsx.header_width(h) for h in headers[1:]]
    xlsx.set_widths(ws, widths)
    ws.row_dimensions[4].height = 45
    ws.freeze_panes = "B5"


def _comparison_sheet(
    ws: Worksheet,
    intro: list[str],
    total: Figures,
    previous: PreviousRound | None,
    minimum: int,
    round_id: str,
    lang: str,
) -> None:
    text = SUMMARY_TEXT[lang]
    xlsx.write_note(ws, 1, intro[0], title=True)
    xlsx.write_note(ws, 2, intro[1])
    if previous is None:
        xlsx.write_note(ws, 3, text["no_previous"])
    header_row = 4
    this_header = text["this_round"].format(round=round_id)
    headers = [text["measure"], this_header]
    if previous is not None:
        headers.append(text["previous_round"].format(round=previous.round_id))
    xlsx.write_header(ws, header_row, headers)
    ws.row_dimensions[header_row].height = 32
    shown = total.employees >= minimum
    before = previous.figures if previous is not None else None
    before_shown = before is None or before.employees == 0 or before.employees >= minimum
    rows: list[tuple[str, object, object, str]] = []
    for name, *_ in FIGURE_COLUMNS:
        label = _figure_header(name, lang)
        kind = next(k for n, _, _, k in FIGURE_COLUMNS if n == name)
        now = getattr(total, name) if shown else f"< {minimum}" if name == "employees" else None
        then: object = None
        if previous is not None:
            if before is not None and before.employees:
                then = (
                    getattr(before, name) if before_shown else f"< {minimum}" if name == "employees" else None
                )
            elif name in ("held", "minutes"):
                then = previous.held
            elif name == "approved":
                then = previous.approved
            elif name == "agreed":
                then = previous.agreed
        rows.append((label, now, then, kind))
    row = header_row
    for label, now, then, kind in rows:
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), label)
        for column, value in ((2, now), (3, then)):
            if column == 3 and previous is None:
                continue
            if isinstance(value, str):
                _put_hidden(ws.cell(row=row, column=column), value)
            elif value is not None:
                cell = ws.cell(row=row, column=column, value=value)
                cell.number_format = xlsx.PERCENT_FORMAT if kind == "percent" else xlsx.INTEGER_FORMAT
    xlsx.add_table(ws, "LeadershipComparison", header_row, row, headers)
    widths = [34, 22, 22]
    if previous is not None:
        visible = shown and (before is None or before_shown)
        _previous_goals_table(ws, row + 2, previous, visible, lang)
        if shown and before_shown:
            rate_rows = [
                header_row + 1 + i for i, (name, *_) in enumerate(FIGURE_COLUMNS) if name.endswith("_rate")
            ]
            xlsx.bar_chart(
                ws,
                text["chart_comparison"],
                (1, rate_rows[0], rate_rows[-1]),
                [(2, headers[1]), (3, headers[2])],
                f"E{header_row}",
            )
    xlsx.set_widths(ws, widths)
    ws.freeze_panes = f"A{header_row + 1}"


def _previous_goals_table(ws: Worksheet, row: int, previous: PreviousRound, visible: bool, lang: str) -> int:
    """How the goals and actions agreed in the previous round stand now, from `row`; the last row."""
    text = SUMMARY_TEXT[lang]
    xlsx.write_note(ws, row, text["previous_goals"].format(round=previous.round_id))
    row += 1
    status_header = row
    status_headers = [text["status"], text["count"], text["share"]]
    xlsx.write_header(ws, row, status_headers)
    counts = previous.goal_status
    everything = sum(counts.values())
    labels = _status_labels(lang)
    for status in ("done", "in_progress", "not_started", "cancelled", ""):
        if status == "" and not counts.get(""):
            continue
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), labels.get(status, text["unknown"]))
        if visible:
            ws.cell(row=row, column=2, value=counts.get(status, 0)).number_format = xlsx.INTEGER_FORMAT
            if everything:
                share = ws.cell(row=row, column=3, value=counts.get(status, 0) / everything)
                share.number_format = xlsx.PERCENT_FORMAT
    row += 1
    xlsx.put_text(ws.cell(row=row, column=1), text["total"])
    if visible:
        ws.cell(row=row, column=2, value=everything).number_format = xlsx.INTEGER_FORMAT
    xlsx.add_table(ws, "LeadershipPreviousGoals", status_header, row, status_headers)
    return row


def _figure_header(name: str, lang: str) -> str:
    for key, nb, en, _ in FIGURE_COLUMNS:
        if key == name:
            return en if lang == "en" else nb
    raise KeyError(name)


def _status_labels(lang: str) -> dict[str, str]:
    labels = ENUM_LABELS["goal_status"]["en" if lang == "en" else "nb"]
    if lang == "en":
        return {key: value.replace("_", " ") for key, value in labels.items()}
    return dict(labels)
