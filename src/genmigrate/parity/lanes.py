"""Lanes of the shared parity worker: forks of it that answer, in the background, the requests a
pytest run is about to send (`genmigrate.parity.service.prefetch`), one file per answer, and
signal each answer on a pipe. A request that matches one is answered from its file; each answer is
the same whenever it is computed (every scenario runs in a fork of its own).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import signal
from pathlib import Path
from typing import Any

from genmigrate.parity.worker import Dispatcher, Reply, note


def _match_key(request: dict[str, Any]) -> str:
    """What identifies an answer: the request without the client's `sys.path`."""
    return json.dumps({k: v for k, v in request.items() if k != "path"}, sort_keys=True)


def _case_key(case: Any) -> str:
    return json.dumps(case, sort_keys=True)


def _answer_file(folder: Path, key: str) -> Path:
    return folder / f"{hashlib.sha1(key.encode()).hexdigest()}.json"


class Lanes:
    """Background forks of the worker answering prefetched requests into files; each lane writes a
    byte on its pipe after each answer (and the pipe ends when it does)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.expected: dict[str, int] = {}  # case -> the lane answering its requests
        self.pipes: dict[int, int] = {}  # live lane -> the read end of its pipe
        self.served = 0

    def start(self, requests: list[dict[str, Any]], jobs: int) -> None:
        """A lane for `requests`; `jobs` 0: the cores the lanes already running leave it."""
        jobs = jobs or max(1, (os.cpu_count() or 1) // (1 + len(self.pipes)))
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            _lane(self.folder, requests, jobs, write)
        os.close(write)
        self.pipes[pid] = read
        self.expected.update({_case_key(r["case"]): pid for r in requests})

    def _wait(self, pid: int) -> bool:
        """Wait for the lane's next answer (at most a second); False once the lane is done."""
        read = self.pipes.get(pid)
        if read is None:
            return False
        ready, _, _ = select.select([read], [], [], 1.0)
        if ready and not os.read(read, 1 << 12):
            self._end(pid)
            return False
        return True

    def _end(self, pid: int) -> None:
        os.close(self.pipes.pop(pid))
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    def answer(self, request: dict[str, Any]) -> Reply | None:
        """The lane's answer to `request` (waiting for it), or None when no lane answers it."""
        pid = self.expected.get(_case_key(request.get("case")))
        if pid is None or request.get("op") not in ("names", "trace"):
            return None
        where = _answer_file(self.folder, _match_key(request))
        while not where.is_file():
            if not self._wait(pid) and not where.is_file():
                return None
        self.served += 1
        reply: Reply = json.loads(where.read_text(encoding="utf-8"))
        return reply

    def stop(self) -> None:
        for pid in list(self.pipes):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self._end(pid)


def _lane(folder: Path, cases: list[dict[str, Any]], jobs: int, done: int) -> None:
    """In a fork of the worker: answer what the generated tests of `cases` will ask, in the order
    pytest asks it (every case's scenario names while it collects, then each scenario's trace),
    each answer into its file, then leave."""
    try:
        note(event="lane", jobs=jobs)
        dispatcher = Dispatcher(jobs)
        names = {}
        for case in cases:
            reply = _answer_into(folder, dispatcher, {"op": "names", "case": case["case"]}, case["path"])
            os.write(done, b".")
            names[_case_key(case["case"])] = reply.get("names", [])
        for case in cases:
            for name in names[_case_key(case["case"])]:
                _answer_into(folder, dispatcher, {"op": "trace", "scenario": name, "case": case["case"]}, case["path"])
                os.write(done, b".")
        dispatcher.close()
    finally:
        os._exit(0)


def _answer_into(folder: Path, dispatcher: Dispatcher, request: dict[str, Any], path: list[str]) -> Reply:
    where = _answer_file(folder, _match_key(request))
    reply = dispatcher.handle({**request, "path": path})
    partial = where.with_suffix(".part")
    partial.write_text(json.dumps(reply), encoding="utf-8")
    os.replace(partial, where)
    return reply
