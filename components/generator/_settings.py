# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Client settings with explicit precedence and masked secrets.

explicit arguments > config file > environment (`GENERATOR_<PROVIDER>_<OPTION>`) >
keyring (`keyring.get_password("generator", "<provider>.api_key")`: only with the
manager's `use_keyring=True` setting and when keyring is installed).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
from collections.abc import Mapping
from typing import Any

_SECRET = re.compile(r"key|token|secret|password|credential", re.IGNORECASE)
KEYRING_SERVICE = "generator"


def is_secret(name: str) -> bool:
    return bool(_SECRET.search(name))


def mask(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A copy safe for logs and reprs: secret values reduced to their last 4
    characters."""
    return {k: (_mask_value(v) if is_secret(k) else v) for k, v in settings.items()}


def _mask_value(value: Any) -> str:
    text = str(value)
    return "****" + text[-4:] if len(text) > 8 else "****"


def load_config_file(path: str | os.PathLike[str] | None) -> dict[str, dict[str, Any]]:
    """`{"providers": {"openai": {...}}}` from a .json or .toml file; {} when path is
    None."""
    if path is None:
        return {}
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if os.fspath(path).endswith(".toml"):
        # tomllib is in the standard library from Python 3.11, tomli is it before
        toml = "tomllib" if importlib.util.find_spec("tomllib") is not None else "tomli"
        data = importlib.import_module(toml).loads(text)
    else:
        data = json.loads(text)
    providers = data.get("providers", {})
    if not isinstance(providers, dict):
        raise ValueError(f"{path}: 'providers' must be a table of provider settings")
    return providers


def from_environment(provider: str, environ: Mapping[str, str]) -> dict[str, Any]:
    prefix = f"GENERATOR_{provider.upper()}_"
    return {
        k[len(prefix) :].lower(): v for k, v in environ.items() if k.startswith(prefix)
    }


def from_keyring(provider: str) -> dict[str, Any]:
    if importlib.util.find_spec("keyring") is None:
        return {}
    keyring = importlib.import_module("keyring")
    secret = keyring.get_password(KEYRING_SERVICE, f"{provider}.api_key")
    return {"api_key": secret} if secret else {}


def resolve(
    provider: str,
    explicit: Mapping[str, Any],
    file_settings: Mapping[str, Mapping[str, Any]],
    environ: Mapping[str, str],
    use_keyring: bool,
) -> dict[str, Any]:
    """Merge the four sources; keyring is only asked when no other source gave an
    api_key."""
    merged = {
        **from_environment(provider, environ),
        **file_settings.get(provider, {}),
        **explicit,
    }
    if use_keyring and "api_key" not in merged:
        merged = {**from_keyring(provider), **merged}
    return merged
