"""Import cost: which provider SDKs importing a module loads, measured in a fresh interpreter
(the parity worker keeps libraries loaded, so it cannot tell a lazy import from an eager one).

The probe costs a fresh interpreter importing the module's SDKs (about a second). A case process
starts it with `prestart` before its scenarios fork, so it runs alongside them; the scenario that
asks `import_cost` with the same module, `sys.path` and environment then reads that answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import IO

from genmigrate.discover.providers import SDK_MODULES

# Run in the fresh interpreter: no connection may leave it while the module's top level runs.
_PROBE = """
import json, socket, sys
def _refuse(*args, **kwargs):
    raise OSError("parity: no network while importing")
socket.socket.connect = socket.create_connection = _refuse
sdks = set(json.loads(sys.argv[2]))
before = set(sys.modules)
try:
    __import__(sys.argv[1])
    failed = None
except BaseException as exc:
    failed = type(exc).__name__
loaded = sorted(name for name in set(sys.modules.copy()) - before if name in sdks)
print(json.dumps({"sdks": loaded, "failed": failed}))
"""


class _Started:
    """A probe running in the background: its output goes to a file, and `done` reads EOF once it
    has exited (every fork of this process sees that EOF, as pipes do)."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.output: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (read by the forks)
        self.done, write = os.pipe()
        self.process = subprocess.Popen(
            command, stdout=self.output, stderr=subprocess.DEVNULL, env=env, pass_fds=(write,)
        )
        os.close(write)

    def answer(self) -> str:
        while os.read(self.done, 1):
            pass
        return os.pread(self.output.fileno(), 1 << 20, 0).decode("utf-8", "replace")


_STARTED: dict[str, _Started] = {}


def _command(module: str, environ: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    path = os.pathsep.join(p for p in sys.path if p)
    env = {**environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
    return [sys.executable, "-c", _PROBE, module, json.dumps(sorted(SDK_MODULES))], env


def _key(command: list[str], env: dict[str, str]) -> str:
    return json.dumps([command, sorted(env.items())])


def prestart(module: str, environ: dict[str, str]) -> None:
    """Start the probe of `module` now, with `sys.path` as here and `environ` as the environment."""
    command, env = _command(module, environ)
    key = _key(command, env)
    if key not in _STARTED:  # one probe per module, path and environment
        _STARTED[key] = _Started(command, env)


def end_prestarted() -> None:
    """Kill and reap the probes this process started (a case process calls it before it exits)."""
    for started in _STARTED.values():
        if started.process.poll() is None:
            started.process.kill()
        started.process.wait()
    _STARTED.clear()


def import_cost(module: str, environ: dict[str, str]) -> dict[str, object]:
    """{"sdks": SDK modules the import loads, "failed": the exception type if it raised}, with
    `sys.path` as here and `environ` as the environment. No timeout here: waiting with one polls
    `time.sleep`, which a scenario records; the worker kills a child that runs past its deadline."""
    command, env = _command(module, environ)
    started = _STARTED.get(_key(command, env))
    if started is not None:
        output = started.answer()
    else:
        output = subprocess.run(command, capture_output=True, text=True, env=env, check=False).stdout
    try:
        found: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"sdks": [], "failed": "no answer"}
    return found
