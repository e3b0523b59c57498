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
from genmigrate.parity.deadline import ScenarioTimeout, deadline, scenario_seconds
from genmigrate.parity.environment import planted_environment, recorded_sleeps, redacted_logs
from genmigrate.parity.errors import responder_for
from genmigrate.parity.given import UNKNOWN, Given
from genmigrate.parity.intercept import intercept
from genmigrate.parity.trace import Normaliser, is_stream, recorded_logs, redact, request_trace


class ParityNetworkError(RuntimeError):
    """The code under test opened a real network connection during a parity scenario."""


class Failed:
    """Returned by a step that raised; later steps that need its value are skipped."""

    def __repr__(self) -> str:
        return "<failed step>"


FAILED = Failed()


class ModuleImportError(Exception):
    """The module under test does not import; str() says why in one line. `missing` names the
    package when the cause is an SDK that is not installed here."""

    def __init__(self, message: str, missing: str | None = None) -> None:
        super().__init__(message)
        self.missing = missing


def import_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top and top != name.split(".")[0]:
            raise ModuleImportError(f"parity skipped: package '{top}' is not installed", top) from None
        raise ModuleImportError(f"{name} does not import: ModuleNotFoundError: {exc}") from None
    except Exception as exc:  # the code under test's import: any failure is its own report
        raise ModuleImportError(f"{name} does not import: {type(exc).__name__}: {exc}") from None


@dataclass(frozen=True)
class Scenario:
    name: str
    mode: str  # a reply mode from genmigrate.parity.errors.MODES
    steps: Callable[[Probe], None]
    description: str = ""
    env: dict[str, str | None] = field(default_factory=dict)  # None: the variable is absent


