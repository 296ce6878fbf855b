"""Measure Survey Atlas on the configured database and write BENCHMARKS.md.

    python -m bench.run --papers 100000 --citations 1000000 --json bench.json

Generates the synthetic data first when the database does not hold exactly
that many synthetic papers and citations (see bench.generate). Every figure
sits next to a baseline measured in the same run. Exit status 1 when a
measured request answers with an error (a missing endpoint is not an error).
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: In-process figures measure computing each answer, not reading it back.
UNCACHED = {"ATLAS_ANSWER_CACHE": "0"}
#: The servers as deployed keep answers, whatever the runner's own environment.
AS_DEPLOYED = {"ATLAS_ANSWER_CACHE": "1"}
FIGURE_KEYS = [
    "list", "list_page1", "list_deep", "list_cited", "detail", "taxonomy", "facets",
    "facets_all", "search_selective", "search_broad", "similar", "map",
    "map_page", "set_map", "set_map_page",
]  # fmt: skip


def arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--json", help="write the results as JSON here")
    parser.add_argument(
        "--markdown",
        default=str(ROOT / "BENCHMARKS.md"),
        help="write the report here (default BENCHMARKS.md); '' for none",
    )
    parser.add_argument("--papers", type=int, help="synthetic papers wanted")
    parser.add_argument("--citations", type=int, help="synthetic citations wanted")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat",
        type=int,
        default=100,
        help="timed requests per measure (a p95 of 40 moves with two slow ones)",
    )
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--import-entries", type=int, default=10_000)
    parser.add_argument("--load-seconds", type=int, default=20, help="0 skips wrk")
    parser.add_argument(
        "--soak-seconds",
        type=int,
        default=60,
        help="mixed-request soak at --soak-connections (bench.soak); 0 skips it",
    )
    parser.add_argument("--soak-connections", type=int, default=32)
    parser.add_argument(
        "--create-db",
        action="store_true",
        help="create the PostgreSQL database if missing, and migrate",
    )
    parser.add_argument(
        "--drop-db", action="store_true", help="drop the database afterwards"
    )
    return parser.parse_args(argv)  # fmt: skip


def database_admin(sql: str) -> None:
    """Run one statement on the server's maintenance database (postgres)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(
        dbname="postgres", user=config.get("USER") or None,
        password=config.get("PASSWORD") or None, host=config.get("HOST") or None,
        port=config.get("PORT") or None, autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(sql.format(name=config["NAME"]))


