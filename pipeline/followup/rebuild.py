"""The status step's full run (`step.write_follow_up` once its quick check found something changed):
the sources merged with HR's workbook and the managers' copies, the figures, and the workbooks written.
Apart from `step` so that a run with nothing changed does not load what makes workbooks (openpyxl,
the copies' writers): issue 16, a command loads what it uses."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pipeline import xlsx
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
from pipeline.followup.figures import ConversationFact, GoalFact
from pipeline.followup.frames import FigureFrames
from pipeline.followup.leadership import build_leadership_workbook
from pipeline.followup.managers import Taken, write_copies
from pipeline.followup.merge import as_placed, editable_keys, line_in_file, merge_rows
from pipeline.followup.previous import find_previous_round
from pipeline.followup.reading import read_existing
from pipeline.followup.record import (
    backup,
    baseline,
    content_digest,
    read_state,
    runs_kept,
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
)
from pipeline.model import Round
from pipeline.store.batch import default_workers
from pipeline.store.files import atomic_write
from pipeline.store.ledger import input_digest

if TYPE_CHECKING:
    from openpyxl import Workbook

    from pipeline.followup.result import FollowUpResult

T = TypeVar("T")
KEPT_RUNS = 3  # baselines kept, so that a restored copy of one of the last files still merges exactly


def rebuild_follow_up(
    round_: Round,
    output: Path,
    root: Path,
    zone: object,
    today: dt.date,
    notes: Notes,
    collect_dir: Path | None,
    result: FollowUpResult,
) -> None:
    """Merge, figure and write (what `step.write_follow_up` says), into `result`; under its hold."""
    settings = round_.settings
    lang = notes.lang
    follow_up, leadership = result.follow_up, result.leadership
    state, existing, sources, merged, extra_headers, others, taken = _merge_inputs(
        round_, root, follow_up, zone, today, notes, collect_dir
    )
    conflicts = conflicts_sheet(_all_conflicts(root, taken), sources, lang)
    facts = figure_facts(merged, sources, lang)
    result.goal_rows = merged["goals"]
    frames = result.frames = FigureFrames(*facts)
    previous = result.previous = find_previous_round(output, root, merged["goals"], notes)

    content = content_digest(lang, today, merged, extra_headers, [*others, conflicts])
    # the facts in any order: the summary counts them, so rows sorted anew in the workbook change nothing
    summary = input_digest(settings, today, [sorted(map(repr, part)) for part in facts], previous)
    last = state["runs"][-1] if state["runs"] else {}
    same_follow_up = (
        existing is not None and last.get("content") == content and last.get("file") == sha(follow_up)
    )
    # a run killed before it wrote the summary left its record without the file's hash: written again
    written = last.get("leadership")
    same_summary = last.get("summary") == summary and written is not None and written == sha(leadership)
    result.same = (same_follow_up, same_summary)
    if not result.unchanged:
        token = existing.token if same_follow_up and existing and existing.token else secrets.token_hex(8)
        run = _run_record(token, settings.round_id, content, summary, frames, merged)
        # the run whose file is there is kept, however many runs were killed since
        state["runs"] = runs_kept(state["runs"], run, existing.token if existing else None, KEPT_RUNS)
        # The record goes first: should the run stop before the workbook is replaced, the old file
        # still carries its own token, whose record is kept.
        write_state(root, state)
        # HR's rows in the order HR left them (sorted by due date, say); the copies keep the sources'
        placed = {kind: as_placed(rows, line_in_file) for kind, rows in merged.items()}
        build = None if same_follow_up else functools.partial(
            build_follow_up_workbook, placed, extra_headers, others, frames,
            _interviewer_names(sources, facts, lang),
            xlsx.Heading(settings.organisation, settings.round_id, lang, settings.title), today, token,
            conflicts=conflicts,
        )  # fmt: skip
        # the same figures: the summary is left as it is (its file would differ only in the moment saved)
        summarise = (
            None
            if same_summary
            else functools.partial(build_leadership_workbook, settings, today, frames, previous)
        )
        result.backup, run["file"], run["leadership"] = _write_managers_copies(
            root, sources, merged, frames, today, notes, taken, result,
            _workbooks_job(root, follow_up, leadership, build, summarise),
        )  # fmt: skip
        write_state(root, state)
    else:
        _write_managers_copies(root, sources, merged, frames, today, notes, taken, result)


def _workbooks_job(
    root: Path,
    follow_up: Path,
    leadership: Path,
    build: Callable[[], Workbook] | None,
    summarise: Callable[[], Workbook] | None,
) -> Callable[[], tuple[Path | None, str, str]]:
    """HR's follow-up (built by `build`) and the leadership summary (by `summarise`; either None:
    unchanged, left as it is), as one job run beside the managers' copies, in a worker of its own when
    there are many copies (issue 16: the copies no longer wait for them). The job returns the
    follow-up's backup, if any, and both hashes."""

    def job() -> tuple[Path | None, str, str]:
        kept = None
        if build is not None:
            workbook = build()
            kept = backup(follow_up, root) if follow_up.exists() else None
            atomic_write(follow_up, workbook.save)
        if summarise is not None:
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
    # the changes first: a run killed before the workbooks hold them merges the same copies again, and
    # a change already recorded is not recorded twice (`history.append`)
    remember(root, taken, notes.changes)
    result.copies, done = write_copies(
        root, sources, merged, frames, today, notes, taken, default_workers(), alongside
    )
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
