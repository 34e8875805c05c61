"""What the status step did (`step.write_follow_up`, and `rebuild.rebuild_follow_up` when something
changed): a module of its own, which both use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.followup.columns import Row
from pipeline.followup.figures import Figures, PreviousRound
from pipeline.followup.frames import FigureFrames
from pipeline.followup.record import CopiesResult
from pipeline.model import Problem
from pipeline.store.batch import BatchResult


@dataclass
class FollowUpResult:
    """What `write_follow_up` did.

    follow_up, leadership: the two files. backup: where the previous follow-up workbook was copied
    (`history/follow-up-<timestamp>.xlsx`), None when there was none or nothing changed.
    same: whether each of the two (the follow-up, the summary) was left as it was (same content as the
    last run, file untouched); `unchanged` when both were.
    problems: warnings for the user, with codes (edits kept against new source values, values not
    understood, texts cut to Excel's limit, rows restored or kept, columns and sheets carried over).
    counts: conversations, goals (rows written), new_rows, edits_kept, conflicts, restored_rows,
    removed_rows (kept, marked), hand_rows (added by a person, kept), unmatched_rows (no or duplicate
    ID, kept), extra_columns, extra_sheets, texts_cut; from the managers' copies: copies_merged, copy_edits
    (cells taken), copy_new_rows (rows they added). conflicts: this run's conflicts with a copy.
    frames: the figures' DataFrames (None when nothing changed and they were not computed);
    figures: the round's totals (as on the Overview's Total row).
    previous: the round compared with in the leadership summary, or None; previous_round: its ID.
    """

    follow_up: Path
    leadership: Path
    backup: Path | None = None
    same: tuple[bool, bool] = (False, False)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    frames: FigureFrames | None = None
    previous: PreviousRound | None = None
    copies: CopiesResult = field(default_factory=CopiesResult)
    conflicts: list[dict] = field(default_factory=list)
    today: dt.date | None = None  # the day overdue flags were measured against
    goal_rows: list[Row] | None = None  # the goals and actions after the merge (None when nothing changed)
    plans: BatchResult | None = None  # the employees' plans (`plans.write_plans`), when they were looked at
    quick: dict | None = None  # the inputs remembered for the next run's quick check (`remember_quick`)
    said: tuple[list[dict], bool] | None = None  # the warnings remembered with them, and whether lasting

    @property
    def unchanged(self) -> bool:
        """Neither file needed rewriting."""
        return all(self.same)

    @property
    def figures(self) -> Figures:
        """The round's totals (all 0 when they were not computed)."""
        return self.frames.total() if self.frames is not None else Figures()

    @property
    def previous_round(self) -> str | None:
        """The ID of the round compared with, or None."""
        return self.previous.round_id if self.previous is not None else None

    @property
    def warnings(self) -> list[str]:
        """The warnings' sentences, as the human output prints them."""
        return [p.message for p in self.problems]

    def to_list(self) -> list[dict[str, str | None]]:
        """The warnings as the JSON output writes them (the shape of `validate --json`)."""
        return [p.to_dict() for p in self.problems]
