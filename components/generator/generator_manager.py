# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Public import point of the manager: provider registry, factory and resilient calls.

Importing this module imports no provider SDK; a provider module is imported on first use.
All state lives on the manager instance (no global settings), and every part is thread-safe.

Retries happen in up to three layers: the provider SDK's own retries, retry decorators on the
legacy methods (`@backoff.on_exception`, tenacity's `@retry`) or retry loops inside them, and the
manager's `RetryPolicy`. Attempts multiply across layers (3 SDK x 4 decorator x 3 manager tries
is 36 requests for one call). So:

- with an explicit `retry=` policy the manager retries every provider, and turns the SDK's
  retries off (`max_retries=0`) where the legacy constructor takes `max_retries`;
- by default (`retry=None`) a provider whose legacy methods carry a retry decorator
  (`legacy_retries` on its adapter, set when the code was generated) gets one attempt from the
  manager and keeps its own retries exactly as before the migration; every other provider is
  retried by the manager (`RetryPolicy()`). Fallbacks apply either way, once the legacy
  retries gave up. A retry loop written inside a method body is not detected: pass
  `NO_RETRY` for such providers, or turn the loop off through the legacy constructor.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ._bridge import sleep as _async_sleep
from .providers import PROVIDERS

# Importing this module stays cheap: the records, errors and resilience machinery (dataclasses
# and all) are imported when the first manager is built, and re-exported lazily below.
if TYPE_CHECKING:
    import random

    from ._cache import ResponseCache
    from ._hooks import CallContext, Hooks
    from ._models import ModelInfo, ModelRegistry
    from ._resilience import BreakerSettings, CircuitBreaker, RetryPolicy
    from ._streams import PrimedStream
    from .base import (
        BaseGenerator,
        Capabilities,
        EmbeddingResult,
        GenerationRequest,
        GenerationResult,
        GeneratorError,
        StreamChunk,
    )

__all__ = [
    "BreakerSettings",
    "CallContext",
    "GeneratorManager",
    "Hooks",
    "ModelInfo",
    "ModelRegistry",
    "NO_RETRY",
    "ResponseCache",
    "RetryPolicy",
    "Route",
]

_LAZY = {
    "BreakerSettings": "._resilience",
    "CallContext": "._hooks",
    "Hooks": "._hooks",
    "ModelInfo": "._models",
    "ModelRegistry": "._models",
    "NO_RETRY": "._resilience",
    "ResponseCache": "._cache",
    "RetryPolicy": "._resilience",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_LAZY[name], __package__), name)


T = TypeVar("T")


class Route(NamedTuple):
    """One step of a fallback chain: "provider" or "provider:model"."""

    provider: str
    model: str | None = None

    @classmethod
    def parse(cls, text: str) -> Route:
        provider, _, model = text.partition(":")
        return cls(provider, model or None)


