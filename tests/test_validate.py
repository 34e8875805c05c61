"""The §3 rules, one workbook per rule: each states what differs from the valid base round.

Issues are compared as exact `(sheet, cell, code)` lists in report order: every error and warning,
or only the codes a test names. Cell map of the base round: see conftest.py.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
from openpyxl.styles import PatternFill

from pipeline.codes import WORKBOOK_CODES
from pipeline.model import ERROR, INFO, WARNING, Report
from pipeline.round.checks.context import Context
from pipeline.round.reader import read_round
from pipeline.round.rules import RULES, check_workbook, validate_round

TODAY = dt.date(2026, 12, 1)


def where(report, *codes):
    """The report as (sheet, cell, code): every error and warning, or only the given codes."""
    return [
        (i.sheet, i.cell, i.code) for i in report.issues if (i.code in codes if codes else i.severity != INFO)
    ]


@pytest.fixture
def check(make_workbook):
    """Build a workbook from a description and validate it; return the report."""

    def run(**description):
        _, report = check_workbook(make_workbook(**description), today=TODAY)
        return report

    return run


def only(report, code):
    """The single issue of a code."""
    found = [i for i in report.issues if i.code == code]
    assert len(found) == 1, found
    return found[0]


def test_base_round_has_no_problems(check):
    assert check().issues == []


def test_base_round_in_english_has_no_problems(check):
    assert check(lang="en").issues == []


# -- structure ---------------------------------------------------------------------------------------


def test_missing_sheet(check):
    assert where(check(sheets={"goals": None})) == [("Mål", None, "missing-sheet")]


def test_missing_sheet_is_named_in_the_workbook_language(check):
    # Issues of a sheet that is not there come after those of the sheets that are.
    assert where(check(lang="en", sheets={"schedule": None})) == [
        ("Employees", "A2", "no-meeting"),
        ("Employees", "A3", "no-meeting"),
        ("Employees", "A4", "no-meeting"),
        ("Employees", "A5", "no-meeting"),
        ("Employees", "A6", "no-meeting"),
        ("Schedule", None, "missing-sheet"),
    ]


def test_missing_employees_sheet_makes_every_reference_unknown(check):
    report = check(sheets={"employees": None})

    assert where(report, "missing-sheet") == [("Ansatte", None, "missing-sheet")]
    assert where(report, "unknown-employee") == [
        ("Samtaleplan", "A2", "unknown-employee"),
        ("Samtaleplan", "A3", "unknown-employee"),
        ("Samtaleplan", "A4", "unknown-employee"),
        ("Samtaleplan", "A5", "unknown-employee"),
        ("Samtaleplan", "A6", "unknown-employee"),
        ("Mål", "B2", "unknown-employee"),
        ("Mål", "B3", "unknown-employee"),
    ]


def test_missing_column(check):
    report = check(headers={"schedule": {"date": None}, "goals": {"id": None}})

    assert where(report) == [("Samtaleplan", None, "missing-column"), ("Mål", None, "missing-column")]
    assert [i.column for i in report.issues] == ["Dato", "Mål-ID"]


def test_duplicate_sheet(check):
    report = check(
        extra_sheets={"Samtaler": [["Ansattnr", "Dato", "Starttid"], ["102", "19.01.2027", "12:00"]]}
    )

    assert where(report) == [("Samtaler", None, "duplicate-sheet")]
    assert report.issues[0].severity == ERROR


def test_unknown_sheet_and_unknown_column_are_info(check):
    report = check(extra_sheets={"Notater": [["Husk kaffe"]]}, goals={"G-1": {"Intern merknad": "x"}})

    assert [(i.severity, i.sheet, i.cell, i.column, i.code) for i in report.issues] == [
        (INFO, "Mål", None, "Intern merknad", "unknown-column"),
        (INFO, "Notater", None, None, "unknown-sheet"),
    ]
    assert report.ok


def test_merged_cells_in_a_data_column(check):
    def merge(workbook):
        workbook["Ansatte"].merge_cells("F3:F4")  # Ola's and Per's job title

    report = check(edit=merge)

    assert where(report) == [("Ansatte", "F3", "merged-cells")]
    assert only(report, "merged-cells").column == "Stilling"
    assert "F3:F4" in only(report, "merged-cells").message


def test_merged_cells_across_data_columns(check):
    def merge(workbook):
        workbook["Samtaleplan"].merge_cells("E4:G5")

    assert where(check(edit=merge), "merged-cells") == [("Samtaleplan", "E4", "merged-cells")]


def test_merged_title_above_the_header_is_fine(check):
    def merge(workbook):
        workbook["Ansatte"].merge_cells("A1:J1")

    assert check(above={"employees": [["Ansatte i Fjordtre AS"]]}, edit=merge).issues == []


def test_formula_without_cached_value(check):
    def formulas(workbook):
        workbook["Ansatte"]["B3"] = "=1+1"  # Ola's first name
        workbook["Mål"]["I3"] = "=SUM(10,20)"  # G-2's progress
        workbook["Ansatte"]["Z3"] = "=1+1"  # not a data column
        workbook["Runde"]["D2"] = "=TODAY()"

    report = check(edit=formulas)

    assert where(report, "formula-without-value") == [
        ("Ansatte", "B3", "formula-without-value"),
        ("Mål", "I3", "formula-without-value"),
    ]
    assert [i.column for i in report.issues if i.code == "formula-without-value"] == [
        "Fornavn",
        "Fremdrift (%)",
    ]


def test_formula_written_through_a_row_value(check):
    report = check(employees={"103": {"job_title": "=UPPER(E5)"}})

    assert where(report) == [("Ansatte", "F5", "formula-without-value")]


def excel_saved(path, results):
    """Rewrite formula cells the way Excel saves them, with a cached result: ref -> (type, value).

    openpyxl writes `<c r="G2"><f>..</f><v></v></c>` (never calculated); Excel writes the result, and an
    empty-string result as `<c r="G2" t="str"><f>..</f><v/></c>`.
    """
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            for ref, (kind, value) in results.items():
                cell = re.compile(rb'<c r="%s"([^>]*)><f>(.*?)</f><v></v></c>' % ref.encode())
                cached = b"<v/>" if value == "" else b"<v>%s</v>" % value.encode()
                kind_attribute = b' t="%s"' % kind.encode() if kind != "n" else b""
                data = cell.sub(
                    lambda m, ref=ref, c=cached, k=kind_attribute: (
                        b'<c r="%s"%s%s><f>%s</f>%s</c>' % (ref.encode(), m[1], k, m[2], c)
                    ),
                    data,
                )
            archive.writestr(info, data)
    return path


def test_formulas_with_a_cached_value_are_read_as_their_value(make_workbook):
    def formulas(workbook):
        employees = workbook["Ansatte"]
        employees["G2"] = '=IFERROR(VLOOKUP(A2,Lister!A:B,2,FALSE),"")'  # Kari: no manager, ""
        employees["G3"] = "=99+1"  # Ola: manager 100
        employees["F4"] = '=IF(TRUE,"Snekker","")'  # Per's job title

    path = make_workbook(edit=formulas)
    excel_saved(path, {"G2": ("str", ""), "G3": ("n", "100"), "F4": ("str", "Snekker")})

    round_, report = check_workbook(path, today=TODAY)

    assert where(report) == []
    assert round_.employee("100").manager_id == ""
    assert round_.employee("101").manager_id == "100"
    assert round_.employee("102").job_title == "Snekker"


def test_excel_error_values_are_errors_never_defaults(make_workbook):
    def errors(workbook):
        workbook["Samtaleplan"]["E4"] = "#REF!"  # Per's location: would give the default room
        workbook["Samtaleplan"]["D5"] = "#N/A"  # Anne's duration: would give the default duration
        workbook["Mål"]["I2"] = "=1/0"  # G-1's progress: a formula whose cached result is an error
        workbook["Ansatte"]["Z3"] = "#NAME?"  # not a data column: not read, not reported

    path = make_workbook(edit=errors)
    excel_saved(path, {"I2": ("e", "#DIV/0!")})

    _, report = check_workbook(path, today=TODAY)

    assert where(report) == [
        ("Samtaleplan", "E4", "excel-error"),
        ("Samtaleplan", "D5", "excel-error"),
        ("Mål", "I2", "excel-error"),
    ]
    assert [i.message for i in report.issues][-1] == (
        "The cell shows the Excel error #DIV/0!, not a value; type the value itself."
    )


def test_a_round_setting_that_is_a_formula_or_an_error_is_no_default(check):
    def settings(workbook):
        workbook["Runde"]["B7"] = "=TODAY()"  # invitation_date, never calculated
        workbook["Runde"]["B5"] = "#REF!"  # period_start

    report = check(edit=settings)

    assert where(report, "formula-without-value", "excel-error") == [
        ("Runde", "B5", "excel-error"),
        ("Runde", "B7", "formula-without-value"),
    ]


def test_uncalculated_formulas_next_to_calculated_ones(make_workbook):
    def formulas(workbook):
        workbook["Ansatte"]["G3"] = "=99+1"
        workbook["Ansatte"]["G4"] = "=100+1"

    path = make_workbook(edit=formulas)
    excel_saved(path, {"G3": ("n", "100")})

    _, report = check_workbook(path, today=TODAY)

    assert where(report, "formula-without-value") == [("Ansatte", "G4", "formula-without-value")]


# -- required values and settings --------------------------------------------------------------------


def test_required_value(check):
    report = check(
        employees={"101": {"department": None}, "103": {"last_name": "  "}},
        schedule={"102": {"date": None}, "104": {"start": None}},
        goals={"G-2": {"description": None}},
    )

    assert where(report) == [
        ("Ansatte", "E3", "required-value"),
        ("Ansatte", "C5", "required-value"),
        ("Samtaleplan", "B4", "required-value"),
        ("Samtaleplan", "C6", "required-value"),
        ("Mål", "D3", "required-value"),
    ]
    assert [i.column for i in report.issues][:2] == ["Avdeling", "Etternavn"]


def test_required_employee_id(check):
    report = check(employees={"104": {"id": None}})

    assert where(report) == [
        ("Ansatte", "A6", "required-value"),
        ("Samtaleplan", "A6", "unknown-employee"),
    ]


def test_required_setting(check):
    report = check(round={"round_id": None})

    assert where(report) == [("Runde", None, "required-setting")]
    assert report.issues[0].column == "round_id"


def test_invalid_setting(check):
    report = check(round={"notice_days": "to uker", "working_hours": "åtte til fire"})

    assert where(report) == [("Runde", "B8", "invalid-setting"), ("Runde", "B12", "invalid-setting")]


def test_a_schedule_typed_in_a_hurry_is_read(make_workbook):
    """What people type in the Schedule and Round sheets when no one told them the format: the hour alone,
    four digits, a date with its month's name or its weekday, a length in hours."""
    from pipeline.round.rules import check_workbook

    round_, report = check_workbook(
        make_workbook(
            round={"working_hours": "8-16", "default_duration_minutes": "1 t"},
            schedule={
                "101": {"date": "18. januar 2027", "start": "kl 13", "duration": "1 t 30 min"},
                "102": {"date": "tirsdag 19.01.2027", "start": "1430", "duration": None},
            },
        ),
        today=dt.date(2027, 1, 2),
    )

    assert report.errors == [], report.to_list()
    meetings = {m.employee_id: m for m in round_.meetings}
    assert (meetings["101"].starts_at, meetings["101"].duration_minutes) == (dt.datetime(2027, 1, 18, 13), 90)
    assert (meetings["102"].starts_at, meetings["102"].duration_minutes) == (
        dt.datetime(2027, 1, 19, 14, 30),
        60,
    )
    assert (round_.settings.working_hours, round_.settings.default_duration_minutes) == (
        (dt.time(8), dt.time(16)), 60
    )  # fmt: skip


