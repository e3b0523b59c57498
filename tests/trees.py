"""Small client modules and trees written into tmp folders by the tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

# An OpenAI chat wrapper; `{name}` is the class name (replace "openai" for another SDK).
CLIENT = (
    "import openai\n\n\n"
    "class {name}:\n"
    "    def __init__(self) -> None:\n"
    "        self.client = openai.OpenAI()\n\n"
    "    def chat(self, messages):\n"
    "        return self.client.chat.completions.create(model='m', messages=messages)\n"
)


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


SDKS = ("openai", "anthropic", "groq", "mistralai", "cohere")


def many_clients(root: Path, count: int) -> None:
    """A project of `count` client modules (`src/many/llm/<sdk>_<letter>_client.py`, five SDKs in
    turn; a quarter each with a BOM, CRLF line endings and a latin-1 coding cookie) and one importer."""
    files: dict[str, str | bytes] = {"pyproject.toml": '[project]\nname = "many"\n', "src/many/__init__.py": ""}
    for i in range(count):
        sdk = SDKS[i % len(SDKS)]
        stem = f"{sdk}_{_letters(i // len(SDKS))}_client"
        data = CLIENT.format(name=f"Client{i}").replace("openai", sdk).encode()
        if i % 4 == 1:
            data = b"\xef\xbb\xbf" + data
        elif i % 4 == 2:
            data = data.replace(b"\n", b"\r\n")
        elif i % 4 == 3:
            data = b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + data
        files[f"src/many/llm/{stem}.py"] = data
    files["src/many/llm/__init__.py"] = ""
    files["src/many/app.py"] = "from many.llm.openai_a_client import Client0\n\nCLIENT = Client0\n"
    write_tree(root, files)


def _letters(index: int) -> str:
    """a, b, ..., z, ba, bb, ...: a stem part that never ends in a digit."""
    text = ""
    while True:
        text = "abcdefghijklmnopqrstuvwxyz"[index % 26] + text
        index //= 26
        if not index:
            return text
