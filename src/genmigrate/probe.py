"""The import check: do the moved modules import, under their old and their new names?

One fresh interpreter per run. It first imports the installed libraries the client modules import
(the provider SDKs, a framework: most of the cost), in the background while the caller renders;
then, for each tree to check, it forks a child that puts the tree on `sys.path` and imports the
modules. The libraries are imported before any repo folder is on `sys.path`, from a neutral folder,
and a name found inside the repo (an editable install of the user's own code) is not preloaded:
the user's code runs only in the scratch copies the children import from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import genmigrate
from genmigrate.children import kill_group, spawn

_MARK = "\x1egenmigrate-probe "

_SERVER = r"""
import importlib, json, os, sys
sys.dont_write_bytecode = True
MARK = "\x1egenmigrate-probe "
first = json.loads(sys.stdin.readline())
sys.path.append(first["genmigrate"])  # last: it shadows nothing the user's code imports
from genmigrate.libraries import installed_outside
for name in installed_outside(first["libraries"], first["repo"]):
    try:
        importlib.import_module(name)
    except BaseException:  # a library that fails here is imported again, and reported, by the check
        pass
for line in sys.stdin:
    request = json.loads(line)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the requests are not the user code's input
        os.chdir(request["cwd"])
        sys.path[:0] = [request["cwd"]]
        importlib.invalidate_caches()
        failed = {}
        for name in request["modules"]:
            try:
                importlib.import_module(name)
            except BaseException as exc:  # report every failure, whatever it is
                failed[name] = f"{type(exc).__name__}: {exc}"
        os.write(write, json.dumps(failed).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    reply = b"".join(chunks).decode() or json.dumps({"": f"the import check ended with status {status}"})
    sys.stdout.write(MARK + reply + "\n")
    sys.stdout.flush()
"""


class ImportProbe:
    """Started at construction (importing `libraries` at once); `check()` asks for one tree, `result()`
    awaits the answer, so the caller works while the interpreter imports."""

    def __init__(self, repo: Path, libraries: Sequence[str] = ()) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (open for the life of the probe)
        self._home = tempfile.TemporaryDirectory(prefix="genmigrate-probe-")  # nothing to import there
        self._pending: list[list[str]] = []
        self.proc = spawn(
            [sys.executable, "-c", _SERVER],
            cwd=self._home.name,
            # Probing the original tree must leave no __pycache__ behind in the user's repo.
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **_offline_env()},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        home = str(Path(genmigrate.__file__).resolve().parent.parent)  # where the script imports genmigrate from
        self._send({"repo": str(repo), "libraries": sorted(set(libraries)), "genmigrate": home})

    def check(self, tree: Path, modules: Sequence[str], import_root: str = "") -> None:
        """Import `modules` in a child rooted at `tree` (at `import_root` inside it)."""
        self._pending.append(list(modules))
        self._send({"cwd": str(tree / import_root if import_root else tree), "modules": list(modules)})

    def result(self) -> dict[str, str]:
        """Module name -> error for the modules of the oldest pending `check()` that failed to import."""
        modules = self._pending.pop(0)
        assert self.proc.stdout is not None
        for line in self.proc.stdout:  # what the imported code printed comes first
            if _MARK in line:
                failed: dict[str, str] = json.loads(line.split(_MARK, 1)[1])
                return dict.fromkeys(modules, failed[""]) if "" in failed else failed
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines() or ["interpreter failed"]
        return dict.fromkeys(modules, lines[-1])

    def cancel(self) -> None:
        """Stop the interpreter and its children (no result is wanted any more)."""
        kill_group(self.proc)
        self._stderr.close()
        self._home.cleanup()

    def _send(self, message: dict[str, object]) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:  # the interpreter died: `result()` reports its last error line
            pass


def import_failures(root: Path, modules: Sequence[str], import_root: str = "") -> dict[str, str]:
    """Import each module in a fresh interpreter rooted at `root`; name -> error for those that fail."""
    probe = ImportProbe(root)
    try:
        probe.check(root, modules, import_root)
        return probe.result()
    finally:
        probe.cancel()


def _offline_env() -> dict[str, str]:
    """tiktoken's cache seeded from an installed offline copy, as the parity runs have it (`import
    adalflow` builds a tokenizer, which would otherwise download)."""
    from genmigrate.parity.offline import tiktoken_cache_dir

    cache = tiktoken_cache_dir()
    return {"TIKTOKEN_CACHE_DIR": cache} if cache else {}
