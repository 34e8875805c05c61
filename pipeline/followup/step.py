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
from collections.abc import Callable
from pathlib import Path

from pipeline import clock, texts
from pipeline.errors import OutputError
from pipeline.followup.columns import Notes
from pipeline.followup.record import COPY_NAMES, FOLLOW_UP_FILE, file_stamp, refuse_if_open
from pipeline.followup.result import FollowUpResult
from pipeline.followup.sources import mail_facts, round_zone
from pipeline.model import Problem, Round, Severity
from pipeline.store.folder import RoundOutput
from pipeline.store.ledger import FILES_ONLY, input_digest, unchanged_step
from pipeline.store.state import State

LEADERSHIP_FILE = "leadership-summary.xlsx"


# -- the stage ---------------------------------------------------------------------------------------


def write_follow_up(
    round_: Round,
    output: Path,
    today: dt.date | None = None,
    fresh: bool = False,
    collect_dir: Path | None = None,
    also: object = None,
) -> FollowUpResult:
    """Step 5: write `output/<round>/follow-up.xlsx`, `output/<round>/leadership-summary.xlsx` and each
    interviewer's own copy, `output/<round>/managers/<id>-<name>/oppfolging.xlsx` (`managers.py`).

    The managers' copies that changed since they were written (in their folders, and the returned
    files in `collect_dir`) are merged three ways into HR's rows first (`copies.py`).

    Reads the existing follow-up workbook first and keeps what people typed in it (`followup/merge.py`);
    copies it to `history/follow-up-<timestamp>.xlsx` before replacing it; leaves both files alone when
    nothing changed. `today` (default: today in the round's time zone) is the day deadlines and overdue
    flags are measured against. `also`: what else the step's caller makes from it (the employees'
    plans: their templates), part of what must be unchanged for the step to be skipped. `fresh`:
    compute the figures (`result.frames`) even when no input changed. Raises OutputError when a file is open in Excel or LibreOffice (its lock file is beside
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
        quick = {**_quick_inputs(round_, output, root, today), "also": also}
        content = functools.cache(lambda: step_content(round_))  # worked out once, when it is wanted
        last = _quick_last(root, quick, follow_up, leadership, content)
        lasting = _lasting(last) if last is not None else None
        if not fresh and collect_dir is None and lasting is not None and _plans_as_written(root):
            if last.get(WORKBOOK) != quick[WORKBOOK]:  # the same by what the step reads: known now as it is
                State(output).put_document(root.name, QUICK_FILE, {**last, WORKBOOK: quick[WORKBOOK]})
            result.same = (True, True)
            result.problems = lasting  # said again
            return result
        from pipeline.followup.rebuild import rebuild_follow_up  # the workbooks: loaded when they are made

        rebuild_follow_up(round_, output, root, zone, today, notes, collect_dir, result)
        result.quick = {**_as_written(quick, result.copies.stamps, root), CONTENT: content()}
        said = [problem.to_dict() for problem in notes.problems]
        # lasting: what the last run said, said again on the inputs as that run left them (`_lasting`)
        result.said = (said, bool(said) and last is not None and last.get("said") == said)
    result.problems, result.counts = notes.problems, notes.counts
    return result


QUICK_FILE = "status-inputs"
WORKBOOK, CONTENT = "workbook", "content"  # kept beside the other inputs' hash: either may match


def _quick_inputs(round_: Round, output: Path, root: Path, today: dt.date) -> dict:
    """Cheap stamps of every input of this step: workbook, registers, other rounds, code, day, mail."""
    from pipeline.store.batch import code_digest, record_key, workbook_digest

    state = State(output)
    others = sorted(
        (_name(p, output), file_stamp(p)) for p in output.glob("*/follow-up.xlsx") if p.parent != root
    )
    # the managers' copies, and the lock files beside them: an edited copy is merged on the next run
    copies = {_name(p, root): file_stamp(p) for p in _copies_and_locks(root / "managers")}
    return {
        "code": code_digest(),
        WORKBOOK: workbook_digest(round_),
        "carried": [record_key(goal) for goal in round_.carried_goals()],  # from the round before
        # the registers and events: not the ledgers, which a step writing documents changes
        "versions": {scope: state.version(scope, register=True) for scope in (root.name, *state.rounds())},
        "others": others,
        "copies": copies,
        "today": today,
        "mail": mail_facts(root, round_),  # reminders queued and addresses refused since
    }


def step_content(round_: Round) -> str:
    """A hash of what this step reads from the round workbook: the settings, the employees and the goals
    as they are (row numbers and order too), and of each meeting only whose it is, its day and who holds
    it. The follow-up shows the day of a meeting, not its hour, place or length; nor do the plans or
    the leadership summary. A meeting moved within its day, or a workbook saved again as it was, then
    finds the step as it was without reading and merging the follow-up again (issue 16: 2.5 s at
    10,000 employees, a third of such a run). Looked at only when what was read from the workbook
    changed (`Round.workbook_content`): it costs 0.1 s at 10,000."""
    from pipeline.store.batch import record_key

    meetings = [(m.row, m.employee_id, m.date, m.interviewer_id) for m in round_.meetings]
    employees = [(e.row, record_key(e)) for e in round_.employees]
    goals = [(g.row, record_key(g)) for g in round_.goals]
    return input_digest(record_key(round_.settings), employees, meetings, goals)


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


def _quick_last(
    root: Path, quick: dict, follow_up: Path, leadership: Path, content: Callable[[], str]
) -> dict | None:
    """The record the last run left when nothing this step reads changed since and both files are
    exactly as it wrote them; else None. The workbook counts as it was when what was read from it is
    the same (`Round.workbook_content`), or else what this step reads from it (`content`, the
    round's `step_content`)."""
    try:
        last = State(root.parent).document(root.name, QUICK_FILE)
    except OutputError:
        return None
    if not isinstance(last, dict):
        return None
    record = _quick_record(quick, follow_up, leadership)
    if not all(last.get(key) == value for key, value in record.items() if key != WORKBOOK):
        return None
    if last.get(WORKBOOK) == record[WORKBOOK] or last.get(CONTENT) == content():
        return last
    return None


def _plans_as_written(root: Path) -> bool:
    """Whether every employee's plan the last run left is there as it wrote it (or as a person left
    it): a plan deleted since is written again, as any document is (one stat each)."""
    from pipeline.documents.kinds import Step, written_by

    return unchanged_step(root, Step.STATUS.value, FILES_ONLY, written_by(Step.STATUS)) is not None


def _lasting(last: dict) -> list[Problem] | None:
    """The warnings to say again when the step is skipped on the record `last`, whose inputs are as they
    were; None when it may not be skipped. It may when the run that left the record said nothing, or
    said only what the run before it had said on the same inputs (`lasting`: a column HR added to the
    follow-up, a file in a manager's folder that is no copy), which a skipped run says again. A warning
    said once (a conflict with a manager's copy, a workbook made again) is not said by the run after
    it, so it never lets a run be skipped: the run after a warning always looks again, and only the one
    after that may be skipped. A record that cannot be read back is not skipped on."""
    said = last.get("said")
    if not said:
        return []
    if last.get("lasting") is not True or not isinstance(said, list):
        return None
    try:
        return [_problem(warning) for warning in said]
    except (AttributeError, KeyError, TypeError, ValueError):  # not as written (a code no longer known)
        return None


def _problem(said: dict) -> Problem:
    """A warning as a skipped run says it again (`Problem.to_dict` read back)."""
    where = {key: said.get(key) for key in ("file", "field", "employee_id")}
    return Problem(
        Severity(said["severity"]), said.get("sheet"), said.get("cell"), said.get("column"), said["code"],
        said["message"], **where,
    )  # fmt: skip


def _quick_record(quick: dict, follow_up: Path, leadership: Path) -> dict:
    """What the quick check compares: a hash of the step's inputs but the workbook, the workbook's
    (`Round.workbook_content`), and both files' stamps."""
    return {
        "inputs": input_digest(*(value for key, value in quick.items() if key not in (WORKBOOK, CONTENT))),
        WORKBOOK: quick[WORKBOOK],
        "follow_up": file_stamp(follow_up),
        "leadership": file_stamp(leadership),
    }


def _as_written(inputs: dict, stamps: dict[str, list[int] | None], root: Path) -> dict:
    """The step's inputs with the managers' copies it wrote as it wrote them (`stamps`)."""
    written = {_name(Path(path), root): stamp for path, stamp in stamps.items()}
    return {**inputs, "copies": dict(sorted({**inputs["copies"], **written}.items()))}


def _name(path: Path, folder: Path) -> str:
    """A file's name under `folder`, the same whether the output folder was given as `output`, as
    `./output` or by its absolute path from elsewhere (a run from another folder is not a change)."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


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
    quick["versions"] = {**quick["versions"], root.name: State(root.parent).version(root.name, register=True)}
    record = {**_quick_record(quick, result.follow_up, result.leadership), CONTENT: quick[CONTENT]}
    if result.said is not None and result.said[0]:
        record["said"], record["lasting"] = result.said
    State(root.parent).put_document(root.name, QUICK_FILE, record)
