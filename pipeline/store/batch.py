"""Producing many documents: one job per output file, done in worker processes, recorded in the ledger.

A job says where a file goes and how to make its bytes (a compiled template and a context, or a
calendar builder and its arguments) and carries the hash of its inputs. The work is split over
`--jobs` processes; each renders, compares with what is on disk and writes (see `ledger.publish`);
the parent only gathers the outcomes. Templates are compiled before the workers start, so each
worker inherits them compiled.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pipeline import __version__
from pipeline.errors import AppraisalError
from pipeline.model import Round, field_names
from pipeline.store.folder import RoundOutput
from pipeline.store.ledger import (
    FAILED,
    KEPT,
    UNCHANGED,
    UPDATED,
    WRITTEN,
    Entry,
    Ledger,
    Outcome,
    input_digest,
    log_run,
    publish,
    unchanged_step,
)
from pipeline.store.moved import Moved, clear_moved

if TYPE_CHECKING:
    from pipeline.render.engine import CompiledTemplate

SOURCE_SUFFIXES = (".py", ".toml")  # the code, and the data it reads: wordings, the example company


@functools.cache  # the code does not change while a process runs
def code_digest() -> str:
    """A hash of the package's version and every source file in it: a new version of the tool, or any
    change to its code, re-renders the documents and remakes the workbooks."""
    return package_digest(Path(__file__).resolve().parents[1])


def package_digest(package: Path) -> str:
    """A hash of `__version__` and every file of `package` with a suffix in `SOURCE_SUFFIXES`."""
    sources = sorted(p for p in package.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file())
    return input_digest(
        __version__,
        [(p.relative_to(package).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()) for p in sources],
    )


def record_key(record: object) -> tuple[object, ...] | None:
    """A record's values without its row number: what a document made from it depends on."""
    if record is None:
        return None
    # Declared fields only: vars() would also hold cached properties, which come and go.
    return tuple(getattr(record, name) for name in field_names(type(record)) if name != "row")


def document_properties(round_: Round, kind: str, employee_id: str, template_digest: str) -> dict[str, str]:
    """The custom document properties every generated document carries."""
    return {
        "AppraisalRound": round_.settings.round_id,
        "AppraisalEmployeeID": employee_id,
        "AppraisalKind": kind,
        "AppraisalTemplateVersion": template_digest[:12],
    }


CHUNK = 64
T = TypeVar("T")
PARALLEL_FROM = 200  # fewer jobs than this are done in this process: starting workers costs more


class SharedContext:
    """One context for several documents (an employee's three forms): made when the first of them is
    rendered and kept for the others, in whichever process renders them (a worker renders a run of
    consecutive jobs, so the three are nearly always one worker's). Making a form's context three times
    was a tenth of rendering the forms. A process keeps one such context at a time, and lets it go after
    its `uses`: documents left unrendered (unchanged) never pile contexts up."""

    _held: SharedContext | None = None  # the one this process keeps now

    def __init__(self, make: Callable[[], dict], uses: int):
        self._make, self._uses, self._left = make, uses, uses
        self._value: dict | None = None

    def __call__(self) -> dict:
        if self._value is None:
            held = SharedContext._held
            if held is not None and held is not self:
                held._value = None
            self._value, self._left = self._make(), self._uses
            SharedContext._held = self
        value = self._value
        self._left -= 1
        if self._left <= 0:
            self._value = None
            SharedContext._held = None
        return value


@dataclass(frozen=True)
class Job:
    """One output file to bring up to date."""

    relative: str  # path inside the round's output folder
    kind: str  # invitation | calendar | overview | ...
    employee_id: str
    input_hash: str
    build: Callable[..., bytes] | None = None  # for non-template outputs: build(*args) -> bytes
    args: tuple = ()
    template: CompiledTemplate | None = None
    context: dict | Callable[[], dict] | None = None  # a callable is called only when the file is rendered
    properties: dict[str, str] = field(default_factory=dict)
    title: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_template(
        cls,
        relative: str,
        kind: str,
        employee_id: str,
        template: CompiledTemplate,
        inputs: object,
        context: Callable[[], dict],
        properties: dict[str, str],
        title: str,
    ) -> Job:
        """A document rendered from a template; its input hash covers the code, the template, the records
        the context is made of (`inputs`), the properties and the title."""
        return cls(
            relative=relative,
            kind=kind,
            employee_id=employee_id,
            input_hash=input_digest(code_digest(), template.digest, inputs, properties, title),
            template=template,
            context=context,
            properties=properties,
            title=title,
        )

    def render(self) -> bytes:
        """The file's bytes."""
        if self.template is not None:
            context = self.context() if callable(self.context) else self.context
            return self.template.render(context or {}, self.properties, self.title)
        assert self.build is not None
        return self.build(*self.args)


