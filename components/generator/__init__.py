# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Unified generator layer for api.components.generator.

Importing this package loads no provider SDK and none of its own modules: the names
below are imported on first access, and providers on first use. Registered providers:
anthropic, azure, bedrock, dashscope, ollama, openai, openrouter.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import (
        BaseGenerator,
        Capabilities,
        EmbeddingResult,
        GenerationRequest,
        GenerationResult,
        GeneratorError,
        ImagePart,
        Message,
        StreamChunk,
        TextPart,
        UnsupportedOperation,
        Usage,
    )
    from .generator_manager import GeneratorManager

__all__ = [
    "BaseGenerator",
    "Capabilities",
    "EmbeddingResult",
    "GenerationRequest",
    "GenerationResult",
    "GeneratorError",
    "GeneratorManager",
    "ImagePart",
    "Message",
    "StreamChunk",
    "TextPart",
    "UnsupportedOperation",
    "Usage",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "generator_manager" if name == "GeneratorManager" else "base"
    return getattr(import_module(f".{module}", __name__), name)
