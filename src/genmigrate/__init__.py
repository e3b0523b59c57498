"""genmigrate: migrate monolithic LLM client modules into a unified generator layout."""

__version__ = "0.1.0"