@dataclass
class BatchResult:
    """Every outcome of a batch, and the PDF conversions."""

    outcomes: list[Outcome] = field(default_factory=list)
    pdf_written: list[str] = field(default_factory=list)
    pdf_failed: list[str] = field(default_factory=list)
    unchanged: bool = False  # the whole step was as the last run left it: nothing planned or written
    moved: list[Moved] = field(default_factory=list)  # documents now written elsewhere (`store.moved`)

    def count(self, status: str) -> int:
        """How many outputs ended with that status."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def counts(self) -> dict[str, int]:
        """Outputs per status, in the order the summary table shows them."""
        return {s: self.count(s) for s in (WRITTEN, UPDATED, UNCHANGED, KEPT, FAILED)}

    @property
    def failed(self) -> bool:
        """True when a document or one of its PDFs could not be written."""
        return bool(self.count(FAILED) or self.pdf_failed)


_WORKER_TASK: list[Callable[[int], object]] = []  # set in each worker process only, by `_start_worker`
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def _start_worker(task: Callable[[int], object], parent: int) -> None:
    _WORKER_TASK[:] = [task]
    end_with_parent(parent)


def end_with_parent(parent: int) -> None:
    """Have the kernel end this worker when the process that started it dies (Linux: a killed run's
    workers would otherwise run on, writing files nobody waits for); exit now if it already has."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes  # in a worker only

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _run_in_worker(indices: range) -> list[object]:
    task = _WORKER_TASK[0]
    return [task(i) for i in indices]


def parallel_map(
    task: Callable[[int], T],
    count: int,
    workers: int,
    *,
    chunk: int = CHUNK,
    at_least: int = PARALLEL_FROM,
    progress: Callable[[int], None] | None = None,
) -> list[T]:
    """`[task(0), ..., task(count - 1)]`, in forked worker processes when there are `at_least` items.

    The task (any closure) reaches the workers by fork, not by pickling (a forked pool's initializer
    arguments are inherited): only ranges of indices travel to them, and only results come back. Fewer
    items, one worker, or no fork: done in this process. Nothing in this process is changed but the
    collector, frozen while the pool runs so that the workers leave what they inherit alone (two maps
    at once, two rounds in one process, only thaw it early: it costs memory, not correctness)."""
    chunks = [range(i, min(i + chunk, count)) for i in range(0, count, chunk)]
    results: list[T] = []
    if workers > 1 and count >= at_least and can_fork():
        import multiprocessing  # loaded when workers are started (an unchanged run starts none)

        context = multiprocessing.get_context("fork")
        gc.freeze()  # the workers' collector leaves what they inherit alone (no copy-on-write of it all)
        try:
            with context.Pool(
                processes=workers, initializer=_start_worker, initargs=(task, os.getpid())
            ) as pool:
                parts = pool.imap(_run_in_worker, chunks)
                for indices, part in zip(chunks, parts, strict=True):
                    results.extend(part)  # type: ignore[arg-type]
                    if progress:
                        progress(len(indices))
        finally:
            gc.unfreeze()
    else:
        for indices in chunks:
            results.extend(task(i) for i in indices)
            if progress:
                progress(len(indices))
    return results


def _publish_job(root: Path, job: Job, previous: Entry | None) -> Outcome:
    """Bring one job's file up to date; a failure is an outcome, not an exception. A file left as it
    was comes back without its entry, which is the ledger's own (`run_jobs` puts it back)."""
    try:
        outcome = publish(
            root, job.relative, job.kind, job.employee_id, job.input_hash, job.render, previous, job.extra
        )
        if outcome.entry is previous:
            outcome.entry = None
        return outcome
    except AppraisalError as exc:
        return Outcome(job.relative, FAILED, job.kind, job.employee_id, previous, message=str(exc))
    except OSError as exc:
        return Outcome(
            job.relative,
            FAILED,
            job.kind,
            job.employee_id,
            previous,
            message=f"{job.relative}: {exc.strerror or exc}",
        )


