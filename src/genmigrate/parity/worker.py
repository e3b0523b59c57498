"""Scenarios run in a pristine process, one forked child per scenario, so a trace never depends
on what ran before it in the test process: modules other tests imported or patched, SDK state
(module-level settings read at import, default sessions, caches), environment variables others
set, or an earlier scenario of the same class.

The test process starts one worker with a controlled environment (`base_environment`) and
its own `sys.path`. The worker never runs the code under test: for each module under test it
forks a case process that imports that module under the planted environment, and each scenario
runs in a fork of the case process and exits, so no scenario sees another's effects and no
case sees SDK state another case's code left. What those processes learn that is the same
whatever ran first (library imports, botocore's parsed data) is passed up and kept for the next
forks (`genmigrate.parity.warmup`). Where fork does not exist, everything runs in the worker.
Requests and replies are JSON lines on the worker's stdin and stdout.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import traceback
from pathlib import Path
from typing import IO, Any

import genmigrate
from genmigrate.parity.cases import CaseSpec, UserScenarioError, case_scenarios, case_trace
from genmigrate.parity.deadline import CASE_ENV, SCENARIO_ENV, case_seconds, scenario_seconds
from genmigrate.parity.environment import base_environment, planted_environment, redacted_logs
from genmigrate.parity.errors import responder_for
from genmigrate.parity.forks import forked, timed_out
from genmigrate.parity.intercept import intercept
from genmigrate.parity.runner import ModuleImportError
from genmigrate.parity.trace import redact
from genmigrate.parity.warmup import Mark, forget_application, merge, replay, share_botocore_data

Reply = dict[str, Any]


class WorkerError(RuntimeError):
    """The worker process could not answer (it died or replied nonsense)."""


# --- worker side -------------------------------------------------------------------------------


def _use_root(spec: CaseSpec) -> None:
    if spec.root and (not sys.path or sys.path[0] != spec.root):
        sys.path.insert(0, spec.root)


def _scenario_limit() -> float:
    """Past the scenario's own deadline (raised inside it), the child is killed."""
    return 2 * scenario_seconds() + 10


def _forked(fn: Any, requests: list[dict[str, Any]], jobs: int) -> list[Reply]:
    return forked(fn, requests, jobs, _scenario_limit())


def _preload(spec: CaseSpec) -> None:
    """Import the module under test afresh (and with it the SDKs it needs), with the planted
    environment: every scenario of the module's classes forks from this state."""
    forget_application()
    _use_root(spec)
    try:
        with planted_environment(), redacted_logs(), intercept(responder_for("ok")):
            importlib.import_module(spec.module)
    except Exception:  # every scenario reports the same failure in its own child
        forget_application()
    share_botocore_data()


def _answer(request: dict[str, Any]) -> Reply:
    spec = CaseSpec(**request["case"])
    _use_root(spec)
    try:
        scenarios = case_scenarios(spec)
        if request["op"] == "names":
            return {"names": list(scenarios)}
        scenario = scenarios[request["scenario"]]
        if scenario.env:  # its own variables must be seen by module-level reads too
            forget_application()
        return {"trace": case_trace(spec, scenario)}
    except UserScenarioError as exc:
        return {"error": str(exc), "user": True}
    except ModuleImportError as exc:
        return {"error": redact(str(exc)), "missing": exc.missing}
    except Exception:
        return {"error": redact(traceback.format_exc())}


def _key(request: dict[str, Any]) -> str:
    return json.dumps(request, sort_keys=True)


