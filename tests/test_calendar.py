"""Calendar invitations: parsed back with icalendar, compared field by field."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from pipeline.documents.ics import (
    build_invitation_ics,
    ics_filename,
    meeting_fingerprint,
    meeting_uid,
)
from pipeline.errors import AppraisalError
from pipeline.model import Employee, Meeting, Settings

OSLO = ZoneInfo("Europe/Oslo")
STAMP = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)
TRICKY = "Tom & Jerry <b>, semi; colon: {{ x }} Æøå 😀\nandre linje"

SETTINGS = Settings(
    round_id="2027-H1",
    title="Medarbeidersamtaler våren 2027",
    organisation="Fjordtre AS",
    default_location="Møterom Fjorden",
    hr_contact_name="Hanne Hr",
    hr_contact_email="hr@fjordtre.no",
)
KARI = Employee(
    row=2, id="100", first_name="Kari", last_name="Nordmann", email="kari@fjordtre.no", department="Ledelse"
)
OLA = Employee(
    row=3,
    id="101",
    first_name="Ola",
    last_name="Hansen",
    email="ola@fjordtre.no",
    department="Produksjon",
    manager_id="100",
)
MEETING = Meeting(
    row=2,
    employee_id="101",
    date=dt.date(2027, 1, 18),
    start=dt.time(9, 0),
    duration_minutes=60,
    interviewer_id="100",
)


def build(
    meeting: Meeting = MEETING,
    interviewer: Employee | None = KARI,
    *,
    settings: Settings = SETTINGS,
    employee: Employee = OLA,
    sequence: int = 0,
    lang: str = "nb",
    **kwargs: object,
) -> bytes:
    return build_invitation_ics(
        settings, employee, meeting, interviewer, sequence=sequence, stamp=STAMP, lang=lang, **kwargs
    )


def event_of(data: bytes):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def offset_in_vtimezone(calendar: Calendar, local: dt.datetime) -> dt.timedelta:
    """The UTC offset the calendar's own VTIMEZONE gives for a local time (not Python's zone data)."""
    (timezone,) = calendar.walk("VTIMEZONE")
    onsets = []
    for observance in timezone.standard + timezone.daylight:
        rdates = observance.get("RDATE", [])
        rdates = rdates if isinstance(rdates, list) else [rdates]
        starts = [observance.DTSTART, *(date.dt for rdate in rdates for date in rdate.dts)]
        onsets.extend((start, observance.TZOFFSETTO) for start in starts)
    in_force = [(start, offset) for start, offset in onsets if start <= local]
    assert in_force, f"the VTIMEZONE does not cover {local}"
    return max(in_force)[1]


def test_calendar_has_method_request_and_the_round_time_zone():
    calendar = Calendar.from_ical(build())
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//appraisal//appraisal round//EN"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]
    assert len(calendar.walk("VEVENT")) == 1
    # The VTIMEZONE comes before the event that uses it.
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]


def test_winter_meeting_is_at_local_time_plus_one_hour():
    data = build()
    event = event_of(data)
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert start == dt.datetime(2027, 1, 18, 9, 0, tzinfo=OSLO)
    assert end == dt.datetime(2027, 1, 18, 10, 0, tzinfo=OSLO)
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert str(start.tzinfo) == "Europe/Oslo"
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert b"DTSTART;TZID=Europe/Oslo:20270118T090000\r\n" in data
    assert offset_in_vtimezone(Calendar.from_ical(data), dt.datetime(2027, 1, 18, 9)) == dt.timedelta(hours=1)


def test_summer_meeting_is_at_local_time_plus_two_hours():
    meeting = dataclasses.replace(
        MEETING, date=dt.date(2027, 6, 15), start=dt.time(13, 30), duration_minutes=45
    )
    data = build(meeting)
    event = event_of(data)
    assert event["DTSTART"].dt == dt.datetime(2027, 6, 15, 13, 30, tzinfo=OSLO)
    assert event["DTEND"].dt == dt.datetime(2027, 6, 15, 14, 15, tzinfo=OSLO)
    assert event["DTSTART"].dt.utcoffset() == dt.timedelta(hours=2)
    assert offset_in_vtimezone(Calendar.from_ical(data), dt.datetime(2027, 6, 15, 13, 30)) == dt.timedelta(
        hours=2
    )


def test_meeting_on_new_years_eve_running_past_midnight_is_covered_by_the_time_zone():
    meeting = dataclasses.replace(MEETING, date=dt.date(2027, 12, 31), start=dt.time(23, 30))
    calendar = Calendar.from_ical(build(meeting))
    assert offset_in_vtimezone(calendar, dt.datetime(2028, 1, 1, 0, 30)) == dt.timedelta(hours=1)


def test_other_time_zone_of_the_round():
    settings = dataclasses.replace(SETTINGS, timezone="America/New_York")
    calendar = Calendar.from_ical(build(settings=settings))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert calendar.walk("VEVENT")[0]["DTSTART"].dt.utcoffset() == dt.timedelta(hours=-5)


def test_unknown_time_zone_is_an_appraisal_error():
    with pytest.raises(AppraisalError, match="Mars/Olympus"):
        build(settings=dataclasses.replace(SETTINGS, timezone="Mars/Olympus"))


def test_meeting_without_time_is_an_appraisal_error():
    with pytest.raises(AppraisalError, match="101"):
        build(dataclasses.replace(MEETING, start=None))


def test_organizer_is_the_interviewer_and_attendee_the_employee():
    event = event_of(build())
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:kari@fjordtre.no"
    assert organizer.params["CN"] == "Kari Nordmann"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:ola@fjordtre.no"
    assert dict(attendee.params) == {
        "CN": "Ola Hansen",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert event["STATUS"] == "CONFIRMED"
    assert event["TRANSP"] == "OPAQUE"


def test_names_with_quotes_commas_and_colons_survive_in_cn():
    odd = dataclasses.replace(KARI, first_name='Kari "K"', last_name="Nordmann, Ø; x:y")
    event = event_of(build(interviewer=odd))
    assert event["ORGANIZER"].params["CN"] == 'Kari "K" Nordmann, Ø; x:y'
    assert str(event["ORGANIZER"]) == "mailto:kari@fjordtre.no"


def test_without_interviewer_there_is_no_organizer():
    event = event_of(build(interviewer=None))
    assert "ORGANIZER" not in event
    assert event["SUMMARY"] == "Medarbeidersamtale"
    assert str(event["ATTENDEE"]) == "mailto:ola@fjordtre.no"


def test_default_summary_and_description_per_language():
    nb = event_of(build())
    assert nb["SUMMARY"] == "Medarbeidersamtale med Kari Nordmann"
    assert nb["DESCRIPTION"] == (
        "Medarbeidersamtaler våren 2027\n"
        "Agenda og hvordan du kan forberede deg står i invitasjonsbrevet.\n"
        "Spørsmål? Kontakt Hanne Hr (hr@fjordtre.no)."
    )
    en = event_of(build(lang="en", meeting=dataclasses.replace(MEETING, note="Bring the plan")))
    assert en["SUMMARY"] == "Appraisal conversation with Kari Nordmann"
    assert en["DESCRIPTION"] == (
        "Medarbeidersamtaler våren 2027\n"
        "Note: Bring the plan\n"
        "The invitation letter has the agenda and how to prepare.\n"
        "Questions? Contact Hanne Hr (hr@fjordtre.no)."
    )
    assert event_of(build(lang="nn"))["SUMMARY"] == "Medarbeidarsamtale med Kari Nordmann"


def test_given_summary_and_description_are_used_and_empty_leaves_them_out():
    event = event_of(build(summary="Samtale", description="Tekst"))
    assert (event["SUMMARY"], event["DESCRIPTION"]) == ("Samtale", "Tekst")
    event = event_of(build(summary="", description=""))
    assert "SUMMARY" not in event
    assert "DESCRIPTION" not in event


def test_location_is_the_meeting_s_or_else_the_round_default():
    assert event_of(build())["LOCATION"] == "Møterom Fjorden"
    assert event_of(build(dataclasses.replace(MEETING, location="Teams")))["LOCATION"] == "Teams"
    no_default = dataclasses.replace(SETTINGS, default_location="")
    assert "LOCATION" not in event_of(build(settings=no_default))


def test_special_characters_round_trip_exactly():
    meeting = dataclasses.replace(MEETING, location=TRICKY, note=TRICKY)
    event = event_of(build(meeting, summary=TRICKY))
    assert event["LOCATION"] == TRICKY
    assert event["SUMMARY"] == TRICKY
    assert f"Merknad: {TRICKY}\n" in event["DESCRIPTION"]
    assert event_of(build(meeting, description=TRICKY))["DESCRIPTION"] == TRICKY


def test_lines_end_with_crlf_and_are_folded_at_75_octets():
    long_note = "Æøå 😀 " * 80 + TRICKY
    data = build(dataclasses.replace(MEETING, note=long_note, location=long_note), summary=long_note)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        line.decode("utf-8")  # never split inside a character
    assert event_of(data)["LOCATION"] == long_note


def test_uid_sequence_and_dtstamp():
    event = event_of(build(sequence=3))
    assert event["UID"] == meeting_uid("2027-H1", "101")
    assert event["SEQUENCE"] == 3
    assert event["DTSTAMP"].dt == STAMP
    assert event["DTSTAMP"].dt.utcoffset() == dt.timedelta(0)


def test_stamp_in_another_zone_is_written_in_utc():
    stamp = dt.datetime(2026, 12, 1, 9, 30, 15, 999, tzinfo=OSLO)
    data = build_invitation_ics(SETTINGS, OLA, MEETING, KARI, sequence=0, stamp=stamp, lang="nb")
    assert b"DTSTAMP:20261201T083015Z\r\n" in data


def test_same_inputs_give_identical_bytes():
    first = build(sequence=2)
    assert build(sequence=2) == first
    assert build(sequence=3) != first


def test_output_holds_no_clock_or_random_values_of_its_own():
    data = build()
    stamps = [
        line for line in data.split(b"\r\n") if line.startswith((b"DTSTAMP", b"CREATED", b"LAST-MODIFIED"))
    ]
    assert stamps == [b"DTSTAMP:20261201T083000Z"]
    assert data.count(b"UID:") == 1
    assert b"UID:2027-H1.101@appraisal\r\n" in data


def test_reminder_fifteen_minutes_before():
    (alarm,) = event_of(build()).walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm["TRIGGER"].dt == dt.timedelta(minutes=-15)
    assert alarm["DESCRIPTION"] == "Påminnelse: Medarbeidersamtale med Kari Nordmann"


def test_uid_is_stable_and_differs_between_rounds_and_employees():
    uid = meeting_uid("2027-H1", "1004")
    assert uid == meeting_uid("2027-H1", "1004") == "2027-H1.1004@appraisal"
    assert meeting_uid("2027-H2", "1004") != uid
    assert meeting_uid("2027-H1", "1005") != uid
    assert meeting_uid("2027-H1", "1004", "Fjordtre AS") == "2027-H1.1004@appraisal.Fjordtre%20AS"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("a.b", "c"), ("a", "b.c")),
        (("a-b", "c"), ("a", "b-c")),
        (("a@b", "c"), ("a", "b@c")),
        (("a%2Eb", "c"), ("a.b", "c")),
        (("", "x"), ("x", "")),
    ],
)
def test_uid_separators_cannot_be_forged_by_ids(one, other):
    assert meeting_uid(*one) != meeting_uid(*other)


def test_uid_of_odd_ids_is_plain_ascii_without_spaces():
    uid = meeting_uid("Vår 2027/1", "Ærlig 😀 <a>;,:\n")
    assert uid.isascii()
    assert " " not in uid and "\n" not in uid and ";" not in uid and ":" not in uid
    assert uid.count("@") == 1


def test_fingerprint_changes_with_time_place_and_interviewer_only():
    base = meeting_fingerprint(MEETING, "100", "Møterom Fjorden")
    assert base == meeting_fingerprint(MEETING, "100", "Møterom Fjorden")
    assert len(base) <= 16
    changed = [
        meeting_fingerprint(
            dataclasses.replace(MEETING, date=dt.date(2027, 1, 19)), "100", "Møterom Fjorden"
        ),
        meeting_fingerprint(dataclasses.replace(MEETING, start=dt.time(9, 15)), "100", "Møterom Fjorden"),
        meeting_fingerprint(dataclasses.replace(MEETING, duration_minutes=90), "100", "Møterom Fjorden"),
        meeting_fingerprint(MEETING, "100", "Teams"),
        meeting_fingerprint(MEETING, "101", "Møterom Fjorden"),
    ]
    assert base not in changed
    assert len(set(changed)) == len(changed)
    noted = dataclasses.replace(MEETING, note="Ta med planen", row=9)
    assert meeting_fingerprint(noted, "100", "Møterom Fjorden") == base


def test_ics_filename():
    assert ics_filename("nb") == "invitasjon.ics"
    assert ics_filename("nn") == "invitasjon.ics"
    assert ics_filename("en") == "invitation.ics"


# -- the events are written by hand: icalendar's own bytes ------------------------------------------------


def icalendar_event(event: dict, tzid: str, reminder: str | None, rsvp: bool) -> bytes:
    """The event as icalendar's Event writes it (how ics.py wrote it before it wrote events itself)."""
    from icalendar import Alarm, Event, vCalAddress

    zone = ZoneInfo(tzid)
    built = Event()
    built.add("uid", event["uid"])
    built.add("sequence", event["sequence"])
    built.add("dtstamp", event["stamp"])
    for name in ("start", "end"):
        if event.get(name):
            built.add(f"dt{name}", event[name].replace(tzinfo=zone))
    for name in ("summary", "location", "description"):
        if event.get(name):
            built.add(name, event[name])
    for role in ("organizer", "attendee"):
        person = event.get(role)
        if person and person[1]:
            address = vCalAddress(f"mailto:{person[1]}")
            if person[0]:
                address.params["CN"] = person[0]
            if role == "attendee":
                address.params["ROLE"] = "REQ-PARTICIPANT"
                if rsvp:
                    address.params["PARTSTAT"] = "NEEDS-ACTION"
                    address.params["RSVP"] = "TRUE"
            built.add(role, address)
    built.add("status", event["status"])
    built.add("transp", "OPAQUE" if event["status"] != "CANCELLED" else "TRANSPARENT")
    if reminder is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -dt.timedelta(minutes=15))
        alarm.add("description", reminder)
        built.add_component(alarm)
    return built.to_ical()


