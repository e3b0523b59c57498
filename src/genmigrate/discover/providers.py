"""The provider catalogue, and which provider a client module talks to (with the evidence why).

Every fact about a provider that more than one stage needs lives in `CATALOGUE`: the SDK packages
that reach it, the words in module and class names that name it, the hosts of its endpoints, the
display name of its adapter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Provider:
    name: str
    display: str  # adapter class prefix: "OpenAI" -> "OpenAIGenerator"
    sdks: tuple[str, ...] = ()  # importable packages (dotted allowed) that reach this provider
    tokens: tuple[str, ...] = ()  # words in module/class names that name it
    endpoint: str = ""  # regex of its API hosts / base URLs
    paths: str = ""  # regex of URL paths only its API has (weaker evidence than a host)
    # SDK operations that answer with one whole reply, whatever keywords they are given (their
    # streaming twins have other names: Bedrock `converse` -> `converse_stream`).
    whole_replies: tuple[str, ...] = ()


# Order is precedence among SDK and endpoint evidence: more specific providers first, "openai" last
# (an OpenAI-SDK module pointed at another provider's base URL is that other provider).
CATALOGUE: tuple[Provider, ...] = (
    Provider("openrouter", "OpenRouter", (), ("openrouter",), r"openrouter\.ai"),
    Provider("azure", "AzureOpenAI", ("azure",), ("azure",),
             r"[\w.-]*\.openai\.azure\.com|[\w.-]*\.cognitiveservices\.azure\.com|models\.inference\.ai\.azure\.com"),
    Provider("bedrock", "Bedrock", ("boto3", "botocore", "aiobotocore"), ("bedrock",),
             r"bedrock-runtime[\w.-]*\.amazonaws\.com", r"/model/[^/'\"]+/(?:converse|invoke)",
             ("converse", "invoke_model")),
    Provider("dashscope", "Dashscope", ("dashscope",), ("dashscope", "qwen", "tongyi"),
             r"dashscope[\w.-]*\.aliyuncs\.com", r"/api/v1/services/(?:aigc|embeddings)/"),
    Provider("anthropic", "Anthropic", ("anthropic",), ("anthropic", "claude"), r"api\.anthropic\.com",
             r"/v1/messages\b"),
    Provider("ollama", "Ollama", ("ollama",), ("ollama",), r"localhost:11434|127\.0\.0\.1:11434",
             r"/api/(?:chat|generate|embed|embeddings|tags)\b"),
    Provider("groq", "Groq", ("groq",), ("groq",), r"api\.groq\.com"),
    Provider("mistral", "Mistral", ("mistralai",), ("mistral",), r"api\.mistral\.ai"),
    Provider("cohere", "Cohere", ("cohere",), ("cohere",), r"api\.cohere\.(?:ai|com)"),
    Provider("together", "Together", ("together",), ("together",), r"api\.together\.(?:xyz|ai)"),
    Provider("fireworks", "Fireworks", ("fireworks",), ("fireworks",), r"api\.fireworks\.ai"),
    Provider("deepseek", "DeepSeek", (), ("deepseek",), r"api\.deepseek\.com"),
    Provider("xai", "Xai", (), ("xai", "grok"), r"api\.x\.ai"),
    Provider("litellm", "LiteLLM", ("litellm",), ("litellm",), ""),
    Provider("google", "Google", ("google.generativeai", "google.genai"), ("gemini",),
             r"generativelanguage\.googleapis\.com"),
    Provider("openai", "OpenAI", ("openai",), ("openai",), r"api\.openai\.com"),
)
BY_NAME = {p.name: p for p in CATALOGUE}
WHOLE_REPLY_OPERATIONS = frozenset(op for p in CATALOGUE for op in p.whole_replies)
SDK_MODULES = frozenset(sdk for p in CATALOGUE for sdk in p.sdks)
ENDPOINTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (p.name, re.compile(p.endpoint)) for p in CATALOGUE if p.endpoint)
PATHS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((p.name, re.compile(p.paths)) for p in CATALOGUE if p.paths)
# SDK class names that say more than their package does.
NAME_HINTS = {"AzureOpenAI": "azure", "AsyncAzureOpenAI": "azure", "AzureChatOpenAI": "azure"}
_SEGMENT = re.compile(r"[A-Z]+(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]?[a-z]+|[0-9]+")


def display_name(provider: str) -> str:
    """The adapter-class prefix of a provider (or registry) name: "openai" -> "OpenAI"."""
    known = BY_NAME.get(provider)
    return known.display if known else provider.title().replace("_", "")


def sdk_provider(module: str) -> str | None:
    """The provider an imported module reaches ("openai.types" -> "openai"), or None."""
    for provider in CATALOGUE:
        if any(module == sdk or module.startswith(sdk + ".") for sdk in provider.sdks):
            return provider.name
    return None


def sdk_for_word(word: str) -> str | None:
    """The SDK package an identifier names ("OLLAMA" -> "ollama", "GOOGLE_GENAI" -> "google.genai")."""
    lowered = word.lower()
    for provider in CATALOGUE:
        for sdk in provider.sdks:
            if lowered in (sdk, sdk.replace(".", "_")):
                return sdk
        if provider.sdks and lowered == provider.name:
            return provider.sdks[0]
    return None


def named_providers(name: str) -> list[str]:
    """Providers a module stem or class name names, most specific first ("AzureOpenAI" -> azure, openai)."""
    lowered = name.lower()
    segments = {s.lower() for s in _SEGMENT.findall(name)} | set(re.split(r"[^a-z0-9]+", lowered))
    found = [p.name for p in CATALOGUE
             if any(token in segments if len(token) <= 4 else token in lowered for token in p.tokens)]
    return found


def detect_provider(
    path: str, module: str, imports: Sequence[str], text: str, class_names: Sequence[str],
    overrides: Mapping[str, str],
) -> tuple[str, list[str]]:
    """Return (provider, evidence): a config override, else the provider the module or class names
    name, else the most specific provider its SDK imports, endpoints and base URLs point at."""
    for key in (module, path):
        if key in overrides:
            return overrides[key], [f"config providers[{key!r}]"]
    found = _code_evidence(imports, text)
    for what, name in [("file name", PurePosixPath(path).stem)] + [("class", c) for c in class_names]:
        named = named_providers(name)
        if named:
            return named[0], [f"{what} {name}"] + found.get(named[0], [])
    for provider in CATALOGUE:
        if provider.name in found:
            return provider.name, found[provider.name]
    for provider, pattern in PATHS:
        match = pattern.search(text)
        if match:
            return provider, [f"path {match.group(0)}"]
    return "unknown", ["no provider evidence"]


def _code_evidence(imports: Sequence[str], text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in imports:
        provider = sdk_provider(name)
        reasons = found.setdefault(provider, []) if provider else None
        if reasons is not None and f"import {name}" not in reasons:
            reasons.append(f"import {name}")
    for provider, pattern in ENDPOINTS:
        match = pattern.search(text)
        if match:
            found.setdefault(provider, []).append(f"endpoint {match.group(0)}")
    for hint, provider in NAME_HINTS.items():
        if re.search(rf"\b{hint}\b", text):
            found.setdefault(provider, []).append(f"name {hint}")
    return found
