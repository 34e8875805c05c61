"""Another process holding a folder's lock, the way a second `appraisal` run would."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def held_elsewhere(folder: Path) -> Iterator[subprocess.Popen]:
    """Hold `folder`'s output lock in a child process until the block ends (the child is the holder
    the refusal names); the lock is re-entrant within one process, so a test cannot hold it itself."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from pathlib import Path
                from pipeline.store.ledger import output_lock
                with output_lock(Path({str(folder)!r})):
                    print("locked", flush=True)
                    sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        yield holder
    finally:
        holder.communicate("done\n", timeout=30)
