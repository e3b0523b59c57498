"""The pipeline end to end, as the list of its stages (`STAGES`), returning what `write` would write.

    discover -> plan -> render -> verify        (then `apply` writes: genmigrate.write)

Each stage reads the values of the stages before it from the `Run` and produces one value of its
own. Parity contributes its tests and baselines in `render` and its checks in `verify`. The CLI is
a thin layer over `migrate()`; nothing here prints or writes into the target repo.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genmigrate import progress, runcache
from genmigrate.config import Config
from genmigrate.destinations import foreign_files, unsafe_paths
from genmigrate.discover import discover
from genmigrate.discover.names import is_test_file
from genmigrate.errors import GenmigrateError, parse_problem
from genmigrate.model import FileChange, ScanResult, SourceError
from genmigrate.plan import MigrationPlan, PlanError, existing_moves, make_plan
from genmigrate.probe import ImportProbe
from genmigrate.render import RenderError, module_name, render
from genmigrate.tree import Tree
from genmigrate.verify import check_outputs, materialised, write_into

if TYPE_CHECKING:
    from genmigrate.parity.tests_render import ParityTarget


class MigrationError(GenmigrateError):
    """The migration cannot go ahead; `problems` holds one `path:line: message` each."""


@dataclass
class Outcome:
    scan: ScanResult
    plan: MigrationPlan | None
    changes: list[FileChange]
    warnings: list[SourceError] = field(default_factory=list)
    parity_differences: list[str] = field(default_factory=list)

    @property
    def parity_ok(self) -> bool:
        return not self.parity_differences


@dataclass
class Run:
    """One run of the pipeline: its inputs, then one field per stage, set by that stage."""

    root: Path
    config: Config
    overlay: dict[str, bytes] = field(default_factory=dict)
    verify: bool = False  # the verify stage will run: its import check starts while rendering
    parity: bool = False  # parity tests rendered (and recorded) and checked
    force: bool = False  # files in the output folder that genmigrate did not generate may be overwritten
    scratch: ExitStack = field(default_factory=ExitStack)  # scratch copies, removed when the run ends
    service: ExitStack = field(default_factory=ExitStack)  # the parity worker, stopped before the copies go
    scan: ScanResult | None = None  # discover
    plan: MigrationPlan | None = None  # plan
    changes: list[FileChange] = field(default_factory=list)  # render
    parity_differences: list[str] = field(default_factory=list)  # verify
    warnings: list[SourceError] = field(default_factory=list)  # every stage may add some
    probe: ImportProbe | None = None  # the import check's interpreter, started by discover
    candidate: tuple[Path, dict[str, bytes]] | None = None  # the migrated copy made early, what is in it

    @cached_property
    def tree(self) -> Tree:
        return Tree(self.root, self.overlay)

    @cached_property
    def original(self) -> Path:
        """A scratch copy of the unwritten tree: the parity baseline, imports that failed before."""
        return self.scratch.enter_context(materialised(self.root, []))

    def start_probe(self, libraries: list[str]) -> None:
        """Start the import check's interpreter, and with parity the run's parity worker, which load
        the installed `libraries` (most of their cost) while the run goes on."""
        self.probe = ImportProbe(self.root, libraries)
        self.scratch.callback(self.probe.cancel)
        if self.parity:  # the run's parity worker imports the same libraries meanwhile
            from genmigrate.parity.service import run_worker

            self.service.enter_context(run_worker(libraries=libraries, repo=self.root))

    def outcome(self) -> Outcome:
        assert self.scan is not None
        return Outcome(self.scan, self.plan, self.changes, self.warnings, self.parity_differences)


def _discover(run: Run) -> ScanResult:
    scan = discover(run.root, run.config, overlay=run.overlay, on_libraries=run.start_probe if run.verify else None)
    fatal = [e for e in scan.errors if e.fatal]
    if fatal:
        raise MigrationError(fatal)
    run.warnings.extend(scan.errors)
    return scan


def _plan(run: Run) -> MigrationPlan | None:
    assert run.scan is not None
    existing = existing_moves(run.scan, run.tree.read)
    if not run.scan.clients and not existing:
        return None
    return make_plan(run.scan, run.config, existing)


def _render(run: Run) -> list[FileChange]:
    """The migration's files; with parity, then its tests and the baselines recorded from `original`."""
    if run.plan is None:
        return []
    assert run.scan is not None
    changes = render(run.plan, run.scan, run.tree)
    if run.parity and changes:
        _refuse_unsafe(run, changes)  # before the baseline is recorded, the slow part
        changes = sorted(changes + _parity_files(run, changes), key=lambda c: c.path)
    return changes


