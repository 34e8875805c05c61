"""Benchmark: build large, realistic rounds and time the pipeline's stages on them.

Run with `make bench`. Prints figures per size; never asserts a time (speed is reported, not tested).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import holidays
import openpyxl
from openpyxl.cell import WriteOnlyCell

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the test support package

from pipeline import clock  # noqa: E402
from pipeline.round.rules import check_workbook  # noqa: E402
from pipeline.round.schema import EMPLOYEES, GOALS, SCHEDULE, sheet_name  # noqa: E402
from pipeline.store.ledger import COLLECT_AFTER  # noqa: E402

DEPARTMENTS = [
    "Økonomi",
    "Salg og marked",
    "Drift",
    "IT og utvikling",
    "Kundeservice",
    "HR",
    "Innkjøp",
    "Logistikk",
    "Produksjon",
    "Kvalitet",
    "Juridisk",
    "Kommunikasjon",
]


def _fake_people(n: int, seed: int) -> list[tuple[str, str]]:
    try:
        from faker import Faker
    except ImportError:  # the bench extra is not installed: plain Norwegian names will do
        first = ["Åse", "Bjørn", "Øyvind", "Kari", "Ola", "Ingrid", "Nils", "Sigrid", "Håkon", "Tone"]
        last = ["Sæther", "Ødegård", "Hansen", "Johansen", "Berg", "Lie", "Dahl", "Aas", "Kristiansen"]
        rng = random.Random(seed)
        return [(rng.choice(first), rng.choice(last)) for _ in range(n)]
    fake = Faker("no_NO")
    fake.seed_instance(seed)
    return [(fake.first_name(), fake.last_name()) for _ in range(n)]


def _working_days(start: dt.date, count: int) -> list[dt.date]:
    public = holidays.country_holidays("NO", years=[start.year, start.year + 1], include_sundays=False)
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5 and day not in public:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def build_round(path: Path, employees: int, seed: int = 7, span: int = 8, meetings: bool = True) -> None:
    """Write a valid round workbook with `employees` people, `span` to a manager, one meeting each (none
    with `meetings` False: for `appraisal schedule` to plan), two goals for most."""
    rng = random.Random(seed)
    people = _fake_people(employees, seed)
    workbook = openpyxl.Workbook(write_only=True)

    def text_row(sheet, values):
        row = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            row.append(cell)
        sheet.append(row)

    settings = workbook.create_sheet(sheet_name("round", "nb"))
    for key, value in (
        ("round_id", "2027-H1"),
        ("title", "Medarbeidersamtaler 2027"),
        ("organisation", "Storfjord ASA"),
        ("period_start", dt.date(2027, 1, 11)),
        ("period_end", dt.date(2027, 12, 17)),
        ("invitation_date", dt.date(2026, 12, 1)),
        ("language", "nb"),
        ("hr_contact_name", "Hanne HR"),
        ("hr_contact_email", "hr@storfjord.no"),
    ):
        settings.append([key, value])
    ids = [f"{100000 + i}" for i in range(employees)]
    manager_of = {ids[i]: (ids[(i - 1) // span] if i else "") for i in range(employees)}
    sheet = workbook.create_sheet(EMPLOYEES.name("nb"))
    sheet.append([c.header("nb") for c in EMPLOYEES.columns])
    for i, identifier in enumerate(ids):
        first, last = people[i]
        text_row(
            sheet,
            [
                identifier,
                first,
                last,
                f"{first}.{last}.{identifier}@storfjord.no".lower().replace(" ", ""),
                DEPARTMENTS[(i // 50) % len(DEPARTMENTS)],
                "Rådgiver",
                manager_of[identifier],
                "en" if i % 17 == 0 else "nb",
                dt.date(2015 + i % 10, 1 + i % 12, 1),
                "aktiv",
            ],
        )
    days = _working_days(dt.date(2027, 1, 18), 200)
    by_manager: dict[str, int] = {}
    busy: dict[str, set[tuple[int, int]]] = {}  # person -> (day, hour) they are in a meeting
    sheet = workbook.create_sheet(SCHEDULE.name("nb"))
    sheet.append([c.header("nb") for c in SCHEDULE.columns])
    for identifier in ids[1:] if meetings else []:
        manager = manager_of[identifier]
        slot = by_manager.get(manager, 0)
        by_manager[manager] = slot + 1
        # A manager's own meeting (held by their manager) is in the afternoon, their reports' in the morning;
        # a manager who holds meetings with managers may still be wanted twice in one hour: the meeting then
        # goes to the next hour both are free (08-15), or the next day. No one is in two meetings at once.
        is_manager = int(identifier) - 100000 <= (employees - 2) // span
        day, hour = (int(manager) % 150) + slot // 3, (13 if is_manager else 8) + slot % 3
        taken = busy.setdefault(manager, set()) | busy.setdefault(identifier, set())
        while (day, hour) in taken:
            day, hour = (day, hour + 1) if hour < 15 else (day + 1, 8)
        busy[manager].add((day, hour))
        busy[identifier].add((day, hour))
        start = dt.time(hour, 0)
        text_row(
            sheet, [identifier, days[day], start, None, f"Rom {manager}", None, "Ta med ideer & innspill"]
        )
    sheet = workbook.create_sheet(GOALS.name("nb"))
    sheet.append([c.header("nb") for c in GOALS.columns])
    statuses = ["ikke startet", "pågår", "fullført", "avbrutt"]
    for identifier in ids:
        for n in range(1, 1 + rng.choice((1, 2, 2, 3))):
            status = rng.choice(statuses)
            text_row(
                sheet,
                [
                    f"2026-H1-{identifier}-G{n}",
                    identifier,
                    "mål" if n % 2 else "tiltak",
                    "Bli tryggere på kundemøter",
                    "Tre møter ledet alene",
                    dt.date(2026, 6, 30),
                    "Selv",
                    status,
                    {"ikke startet": 0, "pågår": 50, "fullført": 100, "avbrutt": 10}[status],
                    "",
                    "2026-H1",
                ],
            )
    workbook.save(path)


def _peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def bench_schedule(folder: Path, employees: int) -> dict[str, float]:
    """`appraisal schedule`'s work on a round with no meeting planned, one manager to 12 employees: the
    placing, the planned copy, and that the copy validates."""
    from pipeline.round.rules import check_workbook
    from pipeline.schedule.placing import place_meetings
    from pipeline.schedule.planned import write_planned

    path = folder / f"unplanned-{employees}.xlsx"
    build_round(path, employees, span=12, meetings=False)
    round_, _ = check_workbook(path)
    started = time.perf_counter()
    plan = place_meetings(round_, dt.date(2026, 12, 1))
    placed = time.perf_counter()
    write_planned(path, round_, plan.placed, folder / f"planned-{employees}.xlsx")
    written = time.perf_counter()
    _, report = check_workbook(folder / f"planned-{employees}.xlsx")
    return {
        "interviewers": len({p.interviewer_id for p in plan.placed}),
        "placed": len(plan.placed),
        "unplaced": len(plan.unplaced),
        "place_s": placed - started,
        "write_s": written - placed,
        "errors": len(report.errors),
    }


def bench_validate(path: Path, repeat: int = 3) -> tuple[float, int, int]:
    """Best-of-`repeat` seconds to read and validate; and the numbers of errors and issues."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        _, report = check_workbook(path, today=dt.date(2026, 12, 1))
        best = min(best, time.perf_counter() - started)
    return best, len(report.errors), len(report.issues)