@pytest.mark.parametrize("size", [0, 1, 2])
def test_a_smallest_group_that_protects_no_one_is_refused(check, size):
    report = check(round={"min_group_size": size})

    assert [(i.sheet, i.column, i.code) for i in report.errors] == [
        ("Runde", "min_group_size", "invalid-setting")
    ]
    assert f"{size} protects no one" in report.errors[0].message


def test_a_yes_no_round_id_is_refused(check):
    report = check(round={"round_id": True})

    assert [(i.column, i.code) for i in report.errors] == [("round_id", "invalid-setting")]
    assert "TRUE is a yes/no value, not a round ID" in report.errors[0].message


def test_merged_cells_in_the_round_sheet_are_refused(check):
    def merge(workbook):
        workbook["Runde"].merge_cells("B5:B6")  # period_start and period_end share one value

    report = check(edit=merge)

    assert where(report, "merged-cells") == [("Runde", "B5", "merged-cells")]
    assert [i.severity for i in report.issues if i.code == "merged-cells"] == [ERROR]


def test_unknown_setting_is_a_warning_with_a_hint(check):
    report = check(round={"invitation_dato": dt.date(2026, 12, 1)})

    assert where(report) == [("Runde", "A12", "unknown-setting")]
    assert report.issues[0].severity == WARNING
    assert "did you mean invitation_date?" in report.issues[0].message


