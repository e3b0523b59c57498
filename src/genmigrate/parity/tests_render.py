"""Render the generated parity tests, record their baseline from the original classes, and
verify a migrated tree against it. Recording and verifying run pytest in a subprocess."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from syrupy.extensions.amber import AmberDataSerializer

from genmigrate import children, progress
from genmigrate.model import ClassInfo, SourceError
from genmigrate.parity.caches import bytecode_environment
from genmigrate.parity.compare import Difference, differences
from genmigrate.parity.deadline import timeout_line
from genmigrate.parity.facts import module_facts
from genmigrate.parity.harness import REPORT_ENV
from genmigrate.parity.offline import tiktoken_cache_dir
from genmigrate.parity.service import environment_for_pytest, prefetch, run_worker

TEMPLATE = "parity_test.j2"
SNAPSHOTS = "__snapshots__"


@dataclass(frozen=True)
class ParityTarget:
    provider: str  # "openai"
    old_module: str  # "api.openai_client"
    new_module: str  # "api.components.generator.providers.openai_generator"
    cls: ClassInfo
    source_path: str = ""  # the legacy module, relative to the root: facts for scenarios are read there


@dataclass
class ParityReport:
    ok: bool
    passed: int = 0
    failed: int = 0
    differences: list[Difference] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems that are not behaviour differences
    notes: list[str] = field(default_factory=list)  # one line each: a skipped module, a timed-out scenario
    skipped: dict[str, str] = field(default_factory=dict)  # module -> the package missing here
    output: str = ""  # pytest's output, secrets already redacted by the traces
    rerecorded: dict[str, int] = field(default_factory=dict)  # with `update`: "written"/"updated" -> snapshots


class ParityError(Exception):
    """The parity suite could not run at all (not a behaviour difference)."""


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    root = files("genmigrate.templates")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True, autoescape=False)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _json_literal(value: Any) -> str:
    return f"__import__('json').loads({json.dumps(json.dumps(value, sort_keys=True))})"


def _case(target: ClassInfo, module: str, legacy_module: str, facts: dict[str, Any]) -> dict[str, Any]:
    return {"class_name": target.name, "module": module, "legacy_module": legacy_module,
            "constant": _snake(target.name).upper(), "test_name": f"test_{_snake(target.name)}_parity",
            "class_info": _json_literal(dataclasses.asdict(target)), "facts": _json_literal(facts)}


def target_facts(root: Path | None, targets: Sequence[ParityTarget]) -> dict[tuple[str, str], dict[str, Any]]:
    """(legacy module, class) -> the facts read from the legacy source; the module's functions go
    with the first of its classes."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    by_path: dict[str, list[ParityTarget]] = {}
    for target in targets:
        if root is not None and target.source_path:
            by_path.setdefault(target.source_path, []).append(target)
    for path, group in by_path.items():
        facts = module_facts(root / path, [t.cls.name for t in group]) if root and (root / path).is_file() else {}
        out.update({(t.old_module, t.cls.name): facts.get(t.cls.name, {}) for t in group})
    return out


def _render(targets: Sequence[ParityTarget], tests_dir: str, use_legacy: bool,
            root: Path | None = None) -> dict[str, str]:
    by_provider: dict[str, list[ParityTarget]] = {}
    for target in targets:
        by_provider.setdefault(target.provider, []).append(target)
    out = {}
    template = _environment().get_template(TEMPLATE)
    facts = target_facts(root, targets)
    for provider, group in sorted(by_provider.items()):
        cases = [_case(t.cls, t.old_module if use_legacy else t.new_module, t.old_module,
                       facts.get((t.old_module, t.cls.name), {})) for t in group]
        path = f"{tests_dir.strip('/')}/{_test_file(provider)}"
        out[path] = template.render(provider=provider, cases=cases)
    return out


