"""One apply at a time per repository: `ROOT/.genmigrate.lock`, holding the holder's pid.

The lock itself is the kernel's (`flock` on the file), so a holder that dies, even by kill -9,
releases it at once; the pid written inside only names the holder. A file left behind by a dead
holder is taken over (and reported). The file is removed when the holder is done.

(`filelock` opens its lock file with O_TRUNC before trying to lock it, which would wipe the pid a
refused second apply must report, and leaves the file behind: hence `fcntl` here.)
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from genmigrate.errors import GenmigrateError
from genmigrate.model import SourceError

LOCK = ".genmigrate.lock"


class LockHeld(GenmigrateError):
    """Another live process holds the lock."""

    def __init__(self, path: Path, pid: int | None) -> None:
        holder = f"pid {pid}" if pid else "pid unknown"
        super().__init__([SourceError(LOCK, 1, f"another genmigrate apply ({holder}) holds {path}")])
        self.pid = pid


@contextmanager
def apply_lock(root: Path) -> Iterator[int | None]:
    """Hold the lock of the repository at `root`; yields the pid of a dead holder whose lock was
    taken over, else None. Raises LockHeld when a live process holds it."""
    path = root / LOCK
    fd, stale = _acquire(path)
    try:
        yield stale
    finally:
        try:
            if _same_file(fd, path):
                path.unlink()
        finally:
            os.close(fd)


def _acquire(path: Path) -> tuple[int, int | None]:
    for _ in range(8):  # the file can be removed between our open and our lock: then open again
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise LockHeld(path, holder) from None
        if not _same_file(fd, path):
            os.close(fd)
            continue
        stale = _read_pid(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        os.fsync(fd)
        return fd, stale
    raise LockHeld(path, None)


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)
