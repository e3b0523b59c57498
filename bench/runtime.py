"""Runtime cost of the generated layer on the migrated fixture app, measured side by side in one run.

    .venv/bin/python bench/runtime.py [--repeats 7] [--calls 25] [--rounds 150] [--runs 1]
                                      [--baseline REV]

Migrates a copy of fixtures/legacy_app (as `genmigrate apply` does) and prints: import time of
the generated package + manager vs `import openai` (fresh subprocesses, best of N, and which
provider SDK modules the import left in sys.modules), and the import plus building the first
manager; the per-call overhead of `GeneratorManager.generate` on the app's own migrated
`OpenAIClient` over calling that client directly (convert_inputs_to_api_kwargs -> call ->
parse_chat_completion, as the app did before the migration; also past its @backoff decorator,
which a manager running the retries steps over), both through the real openai SDK
on a canned in-process httpx transport, in the same process, interleaved in rounds (best batch
of each); and the latency of a response-cache hit. Two manager configurations are measured:
the default one (the manager runs the client's `@backoff.on_exception` schedule in the
decorator's place) and `retry=RetryPolicy()` (the manager retries on its own policy); in both
the legacy `call` is called past its decorator, its SDK client is bound to the deadline with
`with_options`, and a first attempt needs no worker thread (the figures say whether one was
started). Targets: import <= 3% of `import openai` with no SDK loaded, overhead <= 50 us per
call. `--baseline REV` also migrates with the templates of git revision REV and measures both.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))  # tests.servers.offline: adalflow's tokenizer, offline

from genmigrate import generated  # noqa: E402
from genmigrate.config import Config  # noqa: E402
from genmigrate.engine import plan_and_render  # noqa: E402
from genmigrate.write import write_changes  # noqa: E402
from tests.servers.offline import seed_tiktoken_cache  # noqa: E402

PACKAGE = "api.components.generator"
SDKS = {"openai", "anthropic", "boto3", "botocore", "adalflow", "ollama", "dashscope", "httpx"}
SDKS |= {"httpx2", "requests", "aiohttp"}


def migrate(root: Path) -> None:
    """A copy of the fixture app under root, migrated (parity off) and written."""
    shutil.copytree(
        PROJECT / "fixtures" / "legacy_app",
        root,
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"),
    )
    outcome = plan_and_render(root, Config())
    if outcome.plan is None or not outcome.changes:
        raise SystemExit("bench: the fixture app did not migrate")
    write_changes(root, outcome.changes)


def _run(root: Path, code: str) -> dict[str, object]:
    script = f"import sys, json, time\nsys.path.insert(0, {str(root)!r})\n{code}"
    env = {**os.environ, "LOG_LEVEL": "WARNING", "WIKIQA_LOG_DIR": str(root.parent / "logs")}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
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
GeneratorManager(default_provider="openai", entry_points=False, use_keyring=False)
print(json.dumps({{"seconds": time.perf_counter() - t}}))
"""

IMPORT_OPENAI = """
t = time.perf_counter()
import openai
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

CALLS = """
import functools
import httpx, openai

REPLY = json.dumps({{
    "id": "chatcmpl-bench", "object": "chat.completion", "created": 0, "model": "gpt-4o",
    "choices": [{{"index": 0, "finish_reason": "stop",
                  "message": {{"role": "assistant", "content": "pong"}}}}],
    "usage": {{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}},
}}).encode()
transport = httpx.MockTransport(
    lambda request: httpx.Response(200, content=REPLY, headers={{"content-type": "application/json"}})
)
# The moved legacy module builds its SDK client from this name: every OpenAI client it makes
# (the direct one and the manager's) talks to the canned in-process transport.
import {package}.providers.openai_generator as moved
moved.OpenAI = functools.partial(openai.OpenAI, http_client=httpx.Client(transport=transport))

from adalflow.core.types import ModelType
from api.openai_client import OpenAIClient
from {package}.generator_manager import GeneratorManager, ResponseCache, RetryPolicy

SETTINGS = {{"openai": {{"api_key": "sk-bench", "base_url": "http://bench.invalid/v1"}}}}
legacy = OpenAIClient(**SETTINGS["openai"])

bare_call = legacy.call.__wrapped__.__get__(legacy)  # past its @backoff decorator

def direct(call=legacy.call):
    api_kwargs = legacy.convert_inputs_to_api_kwargs(
        input="ping", model_kwargs={{"model": "gpt-4o"}}, model_type=ModelType.LLM
    )
    return legacy.parse_chat_completion(call(api_kwargs=api_kwargs, model_type=ModelType.LLM))

def manager(**kw):
    m = GeneratorManager(
        default_provider="openai", entry_points=False, use_keyring=False, settings=SETTINGS, **kw
    )
    assert m.generate("ping", model="gpt-4o").text == "pong"
    return m