def render_parity_tests(targets: Sequence[ParityTarget], tests_dir: str = "tests/parity",
                        root: Path | None = None) -> dict[str, str]:
    """Relative posix path -> text of the generated test modules (one per provider); with `root`,
    the scenarios also come from facts read in each target's legacy source."""
    return _render(targets, tests_dir, use_legacy=False, root=root)


def import_paths(root: Path, import_root: str = "") -> list[str]:
    """What a run over the tree at `root` puts first on `sys.path`: the modules' dotted names
    count from the import root (`libsrc/` of a framework, say)."""
    return list(dict.fromkeys([str(root / import_root), str(root), *filter(None, [os.environ.get("PYTHONPATH")])]))


def case_requests(targets: Sequence[ParityTarget], tests_folder: Path, use_legacy: bool, paths: list[str],
                  root: Path | None = None) -> list[dict[str, Any]]:
    """The cases the generated tests in `tests_folder` will ask the worker about, in the order
    pytest runs them, each with the `sys.path` it runs with (for `service.prefetch`)."""
    from genmigrate.parity.cases import CaseSpec

    facts = target_facts(root, targets)
    by_file: dict[str, list[ParityTarget]] = {}
    for target in targets:
        by_file.setdefault(_test_file(target.provider), []).append(target)
    found = []
    for _, group in sorted(by_file.items()):
        for t in group:
            spec = CaseSpec(t.provider, t.old_module if use_legacy else t.new_module, t.old_module,
                            json.loads(json.dumps(dataclasses.asdict(t.cls), sort_keys=True)), str(tests_folder),
                            facts=json.loads(json.dumps(facts.get((t.old_module, t.cls.name), {}), sort_keys=True)))
            found.append({"case": spec.to_json(), "path": paths})
    return found


def _test_file(provider: str) -> str:
    return f"test_{re.sub(r'[^a-z0-9_]', '_', provider.lower())}_parity.py"


def _pytest(
    cwd: Path, root: Path, test_dir: Path, extra: list[str], report: Path, import_root: str = "",
    cache: bool = False,
) -> subprocess.CompletedProcess[str]:
    """pytest over `test_dir`, its generated tests answered by the run's shared worker (started
    here when the caller has none). `cache`: `root` is the user's own tree, whose bytecode goes to
    genmigrate's cache folder (`genmigrate.parity.caches`); else none is written."""
    # An outer pytest's variables (xdist worker ids, PYTEST_ADDOPTS) are not this run's.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPYCACHEPREFIX"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bytecode = bytecode_environment(root if cache else None)
    env.update({REPORT_ENV: str(report), **bytecode})
    env["PYTHONPATH"] = os.pathsep.join(import_paths(root, import_root))
    tiktoken = tiktoken_cache_dir()
    if tiktoken:
        env["TIKTOKEN_CACHE_DIR"] = tiktoken
    command = [sys.executable, "-m", "pytest", str(test_dir), "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
               "--rootdir", str(cwd), "-o", "addopts=", "-W", "ignore", *extra]
    with run_worker(bytecode):
        env.update(environment_for_pytest())
        return children.run(command, cwd=cwd, env=env)  # dies with genmigrate, whole process group


@dataclass
class Baseline:
    files: dict[str, bytes]  # the snapshot files to write: relative posix path -> bytes
    skipped: dict[str, str]  # module -> the package missing here, so none of its cases ran


def record_baseline(
    root: Path, targets: Sequence[ParityTarget], tests_dir: str = "tests/parity", import_root: str = ""
) -> dict[str, bytes]:
    """The snapshot files `record` writes (relative posix path -> bytes)."""
    return record(root, targets, tests_dir, import_root).files


