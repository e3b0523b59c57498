"""Decide which provider a client module talks to, and say why."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

ENDPOINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("openrouter", re.compile(r"openrouter\.ai")),
    ("azure", re.compile(r"[\w.-]*\.openai\.azure\.com|[\w.-]*\.cognitiveservices\.azure\.com|models\.inference\.ai\.azure\.com")),
    ("dashscope", re.compile(r"dashscope[\w.-]*\.aliyuncs\.com")),
    ("anthropic", re.compile(r"api\.anthropic\.com")),
    ("ollama", re.compile(r"localhost:11434|127\.0\.0\.1:11434")),
    ("bedrock", re.compile(r"bedrock-runtime[\w.-]*\.amazonaws\.com")),
    ("openai", re.compile(r"api\.openai\.com")),
)
# SDK top-level package -> provider; a more specific provider found any other way wins over "openai".
SDK_PROVIDERS = {
    "anthropic": "anthropic", "boto3": "bedrock", "botocore": "bedrock", "aiobotocore": "bedrock",
    "dashscope": "dashscope", "ollama": "ollama", "azure": "azure", "openai": "openai",
    "groq": "groq", "mistralai": "mistral", "cohere": "cohere", "together": "together",
    "fireworks": "fireworks", "litellm": "litellm", "google": "google",
}
# Order of precedence: first match wins.
PRECEDENCE = ("openrouter", "azure", "bedrock", "dashscope", "anthropic", "ollama", "groq", "mistral",
              "cohere", "together", "fireworks", "litellm", "google", "openai")
NAME_HINTS = {"AzureOpenAI": "azure", "AsyncAzureOpenAI": "azure", "AzureChatOpenAI": "azure"}


def detect_provider(
    path: str, module: str, imports: Sequence[str], text: str, class_names: Sequence[str],
    overrides: Mapping[str, str],
) -> tuple[str, list[str]]:
    """Return (provider, evidence) for one client module."""
    for key in (module, path):
        if key in overrides:
            return overrides[key], [f"config providers[{key!r}]"]
    found: dict[str, list[str]] = {}
    for name in imports:
        top = name.split(".")[0]
        reasons = found.setdefault(SDK_PROVIDERS[top], []) if top in SDK_PROVIDERS else None
        if reasons is not None and f"import {name}" not in reasons:
            reasons.append(f"import {name}")
    for provider, pattern in ENDPOINTS:
        match = pattern.search(text)
        if match:
            found.setdefault(provider, []).append(f"endpoint {match.group(0)}")
    for hint, provider in NAME_HINTS.items():
        if re.search(rf"\b{hint}\b", text):
            found.setdefault(provider, []).append(f"name {hint}")
    _name_evidence(PurePosixPath(path).stem, class_names, found)
    for provider in PRECEDENCE:
        if provider in found:
            return provider, found[provider]
    return "unknown", ["no provider evidence"]


def _name_evidence(stem: str, class_names: Sequence[str], found: dict[str, list[str]]) -> None:
    named = [("file name", stem)] + [("class", name) for name in class_names]
    tokens = {"openrouter": "openrouter", "azure": "azure", "bedrock": "bedrock", "dashscope": "dashscope",
              "qwen": "dashscope", "anthropic": "anthropic", "claude": "anthropic", "ollama": "ollama"}
    for what, name in named:
        for token, provider in tokens.items():
            if token in name.lower():
                found.setdefault(provider, []).append(f"{what} {name}")
