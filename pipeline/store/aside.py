"""Work done beside a run: one task in a forked process while the run goes on (issue 16).

`appraisal run` writes the validation report and keeps the checked round (`round/remembered.py`) while
the invitations are planned: nothing later in the run reads either, and the run's own process would
otherwise do them alone while the second core waits (0.7 s of a 10,000 round). The task reaches the
child by fork, as `batch.parallel_map`'s do; only its result comes back. The child ends when the run's
process does (a killed run leaves no child writing on), and what it writes it writes atomically, so a
kill at any moment leaves the files as they were or as made. Without fork, the task runs at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from pipeline.errors import OutputError
from pipeline.store.batch import can_fork, end_with_parent

if TYPE_CHECKING:  # a run with nothing to do starts no process aside, and loads nothing for one
    import multiprocessing
    from multiprocessing.connection import Connection

T = TypeVar("T")


class Aside(Generic[T]):
    """`task()` run in a forked process from now on; `result()` waits for it and returns what it
    returned, or raises what it raised (an error that cannot travel back as an OutputError)."""

    def __init__(self, task: Callable[[], T], beside: bool = True):
        """`beside` False: the task is run now, in this process (as where a process cannot be forked)."""
        self._process: multiprocessing.Process | None = None
        self._value: T | None = None
        if not beside or not can_fork():
            self._value = task()
            return
        import multiprocessing  # loaded only for a process aside (6 ms of an unchanged run otherwise)

        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(task, writer, os.getpid()), daemon=True)
        self._process.start()
        writer.close()  # the child's end: the parent sees EOF if the child dies without a word

    def result(self) -> T:
        """Wait for the task; its result (once: the process is gone after)."""
        if self._process is None:
            return self._value  # type: ignore[return-value]
        try:
            done, value = self._reader.recv()
        except (EOFError, OSError):
            done, value = False, OutputError("the work done beside the run ended without finishing.")
        finally:
            self._reader.close()
            self._process.join()
            self._process = None
        if not done:
            raise value
        self._value = value
        return value


def _run(task: Callable[[], object], writer: Connection, parent: int) -> None:
    end_with_parent(parent)
    try:
        outcome: tuple[bool, object] = (True, task())
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the run, which says it
        outcome = (False, exc)
    try:
        writer.send(outcome)
    except Exception as exc:  # noqa: BLE001 - a result or error that does not pickle
        writer.send((False, OutputError(f"the work done beside the run failed ({exc}).")))
    finally:
        writer.close()