default = manager()
owned = manager(retry=RetryPolicy())
cached = manager(cache=ResponseCache(ttl=600))
assert direct().raw_response == "pong"
variants = {{
    "direct": direct,
    "bare": lambda: direct(bare_call),
    "default": lambda: default.generate("ping", model="gpt-4o"),
    "owned": lambda: owned.generate("ping", model="gpt-4o"),
    "hit": lambda: cached.generate("ping", model="gpt-4o"),
}}
best = {{name: float("inf") for name in variants}}
for _ in range({rounds}):  # interleaved: a load change hits every variant alike
    for name, fn in variants.items():
        t = time.perf_counter()
        for _ in range({calls}):
            fn()
        best[name] = min(best[name], (time.perf_counter() - t) / {calls})
best["threads"] = {{"default": default._runner._workers is not None,
                    "owned": owned._runner._workers is not None}}
print(json.dumps(best))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="fresh processes per import")
    parser.add_argument("--calls", type=int, default=25, help="calls per timed batch")
    parser.add_argument("--rounds", type=int, default=150, help="timed batches per variant")
    parser.add_argument("--baseline", help="git revision whose templates to measure as well")
    parser.add_argument("--runs", type=int, default=1, help="call-timing processes per template set")
    args = parser.parse_args()
    seed_tiktoken_cache()
    with tempfile.TemporaryDirectory(prefix="genmigrate-bench-") as tmp:
        roots = {"current": Path(tmp) / "current" / "legacy_app"}
        migrate(roots["current"])
        if args.baseline:
            roots[args.baseline] = Path(tmp) / "baseline" / "legacy_app"
            with templates_of(args.baseline, Path(tmp) / "templates"):
                migrate(roots[args.baseline])
        imports: dict[str, list[dict]] = {name: [] for name in roots}
        firsts: dict[str, list[dict]] = {name: [] for name in roots}
        openai = []
        for _ in range(args.repeats):  # interleaved, so load changes hit every variant alike
            for name, root in roots.items():
                imports[name].append(_run(root, IMPORT_GENERATED))
                firsts[name].append(_run(root, FIRST_MANAGER))
            openai.append(_run(roots["current"], IMPORT_OPENAI))
        code = CALLS.format(package=PACKAGE, calls=args.calls, rounds=args.rounds)
        timed: dict[str, list[dict]] = {name: [] for name in roots}
        for _ in range(max(args.runs, 1)):  # interleaved too
            for name, root in roots.items():
                timed[name].append(_run(root, code))
        calls = {name: _best(results) for name, results in timed.items()}
    for name in roots:
        print(f"== {name} templates")
        report(imports[name], firsts[name], openai, calls[name], args.repeats)


def _best(results: list[dict]) -> dict:
    """The best figure of each variant over the call-timing processes."""
    best = {k: min(float(r[k]) for r in results) for k in results[0] if k != "threads"}
    return {**best, "threads": results[-1]["threads"]}


@contextmanager
def templates_of(revision: str, folder: Path) -> Iterator[None]:
    """Render with the generator templates as they were at `revision`."""
    archive = subprocess.run(
        ["git", "archive", revision, "templates/generator"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    templates = folder / "templates/generator"
    environment = functools.partial(generated._environment, str(templates))
    files = {k: v for k, v in generated.PACKAGE_FILES.items() if (templates / v).is_file()}
    with (
        mock.patch.object(generated, "_environment", environment),
        mock.patch.object(generated, "PACKAGE_FILES", files),  # the files `revision` had
    ):
        yield


def report(
    generated_: list[dict], firsts: list[dict], openai: list[dict], calls: dict, repeats: int
) -> None:
    gen_best = min(float(r["seconds"]) for r in generated_)
    first_best = min(float(r["seconds"]) for r in firsts)
    openai_best = min(float(r["seconds"]) for r in openai)
    sdk = sorted({m for r in generated_ for m in r["sdk"]})  # type: ignore[union-attr]
    direct = float(calls["direct"])
    print(f"import generated package + manager: {gen_best * 1000:8.2f} ms (best of {repeats})")
    print(f"import openai:                      {openai_best * 1000:8.2f} ms (best of {repeats})")
    print(f"  ratio {gen_best / openai_best:.1%} (target <= 3%)", end="")
    print(f"  provider SDK modules loaded: {sdk or 'none'}")
    print(f"import + first GeneratorManager():  {first_best * 1000:8.2f} ms", end="")
    print(f"  ({first_best / openai_best:.1%} of import openai)")
    print(f"OpenAIClient call, direct:          {direct * 1e6:8.2f} us (canned transport)")
    bare = float(calls["bare"])
    print(f"  the same past its @backoff:       {bare * 1e6:8.2f} us", end="")
    print("  (what the manager calls when it runs the retries)")
    labels = {
        "owned": "manager, retry=RetryPolicy():",
        "default": "manager, default retry policy:",
    }
    for name, label in labels.items():
        managed = float(calls[name])
        thread = "worker thread" if calls["threads"][name] else "no worker thread"
        print(f"{label:35} {managed * 1e6:8.2f} us", end="")
        print(f"  overhead {(managed - direct) * 1e6:6.1f} us ({thread}; target <= 50 us)")
    for name in labels:
        print(f"  {name} over the call past @backoff: {(float(calls[name]) - bare) * 1e6:6.1f} us")
    print(f"cache hit through the manager:      {float(calls['hit']) * 1e6:8.2f} us")


if __name__ == "__main__":
    main()