def create_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return  # SQLite files are created by migrate
    try:
        database_admin('CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001 - "already exists" is fine
        if "already exists" not in str(error):
            raise


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    database_admin('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine(raw) -> dict:
    import django

    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    names = [line.split(":", 1)[1].strip() for line in lines if "model name" in line]
    cpu = names[0] if names else platform.processor() or "unknown"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    info = {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{memory:.1f} GiB",
        "system": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
    }
    if raw is not None:
        info["database"] = raw.execute("SELECT version()").fetchone()[0].split(",")[0]
    else:
        info["database"] = "SQLite (no raw-SQL baselines)"
    return info


def ensure_data(args, log) -> dict:
    from bench import generate
    from papers.models import Citation, Paper

    generate.ensure_taxonomy(sys.stdout)
    synthetic = generate.synthetic_papers()
    have = synthetic.count()
    cites = Citation.objects.filter(citing__in=synthetic.values("pk")).count()
    info: dict = {}
    if args.papers is not None and (have, cites) != (args.papers, args.citations or 0):
        log(f"Generating {args.papers:,} papers, {args.citations or 0:,} citations...")
        began = time.perf_counter()
        summary = generate.generate(
            papers=args.papers, citations=args.citations or 0, seed=args.seed
        )
        info["generator"] = (
            f"{time.perf_counter() - began:.1f} s for {args.papers:,} papers and "
            f"{summary['counts']['citations']:,} citations (this run)"
        )
    else:
        info["generator"] = "not run (the data was already there)"
    info["papers (published)"] = Paper.objects.published().count()
    info["synthetic papers"] = generate.synthetic_papers().count()
    info["citations"] = Citation.objects.count()
    return info


def build_map(log) -> dict:
    """Run `manage.py build_map` (the cached metrics that similar papers and
    maps read) in a child process: its wall time and peak memory (maxrss)."""
    try:
        from maps.models import MapBuild
    except ImportError:
        return {"status": "not available"}
    log("Building the literature map (PageRank, communities)...")
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "build_map"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    output = b"".join(child.communicate())
    seconds = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        return {"status": "error", "note": output.decode()[-300:]}
    build = MapBuild.objects.order_by("-computed_at", "-id").first()
    return {
        "status": "ok",
        "seconds": round(seconds, 1),
        "build_seconds": build.seconds,
        # ru_maxrss is in KiB on Linux: the largest child so far, and the
        # build is the first child the runner starts.
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "papers": build.papers,
        "citations": build.citations,
        "communities": build.communities,
    }


def settle(log) -> None:
    """After the bulk writes of the generator and the map build, what an
    operator runs after a batch job: VACUUM ANALYZE (fresh statistics and
    visibility maps) and a CHECKPOINT (the written pages flushed), so that
    the first timed requests do not pay for the writes before them."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return
    log("Settling: VACUUM (ANALYZE) and CHECKPOINT...")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError as error:  # needs superuser or pg_checkpoint
            log(f"  no CHECKPOINT: {error}".rstrip())


def build_line(build: dict) -> str:
    if build.get("status") != "ok":
        return f"{build.get('status')}: {build.get('note', '')}".strip(": ")
    return (
        f"{build['seconds']:.1f} s wall ({build['build_seconds']:.1f} s inside), "
        f"peak memory {build['peak_mib']:,.0f} MiB, {build['communities']} communities"
    )


def bench_actor():
    """A staff user the import runs as (rolled back with the import)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-curator", defaults={"is_staff": True}
    )
    return user


def measure(args, raw, log) -> dict:
    from django.conf import settings

    from bench import bibtex_bench, load, scenarios, soak
    from bench.measure import count_queries

    settings.ATLAS_ANSWER_CACHE = False  # see UNCACHED

    choices = scenarios.choose(args.seed)
    bench = scenarios.Bench(repeat=args.repeat, warmup=args.warmup, raw=raw, log=log)
    from papers.models import Paper

    papers = Paper.objects.published().count()
    figures = dict(
        zip(FIGURE_KEYS, scenarios.api_figures(bench, choices, papers), strict=True)
    )
    pages = scenarios.page_figures(bench, choices)
    figures.update((f"page_{i}", figure) for i, figure in enumerate(pages))
    listing = f"/api/v1/papers/?{choices.list_query}"
    queries = {
        "list": count_queries(bench.client, listing)[1],
        "list_200": count_queries(bench.client, f"{listing}&page_size=200")[1],
        "detail": count_queries(
            bench.client, f"/api/v1/papers/{choices.detail_keys[0]}/"
        )[1],
    }
    log("BibTeX import and export...")
    figures["import"] = bibtex_bench.import_figure(
        args.import_entries, bench_actor(), log
    )
    figures["export"] = bibtex_bench.export_figure(bench.client, raw, log)
    result = {
        "figures": {k: f.as_dict() for k, f in figures.items()},
        "queries": queries,
    }
    if args.load_seconds > 0:
        log("Load test (answers cached per data generation, as deployed)...")
        result["load"] = load.run_load(
            listing, seconds=args.load_seconds, env=AS_DEPLOYED, log=log
        )
        log("Load test, computing every answer (ATLAS_ANSWER_CACHE=0)...")
        result["load_computed"] = load.run_load(
            listing, seconds=args.load_seconds, env=UNCACHED, log=log
        )
    else:
        result["load"] = {"status": "skipped", "note": "--load-seconds 0"}
    if args.soak_seconds > 0:
        log("Soak (list, detail, search and export)...")
        result["soak"] = soak.run_soak(
            seconds=args.soak_seconds, connections=args.soak_connections, log=log
        )
    else:
        result["soak"] = {"status": "skipped", "note": "--soak-seconds 0"}
    result["choices"] = {
        "list": listing,
        "selective": choices.selective,
        "broad": choices.broad,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    began = time.perf_counter()
    log = print
    if args.create_db:
        create_database()
    from bench.django_setup import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench import baselines, report

    if args.create_db:
        call_command("migrate", verbosity=0)
    if settings.DEBUG:
        log("Note: DEBUG is on; figures include its overhead.")
    try:
        data = ensure_data(args, log)
        build = build_map(log)
        data["literature map build"] = build_line(build)
        settle(log)
        raw = (
            baselines.connect(settings.DATABASES["default"])
            if settings.IS_POSTGRES
            else None
        )
        results = {"machine": machine(raw), "data": data, "build_map": build}
        results.update(measure(args, raw, log))
    finally:
        if args.drop_db:
            drop_database()
    results["command"] = "python -m bench.run " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    results["finished"] = datetime.datetime.now(datetime.UTC).strftime(
        "%Y-%m-%d %H:%M UTC"
    )
    results["seconds"] = time.perf_counter() - began
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    if args.markdown:
        Path(args.markdown).write_text(report.render(results))
        log(f"Wrote {args.markdown}")
    errors = [
        f["name"] for f in results["figures"].values() if f.get("status") == "error"
    ]
    if errors:
        print("Errors: " + "; ".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
