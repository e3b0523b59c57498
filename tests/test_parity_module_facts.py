"""What parity records about a module beyond its classes' calls: the log records and logger names
(a renamed logger is a difference), the SDKs importing it loads (eager vs lazy), and the scenarios
of a module of functions only."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import pytest

from genmigrate.model import ClassInfo
from genmigrate.parity import imports
from genmigrate.parity.facts import class_facts
from genmigrate.parity.forks import forked
from genmigrate.parity.imports import import_cost
from genmigrate.parity.scenarios import scenarios_for
from genmigrate.parity.trace import Normaliser, recorded_logs

pytestmark = pytest.mark.integration


def test_log_records_name_their_logger_with_the_module_normalised() -> None:
    normaliser = Normaliser(("app.client",), lambda stream: [])
    events: list[dict[str, str]] = []
    with recorded_logs(events.append, normaliser):
        logging.getLogger("app.client").warning("retry %d of app.client", 2)
        logging.getLogger("app.client.sub").error("failed")
        logging.getLogger("app.client").debug("below the configured level: not recorded")
    assert events == [{"log": "WARNING <module>: retry 2 of <module>"}, {"log": "ERROR <module>.sub: failed"}]
    assert normaliser.value(logging.getLogger("api.ollama")) == "<logger api.ollama>"
    assert normaliser.value(logging.getLogger("app.client")) == "<logger <module>>"


def test_import_cost_tells_an_eager_sdk_import_from_a_lazy_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("openai")
    (tmp_path / "eager_mod.py").write_text("import openai\n")
    (tmp_path / "lazy_mod.py").write_text("def client():\n    import openai\n    return openai\n")
    (tmp_path / "broken_mod.py").write_text("raise ValueError('at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    env = dict(os.environ)
    assert import_cost("eager_mod", env) == {"sdks": ["openai"], "failed": None}
    assert import_cost("lazy_mod", env) == {"sdks": [], "failed": None}
    assert import_cost("broken_mod", env)["failed"] == "ValueError"
    assert "eager_mod" not in sys.modules  # measured in a fresh interpreter


def test_a_prestarted_probe_answers_every_fork_that_asks_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openai")
    runs = tmp_path / "runs.txt"
    (tmp_path / "counted_mod.py").write_text(f"open({str(runs)!r}, 'a').write('x')\nimport openai\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    env = dict(os.environ)
    imports.prestart("counted_mod", env)
    imports.prestart("counted_mod", env)  # the same again starts nothing
    try:
        replies = forked(lambda _: imports.import_cost("counted_mod", env), [{}, {}], jobs=2, limit=60)
        answers = [{k: v for k, v in r.items() if k != "learned"} for r in replies]
        assert answers == [{"sdks": ["openai"], "failed": None}] * 2
        assert runs.read_text() == "x"  # one probe ran, for both forks, which waited at once
        assert imports.import_cost("counted_mod", {**env, "OTHER": "1"}) == answers[0]
        assert runs.read_text() == "xx"  # another environment is probed afresh
    finally:
        imports.end_prestarted()


def test_ending_the_prestarted_probes_kills_one_still_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "slow_mod.py").write_text("import time\ntime.sleep(60)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    imports.prestart("slow_mod", dict(os.environ))
    [started] = imports._STARTED.values()
    began = time.monotonic()
    imports.end_prestarted()
    assert time.monotonic() - began < 10 and started.process.returncode is not None
    assert imports._STARTED == {}


SOURCE = """
import os
import requests

def chat(messages, model="small", temperature=0.3):
    key = os.environ.get("CHAT_KEY", "")
    return requests.post("https://chat.example.com", json={"model": model}, headers={"k": key}).json()

def _private():
    pass
"""


def test_a_module_of_functions_only_is_driven_through_its_functions() -> None:
    facts = class_facts(SOURCE, "")
    assert [f["name"] for f in facts["functions"]] == ["chat"] and facts["env"] == ["CHAT_KEY"]
    info = ClassInfo(name="", line=0, end_line=0, bases=[], protocol="functions", methods=[], needs=[])
    names = [s.name for s in scenarios_for(info, "openai", facts)]
    assert names[:2] == ["function_chat", "function_chat_planted"]
    assert "function_chat_server_error" in names and "env_CHAT_KEY_absent" in names and names[-1] == "module"
    assert not any(n.startswith("construct") for n in names)
