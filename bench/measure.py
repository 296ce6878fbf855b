"""Timing helpers: percentiles of repeated calls after a warm-up, and one API
request with its status, server time, size and query count."""

import gc
import math
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.collector import PYTHON_THRESHOLDS


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


@contextmanager
def as_plain_script():
    """Python's own collector thresholds for a while: a baseline (raw SQL,
    bibtexparser alone) runs as a plain script would, not with the app
    servers' collector (config/collector.py), which the app's side runs with."""
    kept = gc.get_threshold()
    gc.set_threshold(*PYTHON_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*kept)


def plain_script(call: Callable[[], object]) -> Callable[[], object]:
    """`call`, run as_plain_script."""

    def run() -> object:
        with as_plain_script():
            return call()

    return run


def sample(call: Callable[[], object], *, repeat: int, warmup: int) -> list[float]:
    """Milliseconds of `repeat` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def sample_in_turn(
    calls: list[Callable[[], object]], *, repeat: int, warmup: int, block: int = 1
) -> list[list[float]]:
    """Milliseconds of `repeat` runs of each call, the calls taking turns in
    runs of `block` (after `warmup` untimed runs of each).

    Taking turns lets each call meet the same moments of a noisy machine;
    blocks of a few keep one call's traces in the caches (a heavy raw-SQL
    baseline's, say) from falling on every run of the next.
    """
    for _ in range(warmup):
        for call in calls:
            call()
    times: list[list[float]] = [[] for _ in calls]
    while len(times[0]) < repeat:
        runs = min(block, repeat - len(times[0]))
        for call, taken in zip(calls, times, strict=True):
            for _ in range(runs):
                began = time.perf_counter()
                call()
                taken.append((time.perf_counter() - began) * 1000)
    return times


@dataclass
class Figure:
    """One measured request: its percentiles and those of its baseline."""

    name: str
    path: str = ""
    status: str = "ok"  # ok | not available yet | error | skipped
    note: str = ""
    p50_ms: float | None = None
    p95_ms: float | None = None
    baseline_p50_ms: float | None = None
    baseline_p95_ms: float | None = None
    queries: int | None = None
    samples: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.p95_ms is None or not self.baseline_p95_ms:
            return None
        return self.p95_ms / self.baseline_p95_ms

    def timed(self, times: list[float]) -> "Figure":
        self.p50_ms = round(statistics.median(times), 2)
        self.p95_ms = round(percentile(times, 0.95), 2)
        self.samples = len(times)
        return self

    def baseline(self, times: list[float]) -> "Figure":
        self.baseline_p50_ms = round(statistics.median(times), 2)
        self.baseline_p95_ms = round(percentile(times, 0.95), 2)
        return self

    def as_dict(self) -> dict:
        data = {k: v for k, v in vars(self).items() if v not in (None, {}, "")}
        if self.ratio is not None:
            data["ratio"] = round(self.ratio, 2)
        return data


def get(client, path: str) -> tuple[int, bytes]:
    """GET path in-process; streams are read to the end."""
    response = client.get(path)
    if getattr(response, "streaming", False):
        body = b"".join(
            c if isinstance(c, bytes) else c.encode()
            for c in response.streaming_content
        )
    else:
        body = response.content
    return response.status_code, body


def count_queries(client, path: str) -> tuple[int, int]:
    """Status and number of SQL queries of one request, made after one request
    of the same path: what every request but the first after a write costs
    (the first also reloads what is kept per data generation, such as the
    taxonomy's slugs, whatever request came before)."""
    get(client, path)
    with CaptureQueriesContext(connection) as captured:
        status, _ = get(client, path)
    return status, len(captured.captured_queries)
