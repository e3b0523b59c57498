# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Public import point of the unified generator layer: types, errors and
`BaseGenerator`.

Adapters implement at least one of each pair (generate/agenerate, stream/astream,
embed/aembed); the other side is bridged here. An operation an adapter does not
implement raises `UnsupportedOperation` naming the provider, and `capabilities` says so
beforehand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from ._bridge import in_thread, iterate_async, iterate_sync, run_sync
from ._errors import (
    AuthenticationError,
    CircuitOpenError,
    ConnectionError,
    ContentFilterError,
    ContextWindowExceededError,
    DeadlineExceededError,
    GeneratorError,
    InvalidRequestError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    ProviderError,
    QuotaExhaustedError,
    RateLimitError,
    TimeoutError,
    UnavailableError,
    UnsupportedOperation,
    classify,
    error_from_message,
    mapped_errors,
)
from ._types import (
    Capabilities,
    EmbeddingResult,
    GenerationRequest,
    GenerationResult,
    ImagePart,
    Message,
    Part,
    StreamChunk,
    TextPart,
    ToolCall,
    ToolCallDelta,
    Usage,
)

__all__ = [
    "AuthenticationError",
    "BaseGenerator",
    "Capabilities",
    "CircuitOpenError",
    "ConnectionError",
    "ContentFilterError",
    "ContextWindowExceededError",
    "DeadlineExceededError",
    "EmbeddingResult",
    "GenerationRequest",
    "GenerationResult",
    "GeneratorError",
    "ImagePart",
    "InvalidRequestError",
    "Message",
    "NotFoundError",
    "OverloadedError",
    "Part",
    "PermissionDeniedError",
    "ProviderError",
    "QuotaExhaustedError",
    "RateLimitError",
    "StreamChunk",
    "TextPart",
    "TimeoutError",
    "ToolCall",
    "ToolCallDelta",
    "UnavailableError",
    "UnsupportedOperation",
    "Usage",
    "classify",
    "error_from_message",
    "mapped_errors",
]


# operation -> (the pair of methods, either of which implements it; its capability)
_OPERATIONS = {
    "generate": (("generate", "agenerate"), "generate"),
    "stream": (("stream", "astream"), "streaming"),
    "embed": (("embed", "aembed"), "embeddings"),
}


class BaseGenerator:
    """The unified interface every provider adapter implements."""

    provider: ClassVar[str] = "unknown"
    capabilities: ClassVar[Capabilities] = Capabilities()
    # The wrapped legacy class; the manager reads its constructor to switch off SDK
    # retries.
    legacy_class: ClassVar[type | None] = None
    # Set when the legacy methods retry by themselves (e.g. `@backoff.on_exception`).
    legacy_retries: ClassVar[bool] = False
    # The arguments of the legacy methods' `backoff.on_exception` decorator, set by a
    # manager without a retry policy that runs that schedule in the decorator's place.
    legacy_schedule: Mapping[str, Any] | None = None
    # Seconds one sync attempt is bounded by without the manager's help (the legacy
    # constructor's `timeout`, or the SDK clients bound by `bound_requests`), set by a
    # manager that owns retrying; None: the manager bounds sync calls from a worker
    # thread.
    request_timeout: float | None = None

    def leave_retries_to_caller(self) -> None:
        """Called by a manager that retries this generator's calls itself, so that only
        one layer retries; the rendered adapters then call the legacy methods past their
        retry decorators. A generator that retries internally may turn that off here."""

    def bound_requests(self, timeout: float | None, retries: bool) -> bool:
        """Called by the manager after construction: bound each request of the SDK
        clients the legacy client holds by `timeout` seconds and, unless `retries`,
        switch their own retries off. True when it found such a client."""
        return False

    def _implements(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(BaseGenerator, name)

    @classmethod
    def refuse_unsupported(cls, operation: str) -> None:
        """Raise `UnsupportedOperation` when the class implements neither side of
        `operation` ("generate", "stream" or "embed"): the manager asks before it
        builds the legacy client, so a refusal never waits on its SDK or
        credentials."""
        names, capability = _OPERATIONS.get(operation, ((), ""))
        if names and all(getattr(cls, n) is getattr(BaseGenerator, n) for n in names):
            raise UnsupportedOperation(cls.provider, capability)

    def _require(self, name: str, capability: str) -> None:
        if not self._implements(name):
            raise UnsupportedOperation(self.provider, capability)

    def generate(self, request: GenerationRequest) -> GenerationResult:
        self._require("agenerate", "generate")
        return run_sync(lambda: self.agenerate(request))

    async def agenerate(self, request: GenerationRequest) -> GenerationResult:
        self._require("generate", "generate")
        return await in_thread(self.generate, request)

    def stream(self, request: GenerationRequest) -> Iterator[StreamChunk]:
        self._require("astream", "streaming")
        return iterate_sync(lambda: self.astream(request))

    def astream(self, request: GenerationRequest) -> AsyncIterator[StreamChunk]:
        self._require("stream", "streaming")
        return iterate_async(lambda: self.stream(request))

    def embed(self, texts: Sequence[str], model: str | None = None) -> EmbeddingResult:
        self._require("aembed", "embeddings")
        return run_sync(lambda: self.aembed(texts, model))

    async def aembed(
        self, texts: Sequence[str], model: str | None = None
    ) -> EmbeddingResult:
        self._require("embed", "embeddings")
        return await in_thread(self.embed, texts, model)

    def batch(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """Sequential by default; adapters of clients with native batching override
        this."""
        return [self.generate(request) for request in requests]

    # The legacy methods tried, in order, as the cheapest call that proves the provider
    # answers (taking no arguments); health() is None when the client has none of them.
    health_probes: ClassVar[tuple[str, ...]] = (
        "list_models",
        "models",
        "health_check",
        "health",
        "ping",
    )

    def health(self) -> str | None:
        """Run the cheapest probe the legacy client offers; its name, or None when it
        has none. A failure raises (mapped onto the unified errors)."""
        client = getattr(self, "client", None)
        for name in self.health_probes:
            probe = getattr(client, name, None)
            if not callable(probe):
                continue
            with mapped_errors(self.provider):
                try:
                    probe()
                except NotImplementedError:  # a base class's stub: not a probe
                    continue
            return name
        return None

    def close(self) -> None:
        """Release the legacy client's resources when it offers a `close`."""
        close: Any = getattr(getattr(self, "client", None), "close", None)
        if callable(close):
            close()
