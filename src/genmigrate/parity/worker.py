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
Requests and replies are JSON lines on the worker's stdin and stdout; the worker genmigrate starts
once per run serves them on a Unix socket instead (`genmigrate.parity.service`).
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
from typing import IO, Any, Protocol

import genmigrate
from genmigrate.parity.cases import CaseSpec, UserScenarioError, case_scenarios, case_trace
from genmigrate.parity.deadline import CASE_ENV, SCENARIO_ENV, case_seconds, scenario_seconds
from genmigrate.parity.environment import base_environment, planted_environment, redacted_logs
from genmigrate.parity.errors import responder_for
from genmigrate.parity.forks import forked, timed_out
from genmigrate.parity.imports import end_prestarted, prestart
from genmigrate.parity.intercept import intercept
from genmigrate.parity.runner import ModuleImportError
from genmigrate.parity.trace import redact
from genmigrate.parity.warmup import Mark, forget_application, merge, replay, share_botocore_data

Reply = dict[str, Any]
STARTS_ENV = "GENMIGRATE_PARITY_STARTS"  # a file each worker notes its start in (see `note`)


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


def _preload(spec: CaseSpec, probe: bool = False) -> None:
    """Import the module under test afresh (and with it the SDKs it needs), with the planted
    environment: every scenario of the module's classes forks from this state. With `probe`, the
    module's import-cost probe starts first, to run alongside the import and the scenarios."""
    forget_application()
    _use_root(spec)
    try:
        with planted_environment(), redacted_logs(), intercept(responder_for("ok")):
            if probe:
                prestart(spec.module, dict(os.environ))
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

    def __init__(self, spec: CaseSpec, jobs: int, path: list[str] | None = None, key: str = "") -> None:
        self.module = spec.module
        self.key = key
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(down_write)
            os.close(up_read)
            use_path(path)
            mark = Mark()
            _preload(spec, probe=True)
            with os.fdopen(down_read, encoding="utf-8") as requests, \
                    os.fdopen(up_write, "w", encoding="utf-8") as replies:
                _serve_case(requests, replies, jobs, mark.learned())
            end_prestarted()
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


class Dispatcher:
    """The worker's answers. It never imports the code under test itself: each module under test
    gets its own forked process; the worker only keeps the libraries those processes learned about.
    A request may carry the `sys.path` its case runs with (`path`: from a client of a shared worker)."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or max(1, os.cpu_count() or 1)
        self.names: dict[str, list[str]] = {}  # case -> its scenario names
        self.case: _CaseProcess | None = None
        self.inline, self.inline_key = Server(self.jobs), ""  # where fork does not exist

    def handle(self, request: dict[str, Any]) -> Reply:
        path = request.pop("path", None)
        spec = CaseSpec(**request["case"])
        key = json.dumps([spec.module, spec.root, path])
        if request["op"] == "names":
            reply = _forked(_on_path(path), [request], 1)[0]
            self.names[_key(request["case"])] = reply.get("names", [])
            replay(reply.pop("learned", {}))
        elif not hasattr(os, "fork"):
            if key != self.inline_key:
                use_path(path)
                _preload(spec)
                self.inline_key = key
            reply = self.inline.handle(request)
        else:
            if self.case is None or not self.case.alive or self.case.key != key:
                if self.case is not None:
                    self.case.close()
                self.case = _CaseProcess(spec, self.jobs, path, key)
            reply = self.case.ask({**request, "names": self.names.get(_key(request["case"]), [])})
            replay(reply.pop("learned", {}))
        reply.pop("learned", None)
        return reply

    def close(self) -> None:
        if self.case is not None and self.case.alive:
            self.case.close()


def use_path(path: list[str] | None) -> None:
    """Put the client's `sys.path` first (in a process that runs its case)."""
    if path is not None:
        sys.path[:] = list(dict.fromkeys([*path, *sys.path]))
        importlib.invalidate_caches()


def _on_path(path: list[str] | None) -> Any:
    def answer(request: dict[str, Any]) -> Reply:
        use_path(path)
        return _answer(request)

    return answer


def serve(requests: IO[str], replies: IO[str]) -> None:
    """The worker's loop over requests read from `requests`, one JSON line each."""
    dispatcher = Dispatcher()
    for line in requests:
        replies.write(json.dumps(dispatcher.handle(json.loads(line))) + "\n")
        replies.flush()


def note(**fields: Any) -> None:
    """One JSON line in the file `GENMIGRATE_PARITY_STARTS` names, if set: each worker notes its
    start (and a shared one, its end and how many clients it served)."""
    where = os.environ.get(STARTS_ENV)
    if where:
        with open(where, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"pid": os.getpid(), **fields}) + "\n")


def main() -> None:
    """Entry point: the first line is the `sys.path` to use, then one request per line."""
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever the code under test prints must not corrupt the replies
    sys.path[:] = json.loads(sys.stdin.readline())
    note(event="start", shared=False)
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
               **{k: os.environ[k] for k in (SCENARIO_ENV, CASE_ENV, STARTS_ENV) if k in os.environ}}
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


class Asks(Protocol):
    def ask(self, request: dict[str, Any]) -> Reply: ...


def shared_worker() -> Asks:
    """The run's shared worker when `GENMIGRATE_PARITY_WORKER` names its socket (genmigrate
    started it: `genmigrate.parity.service`), else this process's own, started on first use."""
    from genmigrate.parity.service import WORKER_ENV, client

    return client(os.environ[WORKER_ENV]) if os.environ.get(WORKER_ENV) else _WORKER


if __name__ == "__main__":
    main()
