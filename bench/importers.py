"""Rewrite importers of a moved module with LibCST (our codemod) and with rope; print time and correctness.

Builds a synthetic repo whose importers use every form `rewrite_imports` supports, moves
`app/openai_client.py` to `app/components/generator/providers/openai_generator.py` (old file gone, no
shim, so only real rewrites import), then checks each result: does every importer import and run,
do absolute imports of it stay in their scope (module level or the function they were in), are
the lines not about the moved module untouched and in order?

    /work/venv/bin/python bench/importers.py [--copies N]
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from genmigrate.codemods.rewrite_imports import rewrite_imports

OLD, NEW = "app.openai_client", "app.components.generator.providers.openai_generator"
LEGACY = 'import os\n\n\ndef helper():\n    return "h"\n\n\nclass OpenAIClient:\n    def name(self):\n        return helper()\n'
PRELUDE = "import sys\nsys.path.insert(0, '.')\nimport os, json  # unrelated\nfrom app import utils\n"
FORMS = {
    "plain": "import app.openai_client\n\n\ndef check():\n    return app.openai_client.OpenAIClient().name()\n",
    "alias": "import app.openai_client as oc\n\n\ndef check():\n    return oc.helper()\n",
    "from_module": "from app import openai_client, utils as u\n\n\ndef check():\n    return openai_client.helper() + u.X\n",
    "from_names": "from app.openai_client import OpenAIClient, helper as h\n\n\ndef check():\n    return OpenAIClient().name() + h()\n",
    "in_function": "def check():\n    from app.openai_client import helper  # import cycle\n    return helper()\n",
    "try_except": "try:\n    from app.openai_client import helper\nexcept ImportError:\n    helper = None\n\n\ndef check():\n    return helper()\n",
    "type_checking": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.openai_client import OpenAIClient\n\n\ndef check(c: 'OpenAIClient' = None):\n    import app.openai_client\n    return app.openai_client.helper()\n",
}
RELATIVE = "from .openai_client import helper\nfrom . import openai_client\n\n\ndef check():\n    return helper() + openai_client.helper()\n"


def build(root: Path, copies: int) -> list[str]:
    """Write the synthetic repo; return the dotted names of its importer modules."""
    app = root / "app"
    (app / "importers").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "importers" / "__init__.py").write_text("")
    (app / "utils.py").write_text("X = 'x'\n")
    (app / "openai_client.py").write_text(LEGACY)
    modules = []
    for copy in range(copies):
        for form, body in FORMS.items():
            (app / "importers" / f"{form}_{copy}.py").write_text(PRELUDE + body)
            modules.append(f"app.importers.{form}_{copy}")
        (app / f"relative_{copy}.py").write_text(PRELUDE + RELATIVE)
        modules.append(f"app.relative_{copy}")
    return modules


def move_with_libcst(root: Path) -> None:
    target = root / "app" / "components" / "generator" / "providers"
    _make_package(root, target)
    (root / "app" / "openai_client.py").rename(target / "openai_generator.py")
    for path in sorted((root / "app").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        source = path.read_bytes()
        new = rewrite_imports(
            source,
            {OLD: NEW},
            module_name=module.removesuffix(".__init__"),
            is_package=path.name == "__init__.py",
        )
        if new != source:
            path.write_bytes(new)


def move_with_rope(root: Path) -> None:
    from rope.base.project import Project
    from rope.refactor.move import MoveModule
    from rope.refactor.rename import Rename

    target = root / "app" / "components" / "generator" / "providers"
    _make_package(root, target)
    project = Project(str(root), ropefolder=None)
    try:
        moving = project.get_resource("app/openai_client.py")
        destination = project.get_resource("app/components/generator/providers")
        project.do(MoveModule(project, moving).get_changes(destination))
        moved = project.get_resource("app/components/generator/providers/openai_client.py")
        project.do(Rename(project, moved).get_changes("openai_generator"))
    finally:
        project.close()


def _make_package(root: Path, target: Path) -> None:
    target.mkdir(parents=True)
    folder = target
    while folder != root / "app":
        (folder / "__init__.py").write_text("")
        folder = folder.parent


def imports_ok(root: Path, modules: list[str]) -> int:
    """How many importer modules import and whose check() runs, in a fresh interpreter."""
    script = (
        "import importlib, sys\nok = 0\n"
        f"for name in {modules!r}:\n"
        "    try:\n        importlib.import_module(name).check(); ok += 1\n"
        "    except Exception as exc:\n        print(name, repr(exc), file=sys.stderr)\n"
        "print(ok)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True)
    return int(result.stdout.strip() or 0)


def import_scopes(path: Path, module: str) -> list[str]:
    """Where each import of `module` sits: "<module>" or the enclosing function's name, in order."""
    scopes: list[str] = []

    def walk(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walk(child, child.name)
                continue
            names = [a.name for a in child.names] if isinstance(child, ast.Import) else []
            if isinstance(child, ast.ImportFrom) and child.level == 0 and child.module == module:
                names.append(module)
            scopes.extend(scope for name in names if name == module)
            walk(child, scope)

    walk(ast.parse(path.read_text()), "<module>")
    return scopes


def scopes_kept(before: Path, after: Path) -> tuple[int, int]:
    """(files where the moved module's imports sit in the same scopes as before, files with such imports)."""
    files = [p for p in sorted(before.rglob("*.py")) if import_scopes(p, OLD)]
    good = sum(import_scopes(p, OLD) == import_scopes(after / p.relative_to(before), NEW) for p in files)
    return good, len(files)


def unrelated_untouched(before: Path, after: Path) -> tuple[int, int]:
    """(importers whose lines not naming the moved module survive byte-identical and in order, importers)."""
    files = [
        p
        for p in sorted(before.rglob("*.py"))
        if "openai_client" in p.read_text() and p.name != "openai_client.py"
    ]
    good = 0
    for path in files:
        old = [line for line in path.read_text().splitlines() if "openai_client" not in line]
        remaining = iter((after / path.relative_to(before)).read_text().splitlines())
        good += all(line in remaining for line in old)  # `in` on an iterator: an ordered subsequence test
    return good, len(files)


def measure(name: str, mover: Callable[[Path], None], pristine: Path, modules: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(pristine, root)
        start = time.perf_counter()
        mover(root)
        elapsed = time.perf_counter() - start
        ok = imports_ok(root, modules)
        kept, scoped = scopes_kept(pristine, root)
        same, importers = unrelated_untouched(pristine, root)
    print(
        f"{name:7} {elapsed:7.2f} s   imports+runs {ok}/{len(modules)}   "
        f"absolute imports in original scope {kept}/{scoped}   unrelated lines untouched {same}/{importers}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="copies of each importer form")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        pristine = Path(scratch) / "repo"
        modules = build(pristine, args.copies)
        print(f"{len(modules)} importers ({len(FORMS) + 1} forms x {args.copies}), moving {OLD} -> {NEW}")
        measure("libcst", move_with_libcst, pristine, modules)
        measure("rope", move_with_rope, pristine, modules)


if __name__ == "__main__":
    main()
