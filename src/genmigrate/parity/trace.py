"""Normalised, redacted, JSON-native traces of requests, return values and exceptions."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import enum
import inspect
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from genmigrate.parity.canned import Request
from genmigrate.parity.secrets import mask_field, mask_header, mask_text

SECRET_PREFIX = "parity-secret-"
_SECRET = re.compile(re.escape(SECRET_PREFIX) + r"([A-Za-z0-9_]+)")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
_AWS_DATE = re.compile(r"/\d{8}/")
_AWS_SIGNATURE = re.compile(r"Signature=[0-9a-f]+")
# Headers that carry SDK versions, platform facts, per-request randomness or transport details.
_DROPPED_HEADERS = re.compile(
    r"^(user-agent|accept-encoding|connection|content-length|host|idempotency-key|x-stainless-(?!timeout$|read-timeout$).*|"
    r"amz-sdk-.*|x-amz-date|x-amz-user-agent|x-amz-content-sha256|x-dashscope-sdk-.*|x-dashscope-useragent|"
    r"traceparent|tracestate|expect)$"
)
MAX_ITEMS = 64
MAX_DEPTH = 6


def redact(text: str) -> str:
    """Replace every planted secret by `<secret:NAME>` and drop run-specific noise."""
    text = _SECRET.sub(lambda m: f"<secret:{m.group(1)}>", text)
    text = _UUID.sub("<uuid>", text)
    text = _ADDRESS.sub("at <address>", text)
    return mask_text(_TIMESTAMP.sub("<timestamp>", text))


def _header_value(name: str, value: str) -> str:
    if name == "authorization" and value.startswith("AWS4-HMAC-SHA256"):
        value = _AWS_SIGNATURE.sub("Signature=<signature>", _AWS_DATE.sub("/<date>/", value))
    return mask_header(name, redact(value))


def _body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    text: str | None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        try:
            return scrub(json.loads(text))
        except ValueError:
            pass
        if "x-www-form-urlencoded" in content_type:
            return {"form": [[k, mask_field(k, redact(v))] for k, v in parse_qsl(text, keep_blank_values=True)]}
        return redact(text)
    return {"bytes": len(raw), "base64_head": base64.b64encode(raw[:24]).decode("ascii")}


def request_trace(request: Request) -> dict[str, Any]:
    parts = urlsplit(request.url)
    headers = {k: _header_value(k, v) for k, v in request.headers if not _DROPPED_HEADERS.match(k)}
    return {
        "method": request.method.upper(),
        "host": parts.hostname or "",
        "path": redact(parts.path),
        "query": sorted([k, mask_field(k, redact(v))] for k, v in parse_qsl(parts.query, keep_blank_values=True)),
        "headers": dict(sorted(headers.items())),
        "body": _body(request.body, request.header("content-type") or ""),
    }


def scrub(value: Any) -> Any:
    """Redact strings inside an already JSON-native value; floats rounded to 6 digits."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {redact(str(k)): mask_field(k, scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


