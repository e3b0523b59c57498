"""Plain dataclasses passed between the pipeline stages (discover -> plan -> render -> verify -> write).

The scan result is also the `genmigrate scan --json` document; its schema is versioned by
`SCHEMA_VERSION` and documented in docs/scan-schema.md. Every field is JSON-native after `to_dict()`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1

Protocol = Literal["modelclient", "chat-wrapper", "base-class", "unknown", "functions"]


@dataclass(frozen=True)
class SourceError:
    """A problem in one input file, reported as `path:line: message`."""

    path: str
    line: int
    message: str
    # True when the file would be a client module: the migration cannot go ahead without it.
    fatal: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class MethodInfo:
    name: str
    line: int
    params: list[str]  # parameter names as written, `self`/`cls` included, `*args`/`**kw` prefixed
    is_async: bool = False
    is_generator: bool = False  # contains `yield` directly in its body
    decorators: list[str] = field(default_factory=list)  # decorator source, without `@`
    # The body does nothing: only a docstring, `pass`, `...` or `raise NotImplementedError`.
    stub: bool = False
    model_types: list[str] = field(default_factory=list)  # `ModelType` members the body names
    # The body can hand back a stream: it yields, names `stream`, or forwards `**` keywords into a call.
    may_stream: bool = True


# The unified operations a generated adapter can offer, in the order adapters define them.
OPERATIONS = ("generate", "agenerate", "stream", "astream", "embed", "aembed")


@dataclass
class Operation:
    """One unified operation a class really offers, mapped onto one of its methods."""

    name: str  # generate | agenerate | stream | astream | embed | aembed
    method: str  # the legacy method called
    input: str  # messages | prompt | text (one call per text) | texts
    stream_flag: str = ""  # keyword passed as True to make `method` stream (e.g. "stream")
    options: list[str] = field(default_factory=list)  # the method's other named parameters, sorted
    any_option: bool = False  # the method takes **kwargs
    is_generator: bool = False  # the method itself yields (rather than returning an iterator)


@dataclass
class ClassInfo:
    name: str
    line: int
    end_line: int
    bases: list[str]  # as written, e.g. ["ModelClient"] or ["adalflow.core.model_client.ModelClient"]
    protocol: Protocol
    methods: list[MethodInfo]  # in source order; a duplicated definition appears twice
    needs: list[int]  # indexes into ClientModule.statements this class needs, transitively, sorted
    # protocol "base-class": the repo-local base that defines the protocol, and what it maps to.
    protocol_base: str = ""
    operations: list[Operation] = field(default_factory=list)
    # `ModelType` members the class body names (AdalFlow clients), e.g. ["EMBEDDER", "LLM"].
    model_types: list[str] = field(default_factory=list)
    # "async" / "sync": `__aenter__` / `__enter__` assigns attributes of self (the SDK client is
    # created on entering the block), so callers must call the class inside `async with` / `with`.
    opens_client: list[str] = field(default_factory=list)
    # The dotted name the module's own `ModelType` is imported from by a statement the class needs
    # (e.g. "adalflow.core.types.ModelType"); "" when it binds none (the adapter then imports AdalFlow's).
    model_type_import: str = ""
    # The LlamaIndex module a base class is imported from (e.g. "llama_index.core.llms"): its
    # `ChatMessage`, when it defines one, is what the class's `chat(messages)` takes.
    message_module: str = ""


@dataclass
class Statement:
    """One module-level statement of a client module (a compound statement counts as one)."""

    index: int
    line: int
    end_line: int
    kind: str  # import | import-prelude | assign | function | class | main-guard | docstring | side-effect | other
    defines: list[str] = field(default_factory=list)
    type_only: bool = False  # an `if TYPE_CHECKING:` block: its names do not exist at run time


@dataclass
class Hazard:
    code: str  # stable identifier, e.g. "import-prelude", "in-function-import", "duplicate-method"
    line: int
    message: str


@dataclass
class Dependent:
    """Something elsewhere in the repo that refers to a client module or one of its names."""

    kind: Literal["import", "patch-target", "config-ref", "string-ref", "subclass"]
    path: str
    line: int
    target: str  # dotted name referenced, e.g. "api.openai_client.OpenAIClient"
    form: str  # import: "import" | "import-as" | "from-import"; patch-target: "mock.patch" | ...; config-ref: "json" | "yaml" | "toml" | "python"; subclass: "class <Name>"
    in_function: bool = False
    text: str = ""  # the source line, stripped


@dataclass
class ClientModule:
    path: str  # posix path relative to the scan root
    module: str  # dotted module name, e.g. "api.openai_client"
    provider: str  # e.g. "openai", "azure", "bedrock", "dashscope", "openrouter", "ollama", "anthropic"
    evidence: list[str]  # why this provider, e.g. ["import openai", "endpoint openrouter.ai"]
    classes: list[ClassInfo]
    statements: list[Statement]
    hazards: list[Hazard]
    dependents: list[Dependent]
    encoding: str = "utf-8"
    newline: str = "\n"
    # Top-level functions, in source order: what an adapter calls when no class talks to the provider.
    functions: list[MethodInfo] = field(default_factory=list)


@dataclass(frozen=True)
class Rejected:
    """A candidate file discovery looked at and left alone, and why."""

    path: str
    module: str
    reason: str


@dataclass
class ScanResult:
    root: str
    files_listed: int
    candidates: int
    parsed: int
    clients: list[ClientModule]
    errors: list[SourceError]
    schema_version: int = SCHEMA_VERSION
    # Files carrying the generated marker (genmigrate.marker; output of an earlier migration), posix, relative to the root.
    generated: list[str] = field(default_factory=list)
    # The folder (posix, relative to the root; "." for the root) the client modules' dotted names are
    # relative to, and the configuration it was read from (docs/scan-schema.md).
    import_root: str = "."
    import_root_from: str = "the scan root"
    # Candidates (files naming a provider or importing its SDK) that are no client module, sorted by path.
    rejected: list[Rejected] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanResult:
        def client(d: dict[str, Any]) -> ClientModule:
            return ClientModule(
                **{
                    **d,
                    "classes": [
                        ClassInfo(**{
                            **c,
                            "methods": [MethodInfo(**m) for m in c["methods"]],
                            "operations": [Operation(**o) for o in c.get("operations", [])],
                        })
                        for c in d["classes"]
                    ],
                    "statements": [Statement(**s) for s in d["statements"]],
                    "hazards": [Hazard(**h) for h in d["hazards"]],
                    "dependents": [Dependent(**x) for x in d["dependents"]],
                    "functions": [MethodInfo(**m) for m in d.get("functions", [])],
                }
            )

        return cls(
            **{
                **data,
                "clients": [client(c) for c in data["clients"]],
                "errors": [SourceError(**e) for e in data["errors"]],
                "rejected": [Rejected(**r) for r in data.get("rejected", [])],
            }
        )


@dataclass(frozen=True)
class FileChange:
    """The new bytes of one file the migration creates or changes."""

    path: str  # posix, relative to the repo root
    old: bytes | None  # None: a new file
    new: bytes

    @property
    def created(self) -> bool:
        return self.old is None

