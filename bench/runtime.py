"""Runtime cost of the generated layer, measured side by side in one run.

    /work/venv/bin/python bench/runtime.py [--repeats 7] [--calls 20000] [--baseline REV]

Prints: import time of the generated package + manager vs `import openai` (fresh subprocesses,
best of N, and which provider SDK modules the import left in sys.modules), and the import plus
building the first manager (what a program pays before its first call); per-call overhead of
`GeneratorManager.generate` over calling the legacy client directly on an in-process fake
transport; and the latency of a response-cache hit. Targets: import <= 5% of `import openai`
with no SDK loaded, overhead <= 0.1 ms per call. `--baseline REV` also renders the package from
the templates of git revision REV and measures both, interleaved, in the same run.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from genmigrate import generated

from genmigrate.generated import (
    AdapterContext,
    PackageContext,
    ProviderEntry,
    render_adapter,
    render_package,
)
from genmigrate.model import MethodInfo

PACKAGE = "benchapp.components.generator"
SDKS = {"openai", "anthropic", "boto3", "botocore", "adalflow", "ollama", "dashscope", "httpx"}
SDKS |= {"httpx2", "requests", "aiohttp"}

# A legacy wrapper whose "transport" is an in-process function returning a provider-shaped body.
ECHO_LEGACY = textwrap.dedent("""
    import json

    _CANNED = json.dumps({"choices": [{"message": {"content": "pong"}}], "usage": {}})


    def _transport(payload):
        return json.loads(_CANNED)


    class EchoClient:
        def __init__(self, max_retries=2):
            self.max_retries = max_retries

        def chat(self, messages, model="echo-1", **kwargs):
            body = _transport({"model": model, "messages": messages, **kwargs})
            return body["choices"][0]["message"]["content"]
    """)

# A legacy module that imports a real SDK at top level, as most legacy clients do.
OPENAI_LEGACY = textwrap.dedent("""
    from openai import OpenAI


    class OpenAIChat:
        def __init__(self, api_key="sk-bench", base_url=None):
            self.client = OpenAI(api_key=api_key, base_url=base_url)

        def chat(self, messages, model="gpt-4o", **kwargs):
            response = self.client.chat.completions.create(model=model, messages=messages, **kwargs)
            return response.choices[0].message.content
    """)

LEGACY = {
    "echo": (
        "EchoClient",
        ECHO_LEGACY,
        [MethodInfo("chat", 1, ["self", "messages", "model", "**kwargs"])],
    ),
    "openai": (
        "OpenAIChat",
        OPENAI_LEGACY,
        [MethodInfo("chat", 1, ["self", "messages", "model", "**kwargs"])],
    ),
}


def render(root: Path) -> None:
    """Write the generated package, with the two legacy providers, under root."""
    entries = tuple(
        ProviderEntry(
            name, f"{name}_generator", f"{name.capitalize()}Generator", (cls,), "chat-wrapper"
        )
        for name, (cls, _, _) in LEGACY.items()
    )
    base = root / "benchapp" / "components" / "generator"
    for rel, text in render_package(PackageContext(PACKAGE, entries)).items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(text, encoding="utf-8")
    for folder in (root / "benchapp", root / "benchapp" / "components"):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    for entry, (cls, source, methods) in zip(entries, LEGACY.values()):
        ctx = AdapterContext(entry.name, entry.adapter_class, cls, "chat-wrapper", tuple(methods))
        text = "# genmigrate: bench provider module\n" + source + "\n\n" + render_adapter(ctx)
        (base / "providers" / f"{entry.module}.py").write_text(text, encoding="utf-8")


def _run(root: Path, code: str) -> dict[str, object]:
    script = f"import sys, json, time\nsys.path.insert(0, {str(root)!r})\n{code}"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


IMPORT_GENERATED = f"""
t = time.perf_counter()
import {PACKAGE}
from {PACKAGE}.generator_manager import GeneratorManager
elapsed = time.perf_counter() - t
sdk = sorted({{m.split(".")[0] for m in sys.modules}} & set({sorted(SDKS)!r}))
print(json.dumps({{"seconds": elapsed, "sdk": sdk}}))
"""

FIRST_MANAGER = f"""
t = time.perf_counter()
from {PACKAGE}.generator_manager import GeneratorManager
GeneratorManager(default_provider="echo", entry_points=False, use_keyring=False)
print(json.dumps({{"seconds": time.perf_counter() - t}}))
"""

IMPORT_OPENAI = """
t = time.perf_counter()
import openai
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

