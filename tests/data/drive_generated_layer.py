"""Run by tests/test_generated_pythons.py under each supported interpreter, with the project root
on PYTHONPATH: the committed generated layer imports without any provider SDK and serves a
provider registered at run time through every sync and async path."""

import asyncio
import sys

from components.generator.base import (
    BaseGenerator,
    Capabilities,
    GenerationRequest,
    GenerationResult,
    StreamChunk,
    UnsupportedOperation,
)
from components.generator.generator_manager import GeneratorManager, ManagerConfig

SDKS = {"openai", "anthropic", "boto3", "botocore", "dashscope", "ollama", "httpx", "mistralai"}


class Echo(BaseGenerator):
    provider = "echo"
    capabilities = Capabilities(streaming=True)

    def generate(self, request: GenerationRequest) -> GenerationResult:
        text = str(request.messages[-1].content).upper()
        return GenerationResult(text=text, provider="echo", model=request.model, finish_reason="stop")

    def stream(self, request: GenerationRequest):  # type: ignore[no-untyped-def]
        for word in str(request.messages[-1].content).split():
            yield StreamChunk(delta=word)
        yield StreamChunk(finish_reason="stop")


async def _async_paths(manager: GeneratorManager) -> tuple[str, list[str]]:
    result = await manager.agenerate("x y")
    return result.text, [c.delta async for c in manager.astream("p q")]


def main() -> None:
    manager = GeneratorManager(ManagerConfig(default_provider="echo", timeout=5.0))
    manager.register("echo", Echo)
    result = manager.generate("say hi", model="m")
    assert (result.text, result.model, result.finish_reason) == ("SAY HI", "m", "stop"), result
    chunks = list(manager.stream("a b"))
    assert [c.delta for c in chunks] == ["a", "b", ""] and chunks[-1].finish_reason == "stop", chunks
    assert asyncio.run(_async_paths(manager)) == ("X Y", ["p", "q", ""])
    try:
        manager.embed(["t"])
    except UnsupportedOperation:
        pass
    else:
        raise AssertionError("embed must be refused: Echo does not embed")
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in SDKS)
    assert not loaded, loaded
    print("ok {}.{}".format(*sys.version_info))


main()
