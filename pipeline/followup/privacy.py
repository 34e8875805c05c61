"""What of the round's figures may be published together (SPEC §6): the leadership summary and the CSV
export show the same groups, decided here once, for every table at the same time.

The rule (also in the README):
* a group (a department, an interviewer's employees) with fewer than `min_group_size` employees is
  shown as "< N", its figures pooled into "Other";
* when the pool itself would be under N, the next smallest groups join it ("≥ N"), so that no small
  group can be had as the total minus the shown groups;
* across tables: no published group (a department, an interviewer group, an "Other", the total) may
  differ from another one that contains it by 1 to N-1 employees, or the difference would be a small
  group's figures (a department minus the one interviewer group inside it, say). Such an interviewer
  group (else the department) is suppressed too, and the check repeats until nothing is found;
* well-being is shown for a department shown above with at least N consenting employees, and in
  total with at least N; the same pool rule applies to the consenting employees;
* a round of fewer than N employees shows no figures at all, and a previous round likewise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.followup.figures import Figures
from pipeline.followup.frames import GROUPINGS, FigureFrames

OTHER = "\x00other"  # the pool's key in the cross-table check (no department is called that)


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
    """Decide which groups of every table are hidden so that no hidden figure can be recovered."""
    minimum = max(1, minimum)
    total = frames.total()
    tables = {g: Table(frames.by(g)) for g in GROUPINGS}
    for table in tables.values():
        table.hidden = {key for key, f in table.groups.items() if f.employees < minimum}
    members = pd.DataFrame({g: frames.members(g).astype(str) for g in GROUPINGS})
    changed = True
    while changed:
        changed = False
        for table in tables.values():
            changed |= _fill_pool(table, minimum, total.employees)
        changed |= _cross_check(members, tables, minimum)
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


def _cross_check(members: pd.DataFrame, tables: dict[str, Table], minimum: int) -> bool:
    """Hide the groups that differ from a group of the other table containing them (or contained in
    them) by 1 to N-1 employees. True when something more was hidden."""
    if members.empty:
        return False
    rows, columns = GROUPINGS
    labels = {
        g: members[g].where(~members[g].isin(tables[g].hidden), OTHER) if tables[g].hidden else members[g]
        for g in GROUPINGS
    }
    counts = pd.crosstab(labels[rows], labels[columns])
    cells = counts.to_numpy()
    row_size = cells.sum(axis=1, keepdims=True)
    column_size = cells.sum(axis=0, keepdims=True)
    column_inside = (
        (cells > 0) & (cells == column_size) & (row_size - cells > 0) & (row_size - cells < minimum)
    )
    row_inside = (
        (cells > 0) & (cells == row_size) & (column_size - cells > 0) & (column_size - cells < minimum)
    )
    changed = False
    for r, c in zip(*np.nonzero(column_inside | row_inside), strict=True):
        department, interviewer = str(counts.index[r]), str(counts.columns[c])
        changed |= _hide_one(tables, department, interviewer)
    return changed


def _hide_one(tables: dict[str, Table], department: str, interviewer: str) -> bool:
    """Hide the interviewer group of a leaking pair, else the department, else (both are pools) the
    smallest shown interviewer group or department."""
    for grouping, key in (("interviewer_id", interviewer), ("department", department)):
        if key != OTHER:
            tables[grouping].hidden.add(key)
            return True
    for grouping in ("interviewer_id", "department"):
        table = tables[grouping]
        if table.shown:
            table.hidden.add(min(table.shown, key=lambda k: (table.groups[k].employees, k)))
            return True
    return False
