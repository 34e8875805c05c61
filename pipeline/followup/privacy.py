"""What of the round's figures may be published together (SPEC §6): the leadership summary and the CSV
export show the same groups, decided here once, for every table at the same time.

The rule (also in the README):
* a group (a department, an interviewer's employees) with fewer than `min_group_size` employees is
  shown as "< N", its figures pooled into "Other";
* when the pool itself would be under N, the next smallest groups join it ("≥ N"), so that no small
  group can be had as the total minus the shown groups;
* across tables: no published group (a department, an interviewer group, an "Other", the total) may
  differ from another one that contains it by 1 to N-1 employees, or the difference would be a small
  group's figures (a department minus the one interviewer group inside it, say). One of the two is
  hidden too: the one that leaves more groups shown across both tables once everything is settled
  (the interviewer group when both leave as many), and the check repeats until nothing is found;
* hide no more than protects: each group of N or more hidden to protect another is shown again when
  showing it gives no small group away, so that showing any group still hidden would (a local
  minimum);
* well-being is shown for a department shown above with at least N consenting employees, and in
  total with at least N; the same pool rule applies to the consenting employees;
* a round of fewer than N employees shows no figures at all, and a previous round likewise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipeline.followup.figures import Figures
from pipeline.followup.frames import GROUPINGS, FigureFrames

OTHER = "\x00other"  # the pool's key in the cross-table check (no department is called that)
# How many leaking pairs of a round are decided by trying both sides; past that (a round shaped so
# that hundreds of departments each differ from an interviewer group by a few), the interviewer group
# is hidden (a round of 10,000 shaped so is planned in about 2 s, not 5); `reveal` still shows what needs
# no hiding.
LOOK_AHEAD_PAIRS = 200


@dataclass
class Table:
    """One grouping's groups as they may be published."""

    groups: dict[str, Figures]
    hidden: set[str] = field(default_factory=set)  # keys whose figures are only in "Other"

    @property
    def shown(self) -> list[str]:
        """The keys of the groups shown with their figures."""
        return [key for key in self.groups if key not in self.hidden]

    def other(self) -> Figures | None:
        """The pooled figures of the hidden groups, None when none is hidden."""
        if not self.hidden:
            return None
        pool = Figures()
        for key in self.hidden:
            pool.merge(self.groups[key])
        return pool


@dataclass
class Publication:
    """Everything the summary and the export may show: per grouping, the groups and which are hidden;
    the departments whose well-being is shown; whether the total's well-being is shown."""

    minimum: int
    total: Figures
    tables: dict[str, Table]
    wellbeing_shown: set[str]
    wellbeing_total: bool

    @property
    def too_small(self) -> bool:
        """A round of fewer than N employees shows no figures at all."""
        return self.total.employees < self.minimum

    def size_text(self, figures: Figures) -> str:
        """How a hidden group's size is shown: "< N" or "≥ N"."""
        return f"< {self.minimum}" if figures.employees < self.minimum else f"≥ {self.minimum}"


def plan_publication(frames: FigureFrames, minimum: int) -> Publication:
    """Decide which groups of every table are hidden so that no hidden figure can be recovered, and
    hide no more than that protects."""
    import pandas as pd  # only when figures are made: an unchanged run never loads it

    minimum = max(1, minimum)
    total = frames.total()
    tables = {g: Table(frames.by(g)) for g in GROUPINGS}
    for table in tables.values():
        table.hidden = {key for key, f in table.groups.items() if f.employees < minimum}
    codes = {
        g: pd.Categorical(frames.members(g).astype(str), categories=list(tables[g].groups)).codes.astype(
            np.int64
        )
        for g in GROUPINGS
    }
    rules = _Rules(codes, minimum, total.employees)
    rules.settle(tables, look_ahead=True)
    rules.reveal(tables)
    departments = tables["department"]
    wellbeing_hidden = {
        key
        for key, f in departments.groups.items()
        if key in departments.hidden or f.wellbeing_count < minimum
    }
    _fill_pool_by(departments.groups, wellbeing_hidden, minimum, lambda f: f.wellbeing_count)
    return Publication(
        minimum=minimum,
        total=total,
        tables=tables,
        wellbeing_shown=set(departments.groups) - wellbeing_hidden,
        wellbeing_total=total.wellbeing_count >= minimum,
    )


