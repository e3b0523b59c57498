# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Public import point of the manager: provider registry, factory and resilient calls.

Importing this module imports no provider SDK; a provider module is imported on first
use. All state lives on the manager instance (no global settings), and every part is
thread-safe.

Exactly one layer retries a call. Without one owner, attempts multiply: the provider
SDK's retries x a retry decorator on the legacy method (`@backoff.on_exception`,
tenacity's `@retry`) x the manager's `RetryPolicy` (3 x 4 x 3 = 36 requests for one
call).

- With an explicit `retry=` policy the manager retries every provider: the SDK's
  retries are off (`max_retries=0` or `with_options`) and the legacy methods are called
  past their backoff, tenacity and retrying decorators: at most `max_attempts` requests.
- By default (`retry=None`) a provider whose legacy methods carry a retry decorator
  keeps that decorator's schedule. A `backoff.on_exception` the manager can read
  (`_legacy.decorator_schedule`) it runs itself: the undecorated method, retried on the
  decorator's exceptions, tries, `max_time` and waits, SDK retries off, the deadline
  checked between attempts. Any other (tenacity, retrying, `backoff.on_predicate`)
  stays the retry layer and gets one attempt. Other providers get `RetryPolicy()`.

A retry loop written inside a method body is not detected: turn it off through the
legacy constructor. Fallbacks apply once the retrying layer gave up.

Every call has a deadline (`ManagerConfig.timeout`, 120 s unless set, or `timeout=` on
the call) shared by its retries and fallbacks: a retry wait that would pass it is not
slept, a fallback is not started after it, and `DeadlineExceededError` is raised. The
timeout is passed to legacy constructors that take `timeout`, else to the SDK clients
the legacy client holds (`with_options`, openai and anthropic). When the manager
retries (a policy or a legacy schedule), such a client's first sync attempt runs on
the caller's thread; other sync attempts (a decorator that stays the retry layer, a
client bound neither way, less time left than its bound) are bounded from a worker
thread, async ones cancelled (see `_calls`). Routing: `_routing`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .providers import PROVIDERS

# Importing this module stays cheap: the records, errors and resilience machinery
# (dataclasses and all) are imported when the first manager is built, and re-exported
# lazily below.
if TYPE_CHECKING:
    from ._cache import ResponseCache
    from ._config import ManagerConfig
    from ._hooks import CallContext, Hooks
    from ._models import ModelInfo, ModelRegistry
    from ._redis_cache import RedisCache
    from ._resilience import (
        NO_RETRY,
        BreakerSettings,
        CircuitBreaker,
        Retrying,
        RetryPolicy,
    )
    from ._routing import Route
    from ._streams import PrimedStream
    from .base import (
        BaseGenerator,
        Capabilities,
        EmbeddingResult,
        GenerationRequest,
        GenerationResult,
        StreamChunk,
    )

__all__ = [
    "BreakerSettings",
    "CallContext",
    "GeneratorManager",
    "Hooks",
    "ModelInfo",
    "ManagerConfig",
    "ModelRegistry",
    "NO_RETRY",
    "RedisCache",
    "ResponseCache",
    "RetryPolicy",
    "Route",
]

_LAZY = {
    "BreakerSettings": "._resilience",
    "CallContext": "._hooks",
    "Hooks": "._hooks",
    "ModelInfo": "._models",
    "ManagerConfig": "._config",
    "ModelRegistry": "._models",
    "NO_RETRY": "._resilience",
    "RedisCache": "._redis_cache",
    "ResponseCache": "._cache",
    "RetryPolicy": "._resilience",
    "Route": "._routing",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_LAZY[name], __package__), name)


