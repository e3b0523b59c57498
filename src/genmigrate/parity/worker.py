"""Scenarios run in a pristine process, one forked child per scenario, so a trace never depends
on what ran before it in the test process: modules other tests imported or patched, SDK state
(module-level settings read at import, default sessions, caches), environment variables others
set, or an earlier scenario of the same class.

The test process starts one worker with a controlled environment (`base_environment`) and
its own `sys.path`. For each class the worker drops every application module it holds and
imports the module under test afresh under the planted environment; each scenario then runs in
a fork of that state and exits, so no scenario sees another's effects. What a scenario's
process learns that is the same whatever ran first (library imports, botocore's parsed data) is
kept for the next forks (`genmigrate.parity.warmup`). Where fork does not exist, scenarios run
in the worker itself. Requests and replies are JSON lines on the worker's stdin and stdout.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import genmigrate
from genmigrate.parity.cases import CaseSpec, UserScenarioError, case_scenarios, case_trace
from genmigrate.parity.environment import base_environment, planted_environment, redacted_logs
from genmigrate.parity.errors import responder_for
from genmigrate.parity.intercept import intercept
from genmigrate.parity.trace import redact
from genmigrate.parity.warmup import Mark, forget_application, replay, share_botocore_data

Reply = dict[str, Any]


class WorkerError(RuntimeError):
    """The worker process could not answer (it died or replied nonsense)."""


# --- worker side -------------------------------------------------------------------------------


def _preload(spec: CaseSpec) -> None:
    """Import the module under test afresh (and with it the SDKs it needs), with the planted
    environment: every scenario of the class forks from this state."""
    forget_application()
    try:
        with planted_environment(), redacted_logs(), intercept(responder_for("ok")):
            importlib.import_module(spec.module)
    except Exception:  # every scenario reports the same failure in its own child
        forget_application()
    share_botocore_data()


def _answer(request: dict[str, Any]) -> Reply:
    spec = CaseSpec(**request["case"])
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
    except Exception:
        return {"error": redact(traceback.format_exc())}


def _forked(fn: Callable[[dict[str, Any]], Reply], request: dict[str, Any]) -> Reply:
    """`fn(request)` in a forked child (inline where fork does not exist)."""
    if not hasattr(os, "fork"):
        return fn(request)
    read, write = os.pipe()
    gc.freeze()  # the child's collections then leave the shared pages alone (far less copying)
    pid = os.fork()
    if pid == 0:  # the child: answer, write, and leave without running the parent's exit hooks
        os.close(read)
        mark = Mark()
        try:
            payload = json.dumps({**fn(request), "learned": mark.learned()})
        except BaseException:  # noqa: BLE001 - whatever happens, the parent must get an answer
            payload = json.dumps({"error": redact(traceback.format_exc())})
        with os.fdopen(write, "w", encoding="utf-8") as out:
            out.write(payload)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "r", encoding="utf-8") as source:
        data = source.read()
    _, status = os.waitpid(pid, 0)
    return json.loads(data) if data else {"error": f"scenario process died (wait status {status})"}


def serve(requests: IO[str], replies: IO[str]) -> None:
    current = None
    for line in requests:
        request = json.loads(line)
        spec = CaseSpec(**request["case"])
        if spec.module != current:
            _preload(spec)
            current = spec.module
        reply = _forked(_answer, request)
        learned = reply.pop("learned", {})
        replies.write(json.dumps(reply) + "\n")
        replies.flush()
        replay(learned)


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
        env = {**base_environment(), "PYTHONPATH": str(Path(genmigrate.__file__).resolve().parent.parent)}
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
