"""The pipeline end to end: discover -> plan -> render -> verify, returning what `write` would write.

The CLI is a thin layer over `migrate()`; nothing here prints or writes into the target repo.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from genmigrate import progress, runcache
from genmigrate.config import Config
from genmigrate.destinations import foreign_files, unsafe_paths
from genmigrate.discover import discover
from genmigrate.errors import GenmigrateError, parse_problem
from genmigrate.model import FileChange, ScanResult, SourceError
from genmigrate.plan import MigrationPlan, PlanError, existing_moves, make_plan
from genmigrate.render import RenderError, render
from genmigrate.tree import Tree
from genmigrate.verify import ImportProbe, check_outputs, import_failures, materialised, write_into

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


def plan_and_render(root: Path, config: Config, overlay: dict[str, bytes] | None = None) -> Outcome:
    """Scan the tree (with `overlay` laid over it) and render the migration, unverified."""
    with runcache.shared():
        return _plan_and_render(root, config, overlay)


def _plan_and_render(root: Path, config: Config, overlay: dict[str, bytes] | None) -> Outcome:
    tree = Tree(root, overlay or {})
    scan = discover(root, config, overlay=overlay)
    fatal = [e for e in scan.errors if e.fatal]
    if fatal:
        raise MigrationError(fatal)
    try:
        existing = existing_moves(scan, tree.read)
        if not scan.clients and not existing:
            return Outcome(scan, None, [], warnings=list(scan.errors))
        plan = make_plan(scan, config, existing)
        changes = render(plan, scan, tree)
    except (PlanError, RenderError) as exc:
        raise MigrationError([parse_problem(str(exc))]) from None
    return Outcome(scan, plan, changes, warnings=list(scan.errors))


def migrate(root: Path, config: Config, parity: bool = True, force: bool = False) -> Outcome:
    """Render and verify the whole migration of the repo at `root`. Raises MigrationError.

    `force`: files in the output folder that genmigrate did not generate may be overwritten.
    Every file is read and parsed once for the whole run (`runcache`): the idempotency pass only
    works on the files the first pass rendered."""
    with runcache.shared():
        return _migrate(root, config, parity, force)


def _migrate(root: Path, config: Config, parity: bool, force: bool) -> Outcome:
    outcome = plan_and_render(root, config)
    plan = outcome.plan
    if plan is None or not outcome.changes:
        return outcome
    rendered = list(outcome.changes)
    problems = unsafe_paths(root, rendered) or ([] if force else foreign_files(root, plan.package_path))
    if problems:
        raise MigrationError(problems)
    with materialised(root, rendered) as copy, ExitStack() as stack:
        # The user's code runs only in scratch copies: `copy` (migrated) and, when needed, a copy of
        # the original tree (the parity baseline, imports that failed before the migration).
        original = cache(lambda: stack.enter_context(materialised(root, [])))
        # The import check is the slowest step (fresh interpreters import every SDK): it runs in the
        # background while the outputs are checked and the parity baseline is recorded.
        probe = ImportProbe(copy, _probed_modules(plan), plan.import_root)
        try:
            problems = check_outputs(rendered)
            problems += _check_idempotent(root, config, rendered)
            if problems:
                raise MigrationError(problems)
            if parity:
                _add_parity(root, original(), outcome, config.strict)
                written = {c.path for c in rendered}
                write_into(copy, [c for c in outcome.changes if c.path not in written])
            _check_runtime(original, outcome, copy, probe.result())
        finally:
            probe.cancel()
    return outcome


def _check_idempotent(root: Path, config: Config, changes: list[FileChange]) -> list[SourceError]:
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


def _check_runtime(original: Callable[[], Path], outcome: Outcome, copy: Path, broken: dict[str, str]) -> None:
    """Report the modules of the scratch `copy` that failed to import (`broken`) unless they already
    failed before the migration (in a scratch copy of the `original` tree); then run the parity suite."""
    plan = outcome.plan
    assert plan is not None
    if broken:
        fresh = [m for m in plan.moves if m.keep]
        before = import_failures(original(), [m.source_module for m in fresh], plan.import_root)
        # A module that did not import before (an SDK missing here) is no fault of the migration,
        # under its old name or its new one.
        already = set(before) | {m.target_module for m in fresh if m.source_module in before}
        broken = {k: v for k, v in broken.items() if k not in already}
    if broken:
        problems = [SourceError(_path_of(plan, name), 1, f"does not import after migration: {err}") for name, err in broken.items()]
        raise MigrationError(problems)
    if outcome.parity_differences == [] and _has_parity(outcome):
        from genmigrate.parity import verify_parity

        report = verify_parity(copy, plan.tests_dir, plan.import_root)
        outcome.parity_differences = [str(d) for d in report.differences] or ([] if report.ok else ["parity suite failed"])


def _add_parity(root: Path, original: Path, outcome: Outcome, strict: bool) -> None:
    """Generate the parity tests and record their snapshots from `original`, a scratch copy of the
    unwritten tree at `root`. A client whose SDK is not installed here is noted, or with `strict` refused."""
    from genmigrate.parity import ParityTarget, render_parity_tests
    from genmigrate.parity.tests_render import ParityError, record

    plan = outcome.plan
    assert plan is not None
    clients = {c.path: c for c in outcome.scan.clients}
    targets = [
        ParityTarget(provider=m.provider, old_module=m.source_module, new_module=m.target_module, cls=cls,
                     source_path=m.source_path)
        for m in plan.moves
        if m.source_path in clients
        for cls in clients[m.source_path].classes
    ]
    if not targets:
        return
    files = {p: t.encode("utf-8") for p, t in render_parity_tests(targets, plan.tests_dir, root).items()}
    try:
        baseline = record(original, targets, plan.tests_dir, plan.import_root)
    except ParityError as exc:  # e.g. a broken user parity_scenarios.py: one line, not a traceback
        raise MigrationError([parse_problem(str(exc).replace(str(original), str(root)))]) from None
    files.update(baseline.files)
    tree = Tree(root)
    _missing_sdks(tree, targets, baseline.skipped, strict, outcome)
    new = [FileChange(p, tree.read(p), data) for p, data in sorted(files.items()) if tree.read(p) != data]
    problems = unsafe_paths(root, new)
    if problems:
        raise MigrationError(problems)
    outcome.changes = sorted(outcome.changes + new, key=lambda c: c.path)


def _missing_sdks(tree: Tree, targets: list[ParityTarget], skipped: dict[str, str], strict: bool,
                  outcome: Outcome) -> None:
    from genmigrate.parity.tests_render import missing_package

    paths = {t.old_module: t.source_path for t in targets}
    lines = [missing_package(paths[m], tree.read(paths[m]), skipped[m], strict) for m in sorted(skipped) if m in paths]
    if strict and lines:
        raise MigrationError(lines)
    outcome.warnings.extend(lines)


def _has_parity(outcome: Outcome) -> bool:
    plan = outcome.plan
    return plan is not None and any(c.path.startswith(plan.tests_dir + "/") for c in outcome.changes)


def _path_of(plan: MigrationPlan, module: str) -> str:
    for move in plan.moves:
        if module == move.source_module:
            return move.source_path
        if module == move.target_module:
            return move.target_path
    return plan.package_path + "/__init__.py"
