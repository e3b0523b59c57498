"""The manager runs a legacy `backoff.on_exception` schedule in the decorator's place: which
decorators it reads (`_legacy.decorator_schedule`), and that its run (`DecoratorRetry`) makes the
same tries, waits and handler calls as the decorator itself."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import backoff
import pytest
import tenacity

from servers.render import import_package, write_package

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    root: Path = tmp_path_factory.mktemp("schedule")
    package = write_package(root, ())
    import_package(root, package)
    names = ("_legacy", "_resilience", "_errors")
    return SimpleNamespace(**{n: importlib.import_module(f"{package}.{n}") for n in names})


class Throttled(Exception):
    pass


class Refused(Exception):
    pass


def _on(**options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return backoff.on_exception(backoff.expo, Throttled, **options)


class Client:
    @_on(max_tries=4)
    def call(self) -> str:
        return "sync"

    @_on(max_tries=4)
    async def acall(self) -> str:
        return "async"


class Differing(Client):
    @_on(max_tries=2)
    def call(self) -> str:
        return "sync"


class Tenacious:
    @tenacity.retry(stop=tenacity.stop_after_attempt(3))
    def call(self) -> str:
        return "sync"


class Predicate:
    @backoff.on_predicate(backoff.expo, max_tries=3)
    def call(self) -> str:
        return ""


def _logged(function: Callable[..., Any]) -> Callable[..., Any]:
    def logged(*args: Any) -> Any:
        return function(*args)

    logged.__wrapped__ = function  # type: ignore[attr-defined]
    return logged


class Hidden:
    @_logged
    @_on(max_tries=4)
    def call(self) -> str:
        return "sync"


class Quiet:
    @_on(max_tries=4, raise_on_giveup=False)
    def call(self) -> str:
        return "sync"


def test_a_backoff_schedule_shared_by_sync_and_async_methods_is_read(gen: SimpleNamespace) -> None:
    schedule = gen._legacy.decorator_schedule(Client)
    assert schedule is not None
    assert (schedule["max_tries"], schedule["exception"]) == (4, Throttled)
    # read from `acall` (the first name): backoff's coroutine wrappers of its handlers are undone
    plain = (schedule["giveup"], *schedule["on_backoff"], *schedule["on_giveup"])
    assert plain and not any(map(inspect.iscoroutinefunction, plain))


@pytest.mark.parametrize("legacy", [Differing, Tenacious, Predicate, Hidden, Quiet, object, None])
def test_a_schedule_the_manager_cannot_run_itself_is_left_to_the_decorator(gen: SimpleNamespace, legacy: Any) -> None:
    assert gen._legacy.decorator_schedule(legacy) is None


def _decorated_run(failures: list[Exception], **options: Any) -> tuple[int, list[float], list[int]]:
    """Tries, waits and backoff-handler tries of the real decorator over `failures`, then success."""
    waits: list[float] = []
    handled: list[int] = []
    left = list(failures)

    @backoff.on_exception(backoff.expo, Throttled, on_backoff=lambda d: handled.append(d["tries"]), **options)
    def call() -> str:
        if left:
            raise left.pop(0)
        return "ok"

    tries = len(failures)
    with mock.patch("time.sleep", waits.append):
        try:
            call()
            tries = len(failures) - len(left) + 1
        except Exception:
            tries = len(failures) - len(left)
    return tries, waits, handled


def _manager_run(gen: SimpleNamespace, failures: list[Exception], **options: Any) -> tuple[int, list[float], list[int]]:
    """The same through `DecoratorRetry`, as the manager's call runner drives it."""
    handled: list[int] = []

    class Legacy:
        @backoff.on_exception(backoff.expo, Throttled, on_backoff=lambda d: handled.append(d["tries"]), **options)
        def call(self) -> str:
            return "ok"

    schedule = gen._legacy.decorator_schedule(Legacy)
    assert schedule is not None
    retry = gen._resilience.DecoratorRetry(schedule)
    waits: list[float] = []
    for attempt, exc in enumerate(failures):
        delay = retry.next_delay(attempt, gen._errors.classify(exc, "openai"), None, 0.0)
        if delay is None:
            return attempt + 1, waits, handled
        waits.append(delay)
    return len(failures) + 1, waits, handled


@pytest.mark.parametrize(
    ("failures", "options"),
    [
        ([Throttled()] * 6, {"max_tries": 4, "jitter": None}),
        ([Throttled()] * 2, {"max_tries": 4, "jitter": None}),
        ([Throttled(), Refused()], {"max_tries": 4, "jitter": None}),
        ([Throttled("fatal"), Throttled()], {"max_tries": 4, "giveup": lambda e: str(e) == "fatal"}),
        ([Throttled()] * 5, {"max_tries": 9, "jitter": None, "factor": 3, "max_value": 10}),
    ],
)
def test_the_manager_makes_the_tries_and_waits_the_decorator_makes(
    gen: SimpleNamespace, failures: list[Exception], options: dict[str, Any]
) -> None:
    assert _manager_run(gen, failures, **options) == _decorated_run(failures, **options)


def test_max_time_caps_the_wait_and_ends_the_retries(gen: SimpleNamespace) -> None:
    class Legacy:
        @backoff.on_exception(backoff.constant, Throttled, interval=4, jitter=None, max_time=5)
        def call(self) -> str:
            return "ok"

    schedule = gen._legacy.decorator_schedule(Legacy)
    error = gen._errors.classify(Throttled(), "openai")
    retry = gen._resilience.DecoratorRetry(schedule)
    assert retry.next_delay(0, error, None, 0.0) == 4
    assert retry.next_delay(1, error, None, 3.0) == 2  # 5 s in all, 3 s gone
    assert retry.next_delay(2, error, None, 5.0) is None


def test_a_servers_retry_after_is_the_least_wait(gen: SimpleNamespace) -> None:
    error = gen._errors.classify(Throttled(), "openai")
    error.retry_after = 3.0
    retry = gen._resilience.DecoratorRetry(gen._legacy.decorator_schedule(Client))
    assert retry.next_delay(0, error, None, 0.0) == 3.0


def test_the_handlers_name_the_method_of_the_calls_kind(gen: SimpleNamespace) -> None:
    named: list[str] = []

    def record(details: dict[str, Any]) -> None:
        named.append(details["target"].__name__)

    class Legacy:
        @backoff.on_exception(backoff.expo, Throttled, on_backoff=record, jitter=None)
        async def acall(self) -> str:
            return "async"

        @backoff.on_exception(backoff.expo, Throttled, on_backoff=record, jitter=None)
        def call(self) -> str:
            return "sync"

    schedule = gen._legacy.decorator_schedule(Legacy)
    error = gen._errors.classify(Throttled(), "openai")
    for is_async in (False, True):
        assert gen._resilience.DecoratorRetry(schedule, is_async).next_delay(0, error, None, 0.0) == 1
    assert named == ["call", "acall"]
