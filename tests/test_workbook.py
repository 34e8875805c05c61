"""Reading the round workbook: what Excel users do to it, and files that are no workbook at all."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl.styles import PatternFill
from openpyxl.worksheet.table import Table

from pipeline.errors import WorkbookError
from pipeline.model import ERROR, INFO, WARNING, Settings
from pipeline.round.reader import read_round


def where(report, *codes):
    """The report as (sheet, cell, code): all but infos, or only the given codes."""
    return [
        (i.sheet, i.cell, i.code) for i in report.issues if (i.code in codes if codes else i.severity != INFO)
    ]


# -- the base round ----------------------------------------------------------------------------------


def test_base_round_is_read_typed_and_clean(base_workbook):
    round_, report = read_round(base_workbook)

    assert report.issues == []
    assert round_.path == str(base_workbook)
    settings = round_.settings
    assert settings.round_id == "2027-H1"
    assert settings.organisation == "Fjordtre AS"
    assert (settings.period_start, settings.period_end) == (dt.date(2027, 1, 18), dt.date(2027, 1, 29))
    assert settings.invitation_date == dt.date(2026, 12, 1)
    assert settings.rows["round_id"] == 2
    assert settings.rows["hr_contact_email"] == 11
    # Settings the sheet leaves out keep their defaults.
    assert settings.minutes_due_days == 7
    assert settings.default_duration_minutes == 60
    assert settings.working_hours == (dt.time(8), dt.time(16))
    assert settings.timezone == "Europe/Oslo"

    assert [e.id for e in round_.employees] == ["100", "101", "102", "103", "104"]
    assert [e.row for e in round_.employees] == [2, 3, 4, 5, 6]
    anne = round_.employee("103")
    assert (anne.name, anne.email, anne.manager_id, anne.language, anne.status) == (
        "Anne Lie",
        "anne@fjordtre.no",
        "101",
        "en",
        "active",
    )
    assert anne.employment_start == dt.date(2021, 9, 1)
    assert round_.employee("100").manager_id == ""

    first, *_, last = round_.meetings
    assert (first.row, first.employee_id, first.date, first.start, first.duration_minutes) == (
        2,
        "100",
        dt.date(2027, 1, 18),
        dt.time(9, 0),
        60,
    )
    assert (first.location, first.interviewer_id) == ("Møterom 1", "101")
    assert first.ends_at == dt.datetime(2027, 1, 18, 10, 0)
    assert (last.row, last.duration_minutes, last.location, last.interviewer_id) == (6, 60, "", "")

    goal = round_.goals[0]
    assert (goal.id, goal.employee_id, goal.type, goal.status, goal.progress, goal.due) == (
        "G-1",
        "102",
        "goal",
        "in_progress",
        50,
        dt.date(2027, 6, 30),
    )
    assert (round_.goals[1].type, round_.goals[1].status) == ("action", "not_started")

    employees = round_.sheets["employees"]
    assert (employees.name, employees.header_row) == ("Ansatte", 1)
    assert employees.cell("email", 14) == "D14"
    assert employees.headers["email"] == "E-post"
    assert round_.sheets["schedule"].name == "Samtaleplan"
    assert round_.sheets["goals"].name == "Mål"
    assert round_.sheets["round"].name == "Runde"


def test_english_workbook_reads_the_same_round(make_workbook):
    nb_round, nb_report = read_round(make_workbook(lang="nb"))
    en_round, en_report = read_round(make_workbook(lang="en"))

    assert nb_report.issues == en_report.issues == []
    assert en_round.sheets["employees"].name == "Employees"
    assert en_round.employees == nb_round.employees
    assert en_round.meetings == nb_round.meetings
    assert en_round.goals == nb_round.goals
    assert en_round.settings == nb_round.settings


def test_default_duration_comes_from_the_round(make_workbook):
    round_, report = read_round(make_workbook(round={"default_duration_minutes": 45}))

    assert report.issues == []
    assert round_.meetings[4].duration_minutes == 45  # Lise's meeting gives no duration
    assert round_.meetings[3].duration_minutes == 45  # Anne's gives 45 itself
    assert round_.meetings[0].duration_minutes == 60


# -- headers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"id": "ANSATTNR", "email": "e-post", "department": "  Avdeling  ", "manager_id": "leders ANSATTNR"},
        {"id": "Ansattnr *", "email": " E-post * ", "department": "Avdeling*", "manager_id": "Leder"},
        {"id": "Employee ID*", "email": "EMAIL", "department": "department", "manager_id": "Manager ID"},
        {"id": "employee_id", "email": "E-mail", "department": "Department *", "manager_id": "manager id"},
        {"id": "Ansattnummer", "email": "Epost", "department": "avdeling", "manager_id": "Leders ansattnr."},
    ],
)
def test_headers_in_any_language_case_spacing_and_star(make_workbook, headers):
    path = make_workbook(headers={"employees": headers})

    round_, report = read_round(path)

    assert report.issues == []
    assert [e.id for e in round_.employees] == ["100", "101", "102", "103", "104"]
    assert round_.employee("102").email == "per@fjordtre.no"
    assert round_.employee("102").department == "Produksjon"
    assert round_.employee("102").manager_id == "101"
    # The header is remembered as written, without the star and spaces.
    written = round_.sheets["employees"].headers["email"]
    assert written == headers["email"].strip().rstrip("*").strip()


def test_mixed_language_headers_in_one_sheet(make_workbook):
    path = make_workbook(
        headers={"schedule": {"employee_id": "Employee ID", "date": "Dato", "start": "Start time"}}
    )

    round_, report = read_round(path)

    assert report.issues == []
    assert round_.meetings[2].start == dt.time(9, 0)


def test_extra_columns_are_ignored_and_noted(make_workbook):
    path = make_workbook(
        employees={"100": {"Telefon": "99 99 99 99"}, "102": {"Telefon": "98 98 98 98", "Notat": "x"}}
    )

    round_, report = read_round(path)

    assert [(i.severity, i.sheet, i.cell, i.column, i.code) for i in report.issues] == [
        (INFO, "Ansatte", None, "Telefon", "unknown-column"),
        (INFO, "Ansatte", None, "Notat", "unknown-column"),
    ]
    assert "(K)" in report.issues[0].message
    assert round_.employee("102").department == "Produksjon"


def test_missing_required_column(make_workbook):
    path = make_workbook(headers={"employees": {"email": None}, "goals": {"description": None}})

    round_, report = read_round(path)

    assert [(i.sheet, i.cell, i.column, i.code) for i in report.issues] == [
        ("Ansatte", None, "E-post", "missing-column"),
        ("Mål", None, "Beskrivelse", "missing-column"),
    ]
    assert "row 1" in report.issues[0].message
    assert round_.employee("101").email == ""  # the rest of the sheet is still read
    assert round_.employee("101").department == "Produksjon"


def test_missing_optional_column_is_no_problem(make_workbook):
    path = make_workbook(headers={"employees": {"status": None, "language": None}})

    round_, report = read_round(path)

    assert report.issues == []
    assert {e.status for e in round_.employees} == {"active"}


# -- sheets ------------------------------------------------------------------------------------------


def test_sheets_in_any_order(make_workbook):
    path = make_workbook(order=["goals", "schedule", "employees", "round"])

    round_, report = read_round(path)

    assert report.issues == []
    assert len(round_.employees) == 5
    assert len(round_.meetings) == 5
    assert len(round_.goals) == 2
    assert round_.settings.round_id == "2027-H1"


def test_sheet_names_match_case_and_space_insensitively(make_workbook):
    path = make_workbook(
        sheets={"round": " RUNDE ", "employees": "ansatte", "schedule": "SAMTALE PLAN", "goals": "mål"}
    )

    round_, report = read_round(path)

    assert report.issues == []
    assert round_.sheets["schedule"].name == "SAMTALE PLAN"
    assert len(round_.meetings) == 5


def test_unknown_sheet_is_noted_known_extra_sheets_are_not(make_workbook):
    path = make_workbook(
        extra_sheets={"Notater": [["Husk kaffe"]], "Veiledning": [["Slik fyller du ut"]], "Lister": [["a"]]}
    )

    _, report = read_round(path)

    assert [(i.severity, i.sheet, i.cell, i.code) for i in report.issues] == [
        (INFO, "Notater", None, "unknown-sheet")
    ]


def test_missing_sheet(make_workbook):
    path = make_workbook(sheets={"schedule": None})

    round_, report = read_round(path)

    assert [(i.severity, i.sheet, i.cell, i.code) for i in report.issues] == [
        (ERROR, "Samtaleplan", None, "missing-sheet")
    ]
    assert "Schedule" in report.issues[0].message
    assert round_.meetings == ()
    assert len(round_.employees) == 5


def test_missing_round_sheet(make_workbook):
    path = make_workbook(sheets={"round": None})

    round_, report = read_round(path)

    assert where(report) == [("Runde", None, "missing-sheet")]
    assert round_.settings.round_id == ""


def test_duplicate_sheet(make_workbook):
    english = [["Employee ID", "First name"], ["900", "Extra"]]
    path = make_workbook(extra_sheets={"Employees": english})

    round_, report = read_round(path)

    assert [(i.severity, i.sheet, i.cell, i.code) for i in report.issues] == [
        (ERROR, "Employees", None, "duplicate-sheet")
    ]
    assert '"Ansatte"' in report.issues[0].message
    assert [e.id for e in round_.employees] == ["100", "101", "102", "103", "104"]


def test_hidden_sheet_is_ignored(make_workbook):
    stale = [
        ["Ansattnr", "Fornavn", "Etternavn", "E-post", "Avdeling"],
        ["1", "Gammel", "Liste", "x@y.no", "X"],
    ]

    def hide(workbook):
        workbook["Ansatte"].sheet_state = "hidden"

    path = make_workbook(sheets={"employees": "Employees"}, extra_sheets={"Ansatte": stale}, edit=hide)

    round_, report = read_round(path)

    assert report.issues == []
    assert round_.sheets["employees"].name == "Employees"
    assert [e.id for e in round_.employees] == ["100", "101", "102", "103", "104"]


# -- rows and values ---------------------------------------------------------------------------------


def test_blank_row_in_the_middle_is_skipped_and_rows_after_it_are_read(make_workbook):
    employees = make_workbook.rows("employees")
    employees.insert(2, None)  # a blank row 4 between Ola (row 3) and Per (now row 5)
    employees[4]["department"] = None  # Anne, now on row 6
    schedule = make_workbook.rows("schedule")
    schedule[1:1] = [None, None]  # rows 3 and 4 blank
    schedule[5]["start"] = "25:00"  # Anne's meeting, now on row 7

    round_, report = read_round(make_workbook(employees=employees, schedule=schedule))

    assert [(e.id, e.row) for e in round_.employees] == [
        ("100", 2),
        ("101", 3),
        ("102", 5),
        ("103", 6),
        ("104", 7),
    ]
    assert [(m.employee_id, m.row) for m in round_.meetings] == [
        ("100", 2),
        ("101", 5),
        ("102", 6),
        ("103", 7),
        ("104", 8),
    ]
    assert where(report) == [
        ("Ansatte", "E6", "required-value"),
        ("Samtaleplan", "C7", "invalid-time"),
    ]


def test_several_blank_rows_and_data_after_them(make_workbook):
    goals = make_workbook.rows("goals")
    goals[1:1] = [None] * 20

    round_, report = read_round(make_workbook(goals=goals))

    assert report.issues == []
    assert [(g.id, g.row) for g in round_.goals] == [("G-1", 2), ("G-2", 23)]


def test_ids_typed_as_numbers_or_text(make_workbook):
    path = make_workbook(
        employees={
            "100": {"id": 100},
            "101": {"id": 101.0, "manager_id": 100},
            "102": {"id": "00102", "manager_id": 101},
        },
        schedule={"100": {"employee_id": 100, "interviewer_id": 101}, "102": {"employee_id": "00102"}},
        goals={"G-1": {"id": 7, "employee_id": "00102"}},
    )

    round_, report = read_round(path)

    assert report.issues == []
    assert [e.id for e in round_.employees] == ["100", "101", "00102", "103", "104"]
    assert round_.employee("101").manager_id == "100"
    assert round_.employee("00102").manager_id == "101"
    assert [m.employee_id for m in round_.meetings] == ["100", "101", "00102", "103", "104"]
    assert round_.meetings[0].interviewer_id == "101"
    assert (round_.goals[0].id, round_.goals[0].employee_id) == ("7", "00102")


@pytest.mark.parametrize(
    "raw",
    [dt.date(2027, 1, 19), dt.datetime(2027, 1, 19), 46406, "2027-01-19", "19.01.2027", " 19.1.2027 "],
    ids=["date", "datetime", "serial", "iso", "nordic", "spaces"],
)
def test_dates_in_every_accepted_form(make_workbook, raw):
    path = make_workbook(schedule={"102": {"date": raw}}, employees={"102": {"employment_start": raw}})

    round_, report = read_round(path)

    assert report.issues == []
    assert round_.meetings[2].date == dt.date(2027, 1, 19)
    assert round_.employee("102").employment_start == dt.date(2027, 1, 19)


@pytest.mark.parametrize(
    "raw",
    [dt.time(9, 30), 0.3958333333333333, "09:30", "9:30", "9.30", " 09:30 ", "kl. 09.30"],
    ids=["time", "fraction", "text", "short", "dot", "spaces", "kl"],
)
def test_times_in_every_accepted_form(make_workbook, raw):
    path = make_workbook(schedule={"102": {"start": raw}})

    round_, report = read_round(path)

    assert report.issues == []
    assert round_.meetings[2].start == dt.time(9, 30)


def test_leading_and_trailing_spaces_are_trimmed(make_workbook):
    path = make_workbook(
        employees={
            "102": {"id": " 102 ", "first_name": "  Per ", "email": " per@fjordtre.no ", "status": " Aktiv "}
        },
        schedule={"102": {"employee_id": "102  ", "location": " Møterom 2 "}},
        goals={"G-1": {"employee_id": " 102", "status": "  PÅGÅR  ", "type": " Mål "}},
    )

    round_, report = read_round(path)

    assert report.issues == []
    per = round_.employee("102")
    assert (per.first_name, per.email, per.status) == ("Per", "per@fjordtre.no", "active")
    assert (round_.meetings[2].employee_id, round_.meetings[2].location) == ("102", "Møterom 2")
    assert (round_.goals[0].employee_id, round_.goals[0].status, round_.goals[0].type) == (
        "102",
        "in_progress",
        "goal",
    )


def test_cells_with_only_spaces_count_as_empty(make_workbook):
    path = make_workbook(employees={"102": {"job_title": "   ", "department": "  "}})

    round_, report = read_round(path)

    assert where(report) == [("Ansatte", "E4", "required-value")]
    assert round_.employee("102").job_title == ""


def test_allowed_values_in_norwegian_and_english(make_workbook):
    path = make_workbook(
        employees={"102": {"status": "permisjon", "language": "Nynorsk"}, "103": {"status": "Left"}},
        goals={"G-1": {"type": "tiltak", "status": "fullført"}, "G-2": {"type": "Goal", "status": "avbrutt"}},
    )

    round_, report = read_round(path)

    assert report.issues == []
    assert (round_.employee("102").status, round_.employee("102").language) == ("on_leave", "nn")
    assert round_.employee("103").status == "left"
    assert [(g.type, g.status) for g in round_.goals] == [("action", "done"), ("goal", "cancelled")]


def test_empty_status_means_active(make_workbook):
    round_, _ = read_round(make_workbook(employees={"102": {"status": None}}))

    assert round_.employee("102").status == "active"


def test_data_inside_an_excel_table(make_workbook):
    def add_tables(workbook):
        workbook["Ansatte"].add_table(Table(displayName="Ansatte", ref="A1:J6"))
        workbook["Samtaleplan"].add_table(Table(displayName="Samtaleplan", ref="A1:G6"))

    round_, report = read_round(make_workbook(edit=add_tables))

    assert report.issues == []
    assert len(round_.employees) == 5
    assert len(round_.meetings) == 5


def test_title_row_above_the_header_row(make_workbook):
    path = make_workbook(
        above={
            "employees": [["Ansatte i Fjordtre AS, våren 2027"], []],
            "schedule": [["Samtaleplan"]],
        },
        employees={"103": {"email": "anne.fjordtre.no"}},
        schedule={"104": {"start": "kvart over"}},
    )

    round_, report = read_round(path)

    assert round_.sheets["employees"].header_row == 3
    assert round_.sheets["schedule"].header_row == 2
    assert [(e.id, e.row) for e in round_.employees][:2] == [("100", 4), ("101", 5)]
    assert round_.employee("103").row == 7
    assert round_.meetings[-1].row == 7
    assert where(report) == [("Samtaleplan", "C7", "invalid-time")]


def test_formatting_far_below_the_data_is_not_read_as_rows(make_workbook):
    def style_far_below(workbook):
        sheet = workbook["Ansatte"]
        sheet.cell(row=200_000, column=1).fill = PatternFill("solid", start_color="FFFFFF00")
        sheet.cell(row=150_000, column=4).number_format = "@"

    round_, report = read_round(make_workbook(edit=style_far_below))

    assert report.issues == []
    assert [(e.id, e.row) for e in round_.employees] == [
        ("100", 2),
        ("101", 3),
        ("102", 4),
        ("103", 5),
        ("104", 6),
    ]


def test_value_far_below_the_data_is_still_read(make_workbook):
    employees = [*make_workbook.rows("employees"), *[None] * 2000]
    employees.append({"id": "105", "first_name": "Siri", "last_name": "Sist", "email": "siri@fjordtre.no"})

    round_, report = read_round(make_workbook(employees=employees))

    assert round_.employee("105").row == 2007
    assert where(report) == [("Ansatte", "E2007", "required-value")]


# -- settings ----------------------------------------------------------------------------------------


def test_settings_are_typed(make_workbook):
    path = make_workbook(
        round={
            "period_start": "18.01.2027",
            "period_end": 46416,
            "notice_days": "10",
            "working_hours": "08:30-15:30",
            "language": "English",
            "timezone": "Europe/London",
            "min_group_size": 3.0,
            "default_location": "  Kantina ",
        }
    )

    round_, report = read_round(path)

    assert report.issues == []
    settings = round_.settings
    assert (settings.period_start, settings.period_end) == (dt.date(2027, 1, 18), dt.date(2027, 1, 29))
    assert settings.notice_days == 10
    assert settings.working_hours == (dt.time(8, 30), dt.time(15, 30))
    assert settings.language == "en"
    assert settings.timezone == "Europe/London"
    assert settings.min_group_size == 3
    assert settings.default_location == "Kantina"


def test_setting_keys_are_case_and_space_insensitive(make_workbook):
    rows = [["Key", "Value"], ["Round ID", "2027-H1"], ["ROUND_ID", "x"], ["notice-days", 7]]

    round_, report = read_round(make_workbook(round=rows))

    assert round_.settings.round_id == "2027-H1"
    assert round_.settings.notice_days == 7
    assert [(i.severity, i.sheet, i.cell, i.code) for i in report.issues] == [
        (WARNING, "Runde", "A3", "duplicate-setting")
    ]


def test_unknown_setting_suggests_the_nearest_key(make_workbook):
    _, report = read_round(make_workbook(round={"notice_dayz": 7, "favourite_colour": "blue"}))

    assert [(i.severity, i.sheet, i.cell, i.code) for i in report.issues] == [
        (WARNING, "Runde", "A12", "unknown-setting"),
        (WARNING, "Runde", "A13", "unknown-setting"),
    ]
    assert report.issues[0].message.endswith("did you mean notice_days?")
    assert report.issues[1].message.endswith("it is ignored.")


def test_duplicate_setting_keeps_the_first_value(make_workbook):
    rows = [["Nøkkel", "Verdi"], ["round_id", "2027-H1"], ["notice_days", 10], ["notice_days", 20]]

    round_, report = read_round(make_workbook(round=rows))

    assert round_.settings.notice_days == 10
    assert [(i.severity, i.sheet, i.cell, i.code) for i in report.issues] == [
        (WARNING, "Runde", "A4", "duplicate-setting")
    ]
    assert "row 3" in report.issues[0].message


def test_required_setting_missing_or_empty(make_workbook):
    _, missing = read_round(make_workbook(round={"round_id": None}))
    _, empty = read_round(make_workbook(round={"round_id": "   "}))

    assert [(i.severity, i.sheet, i.cell, i.column, i.code) for i in missing.issues] == [
        (ERROR, "Runde", None, "round_id", "required-setting")
    ]
    assert [(i.severity, i.sheet, i.cell, i.column, i.code) for i in empty.issues] == [
        (ERROR, "Runde", "B2", "round_id", "required-setting")
    ]
    # the row is there (as in the workbook `appraisal init` writes): where to type, not a row to add
    assert missing.issues[0].message.endswith(
        "add a row with round_id in column A and its value in column B."
    )
    assert empty.issues[0].message == "round_id is required; type its value in B2."


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("round_id", "2027 vår"),
        ("period_start", "31.02.2027"),
        ("notice_days", "to uker"),
        ("notice_days", -1),
        ("default_duration_minutes", 600),
        ("language", "svensk"),
        ("working_hours", "16:00-08:00"),
        ("working_hours", "hele dagen"),
        ("timezone", "Europe/Bergen"),
    ],
)
def test_invalid_setting(make_workbook, key, value):
    row = {"round_id": 2, "period_start": 5, "notice_days": 8, "language": 9}.get(key, 12)

    round_, report = read_round(make_workbook(round={key: value}))

    assert [(i.severity, i.sheet, i.cell, i.column, i.code) for i in report.issues] == [
        (ERROR, "Runde", f"B{row}", key, "invalid-setting")
    ]
    assert report.issues[0].message.startswith(f"{key}: ")
    # The setting falls back to its default.
    assert getattr(round_.settings, key) == getattr(Settings(round_id=""), key)


def test_period_end_before_period_start(make_workbook):
    path = make_workbook(round={"period_start": dt.date(2027, 1, 29), "period_end": dt.date(2027, 1, 18)})

    _, report = read_round(path)

    assert [(i.sheet, i.cell, i.code) for i in report.issues] == [("Runde", "B6", "invalid-setting")]


# -- files that are no workbook ----------------------------------------------------------------------


def _bad_files(make_workbook):
    """name -> (content, what the message says)."""
    real = make_workbook().read_bytes()
    not_a_workbook = io.BytesIO()
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("hello.txt", "hei")
    broken_workbook = io.BytesIO()
    with zipfile.ZipFile(broken_workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "this is not xml")
    padding = b"\0" * 512
    with_macros = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as source, zipfile.ZipFile(with_macros, "w") as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    return {
        "macros.xlsx": (with_macros.getvalue(), "contains macros"),
        "empty.xlsx": (b"", "the file is empty"),
        "csv.xlsx": ("Ansattnr;Fornavn;Språk\n100;Kari;nb\n".encode(), "text (a CSV file?)"),
        "old.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + padding, "Excel 97-2003 (.xls)"),
        "locked.xlsx": (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + padding + "EncryptionInfo".encode("utf-16-le") + padding,
            "password-protected",
        ),
        "truncated.xlsx": (real[: len(real) // 2], "damaged or incomplete"),
        "notes.xlsx": (not_a_workbook.getvalue(), "zip file is not an Excel workbook"),
        "broken.xlsx": (broken_workbook.getvalue(), "damaged or incomplete"),
        "image.xlsx": (b"\x89PNG\r\n\x1a\n" + padding, "not an Excel file"),
    }


BAD_FILES = ["empty", "csv", "old", "locked", "truncated", "notes", "broken", "image", "macros"]


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_raises_workbook_error_naming_the_file(tmp_path, make_workbook, name):
    content, message = _bad_files(make_workbook)[f"{name}.xlsx"]
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(content)

    with pytest.raises(WorkbookError) as caught:
        read_round(path)

    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere" / "round.xlsx"

    with pytest.raises(WorkbookError, match="no such file") as caught:
        read_round(path)

    assert str(caught.value).startswith(f"{path}: ")


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(WorkbookError, match="is a folder"):
        read_round(tmp_path)


def test_string_path_is_accepted(base_workbook):
    round_, _ = read_round(str(base_workbook))

    assert round_.settings.round_id == "2027-H1"


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_before_reading(tmp_path, monkeypatch):
    import zipfile

    from pipeline.round import opening as workbook

    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (4 << 20) + b"/>")

    with pytest.raises(WorkbookError, match=r"bomb\.xlsx: the workbook unpacks to 4 MB"):
        read_round(bomb)
