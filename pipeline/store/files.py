"""Files written so that no one ever sees half of one: a temporary file beside the target, filled and
moved into place in one step; a new file is made without a name and given its name once it is whole
(SPEC §7: a run killed at any moment leaves no half-written file). And who may read them: the mode
the process gives what it makes (`APPRAISAL_FILE_MODE`)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.errors import OutputError

_TEMPORARY_SUFFIX = ".tmp"
# Temporary files get normal permissions (mkstemp makes them private): what the process's umask allows.
_UMASK = os.umask(0)
os.umask(_UMASK)
# Who may read what the tool writes (`APPRAISAL_FILE_MODE`, set by the command line for its process):
# personnel files are for their owner, so files are 0600 and folders 0700 by default; `group` makes
# them 0660 and 0770, for a shared drive whose group is HR.
FILE_MODES = {"private": 0o077, "group": 0o007}


def apply_file_mode(name: str | None) -> None:
    """Set the process's umask for the files and folders it makes: `private` (the default) or `group`."""
    global _UMASK
    mask = FILE_MODES.get((name or "private").strip().lower())
    if mask is None:
        raise OutputError(f"APPRAISAL_FILE_MODE={name!r} is not a file mode: use private or group.")
    os.umask(mask)
    _UMASK = mask


_TEMPORARIES_IN: list[Path] = []  # the folder this process's own temporary files go to, while one is held


@contextlib.contextmanager
def temporaries_in(folder: Path) -> Iterator[None]:
    """Have the temporary files this process makes without naming a folder go to `folder`, a private
    one in the output folder held, instead of the system's (`/tmp`): openpyxl's copy of each sheet as it
    writes a workbook, LibreOffice's profiles and PDFs. They hold names and notes; a run killed while
    writing would leave them where no one looks and `purge` never reaches. Here the next run that holds
    the folder removes them first (only the lock's holder uses the folder), and a run that ends
    removes the folder. Holds nest: the outermost one's folder serves; workers inherit it."""
    if _TEMPORARIES_IN:
        yield
        return
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # the system's folder serves, as before
        yield
        return
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    _TEMPORARIES_IN.append(folder)
    try:
        yield
    finally:
        _TEMPORARIES_IN.pop()
        tempfile.tempdir = before
        shutil.rmtree(folder, ignore_errors=True)


def open_temporary_beside(path: Path) -> tuple[int, Path]:
    """Create a new temporary file beside `path` (its folder made when missing), open for writing.

    `tempfile.mkstemp` picks a name no other process holds; the name starts with `.` and ends in `.tmp`,
    so that a killed run's leftovers are recognised (`remove_stale_temporaries`)."""
    for _attempt in range(2):
        try:
            handle, name = tempfile.mkstemp(
                suffix=_TEMPORARY_SUFFIX, prefix=f".{path.name[:60]}.", dir=path.parent
            )
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            continue
        except OSError as exc:
            raise OutputError(f"{path}: cannot create a temporary file beside it ({exc.strerror}).") from None
        mode = 0o666 & ~_UMASK
        if hasattr(os, "fchmod") and mode != 0o600:  # mkstemp makes it 0600, as the private mode wants
            os.fchmod(handle, mode)
        return handle, Path(name)
    raise OutputError(f"{path}: cannot create a temporary file beside it.")


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Have `write` fill a temporary file beside `path`, then move it into place in one step."""
    handle, temporary = open_temporary_beside(path)
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes, new: bool = False) -> os.stat_result:
    """Write bytes to `path` atomically; the file's stat as written (size and modification time are the
    file's at `path`: neither a rename nor a link changes them), so that a writer need not look the path
    up again. `new`: the caller found no file there, and it is made without a name and then named
    (`_write_unnamed`); should one be there after all, it is replaced as any other."""
    if new:
        written = _write_unnamed(path, data)
        if written is not None:
            return written
    handle, temporary = open_temporary_beside(path)
    try:
        try:
            written = _fill(handle, data)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return written


def _fill(handle: int, data: bytes) -> os.stat_result:
    """Write all of `data` to the open file; the file's stat as written."""
    rest = memoryview(data)
    while rest:
        rest = rest[os.write(handle, rest) :]
    return os.fstat(handle)


# Linux's unnamed files, and linkat(2) to name them through /proc: until a file system refuses
_UNNAMED = [hasattr(os, "O_TMPFILE") and os.link in os.supports_dir_fd and os.path.isdir("/proc/self/fd")]


def _write_unnamed(path: Path, data: bytes) -> os.stat_result | None:
    """A new file made without a name in its folder (Linux's O_TMPFILE), filled, then linked in under its
    name: one entry in the folder instead of a temporary one and a rename, nothing left behind by a kill
    (the kernel frees a file that never got its name), and about a third less time for each of a round's
    60,000 new files (issue 16). None where that cannot be done (another system or file system, a file
    already at `path`): the caller then writes through a temporary file."""
    handle = _unnamed_in(path.parent) if _UNNAMED[0] else None
    if handle is None:
        return None
    try:
        written = _fill(handle, data)
        # linkat(2) with AT_SYMLINK_FOLLOW on /proc/self/fd, the documented way to name such a file.
        # Python asks linkat for it only when given a folder to start from; both paths are absolute,
        # so the kernel ignores the one given.
        os.link(f"/proc/self/fd/{handle}", path.absolute(), src_dir_fd=handle, dst_dir_fd=handle)
    except OSError:  # one there after all, a full disk, no linking through /proc: said by the other way
        return None
    finally:
        os.close(handle)
    return written


def _unnamed_in(folder: Path) -> int | None:
    """A new file without a name in `folder` (made when missing), open for writing; None where the
    file system makes none."""
    for _attempt in range(2):
        try:
            return os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o666)  # the umask makes the mode
        except FileNotFoundError:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                return None  # said by the temporary file's way, which tries the same
        except OSError as exc:
            if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                _UNNAMED[0] = False  # not on this file system (a network drive): not asked again
            return None
    return None
