"""Every workbook the tool writes prints as a person would print it (issue 11): converted to PDF by real
LibreOffice and read back with poppler. No serif fallback (every font is named), no word under 8 pt,
headers whole (not cut inside a word), a page header and footer, and a bounded number of pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from support.helpers import manager_copy
from support.printing import Printed, print_to_pdf

ROOT = Path(__file__).resolve().parents[1]
ROUND = "2027-H1"
# Pages for the sample round (26 employees, one validation warning), as they print today: a bound, so
# that a layout change that makes them grow is seen. Wide sheets print across pages (the follow-up's
# Goals and actions sheet is 16 columns), and the validation report prints the workbook it checked.
# The leadership summary: its one-page Summary, then two pages per group sheet and the comparison.
PAGE_BOUNDS = {
    "follow-up": 20,
    "leadership-summary": 7,
    "validation-report": 16,  # the Availability sheet: one page more
    "starter": 11,  # the Availability sheet: one page more
    "collect-report": 1,  # nine rows: every column on one landscape page
    "manager-copy": 12,  # a manager's own follow-up, written as XML (followup/sheetxml.py)
}


def _appraisal(*args: str, cwd: Path) -> None:
    env = {**os.environ, "APPRAISAL_TODAY": "2027-02-01", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, Printed]]:
    """The sample round's workbooks and an `init` workbook, each with its PDF."""
    work = tmp_path_factory.mktemp("printing")
    _appraisal("run", "-w", str(ROOT / "input" / "round.xlsx"), "-o", str(work / "output"), cwd=work)
    _appraisal("init", str(work / "new"), cwd=work)
    books = {
        name: work / "output" / ROUND / f"{name}.xlsx"
        for name in ("follow-up", "leadership-summary", "validation-report", "collect-report")
    }
    books["starter"] = next((work / "new").rglob("*.xlsx"))
    books["manager-copy"] = manager_copy(work / "output" / ROUND)
    pdfs = print_to_pdf(list(books.values()), work / "pdf")
    return {name: (path, pdfs[path]) for name, path in books.items()}


NAMES = sorted(PAGE_BOUNDS)


@pytest.mark.parametrize("name", NAMES)
def test_every_font_is_named_so_nothing_falls_back_to_a_serif_font(printed, name):
    _, pdf = printed[name]
    assert pdf.fonts and not [f for f in pdf.fonts if "serif" in f.lower() and "sans" not in f.lower()]


@pytest.mark.parametrize("name", NAMES)
def test_no_printed_word_is_smaller_than_8_pt(printed, name):
    _, pdf = printed[name]
    small = [(w.text, round(w.points, 1), w.page) for w in pdf.words if w.points < 7.9]
    assert not small, small[:10]


@pytest.mark.parametrize("name", NAMES)
def test_pages_stay_within_a_bound(printed, name):
    _, pdf = printed[name]
    assert 1 <= pdf.pages <= PAGE_BOUNDS[name]


@pytest.mark.parametrize("name", NAMES)
def test_every_header_word_prints_whole(printed, name):
    """Headers wrap at word boundaries: each word of each table header is one word on paper."""
    path, pdf = printed[name]
    words = {w.text for w in pdf.words}
    workbook = openpyxl.load_workbook(path)
    cut = []
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        for table in ws.tables.values():
            first = openpyxl.utils.cell.range_boundaries(table.ref)
            for column in range(first[0], first[2] + 1):
                header = ws.cell(first[1], column).value
                cut += [(ws.title, word) for word in str(header or "").split() if word not in words]
    assert not cut, cut


@pytest.mark.parametrize("name", NAMES)
def test_every_sheet_has_a_page_header_and_footer(printed, name):
    path, _ = printed[name]
    workbook = openpyxl.load_workbook(path)
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        header = ws.oddHeader.center.text or ws.oddHeader.left.text or ""
        footer = ws.oddFooter.center.text or ws.oddFooter.right.text or ""
        assert header and "&P" in footer and "&N" in footer, (ws.title, header, footer)
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), ws.title


def phrase_pages(pdf: Printed, phrase: str, points: float) -> tuple[list[int], list[int]]:
    """The pages where `phrase`, in words of `points` or larger, prints whole; and those where it
    begins but is cut (a chart or a title clipped at a page's edge)."""
    wanted = phrase.split()
    whole, cut = [], []
    for page in sorted({w.page for w in pdf.words}):
        words = [w.text for w in pdf.words if w.page == page and w.points >= points]
        for i, word in enumerate(words):
            if word != wanted[0]:
                continue
            found = words[i : i + len(wanted)]
            j = next((j for j, (a, b) in enumerate(zip(found, wanted, strict=False)) if a != b), len(found))
            if j == len(wanted):
                whole.append(page)
            elif j == len(found) or wanted[j].startswith(found[j]):  # it stops, or a word is cut short
                cut.append(page)
    return whole, cut


CHART_POINTS = 16  # a chart's title prints at 18 pt; nothing else in the workbooks is as large
TITLE_POINTS = 13.5  # a sheet's title prints at 14 pt


