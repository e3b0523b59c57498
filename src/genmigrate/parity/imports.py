"""Import cost: which provider SDKs importing a module loads, measured in a fresh interpreter
(the parity worker keeps libraries loaded, so it cannot tell a lazy import from an eager one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


def import_cost(module: str, environ: dict[str, str]) -> dict[str, object]:
    """{"sdks": SDK modules the import loads, "failed": the exception type if it raised}, with
    `sys.path` as here and `environ` as the environment. No timeout here: waiting with one polls
    `time.sleep`, which a scenario records; the worker kills a child that runs past its deadline."""
    path = os.pathsep.join(p for p in sys.path if p)
    env = {**environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", _PROBE, module, json.dumps(sorted(SDK_MODULES))]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"sdks": [], "failed": "no answer"}
    return found
