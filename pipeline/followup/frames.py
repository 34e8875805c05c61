"""The round's figures computed with pandas: one DataFrame of conversations (one row per employee in
scope) and one of goals and actions (one row per goal or action followed up), built from the facts
(`figures.ConversationFact`, `figures.GoalFact`), and every figure a group-by over them.

The follow-up workbook's Overview, the leadership summary and the CSV export (`status --export`) all
read their figures from one `FigureFrames`, so that they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.followup.figures import STAGE_RANK, ConversationFact, Figures, GoalFact

if TYPE_CHECKING:
    import pandas as pd

# The stages counted cumulatively: an employee whose meeting was held was also invited and prepared.
COUNTED_STAGES = ("invited", "prepared", "held", "minutes", "approved")
CONVERSATION_SUMS = (*COUNTED_STAGES, "conversations_overdue", "wellbeing_count", "wellbeing_sum")
GOAL_SUMS = ("agreed", "done", "in_progress", "cancelled", "goals_overdue")
GROUPINGS = ("department", "interviewer_id")


class FigureFrames:
    """The two DataFrames of a round and the figures made from them by group-by."""

    def __init__(self, conversations: Sequence[ConversationFact], goals: Sequence[GoalFact]):
        import pandas as pd  # only when figures are made: an unchanged run never loads it

        rank = pd.Series([STAGE_RANK.get(f.stage, 0) for f in conversations], dtype="int64")
        score = pd.Series([f.wellbeing for f in conversations], dtype="float64")
        frame = pd.DataFrame(
            {
                "department": pd.Series([f.department for f in conversations], dtype="object"),
                "interviewer_id": pd.Series([f.interviewer_id for f in conversations], dtype="object"),
                "stage_rank": rank,
                "conversations_overdue": pd.Series([f.overdue for f in conversations], dtype="int64"),
                "wellbeing": score,
            }
        )
        for stage in COUNTED_STAGES:
            frame[stage] = (rank >= STAGE_RANK[stage]).astype("int64")
        frame["wellbeing_count"] = score.notna().astype("int64")
        frame["wellbeing_sum"] = score.fillna(0).astype("int64")
        frame["wellbeing_squares"] = (score.fillna(0) ** 2).astype("int64")
        self.conversations = frame
        status = pd.Series([f.status for f in goals], dtype="object")
        self.goals = pd.DataFrame(
            {
                "department": pd.Series([f.department for f in goals], dtype="object"),
                "interviewer_id": pd.Series([f.interviewer_id for f in goals], dtype="object"),
                "status": status,
                "agreed": pd.Series([f.new for f in goals], dtype="int64"),
                "done": (status == "done").astype("int64"),
                "in_progress": (status == "in_progress").astype("int64"),
                "cancelled": (status == "cancelled").astype("int64"),
                "goals_overdue": pd.Series([f.overdue for f in goals], dtype="int64"),
            }
        )

    def by(self, grouping: str | list[str]) -> dict:
        """The figures per group of `grouping` ("department" or "interviewer_id"); with a list of
        groupings, keyed by tuples of their values."""
        sums = list(CONVERSATION_SUMS) + ["wellbeing_squares"]
        people = self.conversations.groupby(grouping, sort=False)[sums].sum()
        people["employees"] = self.conversations.groupby(grouping, sort=False).size()
        goals = self.goals.groupby(grouping, sort=False)[list(GOAL_SUMS)].sum()
        goals["goals"] = self.goals.groupby(grouping, sort=False).size()
        table = people.join(goals, how="outer").fillna(0).astype("int64")
        keys = (tuple(str(k) for k in key) if isinstance(grouping, list) else str(key) for key in table.index)
        return {key: _figures(row) for key, row in zip(keys, table.to_dict("records"), strict=True)}

    def per_interviewer(self) -> dict[str, InterviewerFigures]:
        """Each interviewer's own figures (their departments, and their total), from two group-bys:
        what their own follow-up copy shows, and nothing of anyone else's people."""
        totals = self.by("interviewer_id")
        views = {key: InterviewerFigures(key, {}, figures) for key, figures in totals.items()}
        for (interviewer, department), figures in self.by(["interviewer_id", "department"]).items():
            views[interviewer].departments[department] = figures
        return views

    def total(self) -> Figures:
        """The figures of the whole round."""
        sums = self.conversations[[*CONVERSATION_SUMS, "wellbeing_squares"]].sum()
        counts = {name: int(sums[name]) for name in sums.index}
        counts["employees"] = len(self.conversations)
        goal_sums = self.goals[list(GOAL_SUMS)].sum()
        counts |= {name: int(goal_sums[name]) for name in goal_sums.index}
        counts["goals"] = len(self.goals)
        return _figures(counts)

    def members(self, grouping: str) -> pd.Series:
        """The group of `grouping` of every employee in scope (the conversations' rows, in order)."""
        return self.conversations[grouping]

    def goal_status(self) -> dict[str, int]:
        """How many goals and actions have each status ("" for one not understood)."""
        return {str(k): int(v) for k, v in self.goals["status"].value_counts().items()}


class InterviewerFigures:
    """One interviewer's figures, read the way the follow-up's Overview reads a `FigureFrames`."""

    def __init__(self, interviewer_id: str, departments: dict[str, Figures], total: Figures):
        self.interviewer_id = interviewer_id
        self.departments = departments
        self._total = total

    def by(self, grouping: str) -> dict[str, Figures]:
        """Their departments, or their own line."""
        return self.departments if grouping == "department" else {self.interviewer_id: self._total}

    def total(self) -> Figures:
        """Their people's figures."""
        return self._total


def _figures(counts: dict) -> Figures:
    return Figures(**{name: int(counts.get(name, 0)) for name in Figures.__dataclass_fields__})
