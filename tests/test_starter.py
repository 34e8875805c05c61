"""The starter workbook (`appraisal init`) and the example organisation, checked by opening real files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from collections import defaultdict
from pathlib import Path

import holidays
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.errors import AppraisalError
from pipeline.install import Installation, read_installation
from pipeline.round import example as example_company
from pipeline.round import schema, starter
from pipeline.round.reader import read_round, read_round_from_rows
from pipeline.round.starter import InitResult, init_project, starter_sheets, write_starter_workbook

REPO = Path(__file__).resolve().parent.parent
DATE_FORMAT = {"nb": "DD.MM.YYYY", "nn": "DD.MM.YYYY", "en": "YYYY-MM-DD"}


def written(tmp_path: Path, lang: str = "nb", example: bool = False) -> Path:
    path = tmp_path / f"round-{lang}-{example}.xlsx"
    write_starter_workbook(path, lang, example=example)
    return path


def letter(spec: schema.SheetSpec, field: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[[c.field for c in spec.columns].index(field)]


def validations(ws: Worksheet) -> dict[str, tuple[str, str]]:
    """Data validations of a sheet: range -> (type, formula1)."""
    return {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}


def canonical(enum: str, label: str) -> str:
    return schema.enum_lookup(enum)[" ".join(label.casefold().replace("_", " ").split())]


def read_rows(ws: Worksheet, spec: schema.SheetSpec) -> list[dict[str, object]]:
    """The data rows of a sheet as {field: value}: dates as date, enum labels as canonical values."""
    rows = []
    for values in ws.iter_rows(min_row=2, values_only=True):
        record: dict[str, object] = {}
        for column, value in zip(spec.columns, values, strict=False):
            if isinstance(value, dt.datetime) and column.kind == "date":
                value = value.date()
            if column.enum and value is not None:
                value = canonical(column.enum, value)
            record[column.field] = value
        rows.append(record)
    return rows


def read_settings(ws: Worksheet) -> dict[str, object]:
    settings = {}
    for key, value, *_ in ws.iter_rows(min_row=2, values_only=True):
        settings[key] = value.date() if isinstance(value, dt.datetime) else value
    return settings


# --- layout --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_sheets_and_headers_follow_the_language(tmp_path: Path, lang: str) -> None:
    wb = load_workbook(written(tmp_path, lang))
    b = lang
    assert wb.sheetnames == [
        schema.sheet_name("instructions", b),
        schema.sheet_name("round", b),
        *(spec.name(b) for spec in schema.DATA_SHEETS),
    ]
    for spec in schema.DATA_SHEETS:
        headers = [cell.value for cell in wb[spec.name(b)][1]]
        assert headers == [c.header(b) for c in spec.columns]
        assert [h.endswith("*") for h in headers] == [c.required for c in spec.columns]
    round_ws = wb[schema.sheet_name("round", b)]
    expected = {"en": ("Key", "Value", "Explanation")}.get(b, ("Nøkkel", "Verdi", "Forklaring"))
    assert tuple(cell.value for cell in round_ws[1]) == expected
    settings = read_settings(round_ws)
    assert list(settings) == [s.key for s in schema.SETTINGS]
    assert (
        settings["language"] == schema.enum_labels("language", lang)[lang]
    )  # in words, as the drop-down offers
    assert settings["round_id"] is None  # required, left for HR to fill in
    assert settings["notice_days"] == 14
    assert settings["working_hours"] == "08:00-16:00"


def test_norwegian_and_english_headers_differ(tmp_path: Path) -> None:
    nb = load_workbook(written(tmp_path, "nb"))["Ansatte"]
    en = load_workbook(written(tmp_path, "en"))["Employees"]
    assert [c.value for c in nb[1]][:4] == ["Ansattnr*", "Fornavn*", "Etternavn*", "E-post*"]
    assert [c.value for c in en[1]][:4] == ["Employee ID*", "First name*", "Last name*", "Email*"]


def test_header_rows_are_bold_filled_and_frozen(tmp_path: Path) -> None:
    wb = load_workbook(written(tmp_path, "nb"))
    for name in ("Runde", "Ansatte", "Samtaleplan", "Mål"):
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        for cell in ws[1]:
            assert cell.font.bold, f"{name}!{cell.coordinate}"
            assert cell.fill.fill_type == "solid", f"{name}!{cell.coordinate}"
    employees = wb["Ansatte"]
    assert employees.column_dimensions["D"].width == schema.EMPLOYEES.column("email").width


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_enum_column_has_a_drop_down_with_the_languages_labels(tmp_path: Path, lang: str) -> None:
    wb = load_workbook(written(tmp_path, lang))
    b = lang
    seen = []
    for spec in schema.DATA_SHEETS:
        found = validations(wb[spec.name(b)])
        for column in spec.columns:
            if not column.enum:
                continue
            col = letter(spec, column.field)
            labels = ",".join(schema.enum_labels(column.enum, b).values())
            assert found[f"{col}2:{col}2000"] == ("list", f'"{labels}"')
            seen.append((spec.kind, column.field))
    assert seen == [
        ("employees", "language"),
        ("employees", "status"),
        ("goals", "type"),
        ("goals", "status"),
    ]
    round_ws = wb[schema.sheet_name("round", b)]
    language_row = [s.key for s in schema.SETTINGS].index("language") + 2
    words = {"en": "Norwegian Bokmål,Norwegian Nynorsk,English"}.get(b, "bokmål,nynorsk,engelsk")
    assert validations(round_ws) == {f"B{language_row}": ("list", f'"{words}"')}


def test_norwegian_drop_downs_use_norwegian_words(tmp_path: Path) -> None:
    wb = load_workbook(written(tmp_path, "nb"))
    assert validations(wb["Ansatte"])["J2:J2000"] == ("list", '"aktiv,permisjon,sluttet"')
    assert validations(wb["Mål"])["H2:H2000"] == ("list", '"ikke startet,pågår,fullført,avbrutt"')


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_id_date_and_time_columns_are_formatted(tmp_path: Path, lang: str) -> None:
    wb = load_workbook(written(tmp_path, lang, example=True))
    for spec in schema.DATA_SHEETS:
        ws = wb[spec.name(lang)]
        for column in spec.columns:
            want = {"id": "@", "date": DATE_FORMAT[lang], "time": "HH:MM"}.get(column.kind)
            if want is None:
                continue
            col = letter(spec, column.field)
            # The whole column (cells typed later) and every filled cell.
            assert ws.column_dimensions[col].number_format == want, f"{spec.kind}.{column.field}"
            for cell in ws[col][1:]:
                if cell.value is not None:
                    assert cell.number_format == want, f"{ws.title}!{cell.coordinate}"
                    if column.kind == "id":
                        assert isinstance(cell.value, str), f"{ws.title}!{cell.coordinate}"
    settings = wb[schema.sheet_name("round", lang)]
    for row, setting in enumerate(schema.SETTINGS, start=2):
        if setting.kind == "date":
            assert settings.cell(row, 2).number_format == DATE_FORMAT[lang], setting.key
    assert wb[schema.EMPLOYEES.name(lang)]["A2"].value == "1001"


def test_example_values_have_real_excel_types(tmp_path: Path) -> None:
    wb = load_workbook(written(tmp_path, "nb", example=True))
    schedule = wb["Samtaleplan"]
    assert schedule["A2"].value == "1002"
    assert schedule["B2"].value == dt.datetime(2027, 1, 18)
    assert schedule["C2"].value == dt.time(9, 0)
    assert schedule["D2"].value == 90
    assert wb["Runde"]["B5"].value == dt.datetime(2027, 1, 11)  # period_start
    assert wb["Mål"]["C2"].value == "mål"


def test_person_provided_text_is_never_a_formula(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = example_company.example_rows("nb")
    rows["schedule"][0]["note"] = '=HYPERLINK("http://example.invalid","klikk")'
    rows["employees"][0]["last_name"] = "=1+1"
    monkeypatch.setattr(starter.example_company, "example_rows", lambda lang: rows)
    path = written(tmp_path, "nb", example=True)
    wb = load_workbook(path)
    note = wb["Samtaleplan"]["G2"]
    assert (note.value, note.data_type) == ('=HYPERLINK("http://example.invalid","klikk")', "s")
    assert (wb["Ansatte"]["C2"].value, wb["Ansatte"]["C2"].data_type) == ("=1+1", "s")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_instructions_explain_sheets_columns_and_formats(tmp_path: Path, lang: str) -> None:
    wb = load_workbook(written(tmp_path, lang))
    ws = wb[schema.sheet_name("instructions", lang)]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    for name in wb.sheetnames:
        assert name in text
    for spec in schema.DATA_SHEETS:
        for column in spec.columns:
            assert column.header(lang) in text
    for setting in schema.SETTINGS:
        assert setting.key in text
    for sample in ("2027-01-18", "18.01.2027", "09:30", "00123", "*"):
        assert sample in text
    assert ("only reads" if lang == "en" else "leser bare") in text
    assert (
        "Allowed values: active, on_leave, left" if lang == "en" else "Tillatte verdier: aktiv, permisjon"
    ) in text
    # the language's default in words, as its drop-down offers it, not as its code
    assert ("Default: Norwegian Bokmål." if lang == "en" else "Standard: bokmål.") in text
    assert "Standard: nb." not in text and "Default: nb." not in text


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AppraisalError, match="unknown language 'de'"):
        write_starter_workbook(tmp_path / "x.xlsx", "de")
    assert list(tmp_path.iterdir()) == []


def test_write_replaces_an_existing_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    path.write_bytes(b"old")
    write_starter_workbook(path, "en")
    assert load_workbook(path).sheetnames[0] == "Instructions"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["round.xlsx"]


# --- init ----------------------------------------------------------------------------------------------


def make_templates(root: Path) -> Path:
    source = root / "source"
    (source / "nb").mkdir(parents=True)
    (source / "en").mkdir()
    (source / "nb" / "invitation.docx").write_bytes(b"nb invitation")
    (source / "en" / "invitation.docx").write_bytes(b"en invitation")
    (source / "README.txt").write_text("about the templates", encoding="utf-8")
    (source / "nb" / "~$vitation.docx").write_bytes(b"word lock file")
    (source / ".DS_Store").write_bytes(b"junk")
    return source


def test_init_creates_the_workbook_and_copies_the_templates(tmp_path: Path) -> None:
    project = tmp_path / "project"
    result = init_project(project, "en", example=True, templates=make_templates(tmp_path))
    assert result == InitResult(
        created=[
            project / "input" / "round.xlsx",
            project / "templates" / "README.txt",
            project / "templates" / "en" / "invitation.docx",
            project / "templates" / "nb" / "invitation.docx",
            project / "appraisal.toml",
        ],
        skipped=[],
    )
    assert read_installation(project / "appraisal.toml") == Installation(project / "appraisal.toml")
    assert "# retention_years = 5" in (project / "appraisal.toml").read_text()
    assert (project / "templates" / "nb" / "invitation.docx").read_bytes() == b"nb invitation"
    assert not (project / "templates" / "nb" / "~$vitation.docx").exists()
    assert not (project / "templates" / ".DS_Store").exists()
    wb = load_workbook(project / "input" / "round.xlsx")
    assert wb.sheetnames[1] == "Round"
    assert read_settings(wb["Round"])["round_id"] == "2027-H1"
    leftovers = [p for p in project.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_init_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    source = make_templates(tmp_path)
    (project / "input").mkdir(parents=True)
    (project / "input" / "round.xlsx").write_bytes(b"HR's own workbook")
    (project / "templates" / "nb").mkdir(parents=True)
    (project / "templates" / "nb" / "invitation.docx").write_bytes(b"edited by HR")

    result = init_project(project, "nb", templates=source)

    assert (project / "input" / "round.xlsx").read_bytes() == b"HR's own workbook"
    assert (project / "templates" / "nb" / "invitation.docx").read_bytes() == b"edited by HR"
    assert result.skipped == [
        project / "input" / "round.xlsx",
        project / "templates" / "nb" / "invitation.docx",
    ]
    assert result.created == [
        project / "templates" / "README.txt",
        project / "templates" / "en" / "invitation.docx",
        project / "appraisal.toml",
    ]

    (project / "appraisal.toml").write_text("retention_years = 3\n")
    again = init_project(project, "nb", templates=source)
    assert again.created == []
    assert len(again.skipped) == 5
    assert (project / "appraisal.toml").read_text() == "retention_years = 3\n"
    assert [p for p in project.rglob("*") if p.name.endswith(".tmp")] == []


def test_init_with_the_bundled_templates(tmp_path: Path) -> None:
    result = init_project(tmp_path, "nb")
    assert result.created[0] == tmp_path / "input" / "round.xlsx"
    assert result.skipped == []
    assert all(p.is_file() for p in result.created)
    assert all(
        p.parent == tmp_path / "input" or tmp_path / "templates" in p.parents or p.name == "appraisal.toml"
        for p in result.created
    )
    settings = read_settings(load_workbook(tmp_path / "input" / "round.xlsx")["Runde"])
    assert settings["round_id"] is None


# --- the example organisation --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["nb", "en"])
def example(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    lang = request.param
    path = tmp_path_factory.mktemp("example") / "round.xlsx"
    write_starter_workbook(path, lang, example=True)
    wb = load_workbook(path)
    return {
        "settings": read_settings(wb[schema.sheet_name("round", lang)]),
        **{spec.kind: read_rows(wb[spec.name(lang)], spec) for spec in schema.DATA_SHEETS},
    }


def test_example_settings(example: dict) -> None:
    settings = example["settings"]
    assert settings["round_id"] == "2027-H1"
    assert settings["organisation"] == "Fjordtre AS"
    assert settings["period_start"] == dt.date(2027, 1, 11)
    assert settings["period_end"] == dt.date(2027, 2, 26)
    assert settings["invitation_date"] == dt.date(2026, 12, 28)
    assert settings["default_location"] == "Møterom Fjorden"
    assert settings["timezone"] == "Europe/Oslo"
    assert settings["hr_contact_email"] == "ase.nygard@fjordtre.no"


def test_example_employees_are_consistent(example: dict) -> None:
    employees = example["employees"]
    by_id = {e["id"]: e for e in employees}
    assert len(employees) == 31
    assert list(by_id) == [str(n) for n in range(1001, 1032)]
    emails = [e["email"] for e in employees]
    assert len(set(emails)) == len(emails)
    for e in employees:
        assert e["email"].isascii() and e["email"].endswith("@fjordtre.no"), e["email"]
    assert len({e["department"] for e in employees}) == 4
    tops = [e["id"] for e in employees if e["manager_id"] is None]
    assert tops == ["1001"]
    for e in employees:
        if e["manager_id"] is None:
            continue
        manager = by_id[e["manager_id"]]
        assert manager["status"] == "active", e["id"]
        chain, current = set(), e["id"]
        while current is not None:
            assert current not in chain, f"manager cycle at {e['id']}"
            chain.add(current)
            current = by_id[current]["manager_id"]
    heads = {e["id"] for e in employees if e["manager_id"] == "1001"}
    assert len(heads) == 4
    assert {e["manager_id"] for e in employees} - {None} == heads | {"1001"}  # two levels of managers
    assert {e["status"] for e in employees} == {"active", "on_leave", "left"}
    left = [e["id"] for e in employees if e["status"] == "left"]
    assert not [e for e in employees if e["manager_id"] in left]
    assert "en" in {e["language"] for e in employees}
    assert any(ch in "".join(e["first_name"] + e["last_name"] for e in employees) for ch in "æøåÆØÅ")


def test_example_schedule_is_free_of_conflicts(example: dict) -> None:
    settings = example["settings"]
    by_id = {e["id"]: e for e in example["employees"]}
    meetings = example["schedule"]
    start_of_day, end_of_day = (dt.time.fromisoformat(t) for t in settings["working_hours"].split("-"))
    norwegian_holidays = holidays.Norway(years=[2026, 2027])
    busy: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    rooms: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for meeting in meetings:
        employee = by_id[meeting["employee_id"]]
        assert employee["status"] == "active", meeting
        interviewer = meeting["interviewer_id"] or employee["manager_id"]
        assert interviewer in by_id and by_id[interviewer]["status"] == "active", meeting
        assert interviewer != employee["id"]
        if employee["manager_id"] == "1001":
            assert interviewer == "1001"  # department heads meet the managing director
        day = meeting["date"]
        assert day.weekday() < 5, meeting
        assert day not in norwegian_holidays, meeting
        assert settings["period_start"] <= day <= settings["period_end"], meeting
        assert (day - settings["invitation_date"]).days >= settings["notice_days"], meeting
        begins = dt.datetime.combine(day, meeting["start"])
        ends = begins + dt.timedelta(minutes=meeting["duration"] or settings["default_duration_minutes"])
        assert meeting["start"] >= start_of_day and ends <= dt.datetime.combine(day, end_of_day), meeting
        for who in (employee["id"], interviewer):
            assert all(ends <= b or e <= begins for b, e in busy[who]), f"{who} double-booked: {meeting}"
            busy[who].append((begins, ends))
        room = meeting["location"] or settings["default_location"]
        assert all(ends <= b or e <= begins for b, e in rooms[room]), f"{room} double-booked: {meeting}"
        rooms[room].append((begins, ends))
    scheduled = [m["employee_id"] for m in meetings]
    assert len(scheduled) == len(set(scheduled))
    active = {i for i, e in by_id.items() if e["status"] == "active"}
    assert active - set(scheduled) == {"1001"}  # the managing director has no manager and no meeting
    assert len(rooms) >= 3
    assert {m["date"] for m in meetings} <= {dt.date(2027, 1, d) for d in range(18, 30)}
    assert any(m["interviewer_id"] for m in meetings)
    assert any("&" in (m["note"] or "") and "<" in m["note"] for m in meetings)


def test_example_goals_are_consistent(example: dict) -> None:
    employees = {e["id"] for e in example["employees"]}
    goals = example["goals"]
    assert 15 <= len(goals) <= 25
    ids = [g["id"] for g in goals]
    assert len(set(ids)) == len(ids)
    progress_fits = {
        "not_started": lambda p: p == 0,
        "in_progress": lambda p: 0 < p < 100,
        "done": lambda p: p == 100,
        "cancelled": lambda p: 0 <= p < 100,
    }
    for goal in goals:
        assert goal["employee_id"] in employees, goal
        assert goal["id"].startswith(f"2026-H1-{goal['employee_id']}-G"), goal
        assert goal["agreed_in_round"] == "2026-H1"
        assert goal["due"].year == 2026
        assert progress_fits[goal["status"]](goal["progress"]), goal
    assert {g["status"] for g in goals} == set(progress_fits)
    assert {g["type"] for g in goals} == {"goal", "action"}


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("example", [True, False])
def test_starter_sheets_read_in_memory_are_the_written_workbook(
    tmp_path: Path, lang: str, example: bool
) -> None:
    """The cell values `starter_sheets` gives read as the file `write_starter_workbook` writes is read."""
    from_file, file_report = read_round(written(tmp_path, lang, example=example))
    in_memory, memory_report = read_round_from_rows(starter_sheets(lang, example=example))

    assert in_memory == dataclasses.replace(from_file, path="")
    assert memory_report.to_list() == file_report.to_list()
    assert len(in_memory.employees) == (31 if example else 0)


def test_sample_workbook_in_the_repository_is_up_to_date(tmp_path: Path) -> None:
    """input/round.xlsx is what scripts/make_sample.py writes today: rerun it after changing the example."""
    fresh = load_workbook(written(tmp_path, "nb", example=True))
    sample = load_workbook(REPO / "input" / "round.xlsx")
    assert sample.sheetnames == fresh.sheetnames
    for ws in fresh.worksheets:
        assert list(sample[ws.title].values) == list(ws.values), ws.title


def test_a_new_workbook_typed_in_calc_runs_a_round_with_what_was_typed(tmp_path: Path) -> None:
    """A new user's first day: `appraisal init`, then the workbook typed in LibreOffice Calc through its own
    input (`scripts/edit_in_calc.py`: dates as `18.01.2027` and `2027-01-19`, a start as `kl 9`, a length as `1 t`, a room
    `3-4`, a measure `10 %`, a comment `1/2 ...`, IDs as digits), then `appraisal run`. The words stay
    words: the new workbook formats free text as text, where Calc took `10 %` for 0.1 and `3-4` and `1/2`
    for dates, and IDs typed as digits stay text."""
    import re

    from click.testing import CliRunner
    from support.helpers import docx_text, edit_in_calc

    from pipeline.cli import cli

    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    made = runner.invoke(cli, ["init", str(tmp_path / "firma")])
    assert made.exit_code == 0, made.output
    workbook = tmp_path / "firma" / "input" / "round.xlsx"
    edit_in_calc(
        workbook,
        [
            {"sheet": "Runde", "do": "type", "at": "B2", "rows": [["2027-H1"], ["Medarbeidersamtaler 2027"], ["Fjord AS"]]},
            {"sheet": "Runde", "do": "type", "at": "B15", "rows": [["Hanne HR"], ["hanne@fjord.no"]]},
            {"sheet": "Ansatte", "do": "type", "at": "A2", "rows": [
                ["1001", "Kari", "Nordmann", "kari.nordmann@fjord.no", "Ledelse", "Daglig leder", "", "", "01.03.2015", "aktiv"],
                ["1002", "Ola", "Hansen", "ola.hansen@fjord.no", "Salg", "Selger", "1001", "", "15.08.2019", ""],
                ["1003", "Åse", "Berg", "ase.berg@fjord.no", "Salg", "Selger", "1001", "nn", "", ""],
            ]},
            {"sheet": "Samtaleplan", "do": "type", "at": "A2", "rows": [
                ["1002", "18.01.2027", "kl 9", "1 t", "3-4", "", ""],
                ["1003", "2027-01-19", "10:30", "45", "Teams", "", ""],
            ]},
            {"sheet": "Mål", "do": "type", "at": "A2", "rows": [
                ["G-1", "1002", "mål", "Øke salget", "10 %", "30.06.2027", "", "pågår", "50 %", "1/2 av målet nådd", ""],
            ]},
        ],
    )  # fmt: skip
    book = load_workbook(workbook)
    # read by Calc as it reads typing: the ISO date as a date, the ID in its text cell as text
    assert book["Samtaleplan"]["B3"].is_date and book["Ansatte"]["A2"].value == "1001"

    ran = runner.invoke(
        cli, ["run", "-w", str(workbook), "-o", str(tmp_path / "firma" / "output"), "-j", "1"]
    )

    assert ran.exit_code == 0, ran.output
    assert "0 errors" in ran.output, ran.output
    round_folder = tmp_path / "firma" / "output" / "2027-H1"
    [ola] = (round_folder / "employees" / "1002-Ola Hansen").glob("invitasjon*.docx")
    shown = " ".join(docx_text(ola).split())
    assert "18. januar 2027" in shown and "09.00" in shown and "3-4" in shown, shown
    [ase] = (round_folder / "employees" / "1003-Åse Berg").glob("*.ics")
    assert re.search(
        r"DTSTART;TZID=Europe/Oslo:20270119T103000\s+DTEND;TZID=Europe/Oslo:20270119T111500", ase.read_text()
    )
    goals = load_workbook(round_folder / "follow-up.xlsx")["Mål og tiltak"]
    header = [c.value for c in goals[2]]
    row = dict(zip(header, [c.value for c in goals[3]], strict=False))
    assert (row["Suksesskriterium"], row["Kommentar"], row["Fremdrift (%)"]) == (
        "10 %",
        "1/2 av målet nådd",
        50,
    )
