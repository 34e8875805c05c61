"""A round's output folder as one object: where it is, its lock and its ledgers (kept in the state
database it shares with the other rounds of the output folder).

    output/                      the output folder (`RoundOutput.output`): its rounds share
      .appraisal/state.sqlite    the state database (the ledgers' home) and
      personnel/                 the personnel folders every round's collect files into
      2027-H1/                   the round's folder (`root`), with its own `.appraisal/lock`

A step that writes only in its round's folder holds the round (`hold()`); one that also writes in the
shared personnel folders holds the output folder too (`hold(personnel=True)`), so that two rounds
collected at once never write the shared ledger together.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Round
from pipeline.store import layout
from pipeline.store.ledger import Ledger, output_lock
from pipeline.store.state import State

# The state record of what retention needs to know of a round once its folder is gone (`purge`): when
# it ended, and who had left the company by then (their personnel copies count from their leaving).
ROUND_RECORD = "round"


@dataclass(frozen=True)
class RoundOutput:
    """The folder of round `round_id` in the output folder `output`."""

    output: Path
    round_id: str
    # what a step that holds the round records of it for retention (`for_round`); not part of its identity
    record: dict[str, object] | None = field(default=None, compare=False)

    @classmethod
    def for_round(cls, round_: Round, output: Path) -> RoundOutput:
        """The folder of `round_`, which notes the round's end and leavers in the state when held."""
        ends = round_.settings.period_end or max((m.date for m in round_.meetings if m.date), default=None)
        left = sorted({e.id for e in round_.employees if e.id and e.status == "left"})
        record = {
            "round_id": round_.settings.round_id,
            "ends_on": ends.isoformat() if ends else None,
            "left": left,
        }
        return cls(output, round_.settings.round_id, record)

    @property
    def root(self) -> Path:
        """`output/<round>`: the round's own folder."""
        return layout.round_folder(self.output, self.round_id)

    @property
    def personnel(self) -> Path:
        """The personnel folders beside the rounds."""
        return self.output / layout.PERSONNEL

    def ledger(self, kinds: tuple[str, ...] | None = None) -> Ledger:
        """The round's ledger (of `kinds` only, when given)."""
        return Ledger(self.root, kinds=kinds)

    def personnel_ledger(self) -> Ledger:
        """The ledger of the personnel folders' files."""
        return Ledger.personnel(self.output)

    @contextlib.contextmanager
    def hold(self, personnel: bool = False) -> Iterator[None]:
        """Hold the round's folder for this run (and, with `personnel`, the output folder); a second run
        at the same time refuses with a clear message."""
        with contextlib.ExitStack() as stack:
            stack.enter_context(output_lock(self.root))
            if personnel:
                stack.enter_context(output_lock(self.output, written_in=self.personnel))
            if self.record is not None:
                state = State(self.output)
                if state.document(self.root.name, ROUND_RECORD) != self.record:
                    state.put_document(self.root.name, ROUND_RECORD, self.record)
            yield
