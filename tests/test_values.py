"""The lenient parsers of what people type in Excel cells."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.round.values import (
    clean_text,
    fold_word,
    id_key,
    id_order,
    parse_date,
    parse_hours,
    parse_int,
    parse_minutes,
    parse_percent,
    parse_time,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("  Kari  ", "Kari"),
        (123, "123"),
        (123.0, "123"),
        (12.5, "12.5"),
        ("00123", "00123"),
        (True, "TRUE"),
        (dt.datetime(2027, 1, 18), "2027-01-18"),
        (dt.datetime(2027, 1, 18, 9, 30), "2027-01-18 09:30:00"),
        (dt.date(2027, 1, 18), "2027-01-18"),
        (dt.time(9, 30), "09:30:00"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("identifier", "key"),
    [("00123", "123"), ("123", "123"), (" 123 ", "123"), ("000", "0"), ("A-7", "a-7")],
)
def test_id_key_folds_leading_zeros(identifier, key):
    assert id_key(identifier) == key


def test_ids_are_ordered_as_a_person_counts_and_colliding_ids_keep_their_rows_order():
    typed = [
        "10010",
        "G10",
        "1002",
        "",
        "2026-H1-1002-G10",
        "G2",
        "2026-H1-1002-A1",
        "2026-H1-1002-G2",
        "9" * 5000,
    ]
    assert sorted(typed, key=id_order) == [
        "", "1002", "2026-H1-1002-A1", "2026-H1-1002-G2", "2026-H1-1002-G10", "10010", "9" * 5000, "G2", "G10",
    ]  # fmt: skip
    # IDs that collide (`id_key`) are equal in order: a stable sort keeps their rows' order, so the
    # check still names the later row
    assert id_order("00102") == id_order("102") and id_order("A-7") == id_order("a-7")
    assert sorted(["00102", "102"], key=id_order) == ["00102", "102"]
    assert sorted(["102", "00102"], key=id_order) == ["102", "00102"]


@pytest.mark.parametrize(
    "raw",
    [
        dt.datetime(2027, 1, 18),
        dt.date(2027, 1, 18),
        46405,
        46405.0,
        "2027-01-18",
        "2027-1-18",
        "2027-01-18 00:00:00",
        "18.01.2027",
        "18.1.2027",
        "18/01/2027",
        "18-01-2027",
        "18.01.27",
        " 18.01.2027 ",
        # with the month's name (bokmål, nynorsk, English) and the weekday, as a form's dates are read
        "18. januar 2027",
        "18. jan. 2027",
        "18 jan 27",
        "mandag 18. januar 2027",
        "måndag 18. januar 2027",
        "mandag 18.01.2027",
        "man. 18.1.27",
        "18 January 2027",
        "January 18, 2027",
        "Monday, Jan 18th 2027",
        "Mon, 18/01/2027",
    ],
)
def test_parse_date_accepts(raw):
    assert parse_date(raw) == dt.date(2027, 1, 18)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31.02.2027", "not a real date"),
        ("2027-13-01", "not a real date"),
        ("i morgen", "is not a date"),
        ("18.01", "is not a date"),
        ("18. januar", "is not a date"),  # which year is for a person to say
        ("18. foo 2027", "is not a date"),
        ("fredag", "is not a date"),
        ("31. februar 2027", "not a real date"),
        (0, "is not a date"),
        (-5, "is not a date"),
        (3_000_000, "is not a date"),
        (True, "is not a date"),
        (dt.time(9, 30), "is a time, not a date"),
    ],
)
def test_parse_date_rejects(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.time(9, 30), dt.time(9, 30)),
        (dt.time(9, 30, 0, 500), dt.time(9, 30)),
        (dt.datetime(1899, 12, 30, 9, 30), dt.time(9, 30)),
        (dt.timedelta(hours=9, minutes=30), dt.time(9, 30)),
        (0.5, dt.time(12, 0)),
        (0.3958333333, dt.time(9, 30)),
        (0, dt.time(0, 0)),
        ("09:30", dt.time(9, 30)),
        ("9:30", dt.time(9, 30)),
        ("9.30", dt.time(9, 30)),
        ("kl. 9.30", dt.time(9, 30)),
        ("09:30:15", dt.time(9, 30, 15)),
        (" 09:30 ", dt.time(9, 30)),
        # as people type a start in a hurry: the hour alone, four digits, am/pm, a whole number cell
        ("9", dt.time(9, 0)),
        ("kl 9", dt.time(9, 0)),
        ("kl. 14", dt.time(14, 0)),
        ("0900", dt.time(9, 0)),
        ("930", dt.time(9, 30)),
        ("1430", dt.time(14, 30)),
        ("2 pm", dt.time(14, 0)),
        ("2:30 p.m.", dt.time(14, 30)),
        ("12 am", dt.time(0, 0)),
        ("12 PM", dt.time(12, 0)),
        (9, dt.time(9, 0)),
        (14.0, dt.time(14, 0)),
        (900, dt.time(9, 0)),
    ],
)
def test_parse_time_accepts(raw, expected):
    assert parse_time(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("25:00", "not a real time of day"),
        ("09:75", "not a real time of day"),
        ("halv ti", "is not a time"),
        ("24", "not a real time of day"),
        ("2400", "not a real time of day"),
        ("13 pm", "is not a time"),
        ("12345", "is not a time"),
        (1.5, "is not a time"),
        (25, "not a real time of day"),
        (45000.375, "is not a time"),  # a date and time as a serial number
        (False, "is not a time"),
        (dt.datetime(2027, 1, 18), "is a date, not a time"),
        (dt.timedelta(days=2), "not a time of day"),
    ],
)
def test_parse_time_rejects(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_time(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(60, 60), (60.0, 60), ("60", 60), ("60 min", 60), ("45 minutter", 45), ("60,0", 60), ("-3", -3)],
)
def test_parse_int_accepts(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", [60.5, "en time", "1 t", True, "6O"])
def test_parse_int_rejects(raw):
    with pytest.raises(ValueError):
        parse_int(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (45, 45),
        ("45 min", 45),
        ("90 minutter", 90),
        ("1 t", 60),
        ("1,5 t", 90),
        ("1.5 timer", 90),
        ("2 h", 120),
        ("1 hour", 60),
        ("1:30", 90),
        ("1 t 30 min", 90),
        ("1h30", 90),
        ("1 time og 15 min", 75),
        ("1:30 og 15 min", 105),
        ("0:45", 45),
    ],
)
def test_a_length_is_read_as_people_type_it(raw, expected):
    assert parse_minutes(raw) == expected


@pytest.mark.parametrize("raw", ["en time", "1,01 t", "t", "1:3", "1:75", True])
def test_a_length_that_is_not_one_is_refused(raw):
    with pytest.raises(ValueError):
        parse_minutes(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(50, 50), ("50 %", 50), ("50%", 50), (0.5, 50), (0.25, 25), (100.0, 100), (150, 150)],
)
def test_parse_percent(raw, expected):
    assert parse_percent(raw) == expected


def test_parse_hours():
    assert parse_hours("08:00-16:00") == (dt.time(8), dt.time(16))
    assert parse_hours("8.30 – 15.30") == (dt.time(8, 30), dt.time(15, 30))
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_hours("16:00-08:00")
    with pytest.raises(ValueError, match="not a time range"):
        parse_hours("hele dagen")


def test_fold_word():
    assert fold_word("  In_Progress ") == "in progress"
    assert fold_word("Ikke   startet") == "ikke startet"
    assert fold_word(None) == ""
