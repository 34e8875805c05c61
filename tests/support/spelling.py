"""Spell-checking nynorsk with Debian's dictionary (`hunspell-no`, installed by .ci/run) through the
`hunspell` program: which words of a text it does not know.

Norwegian writes compounds as one word ("samtaleskjemaet", "trivselsskår"), and the dictionary knows
few of them; a word it does not know is taken as known when it splits into two words it knows (the
first part may end in the linking -s- or -e-), as a reader would read it."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Iterable

WORD = re.compile(r"[A-Za-zÆØÅæøåÉé]+")
# What a text holds that is no word of the language: template fields ({name}, {{ x }}, {% if %}),
# code (`appraisal init`), setting keys (period_end) and file names (oppfolging.xlsx).
NOT_WORDS = re.compile(r"{%.*?%}|{{.*?}}|\{[^}]*\}|`[^`]*`|\b\w+_\w+\b|\b[\w-]+\.(?:xlsx|docx|doc)\b")

# Words of the nynorsk texts the dictionary does not know, each for a reason.
NYNORSK_TERMS = frozenset(
    (
        # names and terms: the tool, its commands and the programs and files people use
        "appraisal", "validate", "invite", "prepare", "collect", "Word", "Excel", "docx", "doc", "xlsx", "ics",
        "nb", "nn", "en",  # the language codes, in "nb, nn eller en"
        "history",  # the folder history/ beside a workbook
        "forebuingsskjema",  # a file name, written without ø (as bokmål's forberedelsesskjema)
        "Europe",  # the time zone Europe/Oslo
        "active",  # the English value people may type, in "«aktiv» eller «active»"
        "mentor",  # "Kurs, oppgåver, mentor ..."
        # date patterns of Babel and of Excel, and the form's date hint
        "EEEE", "MMMM", "DD", "YYYY", "yyyy", "dd", "mm", "åååå",
        # good nynorsk (the 2012 norm) the dictionary lacks: definite forms of loan nouns, a participle
        "datoen", "Datoen", "invitasjonsdatoen", "Samtaledatoen", "skjemaet", "Skjemaet",
        "samtaleskjemaet", "førebuingsskjemaet", "agendaen", "halden", "tøm", "oppsummer", "nedtrekkslista",
        "Éi", "éi",  # "éi rad": the numeral, stressed
        "Tilsettnr", "tilsettnr",  # the column header, as bokmål's Ansattnr
        "LibreOffice", "zip",  # a program and a file type, in the interviewers' e-mail
        "pdf", "PDF", "rtf", "msg", "eml",  # file types, in what to do with a form sent as one
        "skjemaa",  # skjema's plural definite (eit skjema, skjemaa), which the dictionary lacks
    )
)  # fmt: skip

# Bokmål words nynorsk writes otherwise (ikkje, kva, korleis, eg, viss, nokon, mykje, kvarandre, vere,
# frå, berre, ...): in no nynorsk text.
BOKMAL_ONLY = frozenset(
    (
        "ikke", "hva", "hvordan", "jeg", "hvis", "noen", "mye", "hverandre", "være", "fra", "bare",
        "hvem", "hvor", "hvilke", "hvilken", "hvorfor", "leder", "lederen", "medarbeider", "medarbeideren",
        "ansatt", "ansatte", "skjemaer", "forberede", "forberedelse", "forberedelsesskjema", "deres",
        "ble", "blitt", "navn", "gjennomgått", "fremdrift", "avbrutt", "startet",
        "tidligere", "påkrevd", "vennlig", "hilsen", "ønsker", "kommer",
    )
)  # fmt: skip


def words(text: str) -> list[str]:
    """The words of a text, without what is no word of the language (NOT_WORDS), single letters and
    abbreviations in capitals (ID, HR)."""
    return [w for w in WORD.findall(NOT_WORDS.sub(" ", text)) if len(w) > 1 and not w.isupper()]


def unknown(candidates: Iterable[str], dictionary: str = "nn_NO") -> set[str]:
    """The words the dictionary does not know, neither whole nor as a compound of two it knows."""
    distinct = sorted(set(candidates))
    missing = _hunspell(tuple(distinct), dictionary)
    parts = sorted({part for word in missing for part in _splits(word) for part in part})
    known_parts = set(parts) - _hunspell(tuple(parts), dictionary)
    return {w for w in missing if not any(a in known_parts and b in known_parts for a, b in _splits(w))}


def _splits(word: str) -> list[tuple[str, str]]:
    lower = word.lower()
    found = []
    for i in range(4, len(lower) - 2):  # a first part of four letters or more, a last of three
        head, tail = lower[:i], lower[i:]
        found.append((head, tail))
        if head[-1] in "se" and len(head) > 3:
            found.append((head[:-1], tail))  # the linking -s- or -e- of a compound
    return found


@functools.cache
def _hunspell(candidates: tuple[str, ...], dictionary: str) -> set[str]:
    program = shutil.which("hunspell")
    assert program, "hunspell and hunspell-no are needed: run .ci/run (apt-get install hunspell hunspell-no)"
    out = subprocess.run(
        [program, "-d", dictionary, "-l"],
        input="\n".join(candidates),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())
