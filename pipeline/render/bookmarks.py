"""Bookmark IDs in rendered documents: unique and numeric, as Word wants them.

A bookmark inside a template loop (the review rows of the meeting-notes form) is repeated with its one
ID, and a template cannot compute IDs (Word would refuse a template whose IDs are Jinja expressions).
When a template is compiled, `plan` looks at each part's bookmarks. Those outside any loop or macro keep
their IDs, which the template already makes unique; each inside one has its ID replaced, in the compiled
source only, by a call that gives it a new ID as the document is rendered (`Numbering`). Renumbering
every bookmark of every rendered form with a regular expression was a fifth of making the forms.

A part whose bookmarks outside loops are not unique, or not numbers (or very large ones), or whose
bookmark has its start and end on both sides of a loop's edge, is renumbered whole after rendering
(`renumber`), as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BOOKMARK = re.compile(r'(<w:bookmark(Start|End)\b[^>]*?\bw:id=")([^"]*)(")')
# where a template's output may repeat: loops, macros, and a block kept in a variable (`{% set x %}`)
_REPEATING = re.compile(
    r"\{%[-+]?\s*(for|endfor|macro|endmacro|call|endcall|endset|set(?=\s+[\w\s,]*[-+]?%\}))\b"
)
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
START, END = "_appraisal_bookmark_start", "_appraisal_bookmark_end"  # the calls' names in the source

NONE, CALLS, WHOLE = "none", "calls", "whole"  # how a part's bookmarks get their IDs
MOST_ID = 1 << 30  # IDs above are renumbered whole: those after them must stay within Word's 32 bits


@dataclass(frozen=True)
class Plan:
    """How one compiled part's bookmarks get their IDs: `source` is the part's source to compile."""

    source: str
    how: str  # NONE: as in the template; CALLS: the repeated ones by calls; WHOLE: `renumber` afterwards
    first_free: int = 0  # the first ID no bookmark outside a loop has


def plan(source: str) -> Plan:
    """The plan for a part's Jinja source (see the module's docstring)."""
    scan = _COMMENT.sub(lambda m: " " * len(m.group(0)), source)  # what a comment holds is not there
    marks = list(_BOOKMARK.finditer(scan))
    if not marks:
        return Plan(source, NONE)
    edges = [(m.start(), m.group(1)) for m in _REPEATING.finditer(scan)]
    depth_at: list[int] = []
    depth, edge = 0, 0
    for mark in marks:
        while edge < len(edges) and edges[edge][0] < mark.start():
            depth += 1 if not edges[edge][1].startswith("end") else -1
            edge += 1
        depth_at.append(depth)
    ids_outside = [
        m.group(3) for m, d in zip(marks, depth_at, strict=True) if not d and m.group(2) == "Start"
    ]
    inside = {m.group(3) for m, d in zip(marks, depth_at, strict=True) if d}
    outside = {m.group(3) for m, d in zip(marks, depth_at, strict=True) if not d}
    numeric = all(m.group(3).isdigit() and int(m.group(3)) < MOST_ID for m in marks)
    if not numeric or len(set(ids_outside)) != len(ids_outside) or inside & outside:
        return Plan(source, WHOLE)
    if not inside:
        return Plan(source, NONE)
    pieces, last = [], 0
    for mark, depth in zip(marks, depth_at, strict=True):
        if not depth:
            continue
        call = START if mark.group(2) == "Start" else END
        pieces += [source[last : mark.start()], mark.group(1), f"{{{{ {call}({mark.group(3)}) }}}}", '"']
        last = mark.end()
    pieces.append(source[last:])
    return Plan("".join(pieces), CALLS, max(int(m.group(3)) for m in marks) + 1)


@dataclass
class Numbering:
    """The IDs of one rendering of a part: each start gets the next free ID, and each end the ID of the
    latest open start of its template ID (an end without one keeps its ID)."""

    next_id: int
    open_ids: dict[object, list[int]] = field(default_factory=dict)

    def start(self, old: object) -> int:
        new = self.next_id
        self.next_id += 1
        self.open_ids.setdefault(old, []).append(new)
        return new

    def end(self, old: object) -> object:
        started = self.open_ids.get(old)
        return started.pop() if started else old

    def names(self) -> dict[str, object]:
        """The calls, by the names the compiled source uses."""
        return {START: self.start, END: self.end}


def renumber(xml: str) -> str:
    """Give every bookmark in a rendered part an ID of its own, in document order, as `Numbering` does
    (counting from 0)."""
    numbering = Numbering(0)

    def renumber_one(match: re.Match[str]) -> str:
        before, kind, old, quote = match.groups()
        new = numbering.start(old) if kind == "Start" else numbering.end(old)
        return f"{before}{new}{quote}"

    return _BOOKMARK.sub(renumber_one, xml)