@dataclass
class _Rules:
    """The hiding rules over one round's employees: `settle` hides until no published group gives
    away a small one; `reveal` shows again each group hidden only to protect another whose showing
    would give none away."""

    codes: dict[str, np.ndarray]  # per grouping, each employee's group as its place in `Table.groups`
    minimum: int
    everyone: int
    looks_left: int = LOOK_AHEAD_PAIRS

    def settle(self, tables: dict[str, Table], look_ahead: bool = False) -> None:
        """Apply the rules until none hides anything more. Where a department and an interviewer
        group differ by a small group, `look_ahead` hides the side that leaves more groups shown
        once everything is settled (the interviewer group when both leave as many), for the first
        LOOK_AHEAD_PAIRS pairs."""
        changed = True
        while changed:
            changed = False
            for table in tables.values():
                changed |= _fill_pool(table, self.minimum, self.everyone)
            for department, interviewer in _leaking_pairs(self.codes, tables, self.minimum):
                choices = _choices(tables, department, interviewer)
                if not choices or any(key in tables[g].hidden for g, key in choices):
                    continue  # already hidden by an earlier pair of this pass: checked again next pass
                if look_ahead and len(choices) > 1 and self.looks_left > 0:
                    self.looks_left -= 1
                    grouping, key = max(choices, key=self._shown_after(tables))
                else:
                    grouping, key = choices[0]
                tables[grouping].hidden.add(key)
                changed = True

    def _shown_after(self, tables: dict[str, Table]):
        """How many groups are shown once `choice` is hidden and the rules are settled."""

        def shown(choice: tuple[str, str]) -> int:
            trial = _copy(tables)
            trial[choice[0]].hidden.add(choice[1])
            self.settle(trial)
            return sum(len(t.shown) for t in trial.values())

        return shown

    def safe(self, tables: dict[str, Table]) -> bool:
        """True when no rule would hide anything more."""
        trial = _copy(tables)
        if any(_fill_pool(t, self.minimum, self.everyone) for t in trial.values()):
            return False
        return not _leaking_pairs(self.codes, trial, self.minimum)

    def reveal(self, tables: dict[str, Table]) -> None:
        """Show again, one at a time and largest first, each group of N or more hidden to protect
        another, as long as showing it gives no small group away: the result is a local minimum."""
        changed = True
        while changed:
            changed = False
            candidates = sorted(
                (
                    (g, key)
                    for g, t in tables.items()
                    for key in t.hidden
                    if t.groups[key].employees >= self.minimum
                ),
                key=lambda c: (-tables[c[0]].groups[c[1]].employees, c),
            )
            for grouping, key in candidates:
                tables[grouping].hidden.discard(key)
                if self.safe(tables):
                    changed = True
                else:
                    tables[grouping].hidden.add(key)


def _fill_pool(table: Table, minimum: int, everyone: int) -> bool:
    """Hide the next smallest groups while the pool is under N; hide a group that is all but 1 to N-1
    of the round (the total minus it would be those few). True when something more was hidden."""
    changed = _fill_pool_by(table.groups, table.hidden, minimum, lambda f: f.employees)
    for key in table.shown:
        if 0 < everyone - table.groups[key].employees < minimum:
            table.hidden.add(key)
            changed = True
    return changed


def _fill_pool_by(groups: dict[str, Figures], hidden: set[str], minimum: int, size) -> bool:
    """While the hidden groups together are 1 to N-1 (by `size`), hide the smallest shown one."""
    changed = False
    while 0 < sum(size(groups[k]) for k in hidden) < minimum:
        shown = sorted((k for k in groups if k not in hidden), key=lambda k: (size(groups[k]), k))
        if not shown:
            break
        hidden.add(shown[0])
        changed = True
    return changed


def _copy(tables: dict[str, Table]) -> dict[str, Table]:
    """The tables with hidden sets of their own, to try a rule on."""
    return {g: Table(t.groups, set(t.hidden)) for g, t in tables.items()}


def _leaking_pairs(
    codes: dict[str, np.ndarray], tables: dict[str, Table], minimum: int
) -> list[tuple[str, str]]:
    """The (department, interviewer group) pairs, either of them possibly a pool (`OTHER`), one of
    which holds the other and differs from it by 1 to N-1 employees. The cross-table is counted over
    the pairs that occur (np.unique), not as a full matrix: a round has up to thousands of each."""
    rows, columns = GROUPINGS
    if not len(codes[rows]):
        return []
    labels, keys = {}, {}
    for g in GROUPINGS:
        keys[g] = [*tables[g].groups, OTHER]  # a hidden group is counted as the pool, the last place
        hidden = np.array([key in tables[g].hidden for key in tables[g].groups] + [True])
        labels[g] = np.where(hidden[codes[g]], len(keys[g]) - 1, codes[g])
    width = len(keys[columns])
    pairs, cells = np.unique(labels[rows] * width + labels[columns], return_counts=True)
    row, column = pairs // width, pairs % width
    row_size = np.bincount(labels[rows], minlength=len(keys[rows]))[row]
    column_size = np.bincount(labels[columns], minlength=width)[column]
    column_inside = (cells == column_size) & (row_size - cells > 0) & (row_size - cells < minimum)
    row_inside = (cells == row_size) & (column_size - cells > 0) & (column_size - cells < minimum)
    found = np.nonzero(column_inside | row_inside)[0]
    return [(keys[rows][row[i]], keys[columns][column[i]]) for i in found]


def _choices(tables: dict[str, Table], department: str, interviewer: str) -> list[tuple[str, str]]:
    """What may be hidden to stop a leaking pair: the interviewer group, the department; when both
    are pools, the smallest shown interviewer group, else the smallest shown department."""
    choices = [
        (g, key) for g, key in (("interviewer_id", interviewer), ("department", department)) if key != OTHER
    ]
    if choices:
        return choices
    for grouping in ("interviewer_id", "department"):
        table = tables[grouping]
        if table.shown:
            return [(grouping, min(table.shown, key=lambda k: (table.groups[k].employees, k)))]
    return []