def _refuse_unsafe(run: Run, changes: list[FileChange]) -> None:
    """Refuse destinations reached through a link or outside the repo, and (unless `force`) files
    in the output folder that genmigrate did not generate."""
    assert run.plan is not None
    problems = unsafe_paths(run.root, changes) or ([] if run.force else foreign_files(run.root, run.plan.package_path))
    if problems:
        raise MigrationError(problems)


def _verify(run: Run) -> list[str]:
    """Prove the rendered change sound in a scratch copy of the migrated tree (MigrationError if it is
    not); the differences the parity suite found, if it ran."""
    plan = run.plan
    if plan is None or not run.changes:
        return []
    _refuse_unsafe(run, run.changes)
    copy = _migrated_copy(run)
    # The import check is the slowest step: it runs in the background while the outputs are
    # checked and the idempotency pass runs.
    assert run.probe is not None
    run.probe.check(copy, _probed_modules(plan) + _importers(run), plan.import_root)
    migration = [c for c in run.changes if not _is_parity_file(plan, c.path)]
    problems = check_outputs(run.changes) + _check_idempotent(run.root, run.config, migration)
    if problems:
        raise MigrationError(problems)
    _check_imports(run, run.probe.result())
    return _parity_check(run, copy)


@dataclass(frozen=True)
class Stage:
    name: str
    produces: str  # the field of `Run` the stage sets
    run: Callable[[Run], Any]


STAGES: tuple[Stage, ...] = (
    Stage("discover", "scan", _discover),
    Stage("plan", "plan", _plan),
    Stage("render", "changes", _render),
    Stage("verify", "parity_differences", _verify),
)


def run_stages(run: Run, stages: tuple[Stage, ...] = STAGES) -> Outcome:
    """Run `stages` in order over `run`, every file read and parsed once for all of them (`runcache`)."""
    with runcache.shared(), run.scratch, run.service:
        for stage in stages:
            try:
                setattr(run, stage.produces, stage.run(run))
            except (PlanError, RenderError) as exc:
                raise MigrationError(exc.problems) from None
        return run.outcome()


def plan_and_render(root: Path, config: Config, overlay: dict[str, bytes] | None = None) -> Outcome:
    """Scan the tree (with `overlay` laid over it) and render the migration, unverified."""
    return run_stages(Run(root, config, overlay or {}), STAGES[:3])


def migrate(root: Path, config: Config, parity: bool = True, force: bool = False) -> Outcome:
    """Render and verify the whole migration of the repo at `root`. Raises MigrationError.

    `force`: files in the output folder that genmigrate did not generate may be overwritten."""
    return run_stages(Run(root, config, verify=True, parity=parity, force=force))


def _check_idempotent(root: Path, config: Config, changes: list[FileChange]) -> list[SourceError]:
    """The migration run again on its own output changes nothing. Inside the run's `runcache` the
    second pass only reads, classifies and parses the files of `changes`."""
    with progress.labelled("idempotency check: "):
        again = plan_and_render(root, config, overlay={c.path: c.new for c in changes})
    return [
        SourceError(c.path, 1, "running the migration again on its own output would change this file")
        for c in again.changes
    ]


def _probed_modules(plan: MigrationPlan) -> list[str]:
    """Every old and new module path of the modules moved now, and the generated package."""
    fresh = [m for m in plan.moves if m.keep]
    return [m.source_module for m in fresh] + [m.target_module for m in fresh] + [plan.package_module]


def _importers(run: Run) -> list[str]:
    """The package modules (not tests, not scripts) whose imports the migration rewrote: a rewritten
    import that no longer resolves must fail here, not in the user's app."""
    plan = run.plan
    assert plan is not None
    found = []
    for rewrite in plan.rewrites:
        folder = posixpath.dirname(rewrite.path)
        name = module_name(rewrite.path, plan.import_root)
        if rewrite.kind == "python" and name and not is_test_file(rewrite.path) and run.tree.exists(
            posixpath.join(folder, "__init__.py")
        ):
            found.append(name)
    return sorted(set(found))


def _check_imports(run: Run, broken: dict[str, str]) -> None:
    """Refuse the modules of the migrated copy that failed to import (`broken`) unless they already
    failed before the migration (in the scratch copy of the original tree)."""
    plan, probe = run.plan, run.probe
    assert plan is not None and probe is not None
    if broken:
        fresh = [m for m in plan.moves if m.keep]
        probe.check(run.original, [m.source_module for m in fresh] + _importers(run), plan.import_root)
        before = probe.result()
        # A module that did not import before (an SDK missing here) is no fault of the migration,
        # under its old name or its new one.
        already = set(before) | {m.target_module for m in fresh if m.source_module in before}
        broken = {k: v for k, v in broken.items() if k not in already}
    if broken:
        problems = [SourceError(_path_of(plan, name), 1, f"does not import after migration: {err}") for name, err in broken.items()]
        raise MigrationError(problems)


