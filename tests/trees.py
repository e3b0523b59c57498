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