def record(
    root: Path, targets: Sequence[ParityTarget], tests_dir: str = "tests/parity", import_root: str = ""
) -> Baseline:
    """Run the scenarios against the original classes of the unmodified tree at `root`."""
    with tempfile.TemporaryDirectory(prefix="genmigrate-parity-") as tmp:
        work = Path(tmp)
        (work / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        for rel, text in _render(targets, tests_dir, use_legacy=True, root=root).items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_text(text, encoding="utf-8")
        user = root / tests_dir / "parity_scenarios.py"
        if user.is_file():
            (work / tests_dir / user.name).write_bytes(user.read_bytes())
        with progress.counting("parity cases recorded", lambda: _row_count(work / "report.jsonl")), run_worker():
            prefetch(case_requests(targets, work / tests_dir, True, import_paths(root.resolve(), import_root), root))
            result = _pytest(
                work, root.resolve(), work / tests_dir, ["--snapshot-update"], work / "report.jsonl", import_root
            )
        try:
            _load_got(work / "report.jsonl")
        except ParityError as exc:  # name the user's file, not its scratch copy
            raise ParityError(str(exc).replace(str(work), str(root))) from None
        if result.returncode != 0:
            raise ParityError(f"{root}:1: recording the parity baseline failed: {_cause(result)}")
        snapshots = work / tests_dir / SNAPSHOTS
        files = {f"{tests_dir.strip('/')}/{SNAPSHOTS}/{p.relative_to(snapshots).as_posix()}": p.read_bytes()
                 for p in sorted(snapshots.rglob("*")) if p.is_file() and p.suffix != ".lock"}
        return Baseline(files, skipped_packages(work / "report.jsonl"))


def _row_count(report: Path) -> int:
    """Cases the running suite has reported so far (one line each)."""
    try:
        return report.read_bytes().count(b"\n")
    except OSError:
        return 0


def _cause(result: subprocess.CompletedProcess[str], most: int = 5) -> str:
    """What made the run fail, not a list of test ids: its distinct error lines (`E   ...`, or a
    collection error) and pytest's summary line; the raw tail when neither can be found."""
    lines = (result.stdout + result.stderr).splitlines()
    errors = [line[1:].strip() for line in lines if line.startswith("E ") and line[1:].strip()]
    errors += [line for line in lines if line.startswith("ERROR ")]
    distinct = list(dict.fromkeys(errors))
    summary = [line.strip("= ") for line in lines if " failed" in line or " error" in line][-1:]
    if not distinct:
        return "\n" + _tail(result)
    more = f" (and {len(distinct) - most} more)" if len(distinct) > most else ""
    return "; ".join([*summary, *distinct[:most]]) + more


def _tail(result: subprocess.CompletedProcess[str], lines: int = 40) -> str:
    return "\n".join((result.stdout + result.stderr).splitlines()[-lines:])


def _load_expected(folder: Path) -> dict[tuple[str, str], Any]:
    out = {}
    for path in (folder / SNAPSHOTS).glob("*.ambr"):
        for snapshot in AmberDataSerializer.read_file(str(path)):
            try:
                data = json.loads(str(snapshot.data))
            except ValueError:
                continue
            if isinstance(data, dict) and "class" in data and "scenario" in data:
                out[(data["class"], data["scenario"])] = data
    return out


def _rows(report: Path) -> list[dict[str, Any]]:
    if not report.is_file():
        return []
    return [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()]


def _load_got(report: Path) -> dict[tuple[str, str], Any]:
    """Traces by (class, scenario); raises ParityError when `parity_scenarios.py` is broken."""
    rows = _rows(report)
    broken = [row["user_error"] for row in rows if "user_error" in row]
    if broken:
        raise ParityError(broken[0])
    return {(row["class"], row["scenario"]): row for row in rows if "scenario" in row}


def skipped_packages(report: Path) -> dict[str, str]:
    """Module -> the package it imports that is not installed here (its cases were skipped)."""
    return {row["module"]: row["package"] for row in _rows(report) if "skipped" in row}


def missing_package(path: str, source: bytes | None, package: str, strict: bool) -> SourceError:
    """The one line about a module whose parity cannot run: a note, or with `strict` the error."""
    message = f"parity: package '{package}' is not installed (--strict)" if strict else (
        f"parity skipped: package '{package}' is not installed")
    return SourceError(path, import_line(source, package), message)


def strict_errors(root: Path, skipped: dict[str, str]) -> list[SourceError]:
    """The `--strict` error of each module under `root` whose SDK is missing (`ParityReport.skipped`)."""
    files = {module: root / f"{module.replace('.', '/')}.py" for module in skipped}
    return [missing_package(str(files[m]), files[m].read_bytes() if files[m].is_file() else None, skipped[m], True)
            for m in sorted(skipped)]


def import_line(source: bytes | None, package: str) -> int:
    """The line of the first statement importing `package` (or a submodule of it); 1 if none is found."""
    try:
        tree = ast.parse(source or b"")
    except (SyntaxError, ValueError):
        return 1
    lines = [1 << 30]
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
        if any(name == package or name.startswith(package + ".") for name in names):
            lines.append(node.lineno)
    return min(lines) if len(lines) > 1 else 1


def report_notes(report: Path) -> list[str]:
    """One line per module whose parity was skipped (its SDK missing here) and per timed-out scenario."""
    rows = _rows(report)
    skipped = {f"{row['module'].replace('.', '/')}.py: {row['skipped']}" for row in rows if "skipped" in row}
    timeouts = [line for row in rows if "scenario" in row and (line := timeout_line(row))]
    return [*sorted(skipped), *timeouts]


_SUMMARY = re.compile(r"(\d+) (passed|failed|error|errors)")


def _snapshot_entries(folder: Path) -> dict[tuple[str, str], str]:
    """(file, snapshot name) -> its serialized data, over every snapshot file under `folder`."""
    return {(path.name, snapshot.name): str(snapshot.data) for path in sorted((folder / SNAPSHOTS).glob("*.ambr"))
            for snapshot in AmberDataSerializer.read_file(str(path))}


def _rerecorded(before: dict[tuple[str, str], str], after: dict[tuple[str, str], str]) -> dict[str, int]:
    return {"written": sum(key not in before for key in after),
            "updated": sum(key in before and before[key] != data for key, data in after.items())}


def verify_parity(root: Path, tests_dir: str = "tests/parity", import_root: str = "",
                  update: bool = False, cache: bool = False) -> ParityReport:
    """Run the generated parity tests of the tree at `root`; report behaviour differences.
    With `update` the snapshots are re-recorded from the tree as it is now (syrupy's `--snapshot-update`).
    `cache`: `root` is the user's own tree (not a scratch copy): bytecode goes to genmigrate's cache."""
    folder = root / tests_dir
    if not folder.is_dir():
        raise ParityError(f"{folder}:1: no parity tests here (run `genmigrate apply` first)")
    before = _snapshot_entries(folder) if update else {}
    with tempfile.TemporaryDirectory(prefix="genmigrate-parity-") as tmp:
        report = Path(tmp) / "report.jsonl"
        with progress.counting("parity cases verified", lambda: _row_count(report)):
            result = _pytest(root.resolve(), root.resolve(), folder.resolve(), ["--snapshot-update"] if update else [],
                             report, import_root, cache)
        got = _load_got(report)
        notes = report_notes(report)
        skipped = skipped_packages(report)
    counts = {kind: int(n) for n, kind in _SUMMARY.findall(result.stdout.splitlines()[-1] if result.stdout else "")}
    expected = _load_expected(folder)
    found = [d for key in sorted(got) for d in differences(key[1], expected.get(key), got[key], key[0])]
    errors = [] if result.returncode in (0, 1) else [f"pytest exited with {result.returncode}:\n{_tail(result)}"]
    if result.returncode == 1 and not found:
        errors.append(f"parity tests failed without a trace difference:\n{_tail(result)}")
    return ParityReport(ok=result.returncode == 0 and not found, passed=counts.get("passed", 0),
                        failed=counts.get("failed", 0), differences=found, errors=errors, notes=notes,
                        skipped=skipped, output=result.stdout + result.stderr,
                        rerecorded=_rerecorded(before, _snapshot_entries(folder)) if update else {})