def test_duplicate_setting_is_a_warning(check):
    report = check(round={"Round ID": "2027-H2"})  # a second round_id, on row 12

    assert where(report) == [("Runde", "A12", "duplicate-setting")]
    assert report.issues[0].severity == WARNING


def test_missing_period_is_a_warning(check):
    report = check(round={"period_start": None, "period_end": None})

    assert where(report) == [("Runde", None, "missing-setting"), ("Runde", None, "missing-setting")]
    assert [i.column for i in report.issues] == ["period_start", "period_end"]
    assert {i.severity for i in report.issues} == {WARNING}


# -- employees ---------------------------------------------------------------------------------------

MEETING = {"date": dt.date(2027, 1, 21), "start": dt.time(9, 0), "duration": 60, "location": "Møterom 3"}

NEW_PERSON = {
    "first_name": "Nina",
    "last_name": "Ny",
    "email": "nina@fjordtre.no",
    "department": "Salg",
    "manager_id": "104",
}


def test_duplicate_employee_id(check):
    report = check(employees={"new": {**NEW_PERSON, "id": "102"}})

    assert where(report) == [("Ansatte", "A7", "duplicate-id")]
    assert "row 4" in report.issues[0].message


def test_id_collision_of_leading_zeros(check):
    report = check(employees={"new": {**NEW_PERSON, "id": "00102"}})

    assert where(report) == [("Ansatte", "A7", "id-collision"), ("Ansatte", "A7", "no-meeting")]
    assert "00102 and 102" in report.issues[0].message


