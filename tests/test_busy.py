"""`appraisal schedule --busy DIR` (issue 14): busy times from calendars exported by Outlook and Google."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.round.rules import check_workbook
from pipeline.schedule.busy import read_busy
from pipeline.schedule.placing import place_meetings

TODAY = dt.date(2026, 12, 1)

# As Outlook's "Save calendar" writes it: a Windows zone name, quoted TZIDs, a daily series with one
# occurrence taken out (EXDATE), CRLF line ends.
OUTLOOK = """BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
VERSION:2.0
METHOD:PUBLISH
X-MS-OLK-FORCEINSPECTOROPEN:TRUE
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
CLASS:PUBLIC
DTSTART;TZID="W. Europe Standard Time":20270118T080000
DTEND;TZID="W. Europe Standard Time":20270118T160000
RRULE:FREQ=DAILY;COUNT=10
EXDATE;TZID="W. Europe Standard Time":20270120T080000
DTSTAMP:20261201T090000Z
SUMMARY;LANGUAGE=nb:Produksjonsmøter
TRANSP:OPAQUE
UID:040000008200E00074C5B7101A82E00800000000A0B1C2D3
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")

# As Google Calendar's export writes it: UTC times, X-WR-TIMEZONE, the owner as organizer and attendee.
GOOGLE = """BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-WR-CALNAME:kari@fjordtre.no
X-WR-TIMEZONE:Europe/Oslo
BEGIN:VEVENT
DTSTART;VALUE=DATE:20270118
DTEND;VALUE=DATE:20270119
DTSTAMP:20261201T090000Z
ORGANIZER;CN=kari@fjordtre.no:mailto:kari@fjordtre.no
UID:allday1@google.com
SUMMARY:Styremøte hele dagen
TRANSP:OPAQUE
END:VEVENT
BEGIN:VEVENT
DTSTART:20270118T220000Z
DTEND:20270119T090000Z
DTSTAMP:20261201T090000Z
ORGANIZER;CN=kari@fjordtre.no:mailto:kari@fjordtre.no
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=kari@f
 jordtre.no;X-NUM-GUESTS=0:mailto:kari@fjordtre.no
UID:night1@google.com
SUMMARY:Nattskift ved fabrikken
TRANSP:OPAQUE
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20270120
DTEND;VALUE=DATE:20270121
DTSTAMP:20261201T090000Z
ORGANIZER;CN=kari@fjordtre.no:mailto:kari@fjordtre.no
UID:birthday@google.com
SUMMARY:Bursdag
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
DTSTART:20270121T080000Z
DTEND:20270121T150000Z
DTSTAMP:20261201T090000Z
ORGANIZER;CN=kari@fjordtre.no:mailto:kari@fjordtre.no
UID:cancelled@google.com
STATUS:CANCELLED
SUMMARY:Avlyst
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")

FREEBUSY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Free busy//EN
BEGIN:VFREEBUSY
DTSTART:20270117T000000Z
DTEND:20270130T000000Z
FREEBUSY;FBTYPE=BUSY:20270118T070000Z/20270122T150000Z
FREEBUSY;FBTYPE=FREE:20270125T070000Z/PT8H
END:VFREEBUSY
END:VCALENDAR
"""


def plan_with(make_workbook, tmp_path, files, **description):
    path = make_workbook(**description)
    folder = tmp_path / "busy"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    round_, report = check_workbook(path, today=TODAY)
    assert not report.errors
    busy = read_busy(folder, round_)
    return busy, place_meetings(round_, TODAY, busy.times)


def placed(plan):
    return [(p.employee_id, p.day, p.start) for p in plan.placed]


def test_an_outlook_series_in_a_windows_zone_with_an_exception(make_workbook, tmp_path):
    busy, plan = plan_with(
        make_workbook, tmp_path, {"101 Ola Hansen.ics": OUTLOOK}, schedule={"102": None, "103": None}
    )

    assert list(busy.matched.values()) == ["101"] and busy.skipped == {}
    # busy 08-16 every day from the 18th for ten days, except Wednesday the 20th
    assert placed(plan) == [
        ("102", dt.date(2027, 1, 20), dt.time(9, 0)),
        ("103", dt.date(2027, 1, 20), dt.time(10, 15)),
    ]


