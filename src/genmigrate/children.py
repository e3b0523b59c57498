"""Child processes that die with genmigrate, and signals that leave nothing behind.

Every child (import probes, the parity pytest runs and what they start) gets a session of its own,
so its whole process group can be killed at once, and asks the kernel to kill it if genmigrate dies
(PR_SET_PDEATHSIG, Linux). Inside `terminating_cleanly`, SIGTERM/SIGINT/SIGHUP kill every live
child group and unwind the stack as an exit, so scratch copies are removed on the way out.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_GROUPS: set[int] = set()
_RECEIVED: list[int] = []  # the terminating signal received, if any


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def spawn(command: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """`subprocess.Popen` in a new session that dies with genmigrate; `kill_group` ends it."""
    if _RECEIVED:
        raise SystemExit(128 + _RECEIVED[0])  # terminating: start nothing new
    process: subprocess.Popen[Any] = subprocess.Popen(
        command, start_new_session=True, preexec_fn=_die_with_parent, **kwargs
    )
    _GROUPS.add(process.pid)
    if _RECEIVED:  # the signal came during the fork: its exit was swallowed by an at-fork hook
        kill_group(process)
        raise SystemExit(128 + _RECEIVED[0])
    return process


def kill_group(process: subprocess.Popen[Any]) -> None:
    """Kill the child and everything it started (its process group), then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.communicate(timeout=10)
    _GROUPS.discard(process.pid)


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(..., capture_output=True, text=True)` through `spawn`: when the child ends (or
    a signal or an error stops the wait) its whole group ends too. Output goes through files, so
    a grandchild still holding the child's stdout cannot keep the wait going."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = spawn(command, stdout=out, stderr=err, **kwargs)
        try:
            process.wait()
        finally:
            kill_group(process)
        out.seek(0)
        err.seek(0)
        stdout, stderr = (f.read().decode("utf-8", "replace") for f in (out, err))
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _end_children() -> None:
    for group in list(_GROUPS):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


def _exit_on(signum: int, _frame: FrameType | None) -> None:
    _RECEIVED.append(signum)
    _end_children()
    # Raised wherever the main thread is; where that swallows it (a fork hook, a `finally` that
    # ignores errors), leaving `terminating_cleanly` raises it again.
    raise SystemExit(128 + signum)


def _install(handler: Any) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may handle signals; a caller's thread keeps the defaults
    return {s: signal.signal(s, handler) for s in _SIGNALS}


def _quiet_exit(info: Any) -> None:
    """Our exit, swallowed where it was raised (it is raised again): no "Exception ignored" noise."""
    if not isinstance(info.exc_value, SystemExit):
        sys.__unraisablehook__(info)


@contextlib.contextmanager
def terminating_cleanly() -> Iterator[None]:
    """Within: a terminating signal kills the children and exits through every `finally`."""
    previous, unraisable = _install(_exit_on), sys.unraisablehook
    sys.unraisablehook = _quiet_exit
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sys.unraisablehook = unraisable
        if _RECEIVED:
            raise SystemExit(128 + _RECEIVED[0])


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Within (the commit phase): a terminating signal waits until the block is done, then exits."""
    received: list[int] = []
    previous = _install(lambda signum, _f: received.append(signum))
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if received:
        _exit_on(received[0], None)
