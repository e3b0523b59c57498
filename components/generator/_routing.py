# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Where a call goes: its routes, the request each route is sent, the fallback chain.

The caller's `provider=`, else the manager's `default_provider`, always wins; the model
table only fills in what the caller left open (its provider when none is chosen, the
canonical name of an alias of that provider, the API) and never redirects; a model the
table does not know for the chosen provider is sent as given. Fallbacks follow in the
order configured; the call's deadline ends the chain too.

Imported when the first manager is built, so that `generator_manager` stays cheap to
import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ._errors import DeadlineExceededError
from ._hooks import CallContext, Hooks
from ._models import ModelRegistry
from ._types import GenerationRequest

if TYPE_CHECKING:
    from ._config import ManagerConfig

T = TypeVar("T")


class Route(NamedTuple):
    """One step of a fallback chain: "provider" or "provider:model"."""

    provider: str
    model: str | None = None

    @classmethod
    def parse(cls, text: str) -> Route:
        provider, _, model = text.partition(":")
        return cls(provider, model or None)


class Call(NamedTuple):
    """One public call: what it asks and the routes that may answer it."""

    operation: str  # generate | stream
    routes: tuple[Route, ...]
    request: GenerationRequest
    timeout: float | None


class Router:
    def __init__(
        self,
        models: ModelRegistry,
        default: str | None,
        fallbacks: Mapping[str, tuple[Route, ...]],
        fallback_on: tuple[type[BaseException], ...],
        hooks: Hooks,
        providers: Mapping[str, str],
    ) -> None:
        self.models, self.default, self.hooks = models, default, hooks
        self._providers = providers
        self._fallbacks = dict(fallbacks)
        self._fallback_on = fallback_on

    @classmethod
    def configured(
        cls,
        config: ManagerConfig,
        models: ModelRegistry,
        hooks: Hooks,
        providers: Mapping[str, str],
    ) -> Router:
        """The router of a manager built from `config`."""
        from ._resilience import DEFAULT_FALLBACK_ON

        fallbacks = {
            k: tuple(Route.parse(r) for r in v)
            for k, v in (config.fallbacks or {}).items()
        }
        on = config.fallback_on
        on = on if on is not None else DEFAULT_FALLBACK_ON
        return cls(models, config.default_provider, fallbacks, on, hooks, providers)

    def routes(self, provider: str | None, model: str | None) -> tuple[Route, ...]:
        """The caller's `provider=`, else `default_provider`, else the model table's."""
        info = self.models.resolve(model)
        name = provider or self.default or (info.provider if info else None)
        if name is None:
            raise ValueError("no provider given and no default_provider configured")
        return (Route(name, model),) + self._fallbacks.get(name, ())

    @staticmethod
    def request(
        request: GenerationRequest | str, options: Mapping[str, Any]
    ) -> GenerationRequest:
        if isinstance(request, str):
            return GenerationRequest.from_prompt(request, **options)
        return replace(request, **options) if options else request

    def embedder(self, provider: str) -> str:
        """Embed calls go to the provider's embedding family when the package has one
        (`openai` -> `openai_embedder`); generate and stream stay with its
        LLM."""
        family = f"{provider}_embedder"
        return family if family in self._providers else provider

    def call(
        self,
        operation: str,
        provider: str | None,
        request: GenerationRequest,
        timeout: float | None,
    ) -> Call:
        return Call(operation, self.routes(provider, request.model), request, timeout)

    def prepare(self, request: GenerationRequest, route: Route) -> GenerationRequest:
        """Fill in what the caller left open; never redirect.

        The model table resolves an alias only for its own provider (another provider's
        model, or one the table does not know, is sent as given) and picks the API when
        the request does not; a fallback provider is not sent the first one's model.
        """
        model = route.model if route.model is not None else request.model
        info = self.models.resolve(model)
        if route.model is None and info is not None and info.provider != route.provider:
            model = info = None  # known as another provider's model
        own = info is not None and info.provider == route.provider
        model = info.name if own and info else model
        api = request.api or (info.api if info is not None else None)
        if model == request.model and api == request.api:
            return request
        return request.routed(model, api)

    def embedding(
        self, provider: str | None, model: str | None, deadline: float | None
    ) -> tuple[CallContext, GenerationRequest]:
        """An embed call: its provider's embedding family, never a fallback."""
        route = self.routes(provider, model)[0]
        request = self.prepare(GenerationRequest(messages=(), model=model), route)
        embedder = self.embedder(route.provider)
        return CallContext("embed", embedder, request.model, deadline=deadline), request

    def context(
        self, call: Call, route: Route, deadline: float | None
    ) -> tuple[CallContext, GenerationRequest]:
        prepared = self.prepare(call.request, route)
        ctx = CallContext(
            call.operation, route.provider, prepared.model, deadline=deadline
        )
        return ctx, prepared

    def over(
        self,
        call: Call,
        deadline: float | None,
        attempt: Callable[[CallContext, GenerationRequest], T],
    ) -> T:
        """Each route in turn until one answers; the deadline ends the chain too."""
        routes = call.routes
        for route, next_route in zip(routes, routes[1:], strict=False):
            ctx, req = self.context(call, route, deadline)
            try:
                return attempt(ctx, req)
            except DeadlineExceededError:
                raise
            except self._fallback_on as error:
                self.hooks.emit("fallback", ctx, (error, next_route))
        return attempt(*self.context(call, routes[-1], deadline))

    async def aover(
        self,
        call: Call,
        deadline: float | None,
        attempt: Callable[[CallContext, GenerationRequest], Awaitable[T]],
    ) -> T:
        routes = call.routes
        for route, next_route in zip(routes, routes[1:], strict=False):
            ctx, req = self.context(call, route, deadline)
            try:
                return await attempt(ctx, req)
            except DeadlineExceededError:
                raise
            except self._fallback_on as error:
                self.hooks.emit("fallback", ctx, (error, next_route))
        return await attempt(*self.context(call, routes[-1], deadline))
