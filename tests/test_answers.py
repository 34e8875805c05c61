"""Statuses, dates, yes/no and scores as people type them into forms: each with its expected reading, or
"kept as text" (None) when it must not be guessed. The rules are in docs/forms.md ("Values")."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.forms.answers import read_date, read_score, read_status, read_yes_no

D = dt.date
MEETING = D(2027, 1, 19)  # a Tuesday; the sample round's first meetings

STATUSES = [
    # typed, status, progress, more words than the status
    ("fullført", "done", 100, False),
    ("ferdig ✓", "done", 100, False),
    ("Fullført!", "done", 100, False),
    ("done", "done", 100, False),
    ("DONE", "done", 100, False),
    ("Completed 🎉", "done", 100, False),
    ("utført.", "done", 100, False),
    ("100 %", "done", 100, False),
    ("Pågår (ca. 50 %)", "in_progress", 50, False),
    ("pågår", "in_progress", None, False),
    ("in progress - 30%", "in_progress", 30, False),
    ("i gang", "in_progress", None, False),
    ("påbyrja", "in_progress", None, False),
    ("50 %", "in_progress", 50, False),
    ("ikke startet", "not_started", None, False),
    ("Ikke påbegynt", "not_started", None, False),
    ("ikkje starta", "not_started", None, False),
    ("not started", "not_started", None, False),
    ("avbrutt", "cancelled", None, False),
    ("Avbrote", "cancelled", None, False),
    ("kansellert.", "cancelled", None, False),
    ("canceled", "cancelled", None, False),
    ("ikke aktuelt lenger", "cancelled", None, True),
    ("ferdig, men følges opp", "done", 100, True),
    # kept as text: the words that come first are not a status
    ("ikke ferdig", None, None, False),
    ("nesten ferdig", None, None, False),
    ("vet ikke", None, None, False),
]


@pytest.mark.parametrize(("typed", "status", "progress", "extra"), STATUSES)
def test_statuses_are_read_the_way_people_type_them(typed, status, progress, extra):
    reading = read_status(typed)
    assert (reading.status, reading.progress, reading.extra) == (status, progress, extra)


DATES_AFTER = [
    # typed, the date (None: kept as text), exact
    ("18.01.2027", D(2027, 1, 18), True),
    ("18.1.27", D(2027, 1, 18), True),
    ("2027-01-18", D(2027, 1, 18), True),
    ("18. januar 2027", D(2027, 1, 18), True),
    ("mandag 18. januar 2027", D(2027, 1, 18), True),
    ("18 January 2027", D(2027, 1, 18), True),
    ("21.1", D(2027, 1, 21), True),
    ("21/1", D(2027, 1, 21), True),
    ("21. jan", D(2027, 1, 21), True),
    ("21. januar", D(2027, 1, 21), True),
    ("10.1", D(2028, 1, 10), True),  # the first 10 January on or after the meeting
    ("innen 1. mars", D(2027, 3, 1), True),
    ("ca. 21.3", D(2027, 3, 21), False),
    ("uke 12", D(2027, 3, 26), False),  # the Friday of ISO week 12
    ("veke 12", D(2027, 3, 26), False),
    ("week 12 2027", D(2027, 3, 26), False),
    ("uke 2", D(2028, 1, 14), False),  # week 2 of 2027 ends before the meeting
    ("Q2 2027", D(2027, 6, 30), False),
    ("Q2", D(2027, 6, 30), False),
    ("2. kvartal 2027", D(2027, 6, 30), False),
    ("H1 2027", D(2027, 6, 30), False),
    ("juni 2027", D(2027, 6, 30), False),
    ("juni", D(2027, 6, 30), False),
    ("slutten av juni", D(2027, 6, 30), False),
    ("6/2027", D(2027, 6, 30), False),
    ("2027", D(2027, 12, 31), False),
    ("neste uke", None, True),
    ("snart", None, True),
    ("før sommeren", None, True),
    ("31.2", None, True),
    ("uke 54", None, True),
]


@pytest.mark.parametrize(("typed", "date", "exact"), DATES_AFTER)
def test_due_dates_are_read_against_the_meeting(typed, date, exact):
    reading = read_date(typed, MEETING, "after")
    assert (reading.date, reading.exact if reading.date else True) == (date, exact)
    assert reading.text == typed
    if date is None:
        assert reading.problem


@pytest.mark.parametrize(
    ("typed", "planned", "date"),
    [
        ("21.1", D(2027, 1, 19), D(2027, 1, 21)),
        ("28.12", D(2027, 1, 5), D(2026, 12, 28)),  # the nearest 28 December: the one before
        ("2.1", D(2026, 12, 30), D(2027, 1, 2)),
        ("18. jan", D(2027, 1, 19), D(2027, 1, 18)),
    ],
)
def test_a_date_held_without_a_year_is_the_nearest_to_the_planned_meeting(typed, planned, date):
    assert read_date(typed, planned, "nearest").date == date


def test_without_an_anchor_a_date_needs_its_year():
    assert read_date("21.1", None).date is None
    assert read_date("21.01.2027", None).date == D(2027, 1, 21)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("ja", True), ("Ja!", True), ("JA", True), ("yes ✓", True), ("x", True), ("✓", True), ("OK", True),
     ("nei", False), ("Nei.", False), ("no", False), ("ikke godkjent", False), ("kanskje", None), ("", None)],
)  # fmt: skip
def test_yes_and_no(typed, answer):
    assert read_yes_no(typed) is answer


@pytest.mark.parametrize(
    ("typed", "score"),
    [("4", 4), ("4/5", 4), ("4 av 5", 4), ("fire", 4), ("5.", 5), ("1", 1), ("0", None), ("6", None),
     ("4,5", None), ("bra", None)],
)  # fmt: skip
def test_scores_from_1_to_5(typed, score):
    assert read_score(typed) == score
