"""Cheap byte-level filters run on every listed file before anything is parsed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum

# Top-level SDK packages of the providers genmigrate knows.
SDK_MODULES = frozenset(
    {"openai", "anthropic", "boto3", "botocore", "aiobotocore", "dashscope", "ollama", "azure",
     "google.generativeai", "google.genai", "groq", "mistralai", "cohere", "together", "fireworks", "litellm"}
)
HTTP_MODULES = frozenset({"requests", "aiohttp", "httpx", "httpx2", "urllib3"})

_SDK_ALT = "|".join(sorted((re.escape(m) for m in SDK_MODULES), key=len, reverse=True))
_IMPORT = re.compile(
    rb"^[ \t]*(?:import[ \t]+(?:[\w.]+[ \t]*(?:as[ \t]+\w+)?[ \t]*,[ \t]*)*|from[ \t]+)(?:" + _SDK_ALT.encode()
    + rb")\b|safe_import\(\s*['\"](?:" + _SDK_ALT.encode() + rb")",
    re.MULTILINE,
)
_NAMES = re.compile(
    rb"openrouter|AzureOpenAI|bedrock|dashscope|ollama|anthropic|openai|boto3|botocore|"
    rb"api\.openai\.com|openai\.azure\.com|aliyuncs\.com|localhost:11434",
    re.IGNORECASE,
)


class Hit(Enum):
    """Why a file became a candidate: a real-looking SDK import line, or only a provider name."""

    IMPORT = "import"
    NAME = "name"


def classify(data: bytes) -> Hit | None:
    if _IMPORT.search(data):
        return Hit.IMPORT
    if _NAMES.search(data):
        return Hit.NAME
    return None


def words_pattern(words: Iterable[str]) -> re.Pattern[bytes] | None:
    """A bytes regex matching any of `words` as whole identifiers (dots allowed inside a word)."""
    unique = sorted(set(words), key=len, reverse=True)
    if not unique:
        return None
    alternation = b"|".join(re.escape(w.encode()) for w in unique)
    return re.compile(rb"(?<![\w])(?:" + alternation + rb")(?![\w])")
