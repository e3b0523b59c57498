"""The first-line marker of a provider module, which lets a later run read an earlier run back.

`# genmigrate: provider-module provider=openai adapter=OpenAIGenerator wraps=OpenAIClient ...`
"""

from __future__ import annotations

from collections.abc import Mapping

from genmigrate.model import GENERATED_MARKER

PROVIDER_PREFIX = f"{GENERATED_MARKER} provider-module "


def provider_header(fields: Mapping[str, str]) -> str:
    return PROVIDER_PREFIX + " ".join(f"{key}={value}" for key, value in fields.items())


def read_provider_header(data: bytes) -> dict[str, str] | None:
    """The fields of a provider module's marker line; None when `data` is no provider module."""
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    if not first.startswith(PROVIDER_PREFIX):
        return None
    return dict(item.split("=", 1) for item in first[len(PROVIDER_PREFIX) :].split() if "=" in item)
