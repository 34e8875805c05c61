"""`appraisal schedule` (issue 14): the slot search, the planned copy of the workbook, the command."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.table import Table
from support.printing import convert

from pipeline.cli import cli
from pipeline.round.rules import check_workbook
from pipeline.schedule.placing import place_meetings, working_days
from pipeline.schedule.planned import PROPOSED_FILL, write_planned

TODAY = dt.date(2026, 12, 1)
D18, D19 = dt.date(2027, 1, 18), dt.date(2027, 1, 19)


def person(employee_id: str, manager: str | None = "101") -> dict[str, object]:
    return {
        "first_name": f"Person{employee_id}",
        "last_name": "Test",
        "email": f"p{employee_id}@fjordtre.no",
        "department": "Produksjon",
        "manager_id": manager,
        "status": "active",
    }


def plan_of(make_workbook, **description):
    path = make_workbook(**description)
    round_, report = check_workbook(path, today=TODAY)
    assert not report.errors, report.errors
    return path, round_, place_meetings(round_, TODAY)


def placed(plan) -> list[tuple[str, dt.date, dt.time, str]]:
    return [(p.employee_id, p.day, p.start, p.location) for p in plan.placed]


# -- the slot search ------------------------------------------------------------------------------


def test_each_employee_without_a_meeting_gets_one_with_their_manager_around_the_managers_own(make_workbook):
    # Ola (101) holds Kari's meeting 09:00-10:00 and has his own 10:00-11:00, both in Møterom 1
    _, _, plan = plan_of(make_workbook, schedule={"102": None, "103": None})

    assert placed(plan) == [
        ("102", D18, dt.time(11, 15), "Møterom 1"),  # 15 minutes after his own meeting
        ("103", D18, dt.time(12, 30), "Møterom 1"),
    ]
    assert {p.interviewer_id for p in plan.placed} == {"101"}
    assert plan.unplaced == [] and plan.invitation_date == dt.date(2026, 12, 1)


def test_preferred_time_buffer_and_most_per_day(make_workbook):
    _, _, plan = plan_of(
        make_workbook,
        round={"schedule_preferred_time": "13:00", "schedule_buffer_minutes": 30, "schedule_max_per_day": 3},
        employees={"105": person("105"), "106": person("106")},
        schedule={"102": None, "103": None},
    )

    # Ola already holds one meeting on the 18th: two more that day, then the 19th
    assert [(e, d, t) for e, d, t, _ in placed(plan)] == [
        ("102", D18, dt.time(13, 0)),
        ("103", D18, dt.time(11, 30)),  # ends 12:30, 30 minutes before 13:00; after his 10-11 and 30
        ("105", D19, dt.time(13, 0)),
        ("106", D19, dt.time(11, 30)),
    ]


def test_a_booked_room_is_not_booked_again(make_workbook):
    # Lise (104) is Kari's; Kari usually sits in Møterom 1, which Ola has booked 11:15-12:15 for Per
    _, _, plan = plan_of(
        make_workbook,
        schedule={
            "104": None,
            "102": {"date": D18, "start": dt.time(11, 15), "location": "Møterom 1"},
        },
    )

    # Kari is free from 11:15 (her buffer after 11:00), the room only from 12:15 (rooms keep no buffer)
    assert placed(plan) == [("104", D18, dt.time(12, 15), "Møterom 1")]


def test_weekends_public_holidays_and_notice_are_kept(make_workbook):
    # 14 May 2027 is a Friday, 15-16 a weekend, 17 May both Constitution Day and Whit Monday
    may = {
        "period_start": dt.date(2027, 5, 14),
        "period_end": dt.date(2027, 5, 18),
        "schedule_max_per_day": 1,
    }
    _, _, plan = plan_of(
        make_workbook,
        round={**may, "invitation_date": dt.date(2027, 4, 1)},
        schedule={"102": None, "103": None, "100": None, "101": None, "104": None},
    )
    assert {p.day for p in plan.placed} == {dt.date(2027, 5, 14), dt.date(2027, 5, 18)}
    assert working_days(dt.date(2027, 5, 14), dt.date(2027, 5, 18)) == [
        dt.date(2027, 5, 14),
        dt.date(2027, 5, 18),
    ]

    _, _, later = plan_of(
        make_workbook,
        round={**may, "invitation_date": dt.date(2027, 5, 1)},  # 14 days' notice: the 15th at the earliest
        schedule={"102": None, "103": None, "100": None, "101": None, "104": None},
    )
    assert {p.day for p in later.placed} == {dt.date(2027, 5, 18)}
    assert [u.employee_id for u in later.unplaced] == ["100", "103", "104"]  # Kari has no manager


def test_an_over_full_period_lists_every_one_not_placed_with_the_reason(make_workbook):
    _, _, plan = plan_of(
        make_workbook,
        round={"period_end": D18, "schedule_max_per_day": 2},
        employees={"105": person("105"), "106": person("106"), "107": person("107", manager=None)},
        schedule={"102": None, "103": None, "104": None},
    )

    # Kari and Ola each hold one meeting on the 18th already: one more each
    assert [p.employee_id for p in plan.placed] == ["104", "102"]
    assert [u.employee_id for u in plan.unplaced] == ["103", "105", "106", "107"]
    reasons = {u.employee_id: u.reason for u in plan.unplaced}
    assert (
        reasons["103"]
        == "Anne Lie (103): the manager Ola Hansen (101) has 1 free slot for 4 employees in the period."
    )
    assert reasons["105"].startswith("Person105 Test (105): the manager Ola Hansen (101) has 1 free slot")
    assert reasons["107"].startswith("Person107 Test (107): no manager to hold the meeting")


def test_the_same_workbook_gives_the_same_plan(make_workbook):
    path, round_, plan = plan_of(make_workbook, schedule={"102": None, "103": None, "104": None})
    assert place_meetings(round_, TODAY) == plan
    assert place_meetings(check_workbook(path, today=TODAY)[0], TODAY) == plan


# -- the planned copy -----------------------------------------------------------------------------


def schedule_rows(path):
    sheet = openpyxl.load_workbook(path)["Samtaleplan"]
    return [[c.value for c in row] for row in sheet.iter_rows()], sheet


@settings(max_examples=12, deadline=None)
@given(
    dropped=st.sets(st.sampled_from(["100", "101", "102", "103", "104"]), min_size=1),
    buffer=st.sampled_from([0, 15, 45]),
    most=st.sampled_from([0, 1, 3]),
    preferred=st.sampled_from(["08:00", "09:00", "15:00"]),
)
def test_any_planned_copy_validates_and_keeps_the_rows_there_were(
    make_workbook, tmp_path_factory, dropped, buffer, most, preferred
):
    path, round_, plan = plan_of(
        make_workbook,
        round={
            "schedule_buffer_minutes": buffer,
            "schedule_max_per_day": most,
            "schedule_preferred_time": preferred,
        },
        employees={"105": person("105", manager="104")},
        schedule=dict.fromkeys(dropped),
    )
    destination = tmp_path_factory.mktemp("planned") / "round-planned.xlsx"

    write_planned(path, round_, plan.placed, destination)

    again, report = check_workbook(destination, today=TODAY)
    assert report.errors == []
    assert {p.code for p in report.warnings} <= {"no-meeting"}
    assert [u.employee_id for u in plan.unplaced] == (["100"] if "100" in dropped else [])  # Kari: no manager
    before, _ = schedule_rows(path)
    after, sheet = schedule_rows(destination)
    assert after[: len(before)] == before
    assert len(after) == len(before) + len(plan.placed)
    assert all(
        sheet.cell(r, 1).fill.fgColor.rgb == PROPOSED_FILL for r in range(len(before) + 1, len(after) + 1)
    )
    assert place_meetings(again, TODAY).placed == []  # run again on its output: nothing more


def test_the_command_writes_the_planned_copy_beside_the_workbook_and_never_the_workbook(
    make_workbook, tmp_path
):
    path = make_workbook(schedule={"102": None, "103": None}, round={"invitation_date": None})
    original = path.read_bytes()

    result = CliRunner().invoke(cli, ["schedule", "-w", str(path)], env={"APPRAISAL_TODAY": "2026-12-01"})

    planned = path.with_name(f"{path.stem}-planned.xlsx")
    assert result.exit_code == 0, result.output
    assert "The Round sheet gives no invitation_date: planned from today, 01.12.2026." in result.output
    assert "Placed 2 meetings from 18.01.2027 to 18.01.2027." in result.output
    assert f"Planned copy written to {planned}" in result.output
    assert path.read_bytes() == original
    rows, _ = schedule_rows(planned)
    assert [r[0] for r in rows[-2:]] == ["102", "103"]

    again = CliRunner().invoke(cli, ["schedule", "-w", str(planned), "--out", str(tmp_path / "x.xlsx")])
    assert again.exit_code == 0 and "Nothing to place" in again.output
    assert not (tmp_path / "x.xlsx").exists()


def test_the_command_lists_who_it_could_not_place(make_workbook):
    path = make_workbook(employees={"105": person("105", manager=None)}, schedule={"102": None})

    result = CliRunner().invoke(cli, ["schedule", "-w", str(path)], env={"APPRAISAL_TODAY": "2026-12-01"})

    assert result.exit_code == 0
    assert "Not placed: Person105 Test (105): no manager to hold the meeting" in result.output
    assert "Placed 1 meeting " in result.output and "1 employee not placed (above)." in result.output


def test_a_table_on_the_schedule_sheet_grows_with_it(make_workbook, tmp_path):
    def as_table(book):
        book["Samtaleplan"].add_table(Table(displayName="Plan", ref="A1:G6"))

    path, round_, plan = plan_of(make_workbook, schedule={"102": None, "103": None}, edit=as_table)
    write_planned(path, round_, plan.placed, tmp_path / "planned.xlsx")

    sheet = openpyxl.load_workbook(tmp_path / "planned.xlsx")["Samtaleplan"]
    assert sheet.tables["Plan"].ref == "A1:G6"  # two rows gone, two rows added: the same last row
    with zipfile.ZipFile(tmp_path / "planned.xlsx") as archive:
        assert archive.testzip() is None


def test_a_workbook_saved_by_libreoffice_is_completed(make_workbook, tmp_path):
    path = make_workbook(schedule={"102": None, "103": None, "104": None})
    convert([path], "xlsx", tmp_path / "saved")
    saved = tmp_path / "saved" / path.name
    round_, _ = check_workbook(saved, today=TODAY)
    plan = place_meetings(round_, TODAY)

    write_planned(saved, round_, plan.placed, tmp_path / "planned.xlsx")

    again, report = check_workbook(tmp_path / "planned.xlsx", today=TODAY)
    assert report.errors == []
    assert sorted(m.employee_id for m in again.meetings) == ["100", "101", "102", "103", "104"]


@pytest.mark.parametrize("out", ["round.xlsx", "plan.csv"])
def test_the_copy_never_replaces_the_workbook_and_is_a_workbook(make_workbook, tmp_path, out):
    path = make_workbook(schedule={"102": None})
    target = path if out == "round.xlsx" else tmp_path / out

    result = CliRunner().invoke(cli, ["schedule", "-w", str(path), "--out", str(target)])

    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {target}:")


# -- the Availability sheet -----------------------------------------------------------------------

AVAILABILITY_HEADERS = ["Samtaleleder", "Dato", "Fra", "Til", "Sted"]


def test_an_interviewer_with_free_times_is_placed_only_in_them_and_where_they_say(make_workbook):
    free = [AVAILABILITY_HEADERS, ["101", D19, dt.time(13, 0), dt.time(15, 30), "Møterom 7"]]
    _, _, plan = plan_of(
        make_workbook,
        schedule={"102": None, "103": None, "104": None},
        extra_sheets={"Tilgjengelighet": free},
    )

    assert placed(plan) == [
        ("104", D18, dt.time(11, 15), "Møterom 1"),  # Kari has no free times given: working hours
        ("102", D19, dt.time(13, 0), "Møterom 7"),
        ("103", D19, dt.time(14, 15), "Møterom 7"),
    ]


def test_free_times_are_cut_to_working_hours_and_their_slots_counted(make_workbook):
    free = [
        AVAILABILITY_HEADERS,
        ["101", D19, dt.time(7, 0), dt.time(9, 0), None],  # 08:00-09:00 is within working hours
        ["101", dt.date(2027, 1, 23), dt.time(9, 0), dt.time(12, 0), None],  # a Saturday
    ]
    _, _, plan = plan_of(
        make_workbook, schedule={"102": None, "103": None}, extra_sheets={"Tilgjengelighet": free}
    )

    assert placed(plan) == [("102", D19, dt.time(8, 0), "Møterom 1")]
    assert [u.reason for u in plan.unplaced] == [
        "Anne Lie (103): the manager Ola Hansen (101) has 1 free slot for 2 employees in the period."
    ]


def test_the_availability_sheet_is_validated_by_sheet_and_cell(make_workbook):
    free = [
        AVAILABILITY_HEADERS,
        ["101", D19, dt.time(9, 0), dt.time(12, 0), "Møterom 7"],
        ["109", D19, dt.time(9, 0), dt.time(12, 0), None],
        ["102", D19, dt.time(12, 0), dt.time(9, 0), None],
        ["103", "32.01.2027", "ni", dt.time(9, 0), None],
    ]
    path = make_workbook(
        employees={"103": {"status": "sluttet"}},
        schedule={"103": None},
        extra_sheets={"Tilgjengelighet": free},
    )

    round_, report = check_workbook(path, today=TODAY)

    found = [(p.sheet, p.cell, p.code, p.severity) for p in report.issues if p.sheet == "Tilgjengelighet"]
    assert found == [
        ("Tilgjengelighet", "A3", "unknown-interviewer", "error"),
        ("Tilgjengelighet", "D4", "availability-order", "error"),
        ("Tilgjengelighet", "A5", "interviewer-not-active", "warning"),
        ("Tilgjengelighet", "B5", "invalid-date", "error"),
        ("Tilgjengelighet", "C5", "invalid-time", "error"),
    ]
    assert [(a.interviewer_id, a.location) for a in round_.availability][:1] == [("101", "Møterom 7")]


def test_init_writes_the_availability_sheet_with_its_headers(tmp_path):
    result = CliRunner().invoke(cli, ["init", "--lang", "en", str(tmp_path)])

    assert result.exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "input" / "round.xlsx")["Availability"]
    assert [c.value for c in sheet[1]] == ["Interviewer ID*", "Date*", "From*", "To*", "Location"]
    assert check_workbook(tmp_path / "input" / "round.xlsx", today=TODAY)[0].availability == ()


# -- the solver, when the greedy way leaves someone out ----------------------------------------------


def test_when_the_greedy_way_leaves_someone_out_the_solver_places_more(make_workbook, tmp_path):
    # one day; Kari and Ola share Møterom 1; Ola is free 09-10 only, Kari 09-12:30. Greedy gives Kari
    # 09:00 first (Ola's own meeting), so Ola's one free hour has no room; the solver moves Kari's two
    # meetings later and places Ola's Per at 09:00 too (the buffer is the manager's, after each meeting).
    free = [
        AVAILABILITY_HEADERS,
        ["100", D19, dt.time(9, 0), dt.time(12, 30), "Møterom 1"],
        ["101", D19, dt.time(9, 0), dt.time(10, 0), "Møterom 1"],
    ]
    path, round_, plan = plan_of(
        make_workbook,
        round={"period_start": D19, "period_end": D19},
        schedule=dict.fromkeys(["100", "101", "102", "103", "104"]),
        extra_sheets={"Tilgjengelighet": free},
    )
    greedy = place_meetings(round_, TODAY, solve=False)

    assert [p.employee_id for p in greedy.placed] == ["101", "104"]
    assert sorted(placed(plan)) == [
        ("101", D19, dt.time(11, 15), "Møterom 1"),  # nearest 09:00 the two can be, after Per's
        ("102", D19, dt.time(9, 0), "Møterom 1"),
        ("104", D19, dt.time(10, 0), "Møterom 1"),
    ]
    assert [u.employee_id for u in plan.unplaced] == ["100", "103"]
    write_planned(path, round_, plan.placed, tmp_path / "planned.xlsx")
    assert check_workbook(tmp_path / "planned.xlsx", today=TODAY)[1].errors == []
    assert place_meetings(round_, TODAY) == plan  # the solver too gives the same plan each time


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_plans_of_over_full_rounds_keep_every_rule(make_workbook, tmp_path_factory, seed):
    import random

    rng = random.Random(seed)
    employees = {
        f"1{n:02d}{m}": person(f"1{n:02d}{m}", manager=manager)
        for n, manager in enumerate(["101", "104", "102"])
        for m in range(rng.randint(2, 5))
    }
    free = [AVAILABILITY_HEADERS] + [
        [
            manager,
            rng.choice([D18, D19]),
            dt.time(rng.choice([8, 9, 11])),
            dt.time(rng.choice([12, 14, 16])),
            rng.choice(["Møterom 1", "Møterom 2", None]),
        ]
        for manager in ("100", "101", "102", "104")
        for _ in range(rng.randint(0, 2))
    ]
    path, round_, plan = plan_of(
        make_workbook,
        round={"period_start": D18, "period_end": D19, "schedule_max_per_day": rng.choice([0, 2, 3])},
        employees=employees,
        schedule=dict.fromkeys(["100", "101", "102", "103", "104"]),
        extra_sheets={"Tilgjengelighet": free},
    )
    destination = tmp_path_factory.mktemp("planned") / "planned.xlsx"

    write_planned(path, round_, plan.placed, destination)

    assert check_workbook(destination, today=TODAY)[1].errors == []
    assert len(plan.placed) >= len(place_meetings(round_, TODAY, solve=False).placed)
