"""Run one scenario against one class and return its normalised trace."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from genmigrate.parity.canned import Reply, Request, Responder
from genmigrate.parity.environment import planted_environment, recorded_sleeps, redacted_logs
from genmigrate.parity.errors import responder_for
from genmigrate.parity.intercept import intercept
from genmigrate.parity.trace import Normaliser, is_stream, request_trace


class ParityNetworkError(RuntimeError):
    """The code under test opened a real network connection during a parity scenario."""


class Failed:
    """Returned by a step that raised; later steps that need its value are skipped."""

    def __repr__(self) -> str:
        return "<failed step>"


FAILED = Failed()


@dataclass(frozen=True)
class Scenario:
    name: str
    mode: str  # a reply mode from genmigrate.parity.errors.MODES
    steps: Callable[[Probe], None]
    description: str = ""
    env: dict[str, str] = field(default_factory=dict)


class Probe:
    """What a scenario's steps drive: the class under test, with every outcome recorded."""

    def __init__(self, module: ModuleType, cls: type, loop: asyncio.AbstractEventLoop, modules: tuple[str, ...]):
        self.module = module
        self.cls = cls
        self.loop = loop
        self.events: list[dict[str, Any]] = []
        self.normaliser = Normaliser(modules, self._drain_async)

    def _drain_async(self, stream: Any) -> list[Any]:
        async def collect() -> list[Any]:
            out: list[Any] = []
            try:
                async for item in stream:
                    out.append(item)
            except Exception as exc:  # a stream failing midway is behaviour too
                out.append(exc)
            return out

        return self.loop.run_until_complete(collect())

    def note(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def step(self, label: str, fn: Callable[..., Any], *args: Any, consume: bool = False, **kwargs: Any) -> Any:
        """Call `fn`, awaiting it if it is a coroutine; record what it returned or raised.

        A returned stream is recorded as its type only, unless `consume`: the next step usually
        takes it (e.g. `parse_chat_completion(call(...))`) and its chunks show up there.
        """
        try:
            value = fn(*args, **kwargs)
            if inspect.isawaitable(value):
                value = self.loop.run_until_complete(_await(value))
        except Exception as exc:
            self.note({"step": label, **self.normaliser.exception(exc)})
            return FAILED
        streaming = is_stream(value) or inspect.isasyncgen(value) or hasattr(value, "__anext__")
        if streaming and not consume:
            self.note({"step": label, "returned": f"<stream {self.normaliser.type_name(type(value))}>"})
            return value
        self.note({"step": label, "returned": self.normaliser.value(value)})
        return value

    def construct(self, label: str = "construct", **kwargs: Any) -> Any:
        return self.step(label, self.cls, **kwargs)


async def _await(value: Any) -> Any:
    return await value


def _recording(responder: Responder, probe_ref: list[Probe]) -> Responder:
    def respond(request: Request) -> Reply:
        if probe_ref:
            probe_ref[0].note({"request": request_trace(request)})
        return responder(request)

    return respond


@contextlib.contextmanager
def _event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        with contextlib.suppress(Exception):
            loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def run_scenario(module_name: str, class_name: str, scenario: Scenario,
                 aliases: tuple[str, ...] = ()) -> dict[str, Any]:
    """The trace of `scenario` against `module_name.class_name`: ordered events (requests, sleeps,
    steps with their results), then the planted environment variables the run read.

    `aliases`: other module names whose types count as the module under test (the legacy path).
    """
    probe_ref: list[Probe] = []
    with planted_environment(scenario.env) as environ, _event_loop() as loop, redacted_logs(), \
            intercept(_recording(responder_for(scenario.mode), probe_ref)) as log:
        module = importlib.import_module(module_name)
        cls = getattr(module, class_name)
        probe = Probe(module, cls, loop, (module_name, *aliases))
        probe_ref.append(probe)
        environ.read.clear()
        with recorded_sleeps(lambda seconds: probe.note({"sleep": round(seconds, 3)})):
            scenario.steps(probe)
    if log.blocked:
        raise ParityNetworkError(f"scenario {scenario.name} opened real connections: {', '.join(log.blocked)}")
    return {"scenario": scenario.name, "replies": scenario.mode, "events": probe.events,
            "env_read": sorted(environ.read)}