def bench_documents(path: Path, output: Path, docxtpl_sample: int) -> dict[str, float]:
    """Time `invite` (engine), a plain docxtpl loop on the same template and contexts, and copying."""
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    from pipeline.documents.contexts import invitation_context, plan_invitations
    from pipeline.documents.invite import render_invitations
    from pipeline.render.templates import TemplateSet
    from pipeline.store.batch import default_workers

    round_, _ = check_workbook(path, today=dt.date(2026, 12, 1))
    templates = TemplateSet(None, round_.settings.language)
    figures: dict[str, float] = {}

    started = time.perf_counter()
    result = render_invitations(round_, output, templates, workers=default_workers())
    seconds = time.perf_counter() - started
    files = len(result.outcomes)
    figures["engine_files"] = files
    figures["engine_s"] = seconds
    figures["engine_per_s"] = files / seconds

    # The engine alone, one process, letters only: the like-for-like figure against docxtpl.
    invitations = plan_invitations(round_)
    contexts = [invitation_context(round_, i.employee, i.meeting, i.interviewer, i.lang) for i in invitations]
    sample = contexts[: max(1, min(len(contexts), 2000))]
    engine_template = templates.get("invitation", "nb")
    scratch = output / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for number, context in enumerate(sample):
        (scratch / f"{number}.docx").write_bytes(
            engine_template.render(context, {"AppraisalKind": "invitation"})
        )
    figures["engine_1p_per_s"] = len(sample) / (time.perf_counter() - started)

    template_path = templates.path("invitation", "nb")
    environment = SandboxedEnvironment(autoescape=True)
    started = time.perf_counter()
    for number, context in enumerate(contexts[:docxtpl_sample]):
        document = DocxTemplate(template_path)
        document.render(context, jinja_env=environment, autoescape=True)
        document.save(scratch / f"docxtpl-{number}.docx")
    figures["docxtpl_per_s"] = min(docxtpl_sample, len(contexts)) / (time.perf_counter() - started)

    # Copying the finished output (every file, into a fresh tree) is the floor the engine is compared with.
    round_dir = output / round_.settings.round_id
    count = sum(1 for p in round_dir.rglob("*") if p.is_file() and ".appraisal" not in p.parts)
    started = time.perf_counter()
    shutil.copytree(round_dir, output / "copies", ignore=shutil.ignore_patterns(".appraisal"))
    figures["copy_per_s"] = count / (time.perf_counter() - started)

    started = time.perf_counter()
    again = render_invitations(round_, output, templates, workers=default_workers())
    figures["rerun_s"] = time.perf_counter() - started
    figures["rerun_unchanged"] = again.count("unchanged")
    return figures


