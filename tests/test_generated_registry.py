"""Registry extension points, settings from keyring, native batch, and unmapped classes."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from servers.render import LegacyProvider, import_package, write_package

pytestmark = pytest.mark.unit

LOCAL = (
    LegacyProvider("batchy", "local_wrappers.py", "BatchEcho", "chat-wrapper"),
    LegacyProvider("opaque", "local_wrappers.py", "Opaque", "unknown"),
)


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("registry")
    package = write_package(root, LOCAL)
    import_package(root, package)
    names = ("base", "generator_manager", "_settings")
    return SimpleNamespace(
        root=root,
        package=package,
        **{n: importlib.import_module(f"{package}.{n}") for n in names},
    )


def test_native_batch_is_used_when_the_legacy_client_has_one(gen: SimpleNamespace) -> None:
    manager = gen.generator_manager.GeneratorManager(default_provider="batchy", entry_points=False)
    requests = [gen.base.GenerationRequest.from_prompt(p) for p in ("a", "b", "c")]
    assert manager.capabilities("batchy").batch  # loads the provider module
    module = sys.modules[f"{gen.package}.providers.batchy_generator"]
    module.BatchEcho.calls.clear()
    results = manager.batch(requests)
    assert [r.text for r in results] == ["echo: a", "echo: b", "echo: c"]
    assert module.BatchEcho.calls == [("batch_chat", 3)]


def test_unmapped_class_exposes_nothing_and_says_so(gen: SimpleNamespace) -> None:
    manager = gen.generator_manager.GeneratorManager(default_provider="opaque", entry_points=False)
    caps = manager.capabilities()
    assert not any(caps.supports(n) for n in ("streaming", "async", "embeddings", "batch"))
    with pytest.raises(gen.base.UnsupportedOperation, match="opaque: generate is not supported"):
        manager.generate("hi")
    with pytest.raises(gen.base.UnsupportedOperation, match="opaque: streaming"):
        list(manager.stream("hi"))


def test_keyring_is_the_lowest_source_and_only_asked_when_needed(
    gen: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "keyring.py").write_text(
        "asked = []\n"
        "def get_password(service, name):\n"
        "    asked.append((service, name))\n"
        "    return 'kr-' + name\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "keyring", raising=False)
    s = gen._settings
    assert s.resolve("openai", {}, {}, {}, True) == {"api_key": "kr-openai.api_key"}
    env = {"GENERATOR_OPENAI_API_KEY": "from-env"}
    assert s.resolve("openai", {}, {}, env, True) == {"api_key": "from-env"}
    assert sys.modules["keyring"].asked == [("generator", "openai.api_key")]
    assert s.resolve("openai", {}, {}, {}, False) == {}
    sys.modules.pop("keyring")


def test_entry_point_providers_are_found_lazily(gen: SimpleNamespace, tmp_path: Path) -> None:
    (tmp_path / "thirdparty_gen.py").write_text(
        f"from {gen.package}.base import BaseGenerator, GenerationResult\n"
        "class ThirdGenerator(BaseGenerator):\n"
        "    provider = 'third'\n"
        "    def generate(self, request):\n"
        "        return GenerationResult(text='third: ' + request.messages[-1].text,"
        " provider='third')\n"
    )
    dist = tmp_path / "thirdparty_gen-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: thirdparty-gen\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[genmigrate.generators]\nthird = thirdparty_gen:ThirdGenerator\n"
    )
    script = f"""
import json, sys
sys.path[:0] = [{str(gen.root)!r}, {str(tmp_path)!r}]
from {gen.package}.generator_manager import GeneratorManager
closed = GeneratorManager().providers.names()  # off by default
manager = GeneratorManager(default_provider="third", entry_points=True)
before = "thirdparty_gen" in sys.modules
text = manager.generate("hi").text
print(json.dumps({{"before": before, "text": text, "closed": closed}}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert report == {"before": False, "text": "third: hi", "closed": ["batchy", "opaque"]}


def test_keyring_is_not_read_unless_the_setting_turns_it_on(
    gen: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "keyring.py").write_text("def get_password(service, name):\n    return 'kr'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "keyring", raising=False)
    manager = gen.generator_manager.GeneratorManager(default_provider="batchy", environ={})
    manager.generate("hi")
    assert "keyring" not in sys.modules and manager.config.use_keyring is False
    config = gen.generator_manager.ManagerConfig(default_provider="batchy", use_keyring=True)
    on = gen.generator_manager.GeneratorManager(config, environ={})
    on.get("batchy", prefix="kr-on")
    assert "keyring" in sys.modules
    sys.modules.pop("keyring")
