"""Mutation check of the parity suite on the extracted code: migrate a copy of the fixture app
with the engine (parity tests and snapshots recorded from the original clients), then apply one
small textual patch at a time to the extracted provider modules
(`api/components/generator/providers/*_generator.py`) of a hard-linked copy and run that
provider's generated parity tests on it. Prints `caught/total` and the survivors; `--json`
prints the figures as JSON.

    python bench/mutations.py [--jobs 2] [--json] [--migrated DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from genmigrate.config import Config
from genmigrate.engine import migrate, plan_and_render
from genmigrate.parity.offline import seed_tiktoken_cache, tiktoken_cache_dir
from genmigrate.write import write_changes

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "legacy_app"


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # relative to the app root
    old: str
    new: str


MUTATIONS = [
    Mutation("openai: env var name default changed", "api/openai_client.py",
             'env_api_key_name: str = "OPENAI_API_KEY"', 'env_api_key_name: str = "OPENAI_KEY"'),
    Mutation("openai: base-url env var no longer read", "api/openai_client.py",
             "base_url or os.getenv(self._env_base_url_name, DEFAULT_BASE_URL)", "base_url or DEFAULT_BASE_URL"),
    Mutation("openai: async client never initialised", "api/openai_client.py",
             "            self.async_client = self.init_async_client()\n", "            pass\n"),
    Mutation("openai: pickling broken", "api/openai_client.py",
             '        state["sync_client"] = None\n', ""),
    Mutation("openai: constructor kwarg renamed", "api/openai_client.py",
             "        api_key: Optional[str] = None,\n        chat_completion_parser",
             "        key: Optional[str] = None,\n        chat_completion_parser"),
    Mutation("openai: retry budget changed", "api/openai_client.py", "max_time=5,", "max_time=2,"),
    Mutation("openai: rate limits no longer retried", "api/openai_client.py",
             "            RateLimitError,\n", ""),
    Mutation("openai: stream deltas no longer filtered", "api/openai_client.py",
             "                if text:\n                    yield text", "                yield text"),
    Mutation("openrouter: header dropped", "api/openrouter_client.py",
             '        headers["X-Title"] = self.app_name\n', ""),
    Mutation("openrouter: duplicated method recursing", "api/openrouter_client.py",
             '        headers = {"Authorization": f"Bearer {self.api_key}", **self.default_headers}\n',
             "        headers = self._build_headers()\n"),
    Mutation("openrouter: retry count changed", "api/openrouter_client.py", "MAX_ATTEMPTS = 3", "MAX_ATTEMPTS = 2"),
    Mutation("openrouter: raises instead of returning the error string", "api/openrouter_client.py",
             '                return f"Error: request to OpenRouter failed: {e}"', "                raise"),
    Mutation("openrouter: env var no longer read", "api/openrouter_client.py",
             'OPENROUTER_API_KEY = os.environ.get("OPENROUTER_API_KEY")', "OPENROUTER_API_KEY = None"),
    Mutation("openrouter: default model changed", "api/openrouter_client.py",
             'default_model: str = "openai/gpt-4o-mini"', 'default_model: str = "openai/gpt-4o"'),
    Mutation("openrouter: timeout backoff changed", "api/openrouter_client.py",
             "time.sleep(2**attempt)", "time.sleep(3**attempt)"),
    Mutation("openrouter: async timeout message changed", "api/openrouter_client.py",
             '"Error: OpenRouter request timed out"', '"Error: timed out"'),
    Mutation("openrouter: raw response instead of parsed", "api/openrouter_client.py",
             "            return get_first_message_content(response.json())", "            return response.json()"),
    Mutation("anthropic: header dropped", "api/anthropic_client.py", '"X-Client-Name": "wikiqa", ', ""),
    Mutation("anthropic: SDK retries enabled", "api/anthropic_client.py", "max_retries=0,", "max_retries=2,"),
    Mutation("anthropic: default timeout changed", "api/anthropic_client.py",
             "timeout: float = 600.0,", "timeout: float = 60.0,"),
    Mutation("anthropic: retry-after cap changed", "api/anthropic_client.py",
             "min(float(retry_after), 60.0)", "min(float(retry_after), 1.0)"),
    Mutation("anthropic: raw count_tokens response returned", "api/anthropic_client.py",
             "return self._client.messages.count_tokens(**kwargs).input_tokens",
             "return self._client.messages.count_tokens(**kwargs)"),
    Mutation("anthropic: env var no longer read", "api/anthropic_client.py",
             'self.api_key = api_key or os.environ.get("ANTHROPIC_API_KEY")', "self.api_key = api_key"),
    Mutation("anthropic: default temperature changed", "api/anthropic_client.py",
             "DEFAULT_TEMPERATURE = 0.3", "DEFAULT_TEMPERATURE = 0.7"),
    Mutation("anthropic: retry count changed", "api/anthropic_client.py", "retries: int = 4,", "retries: int = 3,"),
    Mutation("anthropic: stream parse altered", "api/anthropic_client.py",
             "            for text in stream.text_stream:\n                yield text\n",
             "            for text in stream.text_stream:\n                yield text.strip()\n"),
    Mutation("ollama: retry count changed", "api/ollama_patch.py", "max_tries=3, interval=2", "max_tries=2, interval=2"),
    Mutation("ollama: host env var no longer read", "api/ollama_patch.py",
             'return host or os.environ.get("OLLAMA_HOST") or DEFAULT_OLLAMA_HOST', "return host or DEFAULT_OLLAMA_HOST"),
    Mutation("ollama: default timeout changed", "api/ollama_patch.py", "timeout: float = 60.0,", "timeout: float = 30.0,"),
    Mutation("ollama: raw response instead of parsed", "api/ollama_patch.py",
             'return response["message"]["content"]', "return response"),
    Mutation("bedrock: retry attempts changed", "api/bedrock_client.py", "max_tries=4, giveup", "max_tries=2, giveup"),
    Mutation("bedrock: session token env var no longer read", "api/bedrock_client.py",
             'aws_session_token or os.environ.get("AWS_SESSION_TOKEN")', "aws_session_token"),
    Mutation("bedrock: embedding dimensions default changed", "api/bedrock_client.py",
             'kwargs.get("dimensions", 512)', 'kwargs.get("dimensions", 1024)'),
    Mutation("bedrock: error string instead of raw response", "api/bedrock_client.py",
             "            return GeneratorOutput(data=None, raw_response=completion)",
             '            return GeneratorOutput(data=None, error="stream", raw_response=completion)'),
    Mutation("azure: api version env var no longer read", "api/azureai_client.py",
             'api_version or os.getenv("AZURE_OPENAI_VERSION") or DEFAULT_API_VERSION',
             "api_version or DEFAULT_API_VERSION"),
    Mutation("azure: SDK retries enabled", "api/azureai_client.py", '"max_retries": 0,', '"max_retries": 3,'),
    Mutation("azure: retry count changed", "api/azureai_client.py", "max_tries=3,", "max_tries=1,"),
    Mutation("dashscope: result format dropped", "api/dashscope_client.py",
             'api_kwargs["result_format"] = "message"', "pass"),
    Mutation("dashscope: swapped exception class", "api/dashscope_client.py",
             "raise DashscopeAPIError(response.status_code, response.code, response.message, response.request_id)",
             "raise RuntimeError(response.message)"),
    Mutation("dashscope: workspace env var no longer read", "api/dashscope_client.py",
             'workspace_id or os.getenv("DASHSCOPE_WORKSPACE_ID")', "workspace_id"),
]


# An unchanged copy: its parity tests must pass, or every "caught" above means nothing.
CONTROL = Mutation("control: unmutated copy", "api/anthropic_client.py", "import", "import")


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    cache = tiktoken_cache_dir()
    if cache:
        env["TIKTOKEN_CACHE_DIR"] = cache
    return env


def prepare(base: Path, migrated: Path | None = None) -> dict[str, tuple[str, str]]:
    """Migrate a copy of the fixture into `base` (or copy `migrated`, a fixture tree `genmigrate apply`
    already migrated); legacy path -> (extracted path, parity test module)."""
    seed_tiktoken_cache()
    if migrated is not None:
        shutil.copytree(migrated, base, ignore=shutil.ignore_patterns("__pycache__", ".git", ".pytest_cache"))
        plan = plan_and_render(FIXTURE, Config()).plan  # where each module went: the same plan, no parity
    else:
        shutil.copytree(FIXTURE, base, ignore=shutil.ignore_patterns("__pycache__"))
        outcome = migrate(base, Config())
        if outcome.plan is None or not outcome.parity_ok:
            raise SystemExit(f"{base}:0: the unmutated migration does not pass parity: {outcome.parity_differences}")
        write_changes(base, outcome.changes)
        plan = outcome.plan
    assert plan is not None
    return {m.source_path: (m.target_path, f"{plan.tests_dir}/test_{m.provider}_parity.py") for m in plan.moves}


def apply(root: Path, rel: str, mutation: Mutation) -> None:
    """Patch `rel` under `root`; the file is replaced, never written through a hard link."""
    path = root / rel
    data = path.read_bytes()
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    old = mutation.old.encode("utf-8").replace(b"\n", newline)
    if data.count(old) < 1:
        raise SystemExit(f"{rel}:0: mutation {mutation.name!r} does not apply")
    path.unlink()
    path.write_bytes(data.replace(old, mutation.new.encode("utf-8").replace(b"\n", newline), 1))


def run_one(base: Path, work: Path, mutation: Mutation, targets: dict[str, tuple[str, str]]) -> bool | None:
    """True when the parity tests catch the mutant, False when it survives, None on a broken run."""
    root = work / mutation.name.replace(" ", "_").replace(":", "").replace("/", "_")
    shutil.copytree(base, root, copy_function=os.link, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    extracted, test_file = targets[mutation.path]
    apply(root, extracted, mutation)
    command = [sys.executable, "-m", "pytest", test_file, "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
               "-o", "addopts=", "-W", "ignore"]
    result = subprocess.run(command, cwd=root, env={**_env(), "PYTHONPATH": str(root)}, capture_output=True,
                            text=True, check=False)
    shutil.rmtree(root, ignore_errors=True)
    return {0: False, 1: True}.get(result.returncode)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--migrated", type=Path, help="a copy of the fixture app `genmigrate apply` migrated already")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="genmigrate-mutants-") as tmp:
        base = Path(tmp) / "base"
        targets = prepare(base, args.migrated)
        recorded = time.perf_counter() - started
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda m: run_one(base, Path(tmp), m, targets), [*MUTATIONS, CONTROL]))
        control = results.pop()
    caught = [m.name for m, r in zip(MUTATIONS, results, strict=True) if r is True]
    survived = [m.name for m, r in zip(MUTATIONS, results, strict=True) if r is False]
    broken = [m.name for m, r in zip(MUTATIONS, results, strict=True) if r is None]
    figures = {"caught": len(caught), "total": len(MUTATIONS), "survived": survived, "broken_runs": broken,
               "control_passes": control is False,
               "distinct": len({(m.path, m.old, m.new) for m in MUTATIONS}),
               "targets": sorted({targets[m.path][0] for m in MUTATIONS}),
               "migrate_seconds": round(recorded, 1), "total_seconds": round(time.perf_counter() - started, 1)}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"mutation score: {len(caught)}/{len(MUTATIONS)} caught "
              f"({100 * len(caught) / len(MUTATIONS):.0f}%), migration {figures['migrate_seconds']} s, "
              f"total {figures['total_seconds']} s")
        for name in survived:
            print(f"  survived: {name}")
        for name in broken:
            print(f"  broken run: {name}")
        print(f"  control (unmutated copy) passes: {figures['control_passes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
