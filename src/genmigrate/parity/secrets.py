"""Credential-shaped values never reach a trace: not only the planted fake secrets, also keys a
client hard-codes (a constructor default, a header it sets) and whatever looks like one.

A masked value reads `<secret:HASH>`, HASH a short sha256 of the value: stable, so a migration that
sends another key still shows as a difference, yet the key itself is written nowhere. Planted
secrets, already `<secret:NAME>`, are left as they are.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

# Headers whose whole value is a credential.
SECRET_HEADERS = frozenset({
    "authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "x-amz-security-token",
    "ocp-apim-subscription-key", "x-auth-token", "cookie", "set-cookie",
})
# Names (attributes, keyword arguments, JSON fields) of credentials: `api_key`, `apiKey`, `token`,
# `aws_secret_access_key`, `password`, `credentials`... but not `max_tokens` or `tokenizer`.
_NAME = re.compile(r"(^|_)(api_?key|key|keys|token|secret|password|passwd|credential|credentials|auth)(_|$)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Literals shaped like common keys: OpenAI/Anthropic `sk-...`, AWS access key ids, Google API keys,
# GitHub and Slack tokens, and the credential after an HTTP auth scheme.
_VALUE = re.compile(
    r"\b(sk-[A-Za-z0-9_\-]{16,}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{35}|gh[pousr]_[A-Za-z0-9]{36}|"
    r"xox[abprs]-[A-Za-z0-9\-]{10,})"
)
_SCHEME = re.compile(r"\b(Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=\-]{8,})")
_MASKED = "<secret:"


def token(value: str) -> str:
    return f"<secret:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}>"


def mask_text(text: str) -> str:
    """Every key-shaped literal inside `text` masked."""
    text = _VALUE.sub(lambda m: token(m.group(1)), text)
    return _SCHEME.sub(lambda m: f"{m.group(1)} {token(m.group(2))}", text)


def is_secret_name(name: str) -> bool:
    return bool(_NAME.search(_CAMEL.sub("_", name).replace("-", "_").lower()))


def mask_field(name: Any, value: Any) -> Any:
    """`value` (already normalised) masked whole when `name` names a credential."""
    if isinstance(name, str) and isinstance(value, str) and value and _MASKED not in value and is_secret_name(name):
        return token(value)
    return value


def mask_header(name: str, value: str) -> str:
    value = mask_text(value)
    if name.lower() in SECRET_HEADERS and value and _MASKED not in value:
        scheme, _, rest = value.partition(" ")
        return f"{scheme} {token(rest)}" if rest and scheme in ("Bearer", "Basic", "Token") else token(value)
    return value