def _parity_check(run: Run, copy: Path) -> list[str]:
    """Run the parity suite in the migrated `copy`; its differences."""
    plan = run.plan
    assert plan is not None
    if not any(_is_parity_file(plan, c.path) for c in run.changes):
        return []
    from genmigrate.parity import verify_parity

    report = verify_parity(copy, plan.tests_dir, plan.import_root)
    return [str(d) for d in report.differences] or ([] if report.ok else ["parity suite failed"])


def _migrated_copy(run: Run) -> Path:
    """The scratch copy of the migrated tree: the one made while the baseline was recorded, with
    what changed since written into it, or a new one."""
    if run.candidate is None:
        return run.scratch.enter_context(materialised(run.root, run.changes))
    copy, written = run.candidate
    write_into(copy, [c for c in run.changes if written.get(c.path) != c.new])
    return copy


def _copy_candidate(run: Run, migration: list[FileChange], tests: dict[str, bytes]) -> None:
    """The scratch copy of the migrated tree made before the baseline is recorded: its parity tests
    are there, their snapshots not yet."""
    tree = Tree(run.root)
    changes = migration + [FileChange(p, tree.read(p), data) for p, data in tests.items()]
    run.candidate = (run.scratch.enter_context(materialised(run.root, changes)), {c.path: c.new for c in changes})


def _prefetch_candidate(run: Run, targets: list[ParityTarget]) -> None:
    """Have the run's worker trace the migrated copy's cases in the background while the baseline
    is recorded from the original."""
    from genmigrate.parity.service import prefetch
    from genmigrate.parity.tests_render import case_requests, import_paths

    assert run.plan is not None and run.candidate is not None
    copy = run.candidate[0].resolve()
    paths = import_paths(copy, run.plan.import_root)
    # Half the cores: the other half records the baseline meanwhile.
    prefetch(case_requests(targets, copy / run.plan.tests_dir, False, paths, run.root), max(1, (os.cpu_count() or 1) // 2))


def _parity_files(run: Run, migration: list[FileChange]) -> list[FileChange]:
    """The parity tests and their snapshots recorded from `run.original`. A client whose SDK is not
    installed here is noted, or with `strict` refused. One worker serves the whole run (recording
    here, verifying later); it traces the migrated copy's cases while the baseline is recorded."""
    from genmigrate.parity import ParityTarget, render_parity_tests
    from genmigrate.parity.service import run_worker
    from genmigrate.parity.tests_render import ParityError, record

    plan, scan, root = run.plan, run.scan, run.root
    assert plan is not None and scan is not None
    clients = {c.path: c for c in scan.clients}
    targets = [
        ParityTarget(provider=m.provider, old_module=m.source_module, new_module=m.target_module, cls=cls,
                     source_path=m.source_path)
        for m in plan.moves
        if m.source_path in clients
        for cls in clients[m.source_path].classes
    ]
    if not targets:
        return []
    files = {p: t.encode("utf-8") for p, t in render_parity_tests(targets, plan.tests_dir, root).items()}
    original = run.original
    if run.verify:
        _copy_candidate(run, migration, files)
    run.service.enter_context(run_worker(repo=root))  # started with the import check, if it ran
    if run.verify:
        _prefetch_candidate(run, targets)
    try:
        baseline = record(original, targets, plan.tests_dir, plan.import_root)
    except ParityError as exc:  # e.g. a broken user parity_scenarios.py: one line, not a traceback
        raise MigrationError([parse_problem(str(exc).replace(str(run.original), str(root)))]) from None
    files.update(baseline.files)
    tree = Tree(root)
    run.warnings.extend(_missing_sdks(tree, targets, baseline.skipped, run.config.strict))
    new = [FileChange(p, tree.read(p), data) for p, data in sorted(files.items()) if tree.read(p) != data]
    problems = unsafe_paths(root, new)
    if problems:
        raise MigrationError(problems)
    return new


def _missing_sdks(tree: Tree, targets: list[ParityTarget], skipped: dict[str, str], strict: bool) -> list[SourceError]:
    from genmigrate.parity.tests_render import missing_package

    paths = {t.old_module: t.source_path for t in targets}
    lines = [missing_package(paths[m], tree.read(paths[m]), skipped[m], strict) for m in sorted(skipped) if m in paths]
    if strict and lines:
        raise MigrationError(lines)
    return lines


def _is_parity_file(plan: MigrationPlan, path: str) -> bool:
    return path.startswith(plan.tests_dir + "/")


def _path_of(plan: MigrationPlan, module: str) -> str:
    for move in plan.moves:
        if module == move.source_module:
            return move.source_path
        if module == move.target_module:
            return move.target_path
    importer = next((r.path for r in plan.rewrites if module_name(r.path, plan.import_root) == module), None)
    return importer or plan.package_path + "/__init__.py"