def test_id_collision_of_a_number_cell_and_a_text_cell(check):
    report = check(employees={"102": {"id": 102}, "new": {**NEW_PERSON, "id": "0102"}})

    assert where(report, "id-collision") == [("Ansatte", "A7", "id-collision")]


def test_duplicate_and_colliding_goal_ids(check):
    report = check(
        goals={
            "G-3": {"id": "G-1", "employee_id": "104", "description": "Selge mer"},
            "7": {"employee_id": "104", "description": "Kurs"},
            "007": {"employee_id": "104", "description": "Kurs igjen"},
        }
    )

    assert where(report) == [("Mål", "A4", "duplicate-id"), ("Mål", "A6", "id-collision")]


def test_a_duplicate_is_named_on_its_later_row_whatever_the_ids(check):
    """The reader gives the records in their IDs' order; the checks still read the rows in the sheet's
    order, so the later of two rows with one address is the one named, as a person reading down finds
    it: here the new row 7, whose ID (099) comes before 102's."""
    report = check(employees={"new": {**NEW_PERSON, "id": "099", "email": "per@fjordtre.no"}})

    assert where(report, "duplicate-email") == [("Ansatte", "D7", "duplicate-email")]
    assert "102 (Per Berg)" in only(report, "duplicate-email").message


def test_duplicate_email_ignores_case(check):
    report = check(employees={"104": {"email": "PER@Fjordtre.no"}})

    assert where(report) == [("Ansatte", "D6", "duplicate-email")]
    assert "102 (Per Berg)" in report.issues[0].message


@pytest.mark.parametrize("email", ["anne.fjordtre.no", "anne@", "anne lie@fjordtre.no", "anne@fjordtre"])
def test_invalid_email(check, email):
    assert where(check(employees={"103": {"email": email}})) == [("Ansatte", "D5", "invalid-email")]


def test_invalid_hr_contact_email(check):
    report = check(round={"hr_contact_email": "hr at fjordtre"})

    assert where(report) == [("Runde", "B11", "invalid-email")]


def test_unknown_manager_with_a_hint(check):
    report = check(employees={"102": {"manager_id": "0101"}, "104": {"manager_id": "999"}})

    assert where(report) == [("Ansatte", "G4", "unknown-manager"), ("Ansatte", "G6", "unknown-manager")]
    assert report.issues[0].message == "Manager ID 0101 is not in Ansatte; did you mean 101?"
    assert report.issues[0].column == "Leders ansattnr"
    assert report.issues[1].message == "Manager ID 999 is not in Ansatte."


def test_unknown_manager_close_match_hint(check):
    report = check(employees={"102": {"manager_id": "1011"}})

    assert report.issues[0].message.endswith("did you mean 101?")


def test_self_manager(check):
    report = check(employees={"102": {"manager_id": "102"}})

    assert where(report) == [("Ansatte", "G4", "self-manager"), ("Samtaleplan", "A4", "self-interview")]


def test_manager_cycle_of_two(check):
    report = check(employees={"100": {"manager_id": "104"}})

    assert where(report) == [("Ansatte", "G2", "manager-cycle"), ("Ansatte", "G6", "manager-cycle")]
    assert "100 → 104 → 100" in report.issues[0].message


def test_manager_cycle_of_three_spares_those_outside_it(check):
    report = check(employees={"100": {"manager_id": "102"}})  # 100 → 102 → 101 → 100; 103, 104 hang off it

    assert where(report) == [
        ("Ansatte", "G2", "manager-cycle"),
        ("Ansatte", "G3", "manager-cycle"),
        ("Ansatte", "G4", "manager-cycle"),
    ]


def test_manager_who_left(check):
    report = check(employees={"101": {"status": "left"}})

    assert where(report) == [
        ("Ansatte", "G4", "manager-not-active"),
        ("Ansatte", "G5", "manager-not-active"),
        ("Samtaleplan", "F2", "interviewer-not-active"),
        ("Samtaleplan", "A3", "inactive-employee"),
    ]
    assert [i.severity for i in report.issues] == [ERROR, ERROR, ERROR, WARNING]


