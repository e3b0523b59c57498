"""The generated-file marker, and the first-line marker of a provider module (which lets a later run
read an earlier run back).

`# genmigrate: provider-module provider=openai adapter=OpenAIGenerator wraps=OpenAIClient ...`
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping

# Every file genmigrate writes carries this marker in a comment within its first five lines, so a
# later scan treats it as generated (never as a legacy client) and re-renders it instead.
GENERATED_MARKER = "# genmigrate:"
GENERATED_HEADER = f"{GENERATED_MARKER} generated file - regenerate with genmigrate, do not edit."
PROVIDER_PREFIX = f"{GENERATED_MARKER} provider-module "


def provider_header(fields: Mapping[str, str]) -> str:
    return PROVIDER_PREFIX + " ".join(f"{key}={value}" for key, value in fields.items())


def read_provider_header(data: bytes) -> dict[str, str] | None:
    """The fields of a provider module's marker line; None when `data` is no provider module."""
    # The marker is the first line, or follows a shebang / PEP 263 coding cookie; a BOM may precede it.
    for raw in data.removeprefix(codecs.BOM_UTF8).split(b"\n", 3)[:3]:
        line = raw.decode("utf-8", "replace").strip()
        if line.startswith(PROVIDER_PREFIX):
            return dict(item.split("=", 1) for item in line[len(PROVIDER_PREFIX) :].split() if "=" in item)
        if not line.startswith("#"):
            return None
    return None


def is_generated(data: bytes) -> bool:
    """The generated-output marker appears within the first five lines."""
    head = data.split(b"\n", 5)[:5]
    marker = GENERATED_MARKER.encode()
    return any(marker in line for line in head)
