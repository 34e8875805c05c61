"""The example organisation, Fjordtre AS: the data in `example_company.toml`, as the starter writes it.

The file is shipped in the package and read with `tomllib` once; what it holds, and why, is said at its
top. This module turns it into the values of the Round sheet and the rows of the data sheets in one
language: texts given as `{ nb = ..., en = ... }` are picked for the language (bokmål where no `nn` text is given),
e-mail addresses are made from the names, and a key left out is an empty cell.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from importlib.resources import files

from pipeline.round import schema

DATA_FILE = "example_company.toml"


@functools.cache
def _company() -> dict[str, object]:
    return tomllib.loads((files("pipeline.round") / DATA_FILE).read_text(encoding="utf-8"))


def _text(value: object, lang: str) -> object:
    """A text given in bokmål and English (and in nynorsk where it is), in `lang`, else in bokmål; any
    other value as it is."""
    if isinstance(value, dict):
        return value.get(lang, value["nb"])
    return value


def ascii_fold(text: str) -> str:
    """Lower-case ASCII for an e-mail address: `Bjørn Sæther-Åsheim` -> `bjorn saether-asheim`."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and not unicodedata.combining(ch))


def _email(first_name: str, last_name: str) -> str:
    """`fornavn.etternavn@fjordtre.no`, folded to ASCII (ø->o, æ->ae, å->a; spaces -> `-`)."""
    first = ascii_fold(first_name).replace(" ", "-")
    last = ascii_fold(last_name).replace(" ", "-")
    return f"{first}.{last}@{_company()['domain']}"


def example_settings(lang: str) -> dict[str, object]:
    """The example's Round sheet values by key, in the schema's order; the title and language follow `lang`."""
    given = {**_company()["settings"], "language": lang}
    return {s.key: _text(given[s.key], lang) for s in schema.SETTINGS if s.key in given}


def example_rows(lang: str) -> dict[str, list[dict[str, object]]]:
    """The example's data sheets as rows of `{field: value}` by sheet kind, in the words of `lang`.

    Enum values stay canonical (`on_leave`, `goal`); empty values are `None`.
    """
    company = _company()
    departments, job_titles, notes = company["departments"], company["job_titles"], company["notes"]
    employees = [
        {
            "id": e["id"],
            "first_name": e["first_name"],
            "last_name": e["last_name"],
            "email": _email(e["first_name"], e["last_name"]),
            "department": _text(departments[e["department"]], lang),
            "job_title": _text(job_titles[e["job_title"]], lang),
            "manager_id": e.get("manager_id"),
            "language": e["language"],
            "employment_start": e["employment_start"],
            "status": e.get("status", "active"),
        }
        for e in company["employees"]
    ]
    schedule = [
        {
            "employee_id": m["employee_id"],
            "date": m["date"],
            "start": m["start"],
            "duration": m.get("duration"),
            "location": m.get("location"),
            "interviewer_id": m.get("interviewer_id"),
            "note": _text(notes[m["note"]], lang) if "note" in m else None,
        }
        for m in company["schedule"]
    ]
    goal_fields = [c.field for c in schema.GOALS.columns]
    goals = [{name: _text(g.get(name), lang) for name in goal_fields} for g in company["goals"]]
    availability_fields = [c.field for c in schema.AVAILABILITY.columns]
    availability = [
        {name: free.get(name) for name in availability_fields} for free in company["availability"]
    ]
    return {"employees": employees, "schedule": schedule, "goals": goals, "availability": availability}