def test_manager_on_leave_is_a_warning(check):
    # Nina reports to Lise, who is on leave; Kari holds Nina's meeting instead.
    report = check(
        employees={"104": {"status": "on_leave"}, "105": NEW_PERSON},
        schedule={"104": None, "105": dict(MEETING, interviewer_id="100")},
    )

    assert where(report) == [("Ansatte", "G7", "manager-not-active")]
    assert report.issues[0].severity == WARNING
    assert "on leave" in report.issues[0].message


def test_inactive_employee_may_keep_an_inactive_manager(check):
    report = check(
        employees={"103": {"status": "left"}, "102": {"status": "left", "manager_id": "103"}},
        schedule={"102": None, "103": None},
    )

    assert report.issues == []


def test_no_manager_and_no_interviewer(check):
    report = check(employees={"104": {"manager_id": None}})

    assert where(report) == [("Ansatte", "G6", "no-manager")]
    assert "Samtaleplan row 6" in report.issues[0].message


def test_no_manager_but_an_interviewer_is_fine(check):
    assert (
        check(employees={"104": {"manager_id": None}}, schedule={"104": {"interviewer_id": "101"}}).issues
        == []
    )


# -- schedule ----------------------------------------------------------------------------------------


def test_unknown_employee_in_schedule(check):
    report = check(schedule={"1022": dict(MEETING, interviewer_id="100")})

    assert where(report) == [("Samtaleplan", "A7", "unknown-employee")]
    assert report.issues[0].message == "Employee ID 1022 is not in Ansatte; did you mean 102?"


def test_unknown_employee_in_goals(check):
    report = check(goals={"G-2": {"employee_id": "0103"}})

    assert where(report) == [("Mål", "B3", "unknown-employee")]
    assert report.issues[0].message.endswith("did you mean 103?")
    assert report.issues[0].column == "Ansattnr"


def test_duplicate_meeting(check, make_workbook):
    schedule = make_workbook.rows("schedule")
    schedule.append({"employee_id": "102", **MEETING})

    report = check(schedule=schedule)

    assert where(report) == [("Samtaleplan", "A7", "duplicate-meeting")]
    assert "row 4" in report.issues[0].message


def test_meeting_for_an_inactive_employee(check):
    report = check(employees={"103": {"status": "on_leave"}})

    assert where(report) == [("Samtaleplan", "A5", "inactive-employee")]
    assert report.issues[0].severity == WARNING


def test_unknown_interviewer(check):
    report = check(schedule={"102": {"interviewer_id": "0104"}})

    assert where(report) == [("Samtaleplan", "F4", "unknown-interviewer")]
    assert report.issues[0].message == "Interviewer ID 0104 is not in Ansatte; did you mean 104?"


def test_self_interview(check):
    assert where(check(schedule={"102": {"interviewer_id": "102"}})) == [
        ("Samtaleplan", "F4", "self-interview")
    ]


def test_interviewer_not_active(check):
    report = check(
        employees={"104": {"status": "left"}}, schedule={"104": None, "102": {"interviewer_id": "104"}}
    )

    assert where(report) == [("Samtaleplan", "F4", "interviewer-not-active")]


def test_employee_with_no_meeting_is_a_warning(check):
    report = check(schedule={"103": None})

    assert where(report) == [("Ansatte", "A5", "no-meeting")]
    assert report.issues[0].severity == WARNING
    assert report.ok


@pytest.mark.parametrize("day", [dt.date(2027, 1, 15), dt.date(2027, 2, 1)], ids=["before", "after"])
def test_meeting_outside_the_period(check, day):
    report = check(schedule={"102": {"date": day}})

    assert where(report) == [("Samtaleplan", "B4", "outside-period")]
    assert report.issues[0].column == "Dato"


def test_meetings_on_the_first_and_last_day_of_the_period(check):
    report = check(
        schedule={
            "102": {"date": dt.date(2027, 1, 29)},
            "104": {"date": dt.date(2027, 1, 18), "start": "14:00"},
        }
    )

    assert report.issues == []


@pytest.mark.parametrize("day", [dt.date(2027, 1, 23), dt.date(2027, 1, 24)], ids=["saturday", "sunday"])
def test_meeting_on_a_weekend(check, day):
    assert where(check(schedule={"102": {"date": day}})) == [("Samtaleplan", "B4", "weekend")]


def test_meeting_on_a_public_holiday(check):
    report = check(
        round={"period_end": dt.date(2027, 5, 31)},
        schedule={
            "102": {"date": "17.05.2027"},
            "103": {"date": dt.date(2027, 5, 6)},
            "104": {"date": dt.date(2027, 5, 13)},
        },
    )

    assert where(report) == [("Samtaleplan", "B4", "public-holiday"), ("Samtaleplan", "B5", "public-holiday")]
    assert "Ascension Day" in report.issues[1].message