def bench_round(path: Path, output: Path) -> dict[str, float]:
    """A whole round step by step as `appraisal run` does it (validate, remembering the check; invite;
    prepare; status with each employee's plan, remembering its inputs), then again unchanged."""
    figures: dict[str, float] = {}
    os.environ[clock.ENVIRONMENT] = "2027-03-01"  # the status step's day (some goals overdue), only here
    try:
        _round_steps(path, output, figures)
    finally:
        del os.environ[clock.ENVIRONMENT]
    return figures


def _round_steps(path: Path, output: Path, figures: dict[str, float]) -> None:
    from pipeline.documents.invite import render_invitations
    from pipeline.documents.prepare import render_forms
    from pipeline.render.templates import TemplateSet
    from pipeline.round.remembered import check_workbook_remembered
    from pipeline.run import status_step
    from pipeline.store.batch import default_workers

    for label in ("first", "again"):
        steps: dict[str, float] = {}
        started = time.perf_counter()
        checked = check_workbook_remembered(path, output, today=dt.date(2026, 12, 1))
        round_ = checked.round
        steps["validate"] = time.perf_counter() - started
        templates = TemplateSet(None, round_.settings.language)
        mark = time.perf_counter()
        render_invitations(round_, output, templates, workers=default_workers())
        checked.keep()  # once the output folder is there, as `appraisal run` keeps it
        steps["invite"] = time.perf_counter() - mark
        mark = time.perf_counter()
        render_forms(round_, output, templates, workers=default_workers())
        steps["prepare"] = time.perf_counter() - mark
        mark = time.perf_counter()
        status = status_step(round_, output, templates=templates, workers=default_workers())
        steps["status"] = time.perf_counter() - mark
        steps["copies"] = float(len(status.copies.written))
        steps["copies_s"] = status.copies.seconds
        steps["total"] = time.perf_counter() - started
        for step, seconds in steps.items():
            figures[f"{label}_{step}"] = seconds


