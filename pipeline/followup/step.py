"""Step 5: the follow-up workbook HR and managers live in through the year, and the leadership summary.

`write_follow_up` writes `output/<round>/follow-up.xlsx` (Overview, Conversations, Goals and actions;
sheet names and headers in the round's language) and `output/<round>/leadership-summary.xlsx`
(`leadership.py`). Sources: the round workbook (employees, schedule, goals), the round's events
(`invited`, `prepared`, recorded by invite and prepare) and its register (`register.py`: held,
minutes, reviews of earlier goals, new goals and actions, approvals).

People edit the follow-up workbook, and nothing they type is lost. The editable columns are status,
progress and comment (Goals and actions) and approved date and follow-up held (Conversations). A run
reads the existing file first, by header name, and merges by ID (rules: `followup/merge.py`). What
each run generated is remembered in the state database (`store.state`), keyed by a run token the
workbook carries as a custom property, so that a person's edit is told apart from a value the sources
gave last time. Writing the workbook is `followup/book.py`; the figures are `frames.py` (pandas, over
the facts of `figures.py`), what of them may be shown `privacy.py`, the anonymous summary
`leadership.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pipeline import clock, texts, xlsx
from pipeline.errors import OutputError
from pipeline.followup import history
from pipeline.followup.book import build_follow_up_workbook
from pipeline.followup.carry import snapshot_goals
from pipeline.followup.columns import (
    COUNTED_GOAL_SOURCES,
    EDITABLE,
    GENERATED_SOURCES,
    ExistingFile,
    Notes,
    Row,
    sheet_name,
    to_json,
)
from pipeline.followup.copies import conflicts_sheet, recorded_conflicts, remember, take_copies
from pipeline.followup.figures import ConversationFact, Figures, GoalFact, PreviousRound
from pipeline.followup.frames import FigureFrames
from pipeline.followup.leadership import build_leadership_workbook
from pipeline.followup.managers import COPY_NAMES, CopiesResult, Taken, write_copies
from pipeline.followup.merge import editable_keys, merge_rows
from pipeline.followup.previous import find_previous_round
from pipeline.followup.reading import read_existing
from pipeline.followup.record import (
    FOLLOW_UP_FILE,
    backup,
    baseline,
    content_digest,
    file_stamp,
    read_state,
    refuse_if_open,
    sha,
    write_state,
)
from pipeline.followup.sources import (
    Sources,
    conversation_rows,
    derive_conversation,
    figure_facts,
    goal_overdue,
    goal_rows,
    ledger_stages,
    mail_facts,
    read_register,
    round_zone,
)
from pipeline.model import Problem, Round
from pipeline.store.batch import BatchResult, default_workers
from pipeline.store.folder import RoundOutput
from pipeline.store.ledger import atomic_write, input_digest
from pipeline.store.state import State

T = TypeVar("T")
if TYPE_CHECKING:
    from openpyxl import Workbook

LEADERSHIP_FILE = "leadership-summary.xlsx"
KEPT_RUNS = 3  # baselines kept, so that a restored copy of one of the last files still merges exactly


# -- the result --------------------------------------------------------------------------------------


@dataclass
class FollowUpResult:
    """What `write_follow_up` did.

    follow_up, leadership: the two files. backup: where the previous follow-up workbook was copied
    (`history/follow-up-<timestamp>.xlsx`), None when there was none or nothing changed.
    unchanged: True when neither file needed rewriting (same content as the last run, file untouched).
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
    unchanged: bool = False
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


# -- the stage ---------------------------------------------------------------------------------------


