"""Interviewers' calendars and cancelled meetings (issue 13): `invite` writes, per interviewer, one
`METHOD:PUBLISH` calendar of all their meetings with the employees' UIDs and SEQUENCEs; a meeting no
longer planned is cancelled for the employee (`METHOD:CANCEL`) and in the interviewer's calendar.
Each calendar is read by two independent readers: icalendar and vobject."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import vobject

from pipeline.documents.invite import render_invitations
from pipeline.render.templates import TemplateSet
from pipeline.round.rules import check_workbook

ROUND = "2027-H1"
MANAGERS = {"100": "managers/100-Kari Nordmann", "101": "managers/101-Ola Hansen"}  # the base round's


def invite(workbook: Path, output: Path, **options):
    round_, report = check_workbook(workbook)
    assert report.errors == []
    return render_invitations(round_, output, TemplateSet(None, "nb"), workers=1, **options)


def events(path: Path, method: str) -> dict[str, dict[str, object]]:
    """UID -> what a calendar reader shows of the event, read by icalendar and, the same, by vobject."""
    data = path.read_bytes()
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == method
    found = {
        str(e["UID"]): {
            "sequence": int(e["SEQUENCE"]),
            "status": str(e["STATUS"]),
            "start": e.decoded("DTSTART") if "DTSTART" in e else None,
            "summary": str(e.get("SUMMARY", "")),
            "organizer": str(e.get("ORGANIZER", "")),
        }
        for e in calendar.walk("VEVENT")
    }
    other = vobject.readOne(data.decode("utf-8"))
    assert other.method.value == method
    assert {
        e.uid.value: (
            int(e.sequence.value),
            e.status.value,
            e.dtstart.value if hasattr(e, "dtstart") else None,
        )
        for e in other.vevent_list
    } == {uid: (e["sequence"], e["status"], e["start"]) for uid, e in found.items()}
    return found


def calendar_of(output: Path, manager: str) -> Path:
    [path] = (output / ROUND / MANAGERS[manager]).glob("*.ics")
    return path


def employee_ics(output: Path, employee_id: str) -> Path:
    [path] = (output / ROUND / "employees").glob(f"{employee_id}-*/*.ics")
    return path


def test_each_interviewer_gets_one_calendar_of_their_own_meetings_with_the_invitations_uids(
    base_workbook, tmp_path
):
    output = tmp_path / "out"
    invite(base_workbook, output)

    assert calendar_of(output, "101").name == "samtalekalender.ics"
    theirs = events(calendar_of(output, "101"), "PUBLISH")
    assert sorted(theirs) == [f"{ROUND}.100@appraisal", f"{ROUND}.102@appraisal", f"{ROUND}.103@appraisal"]
    assert sorted(events(calendar_of(output, "100"), "PUBLISH")) == [
        f"{ROUND}.101@appraisal",
        f"{ROUND}.104@appraisal",
    ]
    for uid, event in theirs.items():
        employee_id = uid.split(".")[1].split("@")[0]
        [invitation] = events(employee_ics(output, employee_id), "REQUEST").values()
        assert (event["sequence"], event["start"], event["status"]) == (
            invitation["sequence"], invitation["start"], "CONFIRMED",
        )  # fmt: skip
        assert event["organizer"] == invitation["organizer"] == "mailto:ola@fjordtre.no"
    assert theirs[f"{ROUND}.102@appraisal"]["summary"].startswith("Medarbeidersamtale med ")
    assert theirs[f"{ROUND}.102@appraisal"]["start"] == dt.datetime(
        2027, 1, 19, 9, 0, tzinfo=theirs[f"{ROUND}.102@appraisal"]["start"].tzinfo
    )


def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence_for_both(
    make_workbook, base_workbook, tmp_path
):
    output = tmp_path / "out"
    invite(base_workbook, output)
    moved = make_workbook(schedule={"102": {"start": dt.time(14, 0)}})

    result = invite(moved, output)

    changed = {o.path for o in result.outcomes if o.status == "updated"}
    assert f"{MANAGERS['101']}/samtalekalender.ics" in changed
    uid = f"{ROUND}.102@appraisal"
    in_calendar = events(calendar_of(output, "101"), "PUBLISH")[uid]
    [invitation] = events(employee_ics(output, "102"), "REQUEST").values()
    assert in_calendar["sequence"] == invitation["sequence"] == 1
    assert in_calendar["start"].hour == invitation["start"].hour == 14
    assert events(calendar_of(output, "101"), "PUBLISH")[f"{ROUND}.103@appraisal"]["sequence"] == 0
    assert f"{MANAGERS['100']}/samtalekalender.ics" not in changed  # not theirs: left as it was


def test_a_removed_row_cancels_the_meeting_for_the_employee_and_the_interviewer(
    make_workbook, base_workbook, tmp_path
):
    output = tmp_path / "out"
    invite(base_workbook, output)
    without = make_workbook(schedule={"103": None})

    invite(without, output)

    uid = f"{ROUND}.103@appraisal"
    [cancel] = events(employee_ics(output, "103"), "CANCEL").values()
    assert (cancel["sequence"], cancel["status"]) == (1, "CANCELLED")
    assert cancel["start"] is not None and cancel["organizer"] == "mailto:ola@fjordtre.no"
    in_calendar = events(calendar_of(output, "101"), "PUBLISH")
    assert (in_calendar[uid]["sequence"], in_calendar[uid]["status"]) == (1, "CANCELLED")
    assert in_calendar[f"{ROUND}.102@appraisal"]["status"] == "CONFIRMED"

    again = invite(without, output)  # nothing changed: the same cancellation, not a new one
    assert {o.status for o in again.outcomes} == {"unchanged"}

    back = invite(base_workbook, output)  # planned again: a new invitation with a higher SEQUENCE
    assert employee_ics(output, "103").as_posix().split(f"{ROUND}/")[1] in {
        o.path for o in back.outcomes if o.status == "updated"
    }
    [invitation] = events(employee_ics(output, "103"), "REQUEST").values()
    assert (invitation["sequence"], invitation["status"]) == (2, "CONFIRMED")
    assert events(calendar_of(output, "101"), "PUBLISH")[uid]["sequence"] == 2


def test_an_employee_who_left_and_a_meeting_given_to_another_interviewer_are_cancelled(
    make_workbook, base_workbook, tmp_path
):
    output = tmp_path / "out"
    invite(base_workbook, output)
    changed = make_workbook(
        employees={"104": {"status": "left"}}, schedule={"102": {"interviewer_id": "100"}}
    )

    invite(changed, output)

    [cancel] = events(employee_ics(output, "104"), "CANCEL").values()
    assert cancel["status"] == "CANCELLED"
    kari, ola = events(calendar_of(output, "100"), "PUBLISH"), events(calendar_of(output, "101"), "PUBLISH")
    assert kari[f"{ROUND}.104@appraisal"]["status"] == "CANCELLED"
    assert kari[f"{ROUND}.102@appraisal"]["status"] == "CONFIRMED"  # now Kari's
    assert ola[f"{ROUND}.102@appraisal"]["status"] == "CANCELLED"  # and no longer Ola's
    assert kari[f"{ROUND}.102@appraisal"]["sequence"] == ola[f"{ROUND}.102@appraisal"]["sequence"] == 1
    [invitation] = events(employee_ics(output, "102"), "REQUEST").values()
    assert invitation["organizer"] == "mailto:kari@fjordtre.no" and invitation["sequence"] == 1


def test_invite_only_some_employees_rebuilds_their_interviewers_calendar_whole(
    make_workbook, base_workbook, tmp_path
):
    output = tmp_path / "out"
    invite(base_workbook, output)

    result = invite(make_workbook(schedule={"102": {"start": dt.time(15, 0)}}), output, only={"102"})

    assert f"{MANAGERS['101']}/samtalekalender.ics" in {o.path for o in result.outcomes}
    assert f"{MANAGERS['100']}/samtalekalender.ics" not in {o.path for o in result.outcomes}
    assert sorted(events(calendar_of(output, "101"), "PUBLISH")) == [
        f"{ROUND}.100@appraisal",
        f"{ROUND}.102@appraisal",
        f"{ROUND}.103@appraisal",
    ]