class GeneratorManager:
    def __init__(
        self,
        *,
        default_provider: str | None = None,
        settings: Mapping[str, Mapping[str, Any]] | None = None,
        config_file: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
        use_keyring: bool = True,
        entry_points: bool = True,
        models: ModelRegistry | None = None,
        retry: RetryPolicy | None = None,
        fallbacks: Mapping[str, Sequence[str]] | None = None,
        fallback_on: tuple[type[GeneratorError], ...] | None = None,
        breaker: BreakerSettings | None = None,
        cache: ResponseCache[GenerationResult] | None = None,
        hooks: Hooks | None = None,
        sleep: Callable[[float], None] = time.sleep,
        asleep: Callable[[float], Awaitable[None]] = _async_sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        """`settings`: explicit per-provider client kwargs; they beat `config_file`, which beats
        `GENERATOR_<PROVIDER>_<OPTION>` variables in `environ`, which beat the keyring.
        `fallback_on` defaults to `DEFAULT_FALLBACK_ON`, `breaker` to `BreakerSettings()`."""
        import random

        from ._hooks import Hooks
        from ._models import DEFAULT_MODELS, ModelRegistry
        from ._registry import InstancePool, ProviderRegistry
        from ._resilience import (
            DEFAULT_FALLBACK_ON,
            DEFAULT_RETRY,
            NO_RETRY,
            BreakerBoard,
            BreakerSettings,
        )
        from ._settings import load_config_file

        self.providers = ProviderRegistry(PROVIDERS, __package__ or "", entry_points)
        self.models = models if models is not None else ModelRegistry(DEFAULT_MODELS)
        self.hooks = hooks if hooks is not None else Hooks()
        self.cache = cache
        self._default = default_provider
        self._settings = {k: dict(v) for k, v in (settings or {}).items()}
        self._file = load_config_file(config_file)
        self._environ = dict(os.environ if environ is None else environ)
        self._use_keyring = use_keyring
        # retry=None: one attempt for providers whose legacy methods retry (module docstring)
        self._retry = retry if retry is not None else DEFAULT_RETRY
        self._retry_legacy = retry if retry is not None else NO_RETRY
        self._fallbacks = {
            k: tuple(Route.parse(r) for r in v) for k, v in (fallbacks or {}).items()
        }
        self._fallback_on = fallback_on if fallback_on is not None else DEFAULT_FALLBACK_ON
        self._breakers = BreakerBoard(breaker or BreakerSettings(), clock)
        self._sleep, self._asleep = sleep, asleep
        self._rng = rng if rng is not None else random.Random()
        self._pool = InstancePool(self._create)

    def __repr__(self) -> str:
        from ._settings import mask

        masked = {k: mask(v) for k, v in self._settings.items()}
        return f"GeneratorManager(providers={self.providers.names()}, settings={masked})"

    # -- registry and factory -------------------------------------------------------------

    def register(self, name: str, target: str | type[BaseGenerator]) -> None:
        self.providers.register(name, target)

    def get(self, provider: str, **client_kwargs: Any) -> BaseGenerator:
        """The shared generator for `provider` and these settings (created on first request)."""
        explicit = {**self._settings.get(provider, {}), **client_kwargs}
        return self._pool.get(provider, explicit)

    def _create(self, provider: str, explicit: dict[str, Any]) -> BaseGenerator:
        from ._registry import constructor_accepts
        from ._settings import resolve

        cls = self.providers.load(provider)
        resolved = resolve(provider, explicit, self._file, self._environ, self._use_keyring)
        kwargs = {
            k: v
            for k, v in resolved.items()
            if k in explicit or k == "default_model" or constructor_accepts(cls.legacy_class, k)
        }
        retried = self._policy(cls).max_attempts > 1
        if retried and constructor_accepts(cls.legacy_class, "max_retries"):
            kwargs.setdefault("max_retries", 0)  # the manager retries; the SDK must not as well
        return cls(**kwargs)

    def _policy(self, cls: type[BaseGenerator]) -> RetryPolicy:
        return self._retry_legacy if cls.legacy_retries else self._retry

    def capabilities(self, provider: str | None = None, model: str | None = None) -> Capabilities:
        route = self._routes(provider, model)[0]
        adapter = self.providers.load(route.provider).capabilities
        info = self.models.resolve(model)
        return info.narrow(adapter) if info is not None else adapter

    def breaker(self, provider: str, model: str | None = None) -> CircuitBreaker:
        return self._breakers.get(provider, self.models.canonical(model))

    def close(self) -> None:
        self._pool.close_all()

    # -- public calls ---------------------------------------------------------------------

    def generate(
        self, request: GenerationRequest | str, *, provider: str | None = None, **options: Any
    ) -> GenerationResult:
        request = _as_request(request, options)
        key = self._cache_key(provider, request)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            return cached
        result = self._over_routes(
            "generate",
            self._routes(provider, request.model),
            request,
            lambda ctx, req: self._attempts(ctx, req, lambda g: g.generate(req)),
        )
        if self.cache is not None:
            self.cache.put(key, result)
        return result

    async def agenerate(
        self, request: GenerationRequest | str, *, provider: str | None = None, **options: Any
    ) -> GenerationResult:
        request = _as_request(request, options)
        key = self._cache_key(provider, request)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            return cached
        result = await self._aover_routes(
            "generate",
            self._routes(provider, request.model),
            request,
            lambda ctx, req: self._aattempts(ctx, req, lambda g: g.agenerate(req)),
        )
        if self.cache is not None:
            self.cache.put(key, result)
        return result

    def stream(
        self, request: GenerationRequest | str, *, provider: str | None = None, **options: Any
    ) -> Iterator[StreamChunk]:
        """Falls back until a provider yields its first chunk; after that the stream is committed."""
        from ._streams import follow, prime

        request = _as_request(request, options)
        routes = self._routes(provider, request.model)

        def open_route(ctx: CallContext, req: GenerationRequest) -> PrimedStream:
            return self._attempts(ctx, req, lambda g: prime(ctx, g.stream(req)))

        primed = self._over_routes("stream", routes, request, open_route)
        return follow(primed, self.hooks, self._breakers)

    async def astream(
        self, request: GenerationRequest | str, *, provider: str | None = None, **options: Any
    ) -> AsyncIterator[StreamChunk]:
        from ._streams import afollow, aprime

        request = _as_request(request, options)
        routes = self._routes(provider, request.model)

        def open_route(ctx: CallContext, req: GenerationRequest) -> Awaitable[PrimedStream]:
            return self._aattempts(ctx, req, lambda g: aprime(ctx, g.astream(req)))

        primed = await self._aover_routes("stream", routes, request, open_route)
        async for chunk in afollow(primed, self.hooks, self._breakers):
            yield chunk

    def embed(
        self, texts: Sequence[str], *, provider: str | None = None, model: str | None = None
    ) -> EmbeddingResult:
        """Retried but never sent to a fallback: another provider's vectors are not comparable."""
        ctx, request = self._embedding_call(provider, model)
        return self._attempts(ctx, request, lambda g: g.embed(texts, ctx.model))

    async def aembed(
        self, texts: Sequence[str], *, provider: str | None = None, model: str | None = None
    ) -> EmbeddingResult:
        ctx, request = self._embedding_call(provider, model)
        return await self._aattempts(ctx, request, lambda g: g.aembed(texts, ctx.model))

    def batch(
        self, requests: Sequence[GenerationRequest], *, provider: str | None = None
    ) -> list[GenerationResult]:
        """The legacy client's native batch when it has one, else one resilient call each."""
        route = self._routes(provider, None)[0]
        if not self.get(route.provider).capabilities.batch:
            return [self.generate(r, provider=route.provider) for r in requests]
        from ._hooks import CallContext
        from .base import GenerationRequest

        ctx = CallContext("batch", route.provider, None)
        prepared = [self._prepare(r, route) for r in requests]
        return self._attempts(ctx, GenerationRequest(messages=()), lambda g: g.batch(prepared))

    def _embedding_call(
        self, provider: str | None, model: str | None
    ) -> tuple[CallContext, GenerationRequest]:
        from ._hooks import CallContext
        from .base import GenerationRequest

        route = self._routes(provider, model)[0]
        ctx = CallContext("embed", _embedder(route.provider), self.models.canonical(model))
        return ctx, GenerationRequest(messages=(), model=ctx.model)

    # -- routing, retries and fallbacks -----------------------------------------------------

    def _routes(self, provider: str | None, model: str | None) -> tuple[Route, ...]:
        info = self.models.resolve(model)
        name = provider or (info.provider if info else None) or self._default
        if name is None:
            raise ValueError("no provider given and no default_provider configured")
        return (Route(name, model),) + self._fallbacks.get(name, ())

    def _prepare(self, request: GenerationRequest, route: Route) -> GenerationRequest:
        """Resolve aliases and the API for this route; a fallback provider gets its own model."""
        from dataclasses import replace

        model = route.model if route.model is not None else request.model
        if route.model is None and request.model is not None:
            info = self.models.resolve(request.model)
            model = request.model if info is None or info.provider == route.provider else None
        info = self.models.resolve(model)
        api = request.api or (info.api if info is not None else None)
        return replace(request, model=info.name if info is not None else model, api=api)

    def _cache_key(self, provider: str | None, request: GenerationRequest) -> tuple[str, str]:
        return (provider or "", request.cache_key())

    def _over_routes(
        self,
        operation: str,
        routes: Sequence[Route],
        request: GenerationRequest,
        call: Callable[[CallContext, GenerationRequest], T],
    ) -> T:
        for route, next_route in zip(routes, routes[1:]):
            ctx, req = self._context(operation, route, request)
            try:
                return call(ctx, req)
            except self._fallback_on as error:
                self.hooks.emit("fallback", ctx, (error, next_route))
        ctx, req = self._context(operation, routes[-1], request)
        return call(ctx, req)

    async def _aover_routes(
        self,
        operation: str,
        routes: Sequence[Route],
        request: GenerationRequest,
        call: Callable[[CallContext, GenerationRequest], Awaitable[T]],
    ) -> T:
        for route, next_route in zip(routes, routes[1:]):
            ctx, req = self._context(operation, route, request)
            try:
                return await call(ctx, req)
            except self._fallback_on as error:
                self.hooks.emit("fallback", ctx, (error, next_route))
        ctx, req = self._context(operation, routes[-1], request)
        return await call(ctx, req)

    def _context(
        self, operation: str, route: Route, request: GenerationRequest
    ) -> tuple[CallContext, GenerationRequest]:
        from ._hooks import CallContext

        prepared = self._prepare(request, route)
        return CallContext(operation, route.provider, prepared.model), prepared

    def _attempts(
        self, ctx: CallContext, request: GenerationRequest, op: Callable[[BaseGenerator], T]
    ) -> T:
        generator = self.get(ctx.provider)
        policy = self._policy(type(generator))
        breaker = self._breakers.get(ctx.provider, ctx.model)
        while True:
            breaker.acquire(ctx.provider)
            self.hooks.emit("request", ctx, request)
            try:
                result = op(generator)
            except Exception as exc:
                self._sleep(self._after_failure(ctx, policy, breaker, exc))
                continue
            breaker.record_success()
            self.hooks.emit("response", ctx, result)
            return result

    async def _aattempts(
        self,
        ctx: CallContext,
        request: GenerationRequest,
        op: Callable[[BaseGenerator], Awaitable[T]],
    ) -> T:
        generator = self.get(ctx.provider)
        policy = self._policy(type(generator))
        breaker = self._breakers.get(ctx.provider, ctx.model)
        while True:
            breaker.acquire(ctx.provider)
            self.hooks.emit("request", ctx, request)
            try:
                result = await op(generator)
            except Exception as exc:
                await self._asleep(self._after_failure(ctx, policy, breaker, exc))
                continue
            breaker.record_success()
            self.hooks.emit("response", ctx, result)
            return result

    def _after_failure(
        self, ctx: CallContext, policy: RetryPolicy, breaker: CircuitBreaker, exc: Exception
    ) -> float:
        """Record the failure; raise it unless it is retried, else return the delay to wait."""
        from ._errors import classify

        error = classify(exc, ctx.provider)
        breaker.record_failure(error)
        self.hooks.emit("error", ctx, error)
        if not policy.should_retry(ctx.attempt, error):
            raise error
        delay = policy.delay(ctx.attempt, error, self._rng)
        self.hooks.emit("retry", ctx, (error, delay))
        ctx.attempt += 1
        return delay


def _embedder(provider: str) -> str:
    """Embed calls go to the provider's embedding family when the package has one
    (`openai` -> `openai_embedder`); generate and stream stay with its LLM."""
    family = f"{provider}_embedder"
    return family if family in PROVIDERS else provider


def _as_request(request: GenerationRequest | str, options: Mapping[str, Any]) -> GenerationRequest:
    if isinstance(request, str):
        from .base import GenerationRequest

        return GenerationRequest.from_prompt(request, **options)
    if not options:
        return request
    from dataclasses import replace

    return replace(request, **options)
