"""`appraisal status --export DIR`: the anonymous figures as tidy CSV files, for Power BI or Excel's
Power Query (SPEC §6).

`DIR/figures.csv` has one row per group and measure: round, grouping (department, interviewer,
total), group (the department's name, the interviewer's number, "Other", the total's label), measure
(an English key: employees, invited, ..., wellbeing_mean), value, suppressed ("true" where the figure
is hidden, its value then empty). The previous round's figures are rows of its own round ID. What is
hidden is decided by `privacy.plan_publication`, exactly as in the leadership summary. UTF-8 with a
byte order mark (so that Excel reads the Norwegian letters right), comma-separated, a point for
decimals.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline import texts
from pipeline.followup.figures import (
    FIGURE_COLUMNS,
    Figures,
    PreviousRound,
    comparison_values,
    previous_shown,
)
from pipeline.followup.figures import interviewer_labels as number_interviewers
from pipeline.followup.frames import FigureFrames
from pipeline.followup.privacy import Publication, plan_publication
from pipeline.model import Settings
from pipeline.store.files import atomic_write

FIGURES_FILE = "figures.csv"
HEADER = ("round", "grouping", "group", "measure", "value", "suppressed")
MEASURES = tuple(name for name, _ in FIGURE_COLUMNS)
WELLBEING = ("wellbeing_mean", "wellbeing_std", "wellbeing_count")
GROUPINGS = {"department": "department", "interviewer_id": "interviewer"}

Row = tuple[str, str, str, str, str, str]


def export_figures(
    directory: Path, settings: Settings, frames: FigureFrames, previous: PreviousRound | None
) -> list[Path]:
    """Write the figures' CSV files into `directory` (made when missing); the files written."""
    lang = texts.language(settings.language)
    publication = plan_publication(frames, settings.min_group_size)
    rows = figure_rows(publication, previous, settings.round_id, lang)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FIGURES_FILE

    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(tuple(_inert(value) for value in row) for row in rows)

    atomic_write(path, write)
    return [path]


# A cell Excel would read as a formula when it opens the file: `=`, `+`, `-`, `@`, or a tab or return.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: str) -> str:
    """A text from the workbook (a department's name) that Excel will never evaluate: one that starts
    like a formula gets a leading apostrophe. Numbers (a negative never occurs) stay as they are."""
    if value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def figure_rows(
    publication: Publication, previous: PreviousRound | None, round_id: str, lang: str
) -> list[Row]:
    """The rows of `figures.csv`: every group of every table, the total, the previous round."""
    text = texts.section(lang, "summary")
    minimum = publication.minimum
    rows: list[Row] = []
    if publication.too_small:
        rows += [(round_id, "total", text["total"], m, "", "true") for m in (*MEASURES, *WELLBEING)]
        return rows + _previous_rows(publication, previous, text)
    for grouping, table in publication.tables.items():
        kind = GROUPINGS[grouping]
        labels = number_interviewers(table.groups, text["interviewer"]) if kind == "interviewer" else {}
        for key in sorted(table.groups, key=lambda k: labels.get(k, k)):
            group = labels.get(key, key)
            figures = table.groups[key]
            if key in table.hidden:
                rows += [(round_id, kind, group, m, "", "true") for m in MEASURES]
            else:
                rows += _measure_rows(round_id, kind, group, figures)
            if kind == "department":
                rows += _wellbeing_rows(round_id, kind, group, figures, key in publication.wellbeing_shown)
        other = table.other()
        if other is not None:
            rows += _measure_rows(round_id, kind, text["other"].format(n=minimum), other)
    rows += _measure_rows(round_id, "total", text["total"], publication.total)
    rows += _wellbeing_rows(round_id, "total", text["total"], publication.total, publication.wellbeing_total)
    return rows + _previous_rows(publication, previous, text)


def _measure_rows(round_id: str, grouping: str, group: str, figures: Figures) -> list[Row]:
    return [(round_id, grouping, group, m, _number(getattr(figures, m)), "false") for m in MEASURES]


def _wellbeing_rows(round_id: str, grouping: str, group: str, figures: Figures, shown: bool) -> list[Row]:
    if not shown:
        return [(round_id, grouping, group, m, "", "true") for m in WELLBEING]
    return [(round_id, grouping, group, m, _number(getattr(figures, m)), "false") for m in WELLBEING]


def _previous_rows(publication: Publication, previous: PreviousRound | None, text: dict) -> list[Row]:
    """The previous round's totals as the comparison sheet shows them, and its goals' status now."""
    if previous is None:
        return []
    rows: list[Row] = []
    for name, _, then in comparison_values(publication.total, previous, publication.minimum):
        if then is None:
            continue
        hidden = isinstance(then, str)
        rows.append(
            (
                previous.round_id,
                "total",
                text["total"],
                name,
                "" if hidden else _number(then),
                str(hidden).lower(),
            )
        )
    shown = not publication.too_small and previous_shown(previous, publication.minimum)
    for status in ("done", "in_progress", "not_started", "cancelled"):
        value = _number(previous.goal_status.get(status, 0)) if shown else ""
        rows.append(
            (
                previous.round_id,
                "previous_goals",
                text["total"],
                f"goals_{status}",
                value,
                str(not shown).lower(),
            )
        )
    return rows


def _number(value: object) -> str:
    """A figure as the CSV writes it: a whole number, a fraction with a point, empty when undefined."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
