"""The generated-file marker, and the first-line marker of a provider module (which lets a later run
read an earlier run back).

`# genmigrate: provider-module provider=openai adapter=OpenAIGenerator wraps=OpenAIClient ...`
"""

from __future__ import annotations

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
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    if not first.startswith(PROVIDER_PREFIX):
        return None
    return dict(item.split("=", 1) for item in first[len(PROVIDER_PREFIX) :].split() if "=" in item)


def is_generated(data: bytes) -> bool:
    """The generated-output marker appears within the first five lines."""
    head = data.split(b"\n", 5)[:5]
    marker = GENERATED_MARKER.encode()
    return any(marker in line for line in head)
