"""The list endpoint under load: gunicorn (2 workers) on 127.0.0.1, driven by
wrk with 8 connections for a bounded time."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds}s")


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, latency percentiles, and every kind of error wrk reports."""
    result = {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    }
    for percent, value in re.findall(
        r"^\s*(50|75|90|99)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.M
    ):
        result[f"p{percent}_ms"] = round(milliseconds(value), 2)
    result["requests"] = int(re.search(r"(\d+) requests in", output)[1])
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["errors"] = sum(map(int, errors.groups())) if errors else 0
    result["errors"] += int(non_2xx[1]) if non_2xx else 0
    return result


@contextmanager
def gunicorn(
    *, workers: int = 2, probe: str = "/api/v1/metrics/", env: dict | None = None
):
    """Run gunicorn with `workers` workers on a free loopback port against the
    configured database; yields (base URL, master process); stops it after."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, start_new_session=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **(env or {})},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + probe)
        yield base, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_load(path: str, *, seconds: int, env: dict | None = None, log=print) -> dict:
    """Start gunicorn (with env added to its environment), warm it, run wrk
    against path, stop gunicorn."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"status": "skipped", "note": "wrk is not installed"}
    with gunicorn(probe=path, env=env) as (base, _server):
        url = base + path
        for _ in range(20):  # warm both workers' connections and caches
            urllib.request.urlopen(url, timeout=10).read()
        log(f"  wrk -t2 -c8 -d{seconds}s {path}")
        done = subprocess.run(
            [wrk, "-t2", "-c8", f"-d{seconds}s", "--latency", url],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        )  # fmt: skip
    result = parse_wrk(done.stdout)
    result["wrk_output"] = done.stdout  # kept in the JSON for reading later
    result.update(status="ok", path=path, seconds=seconds, workers=2, connections=8)
    return result
