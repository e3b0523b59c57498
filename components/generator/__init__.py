# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Unified generator layer for api.components.generator.

Importing this package loads no provider SDK; providers are imported on first use.
Registered providers: anthropic, azure, bedrock, dashscope, ollama, openai, openrouter.
"""

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
