"""Which of the libraries a repo's client modules import may be imported ahead of its code.

The import check's interpreter and the run's parity worker both load the provider SDKs (most of
their cost) before any repo folder is on `sys.path`. Only installed libraries qualify: a name
found inside the repo (the user's own code, installed editable) is left for the children that
import from scratch copies.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable


def installed_outside(libraries: Iterable[str], repo: str) -> list[str]:
    """The `libraries` found, and found outside `repo` (a folder; "" for none). Only the top-level
    name is looked up: finding `pkg.sub` would import `pkg`, maybe the user's own code."""
    inside = os.path.realpath(repo) + os.sep if repo else None
    found = []
    for name in libraries:
        try:
            spec = importlib.util.find_spec(name.partition(".")[0])
        except Exception:  # a broken package: importing it again in the check reports it
            continue
        origin = spec.origin if spec is not None else None
        if origin and not (inside and os.path.realpath(origin).startswith(inside)):
            found.append(name)
    return found