class GeneratorManager:
    def __init__(self, config: ManagerConfig | None = None, /, **options: Any) -> None:
        """Built from a `ManagerConfig`; keyword `options` override its fields by
        name."""
        import random
        from dataclasses import replace

        from ._cache import CachedCalls
        from ._calls import CallRunner
        from ._config import ManagerConfig
        from ._hooks import Hooks
        from ._models import DEFAULT_MODELS, ModelRegistry
        from ._registry import InstancePool, ProviderRegistry
        from ._resilience import (
            DEFAULT_RETRY,
            NO_RETRY,
            BreakerBoard,
            BreakerSettings,
            DecoratorRetry,
        )
        from ._routing import Router
        from ._settings import load_config_file

        c = replace(config or ManagerConfig(), **options)
        self.config = c
        self.providers = ProviderRegistry(PROVIDERS, __package__ or "", c.entry_points)
        self.models = (
            c.models if c.models is not None else ModelRegistry(DEFAULT_MODELS)
        )
        self.hooks = c.hooks if c.hooks is not None else Hooks()
        self.cache = c.cache
        self._cached = (
            None if c.cache is None else CachedCalls(c.cache, c.default_provider)
        )
        self._settings = {k: dict(v) for k, v in (c.settings or {}).items()}
        self._file = load_config_file(c.config_file)
        self._environ = dict(os.environ if c.environ is None else c.environ)
        self._use_keyring = c.use_keyring
        # retry=None: one attempt for providers whose legacy methods retry (module
        # docstring)
        self._retry = c.retry if c.retry is not None else DEFAULT_RETRY
        self._retry_legacy = c.retry if c.retry is not None else NO_RETRY
        self._retry_from = DecoratorRetry  # a legacy decorator's schedule
        self._router = Router.configured(c, self.models, self.hooks, PROVIDERS)
        self._breakers = BreakerBoard(
            c.breaker or BreakerSettings(), c.clock, self._breaker_changed
        )
        rng = c.rng if c.rng is not None else random.Random()
        self._runner = CallRunner(
            self.hooks,
            self._breakers,
            c.sleep,
            c.asleep,
            c.clock,
            rng,
            self._generator_for,
            self._policy,
        )
        self._pool = InstancePool(self._create)
        self._shared: dict[str, BaseGenerator] = {}  # get(provider) without kwargs

    def __repr__(self) -> str:
        from ._settings import mask

        masked = {k: mask(v) for k, v in self._settings.items()}
        return (
            f"GeneratorManager(providers={self.providers.names()}, settings={masked})"
        )

    # -- registry and factory --------------------------------------------------------

    def register(self, name: str, target: str | type[BaseGenerator]) -> None:
        self.providers.register(name, target)

    def get(self, provider: str, **client_kwargs: Any) -> BaseGenerator:
        """The shared generator for `provider` and these settings (created on first
        request)."""
        if not client_kwargs and provider in self._shared:
            return self._shared[provider]
        explicit = {**self._settings.get(provider, {}), **client_kwargs}
        generator = self._pool.get(provider, explicit)
        if not client_kwargs:
            self._shared[provider] = generator
        return generator

    def _generator_for(self, provider: str, operation: str) -> BaseGenerator:
        """The generator a call goes to; before it is first built, an operation its
        class does not offer is refused (a built one refuses it itself)."""
        shared = self._shared.get(provider)
        if shared is not None:
            return shared
        self.providers.load(provider).refuse_unsupported(operation)
        return self.get(provider)

    def _create(self, provider: str, explicit: dict[str, Any]) -> BaseGenerator:
        from ._registry import build_generator
        from ._settings import resolve

        cls = self.providers.load(provider)
        resolved = resolve(
            provider, explicit, self._file, self._environ, self._use_keyring
        )
        return build_generator(
            cls,
            explicit,
            resolved,
            policy_set=self.config.retry is not None,
            timeout=self.config.timeout,
        )

    def _policy(self, generator: BaseGenerator, is_async: bool) -> Retrying:
        """The retry policy of one call to `generator`."""
        if not generator.legacy_retries:
            return self._retry
        schedule = generator.legacy_schedule
        if schedule is None:
            return self._retry_legacy
        return self._retry_from(schedule, is_async)

    def capabilities(
        self, provider: str | None = None, model: str | None = None
    ) -> Capabilities:
        route = self._router.routes(provider, model)[0]
        adapter = self.providers.load(route.provider).capabilities
        info = self.models.resolve(model)
        return info.narrow(adapter) if info is not None else adapter

    def breaker(self, provider: str, model: str | None = None) -> CircuitBreaker:
        return self._breakers.get(provider, self.models.canonical(model))

    def _breaker_changed(
        self, provider: str, model: str | None, old: str, new: str
    ) -> None:
        from ._hooks import CallContext

        self.hooks.emit("breaker", CallContext("breaker", provider, model), (old, new))

    def health(self, provider: str) -> dict[str, Any]:
        """Probe `provider` with the cheapest call its legacy client offers (such as
        listing models): `{"provider", "ok", "probe", "seconds", "error"}`, also sent
        to the `health` hooks. `ok` is None when the client offers no probe."""
        from ._hooks import health_report

        return health_report(provider, lambda: self.get(provider).health(), self.hooks)

    def stats(self) -> dict[str, dict[str, float]]:
        """Attempts, errors and latency (seconds) per "provider:model", as plain
        numbers; see `_stats` for exporting them."""
        return self._runner.stats.snapshot()

    def close(self) -> None:
        self._shared.clear()
        self._pool.close_all()
        self._runner.close()

    # -- public calls: `timeout` (seconds) overrides the configured deadline of one call
    # --

    def generate(
        self,
        request: GenerationRequest | str,
        *,
        provider: str | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> GenerationResult:
        request = self._router.request(request, options)

        def compute() -> GenerationResult:
            return self._router.over(
                self._router.call("generate", provider, request, timeout),
                self._deadline(timeout),
                lambda ctx, req: self._runner.attempts(
                    ctx, req, lambda g: g.generate(req)
                ),
            )

        cached = self._cached
        return (
            compute() if cached is None else cached.through(provider, request, compute)
        )

    async def agenerate(
        self,
        request: GenerationRequest | str,
        *,
        provider: str | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> GenerationResult:
        request = self._router.request(request, options)

        async def compute() -> GenerationResult:
            return await self._router.aover(
                self._router.call("generate", provider, request, timeout),
                self._deadline(timeout),
                lambda ctx, req: self._runner.aattempts(
                    ctx, req, lambda g: g.agenerate(req)
                ),
            )

        cached = self._cached
        if cached is None:
            return await compute()
        return await cached.athrough(provider, request, compute)

    def stream(
        self,
        request: GenerationRequest | str,
        *,
        provider: str | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> Iterator[StreamChunk]:
        """Falls back until a provider yields its first chunk, then it is committed;
        the deadline covers the calls up to that first chunk."""
        from ._streams import follow, prime

        request = self._router.request(request, options)
        call = self._router.call("stream", provider, request, timeout)

        def open_route(ctx: CallContext, req: GenerationRequest) -> PrimedStream:
            return self._runner.attempts(ctx, req, lambda g: prime(ctx, g.stream(req)))

        primed = self._router.over(call, self._deadline(timeout), open_route)
        return follow(primed, self.hooks, self._breakers)

    async def astream(
        self,
        request: GenerationRequest | str,
        *,
        provider: str | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> AsyncIterator[StreamChunk]:
        from ._streams import afollow, aprime

        request = self._router.request(request, options)
        call = self._router.call("stream", provider, request, timeout)

        def open_route(
            ctx: CallContext, req: GenerationRequest
        ) -> Awaitable[PrimedStream]:
            return self._runner.aattempts(
                ctx, req, lambda g: aprime(ctx, g.astream(req))
            )

        primed = await self._router.aover(call, self._deadline(timeout), open_route)
        async for chunk in afollow(primed, self.hooks, self._breakers):
            yield chunk

    def embed(
        self,
        texts: Sequence[str],
        *,
        provider: str | None = None,
        model: str | None = None,
        timeout: float | None = None,
    ) -> EmbeddingResult:
        """Retried but never sent to a fallback: vectors of two providers differ."""
        ctx, request = self._router.embedding(provider, model, self._deadline(timeout))
        return self._runner.attempts(ctx, request, lambda g: g.embed(texts, ctx.model))

    async def aembed(
        self,
        texts: Sequence[str],
        *,
        provider: str | None = None,
        model: str | None = None,
        timeout: float | None = None,
    ) -> EmbeddingResult:
        ctx, request = self._router.embedding(provider, model, self._deadline(timeout))
        return await self._runner.aattempts(
            ctx, request, lambda g: g.aembed(texts, ctx.model)
        )

    def batch(
        self,
        requests: Sequence[GenerationRequest],
        *,
        provider: str | None = None,
        timeout: float | None = None,
    ) -> list[GenerationResult]:
        """The legacy client's native batch when it has one, else one call each."""
        route = self._router.routes(provider, None)[0]
        if not self.get(route.provider).capabilities.batch:
            return [
                self.generate(r, provider=route.provider, timeout=timeout)
                for r in requests
            ]
        from ._hooks import CallContext
        from .base import GenerationRequest

        ctx = CallContext(
            "batch", route.provider, None, deadline=self._deadline(timeout)
        )
        prepared = [self._router.prepare(r, route) for r in requests]
        return self._runner.attempts(
            ctx, GenerationRequest(messages=()), lambda g: g.batch(prepared)
        )

    # -- deadlines and attempts -----------------------------------------------------

    def _deadline(self, timeout: float | None) -> float | None:
        return self._runner.deadline(
            self.config.timeout if timeout is None else timeout
        )