PEOPLE_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=90)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    summary=PEOPLE_TEXT,
    location=PEOPLE_TEXT,
    description=st.one_of(PEOPLE_TEXT, st.text("\\^\"\r\n;,:' éøå😀", max_size=200)),
    names=st.tuples(PEOPLE_TEXT, st.text("\"^' ,;:’\r\nÆx", max_size=40)),
    emails=st.tuples(st.sampled_from(["", "kari@fjordtre.no"]), st.sampled_from(["", "o.l+a@x.no"])),
    sequence=st.integers(0, 10_000),
    cancelled=st.booleans(),
    reminder=st.one_of(st.none(), PEOPLE_TEXT),
    zone=st.sampled_from(
        ["Europe/Oslo", "America/New_York", "Asia/Kolkata", "UTC", "Etc/UTC", "Arctic/Longyearbyen"]
    ),
)
def test_an_event_written_by_hand_is_icalendars_byte_for_byte(
    summary, location, description, names, emails, sequence, cancelled, reminder, zone
):
    from pipeline.documents.ics import _tzid, _vevent

    event = {
        "uid": meeting_uid("2027-H1", "1,0;0\\"),
        "sequence": sequence,
        "stamp": dt.datetime(2026, 12, 1, 8, 30, 5, tzinfo=dt.UTC),
        "start": dt.datetime(2027, 3, 28, 1, 30),
        "end": dt.datetime(2027, 3, 28, 3, 30),
        "summary": summary,
        "location": location,
        "description": description,
        "organizer": [names[0], emails[0]],
        "attendee": [names[1], emails[1]],
        "status": "CANCELLED" if cancelled else "CONFIRMED",
    }
    rsvp = reminder is not None
    tzid = _tzid(ZoneInfo(zone))
    assert _vevent(event, tzid, reminder, rsvp) == icalendar_event(event, zone, reminder, rsvp)