def write_follow_up(
    round_: Round,
    output: Path,
    today: dt.date | None = None,
    fresh: bool = False,
    collect_dir: Path | None = None,
) -> FollowUpResult:
    """Step 5: write `output/<round>/follow-up.xlsx`, `output/<round>/leadership-summary.xlsx` and each
    interviewer's own copy, `output/<round>/managers/<id>-<name>/oppfolging.xlsx` (`managers.py`).

    The managers' copies that changed since they were written (in their folders, and the returned
    files in `collect_dir`) are merged three ways into HR's rows first (`copies.py`).

    Reads the existing follow-up workbook first and keeps what people typed in it (`followup/merge.py`);
    copies it to `history/follow-up-<timestamp>.xlsx` before replacing it; leaves both files alone when
    nothing changed. `today` (default: today in the round's time zone) is the day deadlines and overdue
    flags are measured against. `fresh`: compute the figures (`result.frames`) even when no input
    changed. Raises OutputError when a file is open in Excel or LibreOffice (its lock file is beside
    it), when the existing workbook cannot be read, or when another run holds the output folder.
    """
    settings = round_.settings
    lang = texts.language(settings.language)
    zone = round_zone(round_)
    today = today or clock.today(zone)
    folder = RoundOutput.for_round(round_, output)
    root = folder.root
    follow_up, leadership = root / FOLLOW_UP_FILE, root / LEADERSHIP_FILE
    result = FollowUpResult(follow_up, leadership, today=today)
    for path in (follow_up, leadership):
        refuse_if_open(path)
    notes = Notes(lang)
    with folder.hold():
        quick = _quick_inputs(round_, output, root, today)
        if not fresh and collect_dir is None and _quick_unchanged(root, quick, follow_up, leadership):
            result.unchanged = True
            return result
        state, existing, sources, merged, extra_headers, others, taken = _merge_inputs(
            round_, root, follow_up, zone, today, notes, collect_dir
        )
        conflicts = conflicts_sheet(_all_conflicts(root, taken), sources, lang)
        facts = figure_facts(merged, sources, lang)
        result.goal_rows = merged["goals"]
        frames = result.frames = FigureFrames(*facts)
        previous = result.previous = find_previous_round(output, root, merged["goals"], notes)

        content = content_digest(lang, today, merged, extra_headers, [*others, conflicts])
        summary = input_digest(settings, today, facts, previous)
        last = state["runs"][-1] if state["runs"] else {}
        same_follow_up = (
            existing is not None and last.get("content") == content and last.get("file") == sha(follow_up)
        )
        same_summary = last.get("summary") == summary and last.get("leadership") == sha(leadership)
        result.unchanged = same_follow_up and same_summary
        if not result.unchanged:
            token = existing.token if same_follow_up and existing and existing.token else secrets.token_hex(8)
            run = _run_record(token, settings.round_id, content, summary, frames, merged)
            earlier = [r for r in state["runs"] if r.get("token") != token]
            state["runs"] = [*earlier[-(KEPT_RUNS - 1) :], run]
            # The record goes first: should the run stop before the workbook is replaced, the old file
            # still carries its own token, whose record is kept.
            write_state(root, state)
            build = None if same_follow_up else functools.partial(
                build_follow_up_workbook, merged, extra_headers, others, frames,
                _interviewer_names(sources, facts, lang),
                xlsx.Heading(settings.organisation, settings.round_id, lang, settings.title), today, token,
                conflicts=conflicts,
            )  # fmt: skip
            summarise = functools.partial(build_leadership_workbook, settings, today, frames, previous)
            result.backup, run["file"], run["leadership"] = _write_managers_copies(
                root, sources, merged, frames, today, notes, taken, result,
                _workbooks_job(root, follow_up, leadership, build, summarise),
            )  # fmt: skip
            write_state(root, state)
        else:
            _write_managers_copies(root, sources, merged, frames, today, notes, taken, result)
        if not notes.warnings:  # a run with something to say is not skipped next time
            result.quick = _as_written(quick, result.copies.stamps)
    result.problems, result.counts = notes.problems, notes.counts
    return result


def _workbooks_job(
    root: Path,
    follow_up: Path,
    leadership: Path,
    build: Callable[[], Workbook] | None,
    summarise: Callable[[], Workbook],
) -> Callable[[], tuple[Path | None, str, str]]:
    """HR's follow-up (built by `build`; None: unchanged, left as it is) and the leadership summary, as
    one job run beside the managers' copies, in a worker of its own when there are many copies (issue 16:
    the copies no longer wait for them). The job returns the follow-up's backup, if any, and both hashes."""

    def job() -> tuple[Path | None, str, str]:
        kept = None
        if build is not None:
            workbook = build()
            kept = backup(follow_up, root) if follow_up.exists() else None
            atomic_write(follow_up, workbook.save)
        atomic_write(leadership, summarise().save)
        return kept, sha(follow_up), sha(leadership)

    return job


def _run_record(
    token: str, round_id: str, content: str, summary: str, frames: FigureFrames, merged: dict[str, list[Row]]
) -> dict:
    """What a run that writes the follow-up remembers: its token, what it showed, and the baselines."""
    return {
        "token": token,
        "round_id": round_id,
        "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "content": content,
        "summary": summary,
        "figures": frames.total().to_dict(),
        "editable": editable_keys(),
        **_baselines(merged),
    }


