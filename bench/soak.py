"""A load soak: gunicorn (2 workers) on 127.0.0.1 against the configured
database, driven by wrk for a given time with a mix of list, detail, search and
export requests; records throughput, latency percentiles, errors and whether
the workers' memory stays put.

    python -m bench.soak --seconds 60 --connections 32 --json out.json
"""

import argparse
import json
import random
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.load import ROOT, gunicorn, parse_wrk

LUA = ROOT / "bench" / "soak.lua"
#: Share of each kind of request in the mix (out of 100).
MIX = {"list": 35, "detail": 30, "search": 20, "export": 15}
#: Workers may grow by less than this between warm-up and the end.
RSS_GROWTH_LIMIT = 0.10
#: The throttle is not what a soak measures; answers are kept, as deployed.
SOAK_ENV = {"ATLAS_API_ANON_RATE": "1000000000/minute", "ATLAS_ANSWER_CACHE": "1"}


def request_mix(size: int = 400, seed: int = 7) -> list[str]:
    """`size` paths in MIX proportions, from the papers and nodes in the database."""
    from bench.django_setup import setup

    setup()
    from papers.models import Paper, Status
    from taxonomy.models import Kind, Node

    rng = random.Random(seed)
    published = Paper.objects.filter(status=Status.PUBLISHED)
    keys = list(published.order_by("pk").values_list("citation_key", flat=True))
    titles = list(published.order_by("?").values_list("title", flat=True)[:200])
    words = sorted({w.strip(",.:;()").lower() for t in titles for w in t.split()})
    words = [w for w in words if len(w) >= 5 and w.isalpha()] or ["fusion"]
    slugs = {
        kind: list(Node.objects.filter(kind=kind).values_list("slug", flat=True))
        for kind in (Kind.MODALITY, Kind.APPLICATION)
    }
    years = list(range(2012, 2024))
    base = "/api/v1/papers/"
    makers = {
        "list": lambda: rng.choice(
            [
                base,
                f"{base}?modality={rng.choice(slugs[Kind.MODALITY])}",
                f"{base}?application={rng.choice(slugs[Kind.APPLICATION])}",
                f"{base}?year_min={rng.choice(years)}&ordering=-cite_count",
                f"{base}?modality={rng.choice(slugs[Kind.MODALITY])}&page_size=20",
            ]
        ),
        "detail": lambda: f"{base}{rng.choice(keys)}/",
        "search": lambda: f"{base}?q={'+'.join(rng.sample(words, rng.choice((1, 2))))}",
        "export": lambda: rng.choice(
            [
                f"{base}{rng.choice(keys)}/?format=bibtex",
                f"{base}{rng.choice(keys)}/?format=csljson",
                f"{base}?application={rng.choice(slugs[Kind.APPLICATION])}"
                f"&year_min={(y := rng.choice(years))}&year_max={y}&format=csv",
            ]
        ),
    }
    kinds = [kind for kind, share in MIX.items() for _ in range(share)]
    return [makers[rng.choice(kinds)]() for _ in range(size)]


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def warm(base: str, paths: list[str]) -> int:
    """Fetch every distinct path of the mix once, so that the workers have run
    each kind of request before memory is first read; the count of non-2xx."""
    failures = 0
    for path in dict.fromkeys(paths):
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
        except OSError:
            failures += 1
    return failures


def run_soak(
    *, seconds: int = 60, connections: int = 32, threads: int = 2, log=print
) -> dict:
    """Start gunicorn, warm it, soak it with wrk, read worker memory; the figures."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"status": "skipped", "note": "wrk is not installed"}
    paths = request_mix()
    with tempfile.NamedTemporaryFile("w", suffix=".paths") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        with gunicorn(workers=2, env=SOAK_ENV) as (base, server):
            warm_failures = warm(base, paths)
            workers = worker_pids(server.pid)
            rss_start = {pid: rss_kib(pid) for pid in workers}
            log(f"  wrk -t{threads} -c{connections} -d{seconds}s (mix of {len(paths)})")
            started = time.monotonic()
            done = subprocess.run(
                [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
                 "--latency", "--timeout", "30s", "-s", str(LUA), base, "--",
                 listing.name],
                capture_output=True, text=True, timeout=seconds + 120, check=True,
            )  # fmt: skip
            elapsed = time.monotonic() - started
            still = worker_pids(server.pid)
            rss_end = {pid: rss_kib(pid) for pid in workers if pid in still}
    result = parse_wrk(done.stdout)
    growth = {pid: (rss_end[pid] - rss_start[pid]) / rss_start[pid] for pid in rss_end}
    result.update(
        status="ok",
        seconds=seconds,
        elapsed_s=round(elapsed, 1),
        connections=connections,
        threads=threads,
        workers=2,
        mix=MIX,
        distinct_paths=len(set(paths)),
        warm_up_failures=warm_failures,
        workers_restarted=len(workers) - len(rss_end),
        rss_start_kib=[rss_start[pid] for pid in workers],
        rss_end_kib=[rss_end.get(pid) for pid in workers],
        rss_growth_max=round(max(growth.values(), default=0.0), 4),
        rss_growth_ok=bool(growth)
        and max(growth.values()) < RSS_GROWTH_LIMIT
        and len(rss_end) == len(workers),
        wrk_output=done.stdout,
    )
    return result


def render_soak(result: dict) -> str:
    """The soak as a markdown section for BENCHMARKS.md."""
    if result.get("status") != "ok":
        return f"## Load soak\n\n{result.get('status')}: {result.get('note', '')}\n"
    mix = ", ".join(f"{share}% {kind}" for kind, share in result["mix"].items())
    mib = [
        f"{start / 1024:.0f} -> {end / 1024:.0f} MiB" if end else "restarted"
        for start, end in zip(
            result["rss_start_kib"], result["rss_end_kib"], strict=True
        )
    ]
    verdict = "kept" if result["rss_growth_ok"] else "**missed**"
    return "\n".join(
        [
            "## Load soak",
            "",
            f"gunicorn with {result['workers']} workers on 127.0.0.1, wrk with "
            f"{result['connections']} connections for {result['seconds']} s; "
            f"requests: {mix} ({result['distinct_paths']} distinct paths).",
            "",
            "| requests/s | p50 | p75 | p90 | p99 | requests | errors |",
            "|---|---|---|---|---|---|---|",
            f"| {result['requests_per_s']:,.1f} | {result.get('p50_ms', 0):,.1f} ms "
            f"| {result.get('p75_ms', 0):,.1f} ms | {result.get('p90_ms', 0):,.1f} ms "
            f"| {result.get('p99_ms', 0):,.1f} ms | {result['requests']:,} "
            f"| {result['errors']:,} |",
            "",
            f"Worker memory (RSS) after warm-up -> at the end: {'; '.join(mib)}; "
            f"largest growth {result['rss_growth_max']:.1%} "
            f"(goal < {RSS_GROWTH_LIMIT:.0%}: {verdict}).",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, help="Write the result here.")
    args = parser.parse_args(argv)
    result = run_soak(
        seconds=args.seconds, connections=args.connections, threads=args.threads
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(render_soak(result))


if __name__ == "__main__":
    main()