def run_jobs(
    root: Path,
    jobs: Sequence[Job],
    entries: dict[str, Entry],
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> list[Outcome]:
    """Bring every job's file up to date, in `workers` processes; outcomes in job order. An entry that
    did not change is not sent back from a worker, but taken from `entries`: the same object, which
    the ledger's save then passes over without comparing (issue 16: 30,000 entries compared when one
    meeting moved)."""
    outcomes = parallel_map(
        lambda i: _publish_job(root, jobs[i], entries.get(jobs[i].relative)),
        len(jobs),
        workers,
        progress=progress,
    )
    for outcome in outcomes:
        if outcome.entry is None:
            outcome.entry = entries.get(outcome.path)
    return outcomes


def run_batch(
    folder: RoundOutput,
    command: str,
    make_jobs: Callable[[Ledger], Sequence[Job]],
    *,
    workers: int = 1,
    pdf: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    fingerprint: str | None = None,
    kinds: tuple[str, ...] | None = None,
    moves: bool = True,
) -> BatchResult:
    """A whole generating step under the output lock: jobs made against the ledger, done, recorded,
    converted to PDF when asked (new and changed documents, and any whose PDF is missing), logged.
    `moves`: a document now written in another place is taken away from its old one (`store.moved`).

    `fingerprint` is a hash of everything the step depends on; when it equals the last run's and every
    file the step made is as it was written, nothing is planned or rendered at all. `kinds`, the kinds
    of file the step writes, lets it read only its own part of the ledger.
    """
    root = folder.root
    with folder.hold():
        outcomes = None if pdf else unchanged_step(root, command, fingerprint, kinds)
        if outcomes is not None:  # nothing to plan, record or convert: the ledger is not even read
            log_run(root, command, outcomes)
            return BatchResult(outcomes, unchanged=True)
        ledger = folder.ledger(kinds)
        jobs = make_jobs(ledger)
        if on_total:
            on_total(len(jobs))
        result = BatchResult(run_jobs(root, jobs, ledger.entries, workers, progress))
        ledger.record(result.outcomes)
        if moves:
            result.moved = clear_moved(root, ledger, result.outcomes)
        if not any(o.status == FAILED for o in result.outcomes):
            ledger.remember_step(command, fingerprint, result.outcomes)
        ledger.save()
        if pdf:
            documents = [
                root / o.path
                for o in result.outcomes
                if o.path.endswith(".docx")
                and (
                    o.status in (WRITTEN, UPDATED)
                    or (o.status in (UNCHANGED, KEPT) and not (root / o.path).with_suffix(".pdf").exists())
                )
            ]
            from pipeline.store.pdf import convert_to_pdf  # LibreOffice's part: loaded when asked for

            converted, failed = convert_to_pdf(documents)
            result.pdf_written = [p.relative_to(root).as_posix() for p in converted]
            result.pdf_failed = [p.relative_to(root).as_posix() for p in failed]
        log_run(root, command, result.outcomes)
    return result


def step_fingerprint(round_: Round, templates: object, kinds: tuple[str, ...], *extra: object) -> str:
    """A hash of everything a generating step depends on: what was read from the workbook
    (`Round.workbook_content`: a workbook saved again as it was, or a column of HR's own edited, is the
    same; else the workbook's bytes), the goals carried over from the previous round (which a finished
    goal there changes, the workbook staying the same), the code, and every template the step may use
    (`template_digests`)."""
    carried = [record_key(goal) for goal in round_.carried_goals()]  # from the round before, not the workbook
    templates_used = template_digests(round_, templates, kinds)
    return input_digest(code_digest(), workbook_digest(round_), carried, templates_used, *extra)


def workbook_digest(round_: Round) -> str:
    """What was read from the round's workbook (`Round.workbook_content`); for a round not read by the
    reader, the workbook's bytes ("" when there is none)."""
    if round_.workbook_content:
        return round_.workbook_content
    path = Path(round_.path)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def template_digests(round_: Round, templates: object, kinds: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Each template of `kinds` in each language the round's people read, by its bytes: the same
    templates found at another path (the repository's `templates/` beside the built-in ones, a copy in
    another folder) make the same documents."""
    return [
        (kind, lang, hashlib.sha256(templates.path(kind, lang).read_bytes()).hexdigest())  # type: ignore[attr-defined]
        for kind in kinds
        for lang in round_.languages()
    ]


def can_fork() -> bool:
    """Whether this platform forks (workers and `aside` inherit what they need instead of pickling it)."""
    import multiprocessing

    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
