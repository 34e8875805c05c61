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
        ("930", "is not a time"),
        (1.5, "is not a time"),
        (9, "is not a time"),
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
