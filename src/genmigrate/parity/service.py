"""One warm parity worker per run, shared by genmigrate and the pytest runs it starts.

`run_worker()` (the engine and `genmigrate parity` enter it once per run) starts the worker
(`genmigrate.parity.worker`'s `Dispatcher`, served here on a Unix-domain socket in a private
temporary folder) and names the socket in `GENMIGRATE_PARITY_WORKER` for the pytest subprocesses
it starts: their `shared_worker()` connects to it instead of starting one of its own, so the
libraries the cases learn are imported once per run. Requests are answered one at a time, whole,
whichever client sent them, so concurrent clients never interleave.

`prefetch()` hands the worker the requests a pytest run is about to send (a side of the parity
check, say the migrated tree's while the original's baseline is recorded): a fork of the worker (a
lane, `genmigrate.parity.lanes`) answers them in the background, and a request that matches one
is answered from there. Each answer is the same whenever it is computed (every scenario runs in
its own fork), so this only uses the second core. Nothing outlives the run: when `run_worker()`
ends, the worker stops, its whole process group is killed and the folder is removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import genmigrate
from genmigrate.children import kill_group, spawn
from genmigrate.libraries import installed_outside
from genmigrate.parity.deadline import CASE_ENV, SCENARIO_ENV
from genmigrate.parity.environment import base_environment
from genmigrate.parity.lanes import Lanes
from genmigrate.parity.offline import tiktoken_cache_dir
from genmigrate.parity.warmup import replay
from genmigrate.parity.worker import STARTS_ENV, Dispatcher, Reply, WorkerError, note

WORKER_ENV = "GENMIGRATE_PARITY_WORKER"  # the socket of the run's shared worker
_SOCKET = "worker.sock"
_LOCAL = threading.local()  # the worker of the run this thread is in


# --- worker side -------------------------------------------------------------------------------


class _Service:
    def __init__(self, folder: Path) -> None:
        self.dispatcher = Dispatcher()
        self.lanes = Lanes(folder / "answers")
        self.lanes.folder.mkdir()
        self.clients = 0
        self.requests = 0

    def reply(self, request: dict[str, Any]) -> Reply:
        if request.get("op") == "prefetch":
            self.lanes.start(request["requests"], int(request.get("jobs") or 0))
            return {"ok": True}
        if request.get("op") == "stats":
            return {
                "pid": os.getpid(),
                "clients": self.clients,
                "requests": self.requests,
                "prefetched": self.lanes.served,
            }
        self.requests += 1
        found = self.lanes.answer(request)
        return found if found is not None else self.dispatcher.handle(request)


def _serve_socket(listener: socket.socket, folder: Path) -> None:
    """Accept clients and answer their requests (JSON lines), one request at a time, until
    genmigrate closes the worker's stdin."""
    service = _Service(folder)
    buffers: dict[socket.socket, bytes] = {}
    with selectors.DefaultSelector() as selector:
        selector.register(listener, selectors.EVENT_READ)
        selector.register(sys.stdin, selectors.EVENT_READ)
        while True:
            for key, _ in selector.select():
                if key.fileobj is sys.stdin:
                    if not os.read(sys.stdin.fileno(), 1 << 12):
                        note(
                            event="end",
                            shared=True,
                            clients=service.clients,
                            requests=service.requests,
                            prefetched=service.lanes.served,
                        )
                        service.lanes.stop()
                        service.dispatcher.close()
                        return
                elif key.fileobj is listener:
                    connection, _ = listener.accept()
                    service.clients += 1
                    buffers[connection] = b""
                    selector.register(connection, selectors.EVENT_READ)
                else:
                    _read(selector, buffers, key.fileobj, service)  # type: ignore[arg-type]


def _read(
    selector: selectors.BaseSelector, buffers: dict[socket.socket, bytes], connection: socket.socket, service: _Service
) -> None:
    chunk = connection.recv(1 << 16)
    if not chunk:
        selector.unregister(connection)
        del buffers[connection]
        connection.close()
        return
    buffers[connection] += chunk
    while b"\n" in buffers[connection]:
        line, buffers[connection] = buffers[connection].split(b"\n", 1)
        try:
            reply = service.reply(json.loads(line))
        except Exception as exc:  # a request the worker cannot take: that client gets the error
            reply = {"error": f"parity worker: {type(exc).__name__}: {exc}"}
        connection.sendall(json.dumps(reply).encode() + b"\n")


def _preload_libraries(libraries: list[str], repo: str) -> None:
    """Import the installed libraries the client modules import (the SDKs), under the planted
    environment, before any case forks: every case and lane then starts with them."""
    replay({"modules": installed_outside(libraries, repo)})


