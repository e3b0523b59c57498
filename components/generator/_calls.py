# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""The attempts of one call on one route, in the order a reader can follow:

deadline -> circuit breaker -> request hook -> the legacy call (bounded by the deadline)
-> on failure: classify, breaker, error hook, then retry (waiting at most until the
deadline) or raise. Whether and how long to wait is the call's `Retrying`: the
manager's `RetryPolicy`, or a legacy decorator's schedule it runs (`DecoratorRetry`).

The deadline is fixed when the call starts and shared by its retries and fallbacks.
When the manager owns retrying and the legacy client bounds each request itself (its
constructor took `timeout`, or it holds SDK clients the manager rebound with
`with_options(timeout=..., max_retries=0)`), a sync attempt whose bound ends by the
deadline (give or take `SLACK`) is called directly on the caller's thread: the
common case, a first attempt under the configured timeout. Any other sync attempt
runs on a worker thread the caller stops waiting for at the deadline (the thread
finishes in the background); async calls are cancelled at the deadline. An SDK's
timeout bounds each read, so a server trickling bytes can keep a directly called
request past the deadline; a per-call `timeout` shorter than the configured one always
takes the worker thread.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from ._errors import DeadlineExceededError, classify
from ._hooks import CallContext, Hooks
from ._resilience import BreakerBoard, CircuitBreaker, Retrying
from ._stats import CallStats
from ._types import GenerationRequest
from .base import BaseGenerator

if TYPE_CHECKING:  # concurrent.futures is imported when a call first needs a worker
    from concurrent.futures import ThreadPoolExecutor

T = TypeVar("T")

# Seconds a request bounded by the client itself may end past the deadline: the time
# between fixing the deadline and starting the first attempt.
SLACK = 0.05