def test_a_google_export_found_by_its_owners_address(make_workbook, tmp_path):
    busy, plan = plan_with(make_workbook, tmp_path, {"export.ics": GOOGLE}, schedule={"104": None})

    assert list(busy.matched.values()) == ["100"]
    # the 18th all day; the night shift until 10:00 on the 19th; a free birthday and a cancelled day count not
    assert placed(plan) == [("104", dt.date(2027, 1, 19), dt.time(10, 15))]
    days = {day for day, _, _ in busy.times["100"]}
    assert days == {dt.date(2027, 1, 18), dt.date(2027, 1, 19)}


def test_free_busy_periods(make_workbook, tmp_path):
    busy, plan = plan_with(make_workbook, tmp_path, {"101.ics": FREEBUSY}, schedule={"102": None})

    assert busy.matched and placed(plan) == [("102", dt.date(2027, 1, 25), dt.time(9, 0))]


def test_a_file_that_cannot_be_used_is_named_and_the_others_read(make_workbook, tmp_path):
    files = {
        "101.ics": OUTLOOK,
        "broken.ics": b"BEGIN:VCALENDAR\r\nthis is not a calendar\x00\r\n",
        "somebody.ics": GOOGLE.replace("kari@", "nobody@"),
        "notes.txt": "not a calendar at all",
    }
    busy, plan = plan_with(make_workbook, tmp_path, files, schedule={"102": None})

    assert sorted(p.name for p in busy.skipped) == ["broken.ics", "somebody.ics"]
    assert (
        "no Employee ID in its name"
        in busy.skipped[next(p for p in busy.skipped if p.name == "somebody.ics")]
    )
    assert placed(plan) == [("102", dt.date(2027, 1, 20), dt.time(9, 0))]


def test_the_command_says_which_calendar_went_to_whom(make_workbook, tmp_path):
    path = make_workbook(schedule={"102": None})
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "101 Ola Hansen.ics").write_text(OUTLOOK)
    (folder / "broken.ics").write_bytes(b"garbage")

    result = CliRunner().invoke(cli, ["schedule", "-w", str(path), "--busy", str(folder)])

    assert result.exit_code == 0, result.output
    assert f"Busy times: {folder / '101 Ola Hansen.ics'} is Ola Hansen (101)'s calendar" in result.output
    assert f"Not read: {folder / 'broken.ics'}:" in result.output
    assert "Placed 1 meeting from 20.01.2027 to 20.01.2027." in result.output


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=SECONDLY",
        # not often by its FREQ, but every minute of every hour by its BY- lists
        "RRULE:FREQ=HOURLY;BYMINUTE=" + ",".join(map(str, range(60))) + ";BYSECOND=0,30",
    ],
)
def test_a_rule_repeating_every_second_for_ever_is_refused_not_expanded(make_workbook, tmp_path, rule):
    endless = OUTLOOK.replace("RRULE:FREQ=DAILY;COUNT=10", rule).replace(
        'EXDATE;TZID="W. Europe Standard Time":20270120T080000\r\n', ""
    )
    busy, plan = plan_with(
        make_workbook, tmp_path, {"101.ics": endless, "100.ics": GOOGLE}, schedule={"102": None}
    )

    assert [p.name for p in busy.skipped] == ["101.ics"]
    assert "could make more than 20,000 in the round's period" in next(iter(busy.skipped.values()))
    assert list(busy.matched.values()) == ["100"]


def test_a_calendar_over_the_size_limit_is_not_parsed(make_workbook, tmp_path):
    padding = "X-PADDING:" + "x" * 70 + "\r\n"
    huge = GOOGLE.replace("END:VCALENDAR", padding * 80_000 + "END:VCALENDAR")  # about 6.5 MB

    busy, _ = plan_with(make_workbook, tmp_path, {"100.ics": huge}, schedule={"104": None})

    assert list(busy.skipped.values()) == ["larger than 5 MB"]