# `appraisal run` is started by a small process of its own, which reports its peak. A process started from
# this one (fork or vfork) counts this process's resident memory in its own peak (Linux keeps the old
# memory's high-water mark across exec), and this process holds whole rounds by then: started from here,
# an `appraisal run` of 300 MB was reported as 1,100 MB.
_SPAWN = """
import json, os, sys
quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]  # its output is not measured
pid = os.posix_spawn(sys.executable, [sys.executable, *sys.argv[1:]], os.environ, file_actions=quiet)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss, usage.ru_stime]))
"""


def _appraisal_run(path: Path, output: Path) -> tuple[float, float, float]:
    """`appraisal run` as people run it, in a process of its own: (seconds, peak MB of it and its
    workers, the largest of them, and the seconds the kernel worked for them). The kernel's seconds
    show how quick the disk was: creating a file took 0.1 ms of them in one hour of the same machine
    and 0.4-0.6 ms in another, and a 10,000 run took 21 s in a quick hour and 26-33 s in a slow one."""
    import json
    import os
    import subprocess

    environment = {**os.environ, "APPRAISAL_TODAY": "2026-12-01"}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _SPAWN, "-m", "pipeline", "run", "-w", str(path), "-o", str(output)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    try:
        code, peak, kernel = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        code, peak, kernel = 1, 0, 0.0
    if code != 0:
        raise SystemExit(f"appraisal run failed: {result.stderr[-2000:]}")
    return seconds, peak / 1024, kernel


def _files(output: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file() and ".appraisal" not in p.parts}


def bench_run(path: Path, output: Path) -> dict[str, float]:
    """`appraisal run` on a new round, again with nothing changed, and again after one meeting moved
    (how many files it rewrote)."""
    figures: dict[str, float] = {}
    figures["first_s"], figures["first_mb"], figures["first_kernel_s"] = _appraisal_run(path, output)
    figures["again_s"], figures["again_mb"], _ = _appraisal_run(path, output)
    before = _files(output)
    moved = path.with_name(f"{path.stem}-moved.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[sheet_name(SCHEDULE.kind, "nb")]
    cell = sheet.cell(2, 3)  # the first meeting's start, to an hour that day's meetings leave free
    cell.value = dt.time(11, 30) if cell.value.hour < 12 else dt.time(12, 0)
    book.save(moved)
    figures["moved_s"], _, _ = _appraisal_run(moved, output)
    after = _files(output)
    figures["moved_files"] = sum(1 for p, mtime in after.items() if before.get(p) != mtime)
    figures["files"] = len(after)
    return figures


def document_sizes(output: Path) -> dict[str, tuple[int, float, int]]:
    """Per document name (samtaleskjema.docx, invitasjon.docx, ...): how many, mean and largest bytes."""
    sizes: dict[str, list[int]] = {}
    for document in output.rglob("*.docx"):
        if ".appraisal" not in document.parts:
            sizes.setdefault(document.name, []).append(document.stat().st_size)
    return {name: (len(s), sum(s) / len(s), max(s)) for name, s in sorted(sizes.items()) if len(s) > 1}


COLLECT_ANSWERS = {  # a form filled in as a manager does: every field a reader expects
    "summary": "God samtale & klare mål.",
    "employee_view": "Trives godt.\nVil lære mer.",
    "strengths": "Grundig",
    "improvements": "Si fra tidligere",
    "development": "Kurs i prosjektledelse",
    "wellbeing": "Bra",
    "follow_up_date": "1.9.27",
    "goal.1.text": "Lære Python",
    "goal.1.measure": "Kurs bestått",
    "goal.1.due": "1.3.27",
    "action.1.text": "Meld på kurs",
    "action.1.owner": "Leder",
    "action.1.due": "15. februar 2027",
}
LIBREOFFICE_SHARE = 20  # one form in this many is re-saved by LibreOffice, as a manager using it would


def fill_returned_forms(generated: list[Path], notes: Path) -> int:
    """Fill each form (its earlier goals reviewed) into `notes`; re-save every LIBREOFFICE_SHARE-th
    in LibreOffice when it is installed. The number re-saved."""
    import json
    import subprocess

    from support.formfill import fill_form
    from support.helpers import custom_properties

    from pipeline.store.pdf import find_soffice

    resave = []
    for number, form in enumerate(generated):
        goals = json.loads(custom_properties(form).get("AppraisalGoals", "[]"))
        answers = {**COLLECT_ANSWERS, **{f"review.{g}.status": "fullført" for g in goals}}
        target = notes / f"{number:05d}.docx"
        fill_form(form, target, answers)
        if number % LIBREOFFICE_SHARE == 0:
            resave.append(target)
    soffice = find_soffice()
    if soffice is None or not resave:
        return 0
    with tempfile.TemporaryDirectory() as profile:
        saved = notes.parent / f"{notes.name}-libreoffice"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(saved),
                *map(str, resave),
            ],
            check=True,
            capture_output=True,
            timeout=1800,
        )
        for target in resave:
            shutil.move(saved / target.name, target)
    return len(resave)