def main() -> None:
    """Entry point of the shared worker: `argv[1]` is the folder its socket goes in, `argv[2]` the
    JSON of the libraries to import first and the repo they must not come from."""
    folder = Path(sys.argv[1])
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # what the code under test prints goes nowhere
    note(event="start", shared=True)
    first = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(folder / _SOCKET))
        listener.listen(16)
        _preload_libraries(first.get("libraries", []), first.get("repo", ""))
        _serve_socket(listener, folder)


# --- client side -------------------------------------------------------------------------------


class SocketWorker:
    """A client of the run's shared worker (one connection per process, requests one at a time)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._socket: socket.socket | None = None
        self._buffer = b""
        self._lock = threading.Lock()

    def _connect(self) -> socket.socket:
        deadline = time.monotonic() + 60  # the worker may still be binding its socket
        while True:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                connection.connect(self.address)
                return connection
            except (FileNotFoundError, ConnectionRefusedError):
                connection.close()
                if time.monotonic() > deadline:
                    raise WorkerError(f"parity worker: nothing listens at {self.address}") from None
                time.sleep(0.02)

    def ask(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            if self._socket is None:
                self._socket = self._connect()
            payload = {"path": [p for p in sys.path if p], **request} if "case" in request else request
            try:
                self._socket.sendall(json.dumps(payload).encode() + b"\n")
                while b"\n" not in self._buffer:
                    chunk = self._socket.recv(1 << 16)
                    if not chunk:
                        raise WorkerError("the shared parity worker closed the connection")
                    self._buffer += chunk
            except OSError as exc:
                raise WorkerError(f"parity worker failed: {exc}") from None
            line, self._buffer = self._buffer.split(b"\n", 1)
            reply: Reply = json.loads(line)
            return reply

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


_CLIENTS: dict[str, SocketWorker] = {}


def client(address: str) -> SocketWorker:
    return _CLIENTS.setdefault(address, SocketWorker(address))


def active() -> SocketWorker | None:
    """The worker of the run this thread is in (`run_worker`), if any."""
    found: SocketWorker | None = getattr(_LOCAL, "worker", None)
    return found


def prefetch(requests: Sequence[dict[str, Any]], jobs: int = 0) -> None:
    """Have the run's worker answer `requests` in the background (see the module docstring)."""
    worker = active()
    if worker is not None and requests:
        worker.ask({"op": "prefetch", "requests": list(requests), "jobs": jobs})


@contextlib.contextmanager
def run_worker(
    environment: dict[str, str] | None = None, libraries: Sequence[str] = (), repo: Path | None = None
) -> Iterator[SocketWorker]:
    """The run's shared worker, for the time of the block (re-entered: the one already running).
    `environment`: extra variables for it (bytecode settings: `genmigrate.parity.caches`);
    `libraries`: installed ones to import before any case runs, unless found inside `repo`."""
    running = active()
    if running is not None:
        yield running
        return
    with tempfile.TemporaryDirectory(prefix="genmigrate-worker-", dir=_socket_parent()) as tmp:
        folder = Path(tmp)
        home = folder / "cwd"  # what the code under test writes relative to its cwd lands here
        home.mkdir()
        tiktoken = tiktoken_cache_dir()  # `import adalflow` needs it offline
        env = {
            **base_environment(),
            "PYTHONPATH": str(Path(genmigrate.__file__).resolve().parent.parent),
            "PYTHONDONTWRITEBYTECODE": "1",
            **({"TIKTOKEN_CACHE_DIR": tiktoken} if tiktoken else {}),
            **(environment or {}),
            **{k: os.environ[k] for k in (SCENARIO_ENV, CASE_ENV, STARTS_ENV) if k in os.environ},
        }
        if "PYTHONPYCACHEPREFIX" in env:
            env.pop("PYTHONDONTWRITEBYTECODE")
        first = json.dumps({"libraries": sorted(set(libraries)), "repo": str(repo or "")})
        process = spawn(
            [sys.executable, "-c", "from genmigrate.parity.service import main; main()", tmp, first],
            cwd=home,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        worker = SocketWorker(str(folder / _SOCKET))
        _LOCAL.worker = worker
        try:
            yield worker
        finally:
            _LOCAL.worker = None
            worker.close()
            _stop(process)


def _socket_parent() -> str | None:
    """Where the private folder goes: the temp dir, unless the socket's path would be too long there."""
    return None if len(os.path.join(tempfile.gettempdir(), "genmigrate-worker-abcdefgh", _SOCKET)) < 100 else "/tmp"


def _stop(process: subprocess.Popen[Any]) -> None:
    """Close the worker's stdin (it notes its end and stops its lanes), then end its whole group."""
    with contextlib.suppress(OSError):
        assert process.stdin is not None
        process.stdin.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    kill_group(process)


def environment_for_pytest() -> dict[str, str]:
    """The variable that points a pytest run's generated tests at the run's worker."""
    worker = active()
    return {WORKER_ENV: worker.address} if worker is not None else {}
