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
_FAILED = "<failed>"


def _file(folder: str, scenario: str) -> Path:
    return Path(folder) / (hashlib.sha256(scenario.encode()).hexdigest()[:24] + ".pickle")


class Given:
    """Recording (the original's run) or replaying (the candidate's run) one scenario's inputs."""

    def __init__(self, folder: str, scenario: str, replay: bool) -> None:
        self.path = _file(folder, scenario)
        self.replay = replay
        self.values: dict[str, list[bytes | None]] = {}
        self.frameworks: dict[str, str] = {}
        self._asked: dict[str, int] = {}
        if replay and self.path.is_file():
            with contextlib.suppress(Exception):
                data = pickle.loads(self.path.read_bytes())
                self.values, self.frameworks = data["values"], data["frameworks"]

    def add(self, method: str, value: Any, failed: bool) -> None:
        """Record what the original's `method` returned (nothing when replaying)."""
        if self.replay:
            return
        try:
            data: bytes | None = pickle.dumps(_FAILED if failed else value)
        except Exception:  # a stream, a client object: the candidate computes it itself
            data = None
        self.values.setdefault(method, []).append(data)

    def take(self, method: str, failed: Any) -> Any:
        """The original's next recorded result of `method` (`failed` for a raise), else UNKNOWN."""
        if not self.replay:
            return UNKNOWN
        index = self._asked.get(method, 0)
        self._asked[method] = index + 1
        recorded = self.values.get(method, [])
        data = recorded[index] if index < len(recorded) else None
        if data is None:
            return UNKNOWN
        try:
            value = pickle.loads(data)
        except Exception:  # a type only the original's tree defines
            return UNKNOWN
        return failed if isinstance(value, str) and value == _FAILED else value

    def framework(self, name: str, module: str | None = None) -> str | None:
        """Record (with `module`) or read the module the original's `name` comes from."""
        if module is not None and not self.replay:
            self.frameworks[name] = module
        return self.frameworks.get(name)

    def save(self) -> None:
        if not self.replay:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps({"values": self.values, "frameworks": self.frameworks}))