class Server:
    """Answers one module's trace requests. A trace request also runs the case's next few
    scenarios alongside it (each is isolated, so its answer does not depend on when it runs)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.ready: dict[str, Reply] = {}
        self.learned: dict[str, Any] = {}

    def _ahead(self, request: dict[str, Any], names: list[str]) -> list[dict[str, Any]]:
        if request["scenario"] not in names:
            return []
        start = names.index(request["scenario"]) + 1
        following = [{**request, "scenario": n} for n in names[start:start + 4 * self.jobs - 1]]
        return [r for r in following if _key(r) not in self.ready]

    def handle(self, request: dict[str, Any]) -> Reply:
        names = request.pop("names", [])
        if _key(request) not in self.ready:
            batch = [request, *self._ahead(request, names)]
            for sent, reply in zip(batch, _forked(_answer, batch, self.jobs), strict=True):
                learned = reply.pop("learned", {})
                replay(learned)
                self.learned = merge(self.learned, learned)
                self.ready[_key(sent)] = reply
        reply, self.learned = {**self.ready.pop(_key(request)), "learned": self.learned}, {}
        return reply


def _serve_case(requests: IO[str], replies: IO[str], jobs: int, learned: dict[str, Any]) -> None:
    server = Server(jobs)
    server.learned = learned
    for line in requests:
        replies.write(json.dumps(server.handle(json.loads(line))) + "\n")
        replies.flush()


class _CaseProcess:
    """A fork of the worker that imported one module under test and serves its trace requests,
    so what that import (or the app code it runs) does to SDK state ends with it."""

    def __init__(self, spec: CaseSpec, jobs: int) -> None:
        self.module = spec.module
        self.key = (spec.module, spec.root)
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(down_write)
            os.close(up_read)
            mark = Mark()
            _preload(spec)
            with os.fdopen(down_read, encoding="utf-8") as requests, \
                    os.fdopen(up_write, "w", encoding="utf-8") as replies:
                _serve_case(requests, replies, jobs, mark.learned())
            os._exit(0)
        os.close(down_read)
        os.close(up_write)
        self._requests = os.fdopen(down_write, "w", encoding="utf-8")
        self._replies = os.fdopen(up_read, encoding="utf-8")

    def ask(self, request: dict[str, Any]) -> Reply:
        """Its answer; a process that does not answer within the case deadline is killed (and
        answered for: `alive` turns False and the next request gets a new process)."""
        self._requests.write(json.dumps(request) + "\n")
        self._requests.flush()
        ready, _, _ = select.select([self._replies], [], [], case_seconds())
        if not ready:
            os.kill(self.pid, signal.SIGKILL)
            self.alive = False
            return timed_out(request)
        line = self._replies.readline()
        if not line:
            self.alive = False
        return json.loads(line) if line else {"error": f"the process serving {self.module} died"}

    alive = True

    def close(self) -> None:
        self._requests.close()
        self._replies.close()
        os.waitpid(self.pid, 0)


def serve(requests: IO[str], replies: IO[str]) -> None:
    """The worker's loop. It never imports the code under test itself: each module under test gets
    its own forked process; the worker only keeps the libraries those processes learned about."""
    jobs = max(1, os.cpu_count() or 1)
    names: dict[str, list[str]] = {}  # case -> its scenario names
    case: _CaseProcess | None = None
    inline, inline_module = Server(jobs), None  # where fork does not exist
    for line in requests:
        request = json.loads(line)
        spec = CaseSpec(**request["case"])
        if request["op"] == "names":
            reply = _forked(_answer, [request], 1)[0]
            names[_key(request["case"])] = reply.get("names", [])
            replay(reply.pop("learned", {}))
        elif not hasattr(os, "fork"):
            if spec.module != inline_module:
                _preload(spec)
                inline_module = spec.module
            reply = inline.handle(request)
        else:
            if case is None or not case.alive or case.key != (spec.module, spec.root):
                if case is not None:
                    case.close()
                case = _CaseProcess(spec, jobs)
            reply = case.ask({**request, "names": names.get(_key(request["case"]), [])})
            replay(reply.pop("learned", {}))
        reply.pop("learned", None)
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def main() -> None:
    """Entry point: the first line is the `sys.path` to use, then one request per line."""
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever the code under test prints must not corrupt the replies
    sys.path[:] = json.loads(sys.stdin.readline())
    serve(sys.stdin, replies)


# --- test process side -------------------------------------------------------------------------


class Worker:
    """A lazily started worker process, shared by every parity case of the test process."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[str]:
        command = [sys.executable, "-c", "from genmigrate.parity.worker import main; main()"]
        env = {**base_environment(), "PYTHONPATH": str(Path(genmigrate.__file__).resolve().parent.parent),
               **{k: os.environ[k] for k in (SCENARIO_ENV, CASE_ENV) if k in os.environ}}
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   env=env, text=True, encoding="utf-8")
        assert process.stdin is not None
        process.stdin.write(json.dumps([p for p in sys.path if p]) + "\n")
        atexit.register(self.close)
        return process

    def ask(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            process = self._process
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except (BrokenPipeError, OSError) as exc:
                raise WorkerError(f"parity worker failed: {exc}") from None
            if not line:
                raise WorkerError(f"parity worker exited with {process.wait()}")
            reply: Reply = json.loads(line)
            return reply

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            assert process.stdin is not None
            process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


_WORKER = Worker()


def shared_worker() -> Worker:
    return _WORKER


if __name__ == "__main__":
    main()