def test_every_chart_prints_whole_on_a_page_of_its_own(printed):
    """The follow-up's chart and the summary's department chart each print once, whole, with their
    bars' labels beside them; no chart is cut by a page break or repeated clipped on another page."""
    departments = ["Drift", "utvikling", "marked", "administrasjon"]  # the sample's, on the bars' axis
    for name in ("follow-up", "leadership-summary"):
        _, pdf = printed[name]
        whole, cut = phrase_pages(pdf, "Fullført per avdeling", CHART_POINTS)
        assert len(whole) == 1 and cut == [], (name, whole, cut)
        labels = {w.text for w in pdf.words if w.page == whole[0] and w.points < 11}
        assert set(departments) <= labels, (name, labels)
    _, summary = printed["leadership-summary"]
    # every interviewer group of the sample is hidden: a sentence says so, and there is no chart
    assert phrase_pages(summary, "Fullført per samtaleleder", CHART_POINTS) == ([], [])


def test_every_sheet_title_prints_whole_on_every_page_it_is_on(printed):
    for name, title in (
        ("follow-up", "Oppfølging – Medarbeidersamtaler våren 2027"),
        ("leadership-summary", "Ledelsesoppsummering – Medarbeidersamtaler våren 2027"),
    ):
        _, pdf = printed[name]
        whole, cut = phrase_pages(pdf, title, TITLE_POINTS)
        assert whole and cut == [], (name, whole, cut)


def test_a_round_of_1000_employees_prints_readably_within_a_bound(tmp_path):
    """The follow-up workbook and the leadership summary of a 1,000-employee round (3 goals or actions
    each, on average) print every row, across pages where wide, at 8 pt or more, within a bound."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import build_round

    workbook = tmp_path / "round.xlsx"
    build_round(workbook, 1000)
    _appraisal("status", "-w", str(workbook), "-o", str(tmp_path / "output"), cwd=tmp_path)
    book = next((tmp_path / "output").glob("*/follow-up.xlsx"))
    summary = book.with_name("leadership-summary.xlsx")
    pdfs = print_to_pdf([book, summary], tmp_path / "pdf")
    # 351 and 20 pages today: every row of the follow-up, across pages; the summary has a row per
    # department and per interviewer group (125 interviewers)
    assert 100 <= pdfs[book].pages <= 400 and 1 <= pdfs[summary].pages <= 30
    for pdf in pdfs.values():
        assert min(w.points for w in pdf.words) >= 7.9
        assert not [f for f in pdf.fonts if "serif" in f.lower() and "sans" not in f.lower()]
    # Every chart prints once, whole; the one of 125 interviewer groups shows 20 bars (labels at 8 pt
    # or more): the hidden groups' pool ("Andre"), the 18 largest groups and the rest ("Øvrige grupper").
    for pdf, chart in (
        (pdfs[book], "avdeling"),
        (pdfs[summary], "avdeling"),
        (pdfs[summary], "samtaleleder"),
    ):
        whole, cut = phrase_pages(pdf, f"Fullført per {chart}", CHART_POINTS)
        assert len(whole) == 1 and cut == [], (chart, whole, cut)
    (page,) = phrase_pages(pdfs[summary], "Fullført per samtaleleder", CHART_POINTS)[0]
    labels = [w.text for w in pdfs[summary].words if w.page == page]  # rotated: cut into pieces
    assert labels.count("Sam") == 18 and "Øv" in labels and "An" in labels


def test_the_validation_report_prints_each_message_beside_its_cell(printed):
    """The Issues sheet prints first, one page wide: the first problem's cell, the first words of its
    message (in the round's language) and its code on one line of page 1."""
    path, pdf = printed["validation-report"]
    issues = openpyxl.load_workbook(path).worksheets[0]
    headers = [c.value for c in issues[1]]
    assert headers == ["Ark", "Celle", "Melding", "Kolonne", "Alvorlighet", "Kode"]
    cell, message, code = (issues.cell(2, headers.index(h) + 1).value for h in ("Celle", "Melding", "Kode"))
    assert message.startswith("1001 (Ingrid Haugland) har ingen samtale")
    first_page = [w for w in pdf.words if w.page == 1]

    def word(text: str):
        found = [w for w in first_page if w.text == text]
        assert found, (text, [w.text for w in first_page][:40])
        return found[0]

    line = word(cell).y_min
    for text in (*message.split()[:2], code):
        assert abs(word(text).y_min - line) < 3, text
    assert word(cell).x_max < word(message.split()[0]).x_min < word(code).x_min
    # one problem, one page: the sheet's name (in every page header) is on page 1 only
    assert {w.page for w in pdf.words if w.text == issues.title} == {1}


def test_the_leadership_summary_page_prints_on_one_landscape_page(printed):
    _, pdf = printed["leadership-summary"]
    first = {w.text for w in pdf.words if w.page == 1}
    second = {w.text for w in pdf.words if w.page == 2}
    assert {"Oversikt", "Totalt", "Nøkkeltall"} <= first  # the department table and the comparison
    assert "Avdelinger" in second and "Oversikt" not in second  # the next sheet starts on page 2
    landscape = [w for w in pdf.words if w.page == 1 and w.x_max > 600]
    assert landscape  # wider than a portrait A4 page (595 pt)