def _write_managers_copies(
    root: Path,
    sources: Sources,
    merged: dict[str, list[Row]],
    frames: FigureFrames,
    today: dt.date,
    notes: Notes,
    taken: Taken,
    result: FollowUpResult,
    alongside: Callable[[], T] | None = None,
) -> T | None:
    """Each interviewer's copy, with the merged values; then the record of what the copies brought.
    `alongside` (HR's workbooks) is run with the copies, and what it returns is returned."""
    result.copies, done = write_copies(
        root, sources, merged, frames, today, notes, taken, default_workers(), alongside
    )
    remember(root, taken, notes.changes)
    snapshot_goals(root, sources.round_.settings.round_id, merged["goals"])
    result.conflicts = taken.conflicts
    return done


def _interviewer_names(
    sources: Sources, facts: tuple[list[ConversationFact], list[GoalFact]], lang: str
) -> dict[str, str]:
    """The name of every interviewer the figures count (for the follow-up's Overview)."""
    interviewers = {f.interviewer_id for f in facts[0]} | {f.interviewer_id for f in facts[1]}
    return {key: sources.interviewer_name_of(key, lang) for key in interviewers}


def _merge_inputs(
    round_: Round,
    root: Path,
    follow_up: Path,
    zone: object,
    today: dt.date,
    notes: Notes,
    collect_dir: Path | None,
) -> tuple[dict, object, Sources, dict[str, list[Row]], dict[str, list[str]], list, Taken]:
    """What the sources say merged with the workbook as people left it, then with the managers' copies:
    the record of earlier runs, the existing workbook (or None), the sources, the merged rows and extra
    columns per sheet, the sheets people added, and what the copies brought."""
    state = read_state(root, notes)
    existing = read_existing(follow_up, notes) if follow_up.exists() else None
    if existing is None and state["runs"]:
        notes.warn(
            "follow-up-made-again",
            f"{follow_up} was not there; it is made again, with the edits it had at the last run.",
            follow_up,
        )
    base = baseline(state, existing.token if existing else None)
    invited, prepared = ledger_stages(root, notes)
    reminded, refused = mail_facts(root, round_)
    sources = Sources(
        round_, read_register(root), invited, prepared, zone, reminded=reminded, refused=refused
    )
    merged, extra_headers = _merge_sheets(sources, existing, base, today, notes)
    taken = take_copies(root, sources, merged, collect_dir, today, notes)
    history.mark_changed_by(
        merged,
        root,
        [*notes.changes, *taken.changes],
        notes.lang,
        lambda k: sources.interviewer_name_of(k, notes.lang),
    )
    _derive(merged, sources, today)
    others = existing.other_sheets if existing else []
    if others:
        notes.counts["extra_sheets"] = len(others)
        notes.warn(
            "sheets-carried-over",
            f"{follow_up.name}: the sheet(s) you added ({', '.join(t for t, _ in others)}) are carried over "
            "with their values and formulas (not their formatting or charts; those are in history/).",
        )
    return state, existing, sources, merged, extra_headers, others, taken


def _all_conflicts(root: Path, taken: Taken) -> list[dict]:
    """The round's conflicts: those recorded on earlier runs, and this run's."""
    recorded = recorded_conflicts(root)
    return [*recorded, *(c for c in taken.conflicts if c not in recorded)]


def _merge_sheets(
    sources: Sources, existing: ExistingFile | None, base: dict, today: dt.date, notes: Notes
) -> tuple[dict[str, list[Row]], dict[str, list[str]]]:
    """Both data sheets merged with HR's workbook; and the columns people added."""
    merged: dict[str, list[Row]] = {}
    extra_headers: dict[str, list[str]] = {}
    for kind, make in (("conversations", conversation_rows), ("goals", goal_rows)):
        sheet = existing.sheets.get(kind) if existing else None
        if existing is not None and sheet is None:
            notes.warn(
                "sheet-made-again",
                f"The sheet {sheet_name(kind, notes.lang)} was not found in the follow-up workbook (looked for by "
                "its headers); it is made again, with the edits it had at the last run.",
            )
        merged[kind] = merge_rows(kind, make(sources, notes), sheet, base, today, notes)
        extra_headers[kind] = sheet.extra_headers if sheet else []
        notes.counts[kind] = len(merged[kind])
        if sheet and sheet.extra_headers:
            notes.counts["extra_columns"] += len(sheet.extra_headers)
            notes.warn(
                "columns-carried-over",
                f"{sheet.title}: the column(s) you added ({', '.join(sheet.extra_headers)}) are kept after the "
                "generated ones, with their values by ID; formulas in them move with their row.",
            )
    return merged, extra_headers


