"""The original's inputs, carried from its run to the candidate's (`parity --base`).

When the two sides cannot share a process (the original lives at another git revision under the
same module name), the original's run records what its methods returned (the api_kwargs its
`convert_inputs_to_api_kwargs` produced, what its `call` returned, its `to_dict`) and the module
each framework object it was handed comes from; the candidate's run is then given those values
wherever a scenario asks for the original's, so a broken step of the candidate does not hide
what its later steps do. One file per scenario, written by the scenario's own process.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path
from typing import Any

UNKNOWN = object()  # nothing recorded, or a value that does not travel: compute it here
_FAILED = b""  # what a step that raised is recorded as (no pickle is empty)


def _file(folder: str, scenario: str) -> Path:
    return Path(folder) / (hashlib.sha256(scenario.encode()).hexdigest()[:24] + ".pickle")


def _dump(value: Any, failed: bool) -> bytes | None:
    try:
        return _FAILED if failed else pickle.dumps(value)
    except Exception:  # a stream, a client object: the candidate computes it itself
        return None


class Given:
    """Recording (the original's run) or replaying (the candidate's run) one scenario's inputs.

    Two records per method: what the original's own steps returned (`own`) and what a scenario
    asking for the original's result got (`reference`, e.g. the call retried when its own call
    failed). The candidate asking for the original's n-th result gets the n-th `reference` record,
    else the n-th `own` one."""

    def __init__(self, folder: str, scenario: str, replay: bool) -> None:
        self.path = _file(folder, scenario)
        self.replay = replay
        self.own: dict[str, list[bytes | None]] = {}
        self.reference: dict[str, list[bytes | None]] = {}
        self.frameworks: dict[str, str] = {}
        self._asked: dict[str, int] = {}
        if replay and self.path.is_file():
            with contextlib.suppress(Exception):
                data = pickle.loads(self.path.read_bytes())
                self.own, self.reference, self.frameworks = data["own"], data["reference"], data["frameworks"]

    def add(self, method: str, value: Any, failed: bool, reference: bool = False) -> None:
        """Record what the original's `method` returned (nothing when replaying)."""
        if not self.replay:
            (self.reference if reference else self.own).setdefault(method, []).append(_dump(value, failed))

    def take(self, method: str, failed: Any) -> Any:
        """The original's next recorded result of `method` (`failed` for a raise), else UNKNOWN."""
        if not self.replay:
            return UNKNOWN
        index = self._asked.get(method, 0)
        self._asked[method] = index + 1
        for records in (self.reference.get(method, []), self.own.get(method, [])):
            if index < len(records):
                data = records[index]
                break
        else:
            return UNKNOWN
        if data is None:
            return UNKNOWN
        if data == _FAILED:
            return failed
        try:
            return pickle.loads(data)  # written by this run's own original side
        except Exception:  # a type only the original's tree defines
            return UNKNOWN

    def framework(self, name: str, module: str | None = None) -> str | None:
        """Record (with `module`) or read the module the original's `name` comes from."""
        if module is not None and not self.replay:
            self.frameworks[name] = module
        return self.frameworks.get(name)

    def save(self) -> None:
        if not self.replay:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = {"own": self.own, "reference": self.reference, "frameworks": self.frameworks}
            self.path.write_bytes(pickle.dumps(data))