CALLS = """
from {package}.generator_manager import GeneratorManager, ResponseCache
from {package}.providers.echo_generator import EchoClient

def best(fn, n, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - t) / n)
    return min(times)

n, repeats = {calls}, {repeats}
legacy = EchoClient()
messages = [{{"role": "user", "content": "ping"}}]
direct = best(lambda: legacy.chat(messages), n, repeats)
manager = GeneratorManager(default_provider="echo", entry_points=False, use_keyring=False)
assert manager.generate("ping").text == "pong"
managed = best(lambda: manager.generate("ping"), n, repeats)
cached_manager = GeneratorManager(
    default_provider="echo", entry_points=False, use_keyring=False, cache=ResponseCache(ttl=600)
)
cached_manager.generate("ping")
hit = best(lambda: cached_manager.generate("ping"), n, repeats)
print(json.dumps({{"direct": direct, "managed": managed, "hit": hit}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--baseline", help="git revision whose templates to measure as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="genmigrate-bench-") as tmp:
        roots = {"current": Path(tmp) / "current"}
        render(roots["current"])
        if args.baseline:
            roots[args.baseline] = Path(tmp) / "baseline"
            with templates_of(args.baseline, Path(tmp) / "templates"):
                render(roots[args.baseline])
        imports: dict[str, list[dict]] = {name: [] for name in roots}
        firsts: dict[str, list[dict]] = {name: [] for name in roots}
        openai = []
        for _ in range(args.repeats):  # interleaved, so load changes hit every variant alike
            for name, root in roots.items():
                imports[name].append(_run(root, IMPORT_GENERATED))
                firsts[name].append(_run(root, FIRST_MANAGER))
            openai.append(_run(roots["current"], IMPORT_OPENAI))
        calls = {
            name: _run(root, CALLS.format(package=PACKAGE, calls=args.calls, repeats=args.repeats))
            for name, root in roots.items()
        }
    for name in roots:
        print(f"== {name} templates")
        report(imports[name], firsts[name], openai, calls[name], args.repeats)


@contextmanager
def templates_of(revision: str, folder: Path) -> Iterator[None]:
    """Render with the generator templates as they were at `revision`."""
    archive = subprocess.run(
        ["git", "archive", revision, "templates/generator"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    environment = functools.partial(generated._environment, str(folder / "templates/generator"))
    with mock.patch.object(generated, "_environment", environment):
        yield


def report(
    generated_: list[dict], firsts: list[dict], openai: list[dict], calls: dict, repeats: int
) -> None:
    gen_best = min(float(r["seconds"]) for r in generated_)
    first_best = min(float(r["seconds"]) for r in firsts)
    openai_best = min(float(r["seconds"]) for r in openai)
    sdk = sorted({m for r in generated_ for m in r["sdk"]})  # type: ignore[union-attr]
    ratio = gen_best / openai_best
    overhead_ms = (float(calls["managed"]) - float(calls["direct"])) * 1000
    print(f"import generated package + manager: {gen_best * 1000:8.2f} ms (best of {repeats})")
    print(f"import openai:                      {openai_best * 1000:8.2f} ms (best of {repeats})")
    print(f"  ratio {ratio:.1%} (target <= 5%)  provider SDK modules loaded: {sdk or 'none'}")
    print(f"import + first GeneratorManager():  {first_best * 1000:8.2f} ms", end="")
    print(f"  ({first_best / openai_best:.1%} of import openai)")
    print(f"legacy client call, direct:         {float(calls['direct']) * 1e6:8.2f} us")
    print(f"same call through the manager:      {float(calls['managed']) * 1e6:8.2f} us")
    print(f"  overhead {overhead_ms:.4f} ms per call (target <= 0.1 ms)")
    print(f"cache hit through the manager:      {float(calls['hit']) * 1e6:8.2f} us")


if __name__ == "__main__":
    main()
