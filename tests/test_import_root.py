"""One import root: dotted names, dependents and output do not depend on the folder PATH names."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from genmigrate.cli import main
from genmigrate.config import Config
from genmigrate.discover import discover
from genmigrate.discover.importroot import ImportRoots, locate
from genmigrate.plan import make_plan
from tests.trees import CLIENT, write_tree

pytestmark = pytest.mark.unit

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_app"


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)


def _scan_json(path: Path) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["scan", "--json", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_bundled_fixture_scans_the_same_from_repo_project_and_package(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo / "app", ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    (repo / "README.md").write_text("a repository holding one project in app/\n")
    _git_init(repo)
    # The scan is a function of where PATH is located (the end-to-end equality is checked on the
    # smaller tree below); here every choice locates the same root and config.
    locations = {locate(p) for p in (repo, repo / "app", repo / "app" / "api")}
    assert len(locations) == 1
    assert locations.pop().project == "app"
    scan = _scan_json(repo / "app" / "api")
    assert scan["root"] == repo.resolve().as_posix()
    assert (scan["import_root"], scan["import_root_from"]) == ("app", "the folder holding app/pyproject.toml")
    modules = {c["path"]: c["module"] for c in scan["clients"]}
    assert modules["app/api/openai_client.py"] == "api.openai_client"
    deps = {d["path"] for c in scan["clients"] for d in c["dependents"]}
    assert "app/tests/test_openai_client.py" in deps


def _framework(repo: Path) -> None:
    model_client = "proj/src/pkg/components/model_client"
    write_tree(repo, {
        "proj/pyproject.toml": '[project]\nname = "pkg"\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n',
        "proj/src/pkg/__init__.py": "",
        "proj/src/pkg/components/__init__.py": "",
        f"{model_client}/__init__.py": "",
        f"{model_client}/openai_client.py": CLIENT.format(name="OpenAIClient"),
        f"{model_client}/groq_client.py": CLIENT.format(name="GroqClient").replace("openai", "groq"),
        "proj/tests/test_clients.py": (
            "from unittest import mock\n\nfrom pkg.components.model_client.openai_client import OpenAIClient\n\n\n"
            "@mock.patch('pkg.components.model_client.openai_client.openai')\n"
            "def test_chat(sdk):\n    OpenAIClient().chat([])\n"
        ),
        "scripts/run.py": "from pkg.components.model_client.groq_client import GroqClient\n",
        "docs/conf.yaml": "client: pkg.components.model_client.openai_client.OpenAIClient\n",
    })


def test_src_layout_in_a_subfolder_scans_the_same_from_every_folder(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _framework(repo)
    _git_init(repo)
    package = repo / "proj" / "src" / "pkg"
    paths = (repo, repo / "proj", package, package / "components" / "model_client")
    scans = [_scan_json(p) for p in paths]
    assert all(s == scans[0] for s in scans[1:])
    scan = scans[0]
    assert scan["import_root"] == "proj/src"
    assert scan["import_root_from"] == "proj/pyproject.toml [tool.setuptools.packages.find] where"
    assert [c["module"] for c in scan["clients"]] == [
        "pkg.components.model_client.groq_client", "pkg.components.model_client.openai_client",
    ]
    deps = sorted(d["path"] for c in scan["clients"] for d in c["dependents"])
    assert deps == ["docs/conf.yaml", "proj/tests/test_clients.py", "proj/tests/test_clients.py", "scripts/run.py"]


def test_clients_inside_a_components_package_get_a_sibling_generator(tmp_path: Path) -> None:
    _framework(tmp_path)
    plan = make_plan(discover(tmp_path, Config()), Config())
    assert plan.import_root == "proj/src"
    assert plan.package_path == "proj/src/pkg/components/generator"
    assert plan.package_module == "pkg.components.generator"


def test_without_git_a_package_folder_is_widened_to_its_project(tmp_path: Path) -> None:
    _framework(tmp_path)
    project = tmp_path / "proj"
    assert locate(project / "src" / "pkg" / "components").root == project.resolve()
    assert locate(project / "src").root == project.resolve()
    assert locate(project).root == project.resolve()
    assert locate(tmp_path / "docs").root == (tmp_path / "docs").resolve()  # a plain folder stays as given


def test_a_work_tree_with_two_projects_is_not_widened_to(tmp_path: Path) -> None:
    _framework(tmp_path)
    write_tree(tmp_path, {"other/setup.py": "from setuptools import setup\n\nsetup()\n"})
    _git_init(tmp_path)
    assert locate(tmp_path / "proj" / "src" / "pkg").root == (tmp_path / "proj").resolve()
    assert locate(tmp_path).project == ""


@pytest.mark.parametrize(
    ("files", "root", "reason"),
    [
        ({"p/pyproject.toml": '[tool.setuptools]\npackage-dir = {"" = "lib"}\n'}, "p/lib",
         "p/pyproject.toml [tool.setuptools] package-dir"),
        ({"p/pyproject.toml": '[tool.poetry]\npackages = [{include = "pkg", from = "lib"}]\n'}, "p/lib",
         "p/pyproject.toml [tool.poetry] packages"),
        ({"p/pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["lib/pkg"]\n'}, "p/lib",
         "p/pyproject.toml [tool.hatch.build.targets.wheel] packages"),
        ({"p/setup.cfg": "[options]\npackage_dir =\n    =lib\n"}, "p/lib", "p/setup.cfg [options] package_dir"),
        ({"p/setup.cfg": "[options.packages.find]\nwhere = lib\n"}, "p/lib", "p/setup.cfg [options.packages.find] where"),
        ({"p/pyproject.toml": "[project]\nname = 'x'\n", "p/src/pkg/x.py": ""}, "p/src", "p/src/ layout"),
        ({"p/pyproject.toml": "not toml ["}, "p", "the folder holding p/pyproject.toml"),
    ],
)
def test_import_root_from_package_config(files: dict[str, str], root: str, reason: str) -> None:
    files = {**files, "p/lib/pkg/mod.py": ""}
    roots = ImportRoots.of(files, lambda p: files[p].encode())
    assert roots.root_of(f"{root}/pkg/mod.py") == (root, reason)
    assert roots.module_name(f"{root}/pkg/mod.py") == "pkg.mod"


def test_a_nested_project_names_its_own_modules() -> None:
    files = {"pyproject.toml": "", "tools/x.py": "", "sub/pyproject.toml": "", "sub/src/pkg/__init__.py": ""}
    roots = ImportRoots.of(files, lambda p: files[p].encode())
    assert roots.module_name("tools/x.py") == "tools.x"
    assert roots.module_name("sub/src/pkg/__init__.py") == "pkg"
    assert roots.module_name("sub/tests/test_a.py") == "tests.test_a"


def test_a_monorepo_of_several_projects_is_migrated_one_project_at_a_time(tmp_path: Path) -> None:
    project = '[tool.poetry]\nname = "{0}"\nversion = "0.1"\npackages = [{{include = "{0}"}}]\n'
    write_tree(tmp_path, {
        "llms/alpha/pyproject.toml": project.format("alpha"), "llms/alpha/alpha/openai_client.py": CLIENT.format(name="AlphaClient"),
        "llms/beta/pyproject.toml": project.format("beta"), "llms/beta/beta/openai_client.py": CLIENT.format(name="BetaClient"),
    })
    _git_init(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if ".git" not in p.parts)
    whole = CliRunner().invoke(main, ["diff", "--no-parity", str(tmp_path)])
    assert whole.exit_code == 2
    assert whole.stderr.strip().splitlines()[-1].endswith(
        "llms/alpha/alpha/openai_client.py:1: client modules live under several import roots: llms/alpha, llms/beta;"
        " migrate one project at a time (give its folder as PATH)")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if ".git" not in p.parts) == before
    one = CliRunner().invoke(main, ["diff", "--no-parity", "--stat", str(tmp_path / "llms" / "beta")])
    assert one.exit_code == 1, one.output
    assert "beta/components/generator/providers/openai_generator.py" in one.stdout
    assert "alpha" not in one.stdout
