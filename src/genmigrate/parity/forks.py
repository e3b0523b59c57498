"""Run a function on each of several requests, each in its own forked child, a few at a time,
with a deadline per child: a child that runs past it is killed and answered for."""

from __future__ import annotations

import gc
import json
import os
import selectors
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from genmigrate.parity.trace import redact
from genmigrate.parity.warmup import Mark

Reply = dict[str, Any]


def _child(fn: Callable[[dict[str, Any]], Reply], request: dict[str, Any], write: int) -> None:
    """In a forked child: answer, write, and leave without running the parent's exit hooks."""
    mark = Mark()
    try:
        payload = json.dumps({**fn(request), "learned": mark.learned()})
    except BaseException:
        payload = json.dumps({"error": redact(traceback.format_exc())})
    with os.fdopen(write, "w", encoding="utf-8") as out:
        out.write(payload)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def timed_out(request: dict[str, Any]) -> Reply:
    """The answer for a request whose process had to be killed: a trace that says so, when it
    asked for one (so the run goes on and the report names it), else an error."""
    if request.get("op") != "trace":
        return {"error": f"parity: the process answering {request.get('op')} ran past its deadline"}
    name = request.get("case", {}).get("class_info", {}).get("name", "?")
    return {
        "trace": {
            "class": name,
            "scenario": request.get("scenario"),
            "events": [],
            "env_read": [],
            "replies": "",
            "timed_out": {"last_request": None},
        }
    }


class _Running:
    def __init__(self, pid: int, index: int, started: float) -> None:
        self.pid, self.index, self.started = pid, index, started
        self.data: list[bytes] = []


def forked(
    fn: Callable[[dict[str, Any]], Reply], requests: list[dict[str, Any]], jobs: int, limit: float
) -> list[Reply]:
    """`fn` on each request, each in its own forked child, up to `jobs` at a time (in order, in
    this process, where fork does not exist); a child still running after `limit` s is killed."""
    if not hasattr(os, "fork"):
        return [fn(r) for r in requests]
    gc.freeze()  # the children's collections then leave the shared pages alone (far less copying)
    results: list[Reply] = [{} for _ in requests]
    running: dict[int, _Running] = {}  # read fd -> child
    queue = list(range(len(requests)))
    with selectors.DefaultSelector() as selector:
        while queue or running:
            while queue and len(running) < jobs:
                index = queue.pop(0)
                read, write = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(read)
                    _child(fn, requests[index], write)
                os.close(write)
                running[read] = _Running(pid, index, time.monotonic())
                selector.register(read, selectors.EVENT_READ)
            wait = min(r.started for r in running.values()) + limit - time.monotonic()
            for key, _ in selector.select(max(wait, 0.01)):
                child = running[key.fd]
                chunk = os.read(key.fd, 1 << 16)
                if chunk:
                    child.data.append(chunk)
                    continue
                _finish(selector, running, key.fd)
                raw = b"".join(child.data)
                results[child.index] = json.loads(raw) if raw else {"error": "scenario process died"}
            now = time.monotonic()
            for fd, child in list(running.items()):
                if now - child.started > limit:
                    os.kill(child.pid, signal.SIGKILL)
                    _finish(selector, running, fd)
                    results[child.index] = timed_out(requests[child.index])
    return results


def _finish(selector: selectors.BaseSelector, running: dict[int, _Running], fd: int) -> None:
    child = running.pop(fd)
    selector.unregister(fd)
    os.close(fd)
    os.waitpid(child.pid, 0)
