# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Call counts, errors and latency per provider and model, as plain numbers.

`manager.stats()` returns `{"openai:gpt-4o": {"calls": 3, "errors": 1, ...}}`; every
attempt counts once (a retried call is several attempts). To export them, read
`stats()` periodically, or attach hooks: an OpenTelemetry meter fed from the
`response` and `error` hooks (`ctx.provider`, `ctx.model`, `time.monotonic() -
ctx.started`) gives the same numbers as metrics.
"""

from __future__ import annotations

import threading


class CallStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # key -> [calls, errors, total seconds, max seconds]
        self._rows: dict[str, list[float]] = {}

    def record(
        self, provider: str, model: str | None, seconds: float, ok: bool
    ) -> None:
        key = f"{provider}:{model}" if model else provider
        with self._lock:
            row = self._rows.setdefault(key, [0, 0, 0.0, 0.0])
            row[0] += 1
            row[1] += 0 if ok else 1
            row[2] += seconds
            row[3] = max(row[3], seconds)

    def snapshot(self) -> dict[str, dict[str, float]]:
        with self._lock:
            rows = {k: list(v) for k, v in self._rows.items()}
        return {
            key: {
                "calls": int(calls),
                "errors": int(errors),
                "latency_total_s": total,
                "latency_mean_s": total / calls if calls else 0.0,
                "latency_max_s": longest,
            }
            for key, (calls, errors, total, longest) in rows.items()
        }
