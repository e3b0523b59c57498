# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Provider modules, registered by relative dotted path and imported only on first
use."""

PROVIDERS: dict[str, str] = {
    "anthropic": ".providers.anthropic_generator:AnthropicGenerator",
    "azure": ".providers.azure_generator:AzureOpenAIGenerator",
    "bedrock": ".providers.bedrock_generator:BedrockGenerator",
    "dashscope": ".providers.dashscope_generator:DashscopeGenerator",
    "ollama": ".providers.ollama_generator:OllamaGenerator",
    "openai": ".providers.openai_generator:OpenAIGenerator",
    "openrouter": ".providers.openrouter_generator:OpenRouterGenerator",
}