# Collecting is timed in a process of its own, the size of `appraisal collect`'s: this one holds whole
# rounds by then (over 1 GB at 10,000), and the workers forked from it paid for that (10-40% of the
# figure at 10,000, with the same forms as at 3,000).
_COLLECT = """
import datetime as dt, gc, json, sys, time
from pathlib import Path
from pipeline.collect.step import collect_forms
from pipeline.render.templates import TemplateSet
from pipeline.round.rules import check_workbook
from pipeline.store.batch import default_workers
from pipeline.store.ledger import COLLECT_AFTER
gc.set_threshold(*COLLECT_AFTER)
path, notes, output = map(Path, sys.argv[1:4])
round_, _ = check_workbook(path, today=dt.date(2026, 12, 1))
templates = TemplateSet(None, round_.settings.language)
figures = {}
for label in ("first", "again"):
    started = time.perf_counter()
    result = collect_forms(round_, notes, output, templates, workers=default_workers(), today=dt.date(2027, 12, 20))
    figures[f"{label}_s"] = time.perf_counter() - started
    figures[f"{label}_accepted"] = result.count("accepted") + result.count("unchanged")
print(json.dumps(figures))
"""


def bench_collect(path: Path, output: Path, forms: int) -> dict[str, float]:
    """Fill `forms` meeting-notes forms and time collecting them (first time, and again unchanged), in a
    process of its own."""
    import json
    import subprocess

    round_, _ = check_workbook(path, today=dt.date(2026, 12, 1))
    notes = output.parent / f"{output.name}-returned"  # outside the output folder, as managers send them
    generated = sorted((output / round_.settings.round_id / "managers").glob("*/*/samtaleskjema.docx"))[
        :forms
    ]
    figures = {"forms": len(generated), "libreoffice": fill_returned_forms(generated, notes)}
    done = subprocess.run(
        [sys.executable, "-c", _COLLECT, str(path), str(notes), str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"collect failed: {done.stderr[-2000:]}")
    figures.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return figures


def bench_formulas(path: Path) -> tuple[int, float, float]:
    """The round at `path` with a formula (never calculated, as a script writes it) in two extra columns
    of every employee row: (formula cells, validate seconds, validate seconds of the plain round).
    Validation's time must grow with the sheet's size, not its square (issue 15: 20,000 formula cells
    took 8.8 s, 40,000 took 33 s)."""
    book = openpyxl.load_workbook(path)
    sheet = book[sheet_name(EMPLOYEES.kind, "nb")]
    last = sheet.max_column
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, last + 1, f"=A{row}")
        sheet.cell(row, last + 2, f'=LEN(B{row})&"x"')
    with_formulas = path.with_name(f"{path.stem}-formulas.xlsx")
    book.save(with_formulas)
    seconds, _, _ = bench_validate(with_formulas, repeat=2)
    plain, _, _ = bench_validate(path, repeat=2)
    return 2 * (sheet.max_row - 1), seconds, plain