class Probe:
    """What a scenario's steps drive: the class under test, with every outcome recorded.

    `reference` is the original (legacy) class: scenarios compute inputs with it (the api_kwargs
    its `convert_inputs_to_api_kwargs` produces, say) so that a broken step of the class under test
    does not hide what its later steps do. Work done for the reference is never recorded.
    """

    def __init__(self, module: ModuleType, cls: type, loop: asyncio.AbstractEventLoop, modules: tuple[str, ...],
                 reference: type | None = None, reference_module: ModuleType | None = None,
                 environ: Any = None, renames: dict[str, str] | None = None, given: Given | None = None):
        self.module = module
        self.given = given  # the original's results, carried from its run (genmigrate.parity.given)
        self.cls = cls
        self.loop = loop
        self.reference = reference if reference is not None else cls
        self.reference_module = reference_module if reference_module is not None else module
        self.events: list[dict[str, Any]] = []
        self.normaliser = Normaliser(modules, self._drain_async, renames or {})
        self._environ = environ
        self._quiet = 0

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
        if not self._quiet:
            self.events.append(event)

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Nothing done inside is recorded: no step, request, sleep or env read."""
        read = set(self._environ.read) if self._environ is not None else set()
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1
            if self._environ is not None and not self._quiet:
                self._environ.read.clear()
                self._environ.read.update(read)

    def silently(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn(*args, **kwargs)` (awaited when it returns an awaitable), unrecorded; FAILED if it raises."""
        with self.quiet():
            try:
                value = fn(*args, **kwargs)
                if inspect.isawaitable(value):
                    value = self.loop.run_until_complete(_await(value))
                return value
            except Exception:
                return FAILED

    def fresh(self, **kwargs: Any) -> Any:
        """A new instance of the class under test, constructed unrecorded (FAILED if that raises)."""
        return self.silently(self.cls, **kwargs)

    def on_fresh(self, label: str, method: str, *args: Any, consume: bool = False, init: dict[str, Any] | None = None,
                 **kwargs: Any) -> Any:
        """Step `label`: `method` of a fresh instance (built with `init`); a constructor failure is
        recorded as this step's."""
        try:
            instance = self.cls(**(init or {}))
        except Exception as exc:
            self.note({"step": label, "construct": self.normaliser.exception(exc)})
            return FAILED
        if not hasattr(instance, method):
            self.note({"step": label, "missing": method})
            return FAILED
        value = self.step(label, getattr(instance, method), *args, consume=consume, **kwargs)
        if self.given is not None:
            with self.quiet():
                self.given.add(method, value, value is FAILED)
        return value

    def by_reference(self, method: str, *args: Any, init: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """What the original class's `method` returns on a fresh instance (built with `init`),
        unrecorded (FAILED if it raises). Where the original runs elsewhere, what it returned there."""
        if self.given is not None and (value := self.given.take(method, FAILED)) is not UNKNOWN:
            return value
        with self.quiet():
            instance = self.silently(self.reference, **(init or {}))
            if instance is FAILED or not hasattr(instance, method):
                value = FAILED
            else:
                value = self.silently(getattr(instance, method), *args, **kwargs)
            if self.given is not None:
                self.given.add(method, value, value is FAILED, reference=True)
        return value

    def framework(self, name: str) -> Any:
        """The object `name` (an enum such as `ModelType`) from the module the original takes it from,
        the same object to both sides: never a look-alike the module under test defines."""
        where = self.given.framework(name) if self.given is not None else None
        if where:
            with contextlib.suppress(Exception):
                return getattr(importlib.import_module(where), name)
        value = getattr(self.reference_module, name, None) or getattr(self.module, name)
        if self.given is not None and getattr(value, "__module__", "") not in (self.module.__name__, ""):
            self.given.framework(name, value.__module__)
        return value

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


class _NoClass:
    """The class of a case whose subject is a module's functions."""


def run_scenario(module_name: str, class_name: str, scenario: Scenario, aliases: tuple[str, ...] = (),
                 reference: tuple[str, str] | None = None, given: Given | None = None) -> dict[str, Any]:
    """The trace of `scenario` against `module_name.class_name`: ordered events (requests, sleeps,
    steps with their results), then the planted environment variables the run read.

    `aliases`: other module names whose types count as the module under test (the legacy path).
    `reference`: (module, class) of the original class scenarios compute their inputs with
    (default: the class under test itself); a class renamed from it reads as its original name.
    `given`: the original's results recorded here, or replayed from its run (genmigrate.parity.given).
    """
    probe_ref: list[Probe] = []
    seconds = scenario_seconds()  # read before the planted environment replaces os.environ
    with planted_environment(scenario.env) as environ, _event_loop() as loop, redacted_logs(), \
            intercept(_recording(responder_for(scenario.mode), probe_ref)) as log:
        try:
            module = import_module(module_name)
        except ModuleImportError as exc:
            if not scenario.env or exc.missing:
                raise
            # the scenario's own variables make the module fail at import: that is its behaviour
            return {"scenario": scenario.name, "replies": scenario.mode, "env_read": [],
                    "events": [{"step": "import", "raised": redact(str(exc).replace(module_name, "<module>"))}]}
        cls = getattr(module, class_name, None) if class_name else _NoClass  # "": the module's functions
        if cls is None:
            raise ModuleImportError(f"{module_name} has no class {class_name}")
        ref_module = import_module(reference[0]) if reference else module
        ref_cls = getattr(ref_module, reference[1]) if reference else cls
        renames = {class_name: ref_cls.__name__} if class_name and ref_cls.__name__ != class_name else {}
        probe = Probe(module, cls, loop, (module_name, *aliases), ref_cls, ref_module, environ, renames, given)
        probe_ref.append(probe)
        environ.read.clear()
        timed_out = _run_steps(scenario, probe, seconds)
    if log.blocked:
        raise ParityNetworkError(f"scenario {scenario.name} opened real connections: {', '.join(log.blocked)}")
    trace = {"scenario": scenario.name, "replies": scenario.mode, "events": probe.events,
             "env_read": sorted(environ.read)}
    return {**trace, "timed_out": timed_out} if timed_out else trace


def _run_steps(scenario: Scenario, probe: Probe, seconds: float) -> dict[str, Any] | None:
    """Run the steps under the scenario deadline; on expiry, what the timeout is reported with."""
    try:
        with deadline(seconds), recorded_sleeps(lambda s: probe.note({"sleep": round(s, 3)})), \
                recorded_logs(probe.note, probe.normaliser):
            scenario.steps(probe)
    except ScenarioTimeout:
        requests = [e["request"] for e in probe.events if "request" in e]
        last = f"{requests[-1]['method']} {requests[-1]['host']}{requests[-1]['path']}" if requests else None
        return {"last_request": last}  # the deadline itself stays out: traces do not depend on it
    return None