class Normaliser:
    """Turns return values into JSON-native data. Types of the module under test read `<module>`.

    Streams nested in a value are drained (sync by iteration, async through `drain_async`).
    """

    def __init__(self, modules: tuple[str, ...], drain_async: Callable[[Any], list[Any]],
                 renames: Mapping[str, str] | None = None) -> None:
        self._modules = tuple(sorted(modules, key=len, reverse=True))
        self._drain_async = drain_async
        self._renames = dict(renames or {})  # class under test -> the original's name (an intended rename)

    def type_name(self, tp: type) -> str:
        module = tp.__module__
        for name in self._modules:
            if module == name or module.startswith(name + "."):
                module = "<module>" + module[len(name):]
                break
        qualname = tp.__qualname__
        if module.startswith("<module>") and qualname in self._renames:
            qualname = self._renames[qualname]
        return f"{module}.{qualname}"

    def module_name(self, name: str) -> str:
        """A dotted name (a logger's, say) with the module under test read as `<module>`."""
        for module in self._modules:
            if name == module or name.startswith(module + "."):
                return "<module>" + name[len(module):]
        return name

    def log_record(self, record: logging.LogRecord) -> str:
        """`LEVEL logger: message`, the module's name and planted secrets normalised."""
        message = record.getMessage()
        for name in self._modules:
            message = message.replace(name, "<module>")
        return f"{record.levelname} {self.module_name(record.name)}: {scrub(message)}"

    def exception(self, exc: BaseException) -> dict[str, Any]:
        message = str(exc)
        for name in self._modules:
            message = message.replace(name, "<module>")
        for new, old in self._renames.items():
            message = re.sub(rf"\b{re.escape(new)}\b", old, message)
        return {"raised": self.type_name(type(exc)), "message": redact(message)}

    def value(self, value: Any, depth: int = 0) -> Any:
        if value is None or isinstance(value, bool | int | str | float):
            return scrub(value)
        if depth >= MAX_DEPTH:
            return f"<{self.type_name(type(value))}>"
        if isinstance(value, enum.Enum):
            return f"{self.type_name(type(value))}.{value.name}"
        if isinstance(value, bytes | bytearray):
            return {"bytes": len(value)}
        if isinstance(value, Mapping):
            return {redact(str(k)): mask_field(k, self.value(v, depth + 1)) for k, v in list(value.items())[:MAX_ITEMS]}
        if isinstance(value, list | tuple | set | frozenset):
            items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
            return [self.value(v, depth + 1) for v in list(items)[:MAX_ITEMS]]
        if isinstance(value, BaseException):
            return self.exception(value)
        if isinstance(value, logging.Logger):
            return f"<logger {self.module_name(value.name)}>"
        if inspect.isasyncgen(value) or hasattr(value, "__anext__"):
            return {"stream": [self.value(v, depth + 1) for v in self._drain_async(value)]}
        if is_stream(value):
            return {"stream": self._drain(value, depth)}
        return self._object(value, depth)

    def _drain(self, stream: Any, depth: int) -> list[Any]:
        out: list[Any] = []
        try:
            for item in stream:
                out.append(self.value(item, depth + 1))
                if len(out) >= MAX_ITEMS:
                    break
        except Exception as exc:  # a stream failing midway is behaviour too
            out.append(self.exception(exc))
        return out

    def _object(self, value: Any, depth: int) -> Any:
        kind = type(value)
        if callable(value) and not hasattr(value, "__dict__"):
            return f"<callable {getattr(value, '__qualname__', kind.__qualname__)}>"
        if inspect.isroutine(value) or inspect.isclass(value):
            return f"<{'class' if inspect.isclass(value) else 'callable'} {getattr(value, '__qualname__', '?')}>"
        fields = _fields(value)
        if fields is None:
            return f"<{self.type_name(kind)}>"
        return {"__type__": self.type_name(kind), **{k: mask_field(k, self.value(v, depth + 1)) for k, v in fields.items()}}


_OPAQUE_ROOTS = ("openai", "anthropic", "httpx", "httpx2", "botocore", "boto3", "requests", "aiohttp", "ollama",
                 "dashscope", "urllib3", "ssl", "socket", "asyncio", "threading", "logging", "_thread")


class _Recorder(logging.Handler):
    def __init__(self, note: Callable[[dict[str, Any]], None], normaliser: Normaliser) -> None:
        super().__init__(logging.NOTSET)
        self._note, self._normaliser = note, normaliser

    def emit(self, record: logging.LogRecord) -> None:
        self._note({"log": self._normaliser.log_record(record)})


@contextlib.contextmanager
def recorded_logs(note: Callable[[dict[str, Any]], None], normaliser: Normaliser) -> Iterator[None]:
    """Every record that reaches the root logger while inside (at the levels the loggers are
    configured for: nothing is made more verbose) is noted as a `log` event."""
    handler = _Recorder(note, normaliser)
    logging.root.addHandler(handler)
    try:
        yield
    finally:
        logging.root.removeHandler(handler)


def _fields(value: Any) -> dict[str, Any] | None:
    """Public state of an object, or None for SDK clients and other opaque handles."""
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump) and hasattr(type(value), "model_fields"):
        dumped = model_dump()
        return dumped if isinstance(dumped, dict) else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name, None) for f in dataclasses.fields(value)}
    if type(value).__module__.split(".")[0] in _OPAQUE_ROOTS:
        return None
    state = getattr(value, "__dict__", None)
    if not isinstance(state, dict):
        return None
    merged = {**_class_data(type(value)), **state}  # the instance's own values win, as attribute lookup does
    return {k: v for k, v in sorted(merged.items()) if not k.startswith("__")}


def _class_data(kind: type) -> dict[str, Any]:
    """Public plain values set on the class body (`name = "x"`): state every instance reads, so a
    changed one shows. Methods, properties and other descriptors are behaviour, not state."""
    out: dict[str, Any] = {}
    for klass in reversed(kind.__mro__[:-1]):
        if klass.__module__.split(".")[0] in _OPAQUE_ROOTS or klass.__module__ == "builtins":
            continue
        for key, item in vars(klass).items():
            if key.startswith("_") or callable(item) or hasattr(item, "__get__") or isinstance(item, kind):
                continue
            out[key] = item
    return out


def is_stream(value: Any) -> bool:
    """An iterator or an SDK stream object (botocore EventStream, openai Stream, ...)."""
    if isinstance(value, str | bytes | Mapping | list | tuple | set | frozenset):
        return False
    if isinstance(value, Iterator):
        return True
    return hasattr(value, "__iter__") and "stream" in type(value).__name__.lower()