def main() -> None:
    """Build rounds of each size and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,3000,10000", help="comma-separated employee counts")
    parser.add_argument("--collect-forms", type=int, default=2000, help="filled forms to collect")
    parser.add_argument(
        "--docxtpl-sample",
        type=int,
        default=100,
        help="letters rendered by the plain docxtpl loop (it is slow; its rate is per document)",
    )
    args = parser.parse_args()
    gc.set_threshold(*COLLECT_AFTER)  # the steps timed in this process collect as `appraisal` does
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"round-{size}.xlsx"
            started = time.perf_counter()
            build_round(path, size)
            built = time.perf_counter() - started
            seconds, errors, _ = bench_validate(path)
            formulas = bench_formulas(path)
            figures = bench_documents(path, Path(tmp) / f"out-{size}", args.docxtpl_sample)
            whole = bench_round(path, Path(tmp) / f"round-out-{size}")
            collected = bench_collect(path, Path(tmp) / f"round-out-{size}", args.collect_forms)
            whole["run"] = bench_run(path, Path(tmp) / f"run-out-{size}")
            whole["schedule"] = bench_schedule(Path(tmp), size)
            rows.append((size, built, seconds, errors, figures, whole, collected, formulas))
        print("Reading and validating the round workbook")
        print(f"{'employees':>10} {'build s':>8} {'validate s':>11} {'errors':>7}")
        for size, built, seconds, errors, *_ in rows:
            print(f"{size:>10} {built:>8.2f} {seconds:>11.2f} {errors:>7}")
        print("\n`appraisal schedule` on the round with no meeting planned (one manager to 12 employees)")
        print(
            f"{'employees':>10} {'managers':>9} {'placed':>7} {'not placed':>11} {'place s':>8} {'copy s':>7} "
            f"{'errors':>7}"
        )
        for size, *_, w, _, _ in rows:
            c = w["schedule"]
            print(
                f"{size:>10} {c['interviewers']:>9.0f} {c['placed']:>7.0f} {c['unplaced']:>11.0f} "
                f"{c['place_s']:>8.2f} {c['write_s']:>7.2f} {c['errors']:>7.0f}"
            )
        print("\nValidation with uncalculated formulas (two per employee row): linear, not quadratic")
        print(f"{'employees':>10} {'formulas':>9} {'validate s':>11} {'plain s':>8} {'s per 10k cells':>16}")
        for size, *_, (cells, with_formulas, plain) in rows:
            print(
                f"{size:>10} {cells:>9} {with_formulas:>11.2f} {plain:>8.2f} {with_formulas / cells * 1e4:>16.2f}"
            )
        if len(rows) > 1:
            (c1, t1, _), (c2, t2, _) = rows[0][-1], rows[-1][-1]
            print(
                f"time ratio {t2 / t1:.1f} for {c2 / c1:.1f}x the cells (linear: about the same; quadratic: its square)"
            )
        print("\nDocuments (invite: letter + .ics per employee, overview per interviewer)")
        print(
            f"{'employees':>10} {'files':>7} {'invite s':>9} {'files/s':>8} {'engine 1p/s':>12} {'docxtpl/s':>10} "
            f"{'copy/s':>8} {'x docxtpl':>10} {'x copy':>7} {'re-run s':>9}"
        )
        for size, _, _, _, f, *_ in rows:
            print(
                f"{size:>10} {f['engine_files']:>7.0f} {f['engine_s']:>9.2f} {f['engine_per_s']:>8.0f} "
                f"{f['engine_1p_per_s']:>12.0f} {f['docxtpl_per_s']:>10.1f} {f['copy_per_s']:>8.0f} "
                f"{f['engine_1p_per_s'] / f['docxtpl_per_s']:>10.1f} {f['copy_per_s'] / f['engine_per_s']:>7.1f} "
                f"{f['rerun_s']:>9.2f}"
            )
        print(
            "\nWhole round step by step (validate, invite, prepare, status), then again with nothing changed"
        )
        print(
            "(each step as `appraisal run` does it: the check remembered, and status with each employee's plan and "
            "the managers' own follow-up copies: how many, and the seconds they took, HR's follow-up and "
            "leadership workbooks being built beside them)"
        )
        print(
            f"{'employees':>10} {'validate':>9} {'invite':>7} {'prepare':>8} {'status':>7} {'copies':>7} "
            f"{'copies s':>9} {'total s':>8} {'re-run s':>9} {'re-run %':>9}"
        )
        for size, *_, w, _, _ in rows:
            print(
                f"{size:>10} {w['first_validate']:>9.1f} {w['first_invite']:>7.1f} {w['first_prepare']:>8.1f} "
                f"{w['first_status']:>7.1f} {w['first_copies']:>7.0f} {w['first_copies_s']:>9.1f} "
                f"{w['first_total']:>8.1f} {w['again_total']:>9.1f} "
                f"{100 * w['again_total'] / w['first_total']:>8.0f}%"
            )
        print(
            "\n`appraisal run` (a process of its own, as people run it): first, again with nothing changed,"
        )
        print("and after one meeting moved (the files it rewrote, of all the round's files)")
        print(
            f"{'employees':>10} {'first s':>8} {'kernel s':>9} {'peak MB':>8} {'again s':>8} {'again %':>8} "
            f"{'moved s':>8} {'rewritten':>10} {'of files':>9}"
        )
        for size, *_, w, _, _ in rows:
            r = w["run"]
            print(
                f"{size:>10} {r['first_s']:>8.1f} {r['first_kernel_s']:>9.1f} {r['first_mb']:>8.0f} "
                f"{r['again_s']:>8.2f} "
                f"{100 * r['again_s'] / r['first_s']:>7.1f}% {r['moved_s']:>8.2f} {r['moved_files']:>10.0f} "
                f"{r['files']:>9.0f}"
            )
        print(
            "\nDocument sizes (packed), largest round; target: the meeting-notes form (samtaleskjema) <= 15 KB"
        )
        print(f"{'document':>28} {'count':>7} {'mean KB':>8} {'largest KB':>11}")
        for name, (count, mean, largest) in document_sizes(Path(tmp) / f"round-out-{rows[-1][0]}").items():
            print(f"{name:>28} {count:>7} {mean / 1024:>8.1f} {largest / 1024:>11.1f}")
        print("\nCollect (filled meeting-notes forms -> minutes, register)")
        print(
            f"{'employees':>10} {'forms':>6} {'by LO':>6} {'accepted':>9} {'collect s':>10} {'forms/s':>8} "
            f"{'again s':>8}"
        )
        for size, *_, c, _ in rows:
            print(
                f"{size:>10} {c['forms']:>6.0f} {c['libreoffice']:>6.0f} {c['first_accepted']:>9.0f} "
                f"{c['first_s']:>10.2f} {c['forms'] / c['first_s']:>8.0f} {c['again_s']:>8.2f}"
            )
        own, children = _peak_mb()
        print(f"\nPeak memory: {own:.0f} MB in the main process, {children:.0f} MB in the largest worker.")
        print(
            "Targets (SPEC §8, issue 16): validate 10,000 in < 3 s; engine >= 25x the docxtpl loop and within 2x "
            "of copying (x copy <= 2); a 10,000 round in < 30 s and < 1 GB, as `appraisal run` too; a re-run with "
            "nothing changed < 5% of the first run; one meeting moved rewrites only that employee's files, the "
            "interviewer's overview and calendar, and the workbooks; a meeting-notes form <= 15 KB; collect >= "
            "1,000 forms/s. `make bench-large`: 100,000 employees, flat cost per employee (within 1.3x of 1,000), "
            "< 5 minutes, < 2 GB. PDFs: scripts/bench_pdf.py."
        )


if __name__ == "__main__":
    main()
