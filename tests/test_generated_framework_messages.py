"""A LlamaIndex LLM subclass's `chat` takes the framework's own `ChatMessage` objects: the adapter
builds them from the module its base class is imported from, and plain message dicts when that
module defines no `ChatMessage`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

from genmigrate.discover.analyze import build_graph
from genmigrate.discover.classes import describe_classes
from genmigrate.generated import AdapterContext, PackageContext, ProviderEntry, render_adapter, render_package

pytestmark = pytest.mark.unit

# A stand-in for llama_index.core.llms: the framework is not installed where the tests run.
FRAMEWORK = """\
class ChatMessage:
    def __init__(self, role, content, additional_kwargs=None):
        self.role, self.content, self.additional_kwargs = role, content, additional_kwargs or {}


class CustomLLM:
    pass
"""
LEGACY = """\
from llama_index.llms import CustomLLM


class EchoLLM(CustomLLM):
    def chat(self, messages, **kwargs):
        return " | ".join("dict" if isinstance(m, dict) else f"{m.role}:{m.content}" for m in messages)
"""


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Write the framework stand-in and a generated package over EchoLLM; return its manager."""
    monkeypatch.syspath_prepend(str(tmp_path))
    yield lambda framework, top: _manager(tmp_path, framework, top)
    for name in [n for n in sys.modules if n.split(".")[0] in ("llama_index", "echoapp_a", "echoapp_b")]:
        del sys.modules[name]


def _manager(root: Path, framework: str, top: str) -> Any:
    (root / "llama_index" / "llms").mkdir(parents=True)
    (root / "llama_index" / "__init__.py").write_text("")
    (root / "llama_index" / "llms" / "__init__.py").write_text(framework)
    info = next(c for c in describe_classes(build_graph(LEGACY)) if c.name == "EchoLLM")
    assert (info.protocol, info.message_module) == ("chat-wrapper", "llama_index.llms")
    entry = ProviderEntry("echo", "echo_generator", "EchoGenerator", ("EchoLLM",), "chat-wrapper")
    for rel, text in render_package(PackageContext(f"{top}.generator", (entry,))).items():
        (root / top / "generator" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / top / "generator" / rel).write_text(text)
    (root / top / "__init__.py").write_text("")
    context = AdapterContext(
        "echo", "EchoGenerator", "EchoLLM", info.protocol, tuple(info.methods), message_module=info.message_module
    )
    adapter = render_adapter(context)
    assert "message_module = " in adapter
    (root / top / "generator" / "providers" / "echo_generator.py").write_text(LEGACY + "\n\n" + adapter)
    manager = importlib.import_module(f"{top}.generator.generator_manager")
    return manager.GeneratorManager(entry_points=False, use_keyring=False)


def test_chat_gets_the_frameworks_chat_message_objects(build: Any) -> None:
    m = build(FRAMEWORK, "echoapp_a")
    base = sys.modules["echoapp_a.generator.base"]
    messages = (base.Message("system", "be brief"), base.Message("user", "hi"))
    assert m.generate(base.GenerationRequest(messages), provider="echo").text == "system:be brief | user:hi"


def test_a_framework_module_without_chat_message_gets_dicts(build: Any) -> None:
    m = build("class CustomLLM:\n    pass\n", "echoapp_b")
    assert m.generate("hi", provider="echo").text == "dict"


def test_a_base_from_elsewhere_records_no_message_module() -> None:
    source = LEGACY.replace("llama_index.llms", "app.llms")
    info = next(c for c in describe_classes(build_graph(source)) if c.name == "EchoLLM")
    assert info.message_module == ""