def _derive(merged: dict[str, list[Row]], sources: Sources, today: dt.date) -> None:
    """The derived columns, from the merged values (so that a typed date or status counts)."""
    for row in merged["conversations"]:
        if row.source in GENERATED_SOURCES:
            derive_conversation(row, sources, today)
    for row in merged["goals"]:
        if row.source in COUNTED_GOAL_SOURCES:
            row.values["overdue"] = goal_overdue(row.values, today)
            updated = row.values.get("last_updated")
            if row.edited_on and not (isinstance(updated, dt.date) and updated >= row.edited_on):
                row.values["last_updated"] = row.edited_on


def _baselines(merged: dict[str, list[Row]]) -> dict[str, dict]:
    """Per sheet and row ID: what the sources gave (g), what was written where it differs (w), and the
    day a person's edit was last seen (e). Rows a person added are not recorded: they are theirs."""
    result: dict[str, dict] = {}
    for kind, rows in merged.items():
        editable = EDITABLE[kind]
        records = {}
        for row in rows:
            generated = row.generated if row.source in GENERATED_SOURCES else row.base
            if generated is None or not row.key:
                continue
            record: dict[str, object] = {"g": {k: to_json(v) for k, v in generated.items() if v is not None}}
            written = {
                c.key: to_json(row.values.get(c.key))
                for c in editable
                if row.values.get(c.key) != generated.get(c.key)
            }
            if written:
                record["w"] = written
            if row.edited_on:
                record["e"] = row.edited_on.isoformat()
            records[row.key] = record
        result[kind] = records
    return result


QUICK_FILE = "status-inputs"


def _quick_inputs(round_: Round, output: Path, root: Path, today: dt.date) -> dict:
    """Cheap stamps of every input of this step: workbook, register, ledger, other rounds, code, day."""
    from pipeline.store.batch import code_digest

    state = State(output)
    others = sorted((str(p), file_stamp(p)) for p in output.glob("*/follow-up.xlsx") if p.parent != root)
    # the managers' copies, and the lock files beside them: an edited copy is merged on the next run
    copies = {str(p): file_stamp(p) for p in _copies_and_locks(root / "managers")}
    return {
        "code": code_digest(),
        "workbook": sha(Path(round_.path)),
        "versions": {scope: state.version(scope) for scope in (root.name, *state.rounds())},
        "others": others,
        "copies": copies,
        "today": today,
        "mail": mail_facts(root, round_),  # reminders queued and addresses refused since
    }


def _copies_and_locks(managers: Path) -> list[Path]:
    """The managers' copies and the lock files beside them, sorted. Only names are looked at until one
    is wanted: a glob made a path of every employee's folder under every manager (13,000 at 10,000)."""
    found = []
    try:
        folders = [entry.path for entry in os.scandir(managers) if entry.is_dir()]
    except OSError:
        return []
    for folder in folders:
        try:
            names = [entry.name for entry in os.scandir(folder)]
        except OSError:
            continue
        found.extend(
            Path(folder, name) for name in names if name in COPY_NAMES or name.startswith(("~$", ".~lock."))
        )
    return sorted(found)


def _quick_unchanged(root: Path, quick: dict, follow_up: Path, leadership: Path) -> bool:
    """True when nothing this step reads changed and both files are exactly as it last wrote them."""
    try:
        last = State(root.parent).document(root.name, QUICK_FILE)
    except OutputError:
        return False
    return last == {
        "inputs": input_digest(*quick.values()),
        "follow_up": file_stamp(follow_up),
        "leadership": file_stamp(leadership),
    }


def _as_written(inputs: dict, stamps: dict[str, list[int] | None]) -> dict:
    """The step's inputs with the managers' copies it wrote as it wrote them (`stamps`)."""
    return {**inputs, "copies": dict(sorted({**inputs["copies"], **stamps}.items()))}


def remember_quick(root: Path, result: FollowUpResult) -> None:
    """Remember the step's inputs (`result.quick`: as read at its start, with the managers' copies as
    it wrote them) so that the next run with nothing changed is quick; with the round's own change
    counter as it is now. Called once the employees' plans are written too (`run.status_step`), under
    the same hold of the round's folder, so that no other step wrote in between: a run killed before
    the plans are written leaves nothing remembered, and the next run writes them. The other rounds'
    counters stay as they were read at the start."""
    quick = result.quick
    if quick is None:
        return
    quick["versions"] = {**quick["versions"], root.name: State(root.parent).version(root.name)}
    record = {
        "inputs": input_digest(*quick.values()),
        "follow_up": file_stamp(result.follow_up),
        "leadership": file_stamp(result.leadership),
    }
    State(root.parent).put_document(root.name, QUICK_FILE, record)