class CallRunner:
    def __init__(
        self,
        hooks: Hooks,
        breakers: BreakerBoard,
        sleep: Callable[[float], None],
        asleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float],
        rng: random.Random,
        generators: Callable[[str, str], BaseGenerator],
        policy: Callable[[BaseGenerator, bool], Retrying],
    ) -> None:
        """`generators` gives the manager's generator for a provider and operation,
        `policy` the retry policy of one call to a generator (True: an async call)."""
        self.hooks, self.breakers = hooks, breakers
        self._sleep, self._asleep, self._clock, self._rng = sleep, asleep, clock, rng
        self._lock = threading.Lock()
        self._workers: ThreadPoolExecutor | None = None
        self.stats = CallStats()
        self.generators, self.policy = generators, policy

    def attempts(
        self,
        ctx: CallContext,
        request: GenerationRequest,
        op: Callable[[BaseGenerator], T],
    ) -> T:
        generator = self.generators(ctx.provider, ctx.operation)
        return self.run(ctx, request, generator, self.policy(generator, False), op)

    async def aattempts(
        self,
        ctx: CallContext,
        request: GenerationRequest,
        op: Callable[[BaseGenerator], Awaitable[T]],
    ) -> T:
        generator = self.generators(ctx.provider, ctx.operation)
        policy = self.policy(generator, True)
        return await self.arun(ctx, request, generator, policy, op)

    def deadline(self, timeout: float | None) -> float | None:
        return None if timeout is None else self._clock() + timeout

    def left(self, ctx: CallContext) -> float | None:
        return None if ctx.deadline is None else ctx.deadline - self._clock()

    def check(self, ctx: CallContext) -> None:
        left = self.left(ctx)
        if left is not None and left <= 0:
            raise DeadlineExceededError(
                f"deadline passed after {ctx.attempt} attempt(s)", provider=ctx.provider
            )

    def run(
        self,
        ctx: CallContext,
        request: GenerationRequest,
        generator: BaseGenerator,
        policy: Retrying,
        op: Callable[[BaseGenerator], T],
    ) -> T:
        breaker = self.breakers.get(ctx.provider, ctx.model)
        first = None
        while True:
            started = self._begin(ctx, breaker, request)
            begun = self._clock()
            first = begun if first is None else first
            try:
                result = self._bounded(ctx, generator, op)
            except Exception as exc:
                self._record(ctx, started, ok=False)
                elapsed = begun - first
                self._sleep(self.after_failure(ctx, policy, breaker, exc, elapsed))
                continue
            self._record(ctx, started, ok=True)
            return self._succeeded(ctx, breaker, result)

    async def arun(
        self,
        ctx: CallContext,
        request: GenerationRequest,
        generator: BaseGenerator,
        policy: Retrying,
        op: Callable[[BaseGenerator], Awaitable[T]],
    ) -> T:
        breaker = self.breakers.get(ctx.provider, ctx.model)
        first = None
        while True:
            started = self._begin(ctx, breaker, request)
            begun = self._clock()
            first = begun if first is None else first
            try:
                result = await self._abounded(ctx, generator, op)
            except Exception as exc:
                self._record(ctx, started, ok=False)
                wait = self.after_failure(ctx, policy, breaker, exc, begun - first)
                await self._asleep(wait)
                continue
            self._record(ctx, started, ok=True)
            return self._succeeded(ctx, breaker, result)

    def _begin(
        self, ctx: CallContext, breaker: CircuitBreaker, request: GenerationRequest
    ) -> float:
        self.check(ctx)
        breaker.acquire(ctx.provider)
        self.hooks.emit("request", ctx, request)
        return time.perf_counter()

    def _record(self, ctx: CallContext, started: float, ok: bool) -> None:
        self.stats.record(ctx.provider, ctx.model, time.perf_counter() - started, ok)

    def _succeeded(self, ctx: CallContext, breaker: CircuitBreaker, result: T) -> T:
        breaker.record_success()
        self.hooks.emit("response", ctx, result)
        return result

    def after_failure(
        self,
        ctx: CallContext,
        policy: Retrying,
        breaker: CircuitBreaker,
        exc: Exception,
        elapsed: float = 0.0,
    ) -> float:
        """Record the failure; raise it unless it is retried, else return the wait.
        `elapsed`: seconds from the start of the first attempt to that of this one."""
        error = classify(exc, ctx.provider)
        breaker.record_failure(error)
        self.hooks.emit("error", ctx, error)
        delay = policy.next_delay(ctx.attempt, error, self._rng, elapsed)
        if delay is None:
            raise error
        left = self.left(ctx)
        if left is not None and delay >= left:
            message = f"deadline passes before the retry due in {delay:.3g}s"
            raise DeadlineExceededError(message, provider=ctx.provider) from error
        self.hooks.emit("retry", ctx, (error, delay))
        ctx.attempt += 1
        return delay

    def _bounded(
        self,
        ctx: CallContext,
        generator: BaseGenerator,
        op: Callable[[BaseGenerator], T],
    ) -> T:
        left = self.left(ctx)
        own = generator.request_timeout
        if left is None or (own is not None and own <= left + SLACK):
            return op(generator)
        from concurrent.futures import TimeoutError as WaitTimeout

        future = self._executor().submit(op, generator)
        try:
            return future.result(timeout=max(left, 0.0))
        except WaitTimeout:  # from Python 3.11 also what the call itself may raise
            if future.done():
                raise
            message = f"deadline passed during attempt {ctx.attempt + 1}"
            raise DeadlineExceededError(message, provider=ctx.provider) from None

    async def _abounded(
        self,
        ctx: CallContext,
        generator: BaseGenerator,
        op: Callable[[BaseGenerator], Awaitable[T]],
    ) -> T:
        left = self.left(ctx)
        if left is None:
            return await op(generator)
        import asyncio

        try:
            return await asyncio.wait_for(op(generator), max(left, 0.0))
        except asyncio.TimeoutError:
            now_left = self.left(ctx)
            if now_left is not None and now_left > 0:
                raise  # the call's own timeout, not the deadline
            message = f"deadline passed during attempt {ctx.attempt + 1}"
            raise DeadlineExceededError(message, provider=ctx.provider) from None

    def _executor(self) -> ThreadPoolExecutor:
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            if self._workers is None:
                self._workers = ThreadPoolExecutor(thread_name_prefix="generator-call")
            return self._workers

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown(wait=False, cancel_futures=True)
