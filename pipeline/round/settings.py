"""The Round sheet: one setting per row, the key in column A and the value in column B, into `Settings`.

Keys are matched in any case, with spaces or `-` for `_`; an unknown key is a warning with a
suggestion, a key given twice keeps its first value, and a value that cannot be used is reported at
its cell, the setting keeping its default.
"""

from __future__ import annotations

import difflib
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.model import ERROR, WARNING, Phrase, Problem, Report, Settings, phrase
from pipeline.round import schema
from pipeline.round.sheets import SheetTable, merged_problem, unreadable_cells
from pipeline.round.values import (
    Unreadable,
    clean_text,
    fold_word,
    parse_date,
    parse_hours,
    parse_int,
    parse_minutes,
    parse_time,
)

ROUND_ID = re.compile(r"^[A-Za-z0-9._-]+$")
MAX_SETTING_ROWS = 500
HEADER_KEYS = ("key", "nøkkel", "setting", "innstilling", "nokkel")


def _required(sheet: str, key: str, cell: str | None) -> Problem:
    """A required setting without a value: where to type it, when its row is there; else the row to add."""
    if cell is not None:
        message, said = (
            f"{key} is required; type its value in {cell}.",
            phrase("required-setting-empty", key=key, cell=cell),
        )
    else:
        message = f"{key} is required; add a row with {key} in column A and its value in column B."
        said = phrase("required-setting", key=key)
    return Problem(ERROR, sheet, cell, key, "required-setting", message, phrase=said)


def read_settings(table: SheetTable | None, report: Report) -> Settings:
    """The round's settings from its Round sheet (none but defaults when there is no such sheet)."""
    if table is None:
        return Settings(round_id="")
    values, rows = _given_settings(table, report)
    settings: dict[str, object] = {}
    for (r1, c1), (r2, c2) in table.merged:
        if r2 > r1 and c1 <= 1:  # keys or values merged over rows: the rows below read as empty
            report.add(merged_problem(table.name, ((r1, c1), (r2, c2)), None))
    unreadable = {ref: (code, message, said) for ref, code, message, said in unreadable_cells(table)}
    for setting in schema.SETTINGS:
        raw = values.get(setting.key)
        if isinstance(raw, str):
            raw = raw.strip() or None
        cell = f"B{rows[setting.key]}" if setting.key in rows else None
        if cell in unreadable:  # read as empty, but it is not: never a default in its place
            code, message, said = unreadable[cell]
            report.add(Problem(ERROR, table.name, cell, setting.key, code, message, phrase=said))
            continue
        if raw is None:
            if setting.required:
                report.add(_required(table.name, setting.key, cell))
            continue
        try:
            settings[setting.key] = _parse_setting(setting, raw)
        except ValueError as exc:
            said = (
                phrase("invalid-setting", key=setting.key, reason=exc.phrase)
                if isinstance(exc, Unreadable)
                else None
            )
            report.add(
                Problem(
                    ERROR,
                    table.name,
                    cell,
                    setting.key,
                    "invalid-setting",
                    f"{setting.key}: {exc}.",
                    phrase=said,
                )
            )
    result = Settings(round_id=str(settings.pop("round_id", "")), rows=rows, **settings)
    if result.period_start and result.period_end and result.period_end < result.period_start:
        report.add(
            Problem(
                ERROR,
                table.name,
                f"B{rows['period_end']}",
                "period_end",
                "invalid-setting",
                "period_end is before period_start; swap them.",
                phrase=phrase("period-reversed"),
            )
        )
    return result


def _given_settings(table: SheetTable, report: Report) -> tuple[dict[str, object], dict[str, int]]:
    """The raw value of each known key on the sheet, and the row it is on (the first, if given twice)."""
    values: dict[str, object] = {}
    rows: dict[str, int] = {}
    keys = {s.key for s in schema.SETTINGS}

    def warn(row_number: int, code: str, message: str, said: Phrase) -> None:
        report.add(Problem(WARNING, table.name, f"A{row_number}", None, code, message, phrase=said))

    for row_number, row in enumerate(table.rows[:MAX_SETTING_ROWS], 1):
        if not row or row[0] is None:
            continue
        key = re.sub(r"[\s-]+", "_", clean_text(row[0]).casefold()).rstrip("*")
        if key in HEADER_KEYS:
            continue
        if key not in keys:
            if key:
                guess = difflib.get_close_matches(key, sorted(keys), n=1)
                hint = f"; did you mean {guess[0]}?" if guess else "; it is ignored."
                said = phrase("parts.did-you-mean", id=guess[0]) if guess else phrase("parts.ignored")
                text = clean_text(row[0])
                warn(
                    row_number,
                    "unknown-setting",
                    f'"{text}" is not a known setting{hint}',
                    phrase("unknown-setting", text=text, hint=said),
                )
            continue
        if key in rows:
            warn(
                row_number,
                "duplicate-setting",
                f"{key} is set again (first on row {rows[key]}); the first value is used.",
                phrase("duplicate-setting", key=key, row=rows[key]),
            )
            continue
        rows[key] = row_number
        values[key] = row[1] if len(row) > 1 else None
    return values, rows


MIN_GROUP_FLOOR = 3  # the smallest min_group_size that hides anyone: see _parse_setting


def _parse_setting(setting: schema.Setting, raw: object) -> object:
    kind = setting.kind
    if kind == "round_id":
        if isinstance(raw, bool):  # TRUE/FALSE typed or formatted as yes/no: not a name for a round
            text = clean_text(raw)
            raise Unreadable(
                f"{text} is a yes/no value, not a round ID; type one such as 2027-H1",
                "round-id-not-text",
                text=text,
            )
        text = clean_text(raw)
        if not ROUND_ID.match(text):
            raise Unreadable(
                f'"{text}" may only hold letters, digits, ".", "_" and "-" (e.g. 2027-H1)',
                "round-id",
                text=text,
            )
        return text
    if kind == "date":
        return parse_date(raw)
    if kind == "int":
        # a length: `1 t`, `1:30` as well as `60`; schedule_buffer_minutes too
        number = parse_minutes(raw) if setting.key.endswith("_minutes") else parse_int(raw)
        if number < 0:
            raise Unreadable(f"{number} must not be negative", "negative", number=number)
        if setting.key == "min_group_size" and number < MIN_GROUP_FLOOR:
            # a group of 1 is one person's figures, and in a group of 2 each can work out the other's
            raise Unreadable(
                f"{number} protects no one: a group that small shows one person's figures; use "
                f"{MIN_GROUP_FLOOR} or more (5 is usual)",
                "group-too-small",
                number=number,
                floor=MIN_GROUP_FLOOR,
            )
        if setting.key == "default_duration_minutes" and not 5 <= number <= 480:
            raise Unreadable(
                f"{number} minutes is not a plausible meeting length; use 5 to 480",
                "implausible-duration",
                number=number,
            )
        return number
    if kind == "language":
        value = schema.enum_lookup("language").get(fold_word(raw))
        if value is None:
            text = clean_text(raw)
            raise Unreadable(f'"{text}" is not a language; use nb, nn or en', "not-a-language", text=text)
        return value
    if kind == "hours":
        return parse_hours(raw)
    if kind == "time":
        return parse_time(raw)
    if kind == "timezone":
        text = clean_text(raw)
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise Unreadable(
                f'"{text}" is not a time zone; use a name like Europe/Oslo', "not-a-time-zone", text=text
            ) from None
        return text
    return clean_text(raw)