@pytest.mark.parametrize(
    ("start", "duration"),
    [("07:30", 60), ("15:30", 60), ("15:01", 60), ("16:00", 30), ("23:30", 60)],
    ids=["early", "ends-late", "ends-a-minute-late", "starts-at-closing", "past-midnight"],
)
def test_meeting_outside_working_hours(check, start, duration):
    report = check(schedule={"102": {"start": start, "duration": duration}})

    assert where(report) == [("Samtaleplan", "C4", "outside-working-hours")]
    assert report.issues[0].column == "Starttid"


@pytest.mark.parametrize(("start", "duration"), [("08:00", 60), ("15:00", 60), ("14:30", 90)])
def test_meeting_within_working_hours(check, start, duration):
    assert check(schedule={"102": {"start": start, "duration": duration}}).issues == []


def test_working_hours_come_from_the_round(check):
    report = check(
        round={"working_hours": "09:00-15:00"},
        schedule={"102": {"start": "14:30"}, "104": {"start": "08:30"}},
    )

    assert where(report) == [
        ("Samtaleplan", "C4", "outside-working-hours"),
        ("Samtaleplan", "C6", "outside-working-hours"),
    ]


def test_short_notice_is_a_warning(check):
    # 13 days before the meetings of 18 January; 14 days (enough) before those of 19 January.
    report = check(round={"invitation_date": dt.date(2027, 1, 5)})

    assert where(report) == [("Samtaleplan", "B2", "short-notice"), ("Samtaleplan", "B3", "short-notice")]
    assert {i.severity for i in report.issues} == {WARNING}
    assert report.ok


def test_short_notice_counts_from_today_without_an_invitation_date(make_workbook):
    path = make_workbook(round={"invitation_date": None})

    _, late = check_workbook(path, today=dt.date(2027, 1, 5))
    _, early = check_workbook(path, today=TODAY)

    assert where(late) == [("Samtaleplan", "B2", "short-notice"), ("Samtaleplan", "B3", "short-notice")]
    assert early.issues == []


def test_notice_days_come_from_the_round(check):
    report = check(round={"invitation_date": dt.date(2027, 1, 5), "notice_days": 15})

    assert where(report) == [
        ("Samtaleplan", "B2", "short-notice"),
        ("Samtaleplan", "B3", "short-notice"),
        ("Samtaleplan", "B4", "short-notice"),
        ("Samtaleplan", "B5", "short-notice"),
    ]


def test_interviewer_overlap(check):
    # Per (09:00-10:00) and Anne (now 09:30, on Teams) both have Ola as interviewer on 19 January.
    report = check(schedule={"103": {"start": "09:30"}})

    assert where(report) == [("Samtaleplan", "C5", "interviewer-overlap")]
    assert "row 4" in report.issues[0].message


def test_back_to_back_meetings_do_not_overlap(check):
    assert check(schedule={"103": {"start": "10:00"}}).issues == []


def test_interviewer_overlap_through_an_explicit_interviewer(check):
    # Lise's meeting names Ola, who already meets Per 09:00-10:00 on 19 January.
    report = check(
        schedule={"104": {"date": dt.date(2027, 1, 19), "start": "09:15", "interviewer_id": "101"}}
    )

    assert where(report) == [("Samtaleplan", "C6", "interviewer-overlap")]


def test_room_overlap(check):
    # Lise (interviewer Kari) in Per's room, Møterom 2, while Per meets Ola there 09:00-10:00.
    report = check(
        schedule={"104": {"date": dt.date(2027, 1, 19), "start": "09:30", "location": " møterom  2 "}}
    )

    assert where(report) == [("Samtaleplan", "E6", "room-overlap")]
    assert report.issues[0].column == "Sted"


def test_room_overlap_through_the_default_location(check):
    report = check(
        round={"default_location": "Møterom 2"},
        schedule={"104": {"date": dt.date(2027, 1, 19), "start": "09:30"}},
    )

    assert where(report) == [("Samtaleplan", "C6", "room-overlap")]


@pytest.mark.parametrize("location", ["Teams", "Zoom-lenke", "Telefon", "https://meet.example.no/abc"])
def test_no_room_overlap_for_video_calls(check, location):
    # Lise and Anne at 10:30 on 19 January, with different interviewers, both not in a room.
    report = check(schedule={"104": {"date": dt.date(2027, 1, 19), "start": "10:30", "location": location}})

    assert report.issues == []


# -- values ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["31.02.2027", "2027-02-30", "neste uke", "18.01"])
def test_invalid_date(check, value):
    report = check(schedule={"102": {"date": value}})

    assert where(report) == [("Samtaleplan", "B4", "invalid-date")]


def test_invalid_dates_in_employees_and_goals(check):
    report = check(employees={"103": {"employment_start": "2021-13-01"}}, goals={"G-1": {"due": "30.06"}})

    assert where(report) == [("Ansatte", "I5", "invalid-date"), ("Mål", "F2", "invalid-date")]
    # Employment start is used by no document: its unreadable value is ignored, with a warning
    assert [(p.cell, p.severity) for p in report.issues] == [("I5", WARNING), ("F2", ERROR)]


def test_an_unreadable_employment_start_does_not_stop_the_round(make_workbook, tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    path = make_workbook(employees={"103": {"employment_start": "i fjor"}})
    runner = CliRunner(env={"APPRAISAL_TODAY": "2026-12-01"})

    shown = runner.invoke(cli, ["validate", "-w", str(path)])
    invited = runner.invoke(cli, ["invite", "-w", str(path), "-o", str(tmp_path / "output")])

    assert shown.exit_code == 0, shown.output
    assert '"i fjor" is not a date; type it as 18.01.2027 or 2027-01-18; the value is ignored' in shown.output
    assert invited.exit_code == 0, invited.output
    assert (tmp_path / "output" / "2027-H1" / "employees").is_dir()


@pytest.mark.parametrize("value", ["25:00", "09:75", "halv ti", 1.5])
def test_invalid_time(check, value):
    report = check(schedule={"102": {"start": value}})

    assert where(report) == [("Samtaleplan", "C4", "invalid-time")]


def test_a_value_quoted_in_a_message_keeps_its_capitals(check):
    report = check(schedule={"102": {"start": "Halv TI"}})

    assert only(report, "invalid-time").message == '"Halv TI" is not a time; type it as 09:30.'


@pytest.mark.parametrize("value", ["en time", 0, 600, 45.5, -30])
def test_invalid_duration(check, value):
    report = check(schedule={"102": {"duration": value}})

    assert where(report) == [("Samtaleplan", "D4", "invalid-duration")]


def test_invalid_status(check):
    report = check(employees={"102": {"status": "ferie"}}, goals={"G-1": {"status": "kanskje"}})

    # Only the value is reported: Per's meeting is not flagged as if he had left.
    assert where(report) == [("Ansatte", "J4", "invalid-status"), ("Mål", "H2", "invalid-status")]
    assert "aktiv, permisjon, sluttet" in report.issues[0].message


def test_invalid_status_in_english_lists_english_values(check):
    report = check(lang="en", employees={"102": {"status": "holiday"}})

    assert where(report) == [("Employees", "J4", "invalid-status")]
    assert "active, on_leave, left" in report.issues[0].message


def test_invalid_language(check):
    assert where(check(employees={"102": {"language": "svensk"}})) == [("Ansatte", "H4", "invalid-language")]


def test_invalid_type(check):
    assert where(check(goals={"G-2": {"type": "ønske"}})) == [("Mål", "C3", "invalid-type")]


@pytest.mark.parametrize("value", [150, -10, 101, "halvveis"])
def test_invalid_progress(check, value):
    assert where(check(goals={"G-1": {"progress": value}})) == [("Mål", "I2", "invalid-progress")]


@pytest.mark.parametrize("value", [0, 100, "75 %", 0.75])
def test_valid_progress(check, value):
    assert check(goals={"G-1": {"progress": value}}).issues == []


def test_rule_issues_point_at_the_right_cells_after_blank_and_title_rows(check, make_workbook):
    employees = make_workbook.rows("employees")
    employees.insert(3, None)  # title, blank, header on rows 1-3; Per on row 6, blank row 7, Anne on 8
    employees[5]["manager_id"] = "0100"  # Lise, on row 9
    schedule = make_workbook.rows("schedule")
    schedule[2:2] = [None, None, None]  # blank rows 4-6; Per's meeting on row 7, Anne's on row 8
    schedule[6]["start"] = "09:30"  # Anne's meeting now clashes with Per's (both with Ola)

    report = check(
        employees=employees,
        schedule=schedule,
        above={"employees": [["Ansatte i Fjordtre AS"], []]},
    )

    assert where(report) == [
        ("Ansatte", "G9", "unknown-manager"),
        ("Samtaleplan", "C8", "interviewer-overlap"),
    ]
    assert "row 7" in report.issues[1].message


# -- the report as a whole ---------------------------------------------------------------------------

MANY_PROBLEMS = {
    "round": {"notice_days": "mange"},
    "employees": {
        "100": {"manager_id": "104"},
        "101": {"email": "ola.fjordtre.no"},
        "102": {"manager_id": "0101", "status": "ferie"},
        "103": {"language": "svensk"},
        "104": {"department": None, "email": "PER@fjordtre.no"},
        "105": NEW_PERSON,
    },
    "schedule": {
        "100": {"interviewer_id": "0104"},
        "101": {"start": "07:00", "duration": "lenge"},
        "103": {"date": dt.date(2027, 1, 23), "start": "25:00"},
        "104": {"date": "31.02.2027"},
    },
    "goals": {"G-1": {"progress": 150, "employee_id": "999"}, "G-2": {"type": "ønske"}},
    "extra_sheets": {"Notater": [["x"]]},
}


def test_every_problem_is_reported_at_once_in_reading_order(check):
    report = check(**MANY_PROBLEMS)

    assert where(report) == [
        ("Runde", "B8", "invalid-setting"),
        ("Ansatte", "G2", "manager-cycle"),
        ("Ansatte", "D3", "invalid-email"),
        ("Ansatte", "G4", "unknown-manager"),
        ("Ansatte", "J4", "invalid-status"),
        ("Ansatte", "H5", "invalid-language"),
        ("Ansatte", "D6", "duplicate-email"),
        ("Ansatte", "E6", "required-value"),
        ("Ansatte", "G6", "manager-cycle"),
        ("Ansatte", "A7", "no-meeting"),
        ("Samtaleplan", "F2", "unknown-interviewer"),
        ("Samtaleplan", "C3", "outside-working-hours"),
        ("Samtaleplan", "D3", "invalid-duration"),
        ("Samtaleplan", "B5", "weekend"),
        ("Samtaleplan", "C5", "invalid-time"),
        ("Samtaleplan", "B6", "invalid-date"),
        ("Mål", "B2", "unknown-employee"),
        ("Mål", "I2", "invalid-progress"),
        ("Mål", "C3", "invalid-type"),
    ]
    assert not report.ok
    assert len(report.errors) == 18
    assert [(i.sheet, i.cell) for i in report.warnings] == [("Ansatte", "A7")]
    assert [(i.severity, i.sheet) for i in report.issues if i.severity == INFO] == [(INFO, "Notater")]


def test_norwegian_and_english_headers_give_the_same_problems(check):
    names = {"Runde": "Round", "Ansatte": "Employees", "Samtaleplan": "Schedule", "Mål": "Goals"}

    norwegian = check(lang="nb", **MANY_PROBLEMS)
    english = check(lang="en", **MANY_PROBLEMS)

    assert where(english) == [(names[s], c, code) for s, c, code in where(norwegian)]
    assert [i.severity for i in english.issues] == [i.severity for i in norwegian.issues]
    assert [i.code for i in english.issues] == [i.code for i in norwegian.issues]
    assert (english.issues[2].column, norwegian.issues[2].column) == ("Email", "E-post")


def test_issue_fields_and_json_shape(check):
    report = check(employees={"103": {"email": "anne.fjordtre.no"}})

    issue = report.issues[0]
    assert (issue.severity, issue.sheet, issue.cell, issue.column, issue.code) == (
        ERROR,
        "Ansatte",
        "D5",
        "E-post",
        "invalid-email",
    )
    assert issue.where == "Ansatte!D5"
    assert issue.message.startswith('"anne.fjordtre.no" is not a valid e-mail address')
    assert report.to_list() == [issue.to_dict()]
    assert list(issue.to_dict()) == ["severity", "sheet", "cell", "column", "code", "message"]


def test_validate_round_adds_to_the_reading_report(make_workbook):
    round_, report = read_round(make_workbook(employees={"102": {"status": "ferie", "manager_id": "999"}}))
    assert where(report) == [("Ansatte", "J4", "invalid-status")]

    returned = validate_round(round_, report, today=TODAY)

    assert returned is report
    assert where(report) == [("Ansatte", "G4", "unknown-manager"), ("Ansatte", "J4", "invalid-status")]
    assert where(validate_round(round_, today=TODAY)) == [("Ansatte", "G4", "unknown-manager")]


def test_highlighted_cells_do_not_matter(check):
    def paint(workbook):
        for row in workbook["Ansatte"].iter_rows(min_row=1, max_row=30, max_col=12):
            for cell in row:
                cell.fill = PatternFill("solid", start_color="FFDDEBF7")

    assert check(edit=paint).issues == []


def test_person_overlap_own_meeting_while_holding_another(check):
    # Ola holds Kari's meeting 09:00-10:00 on 18 January; his own meeting (held by Kari) moves to 09:30 on Teams.
    report = check(schedule={"101": {"start": "09:30", "location": "Teams"}})

    assert where(report) == [("Samtaleplan", "C3", "person-overlap")]
    assert "row 2" in report.issues[0].message


def test_every_rule_declares_workbook_codes():
    for rule in RULES:
        assert rule.codes and rule.codes <= WORKBOOK_CODES, rule.check.__name__


def test_a_rule_reporting_a_code_it_does_not_declare_is_refused(make_workbook):
    round_, _ = read_round(make_workbook())
    ctx = Context.of(round_, Report(), TODAY)
    ctx.codes = frozenset({"duplicate-id"})

    with pytest.raises(ValueError, match="'unknown-manager' is not declared by the rule"):
        ctx.add(ERROR, "employees", "manager_id", 3, "unknown-manager", "Manager ID 999 is not known.")
    assert ctx.report.issues == []
