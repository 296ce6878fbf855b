"""BENCHMARKS.md from a run's results: the machine, the command, the figures
next to their baselines, and each goal of issue 7 as met or missed."""

from dataclasses import dataclass

from bench.soak import RSS_GROWTH_LIMIT, render_soak

#: Where an import's time goes, shown under either import goal when missed.
IMPORT_STAGES = (
    "Per 10,000 entries, timed stage by stage: Python parses "
    "in 0.45-0.7 s (bibtexparser alone takes 0.8-1.2 s), then, on the import's "
    "own connection one after another, the lookups (one statement given the "
    "file's identifiers and titles as arrays) take 0.25 s, planning 0.3 s, the "
    "authorships, labels and change log 0.4 s, the paper rows 0.8 s (binary "
    "COPY; about 0.55 s of it is the 17 indexes of the paper table) and the "
    "check of the deferred foreign keys 0.3 s. Meanwhile a second connection "
    "computes the search documents (1.1-1.4 s, from the end of parsing; done "
    "before the papers need the last of them) and a third merges the search "
    "index's pending entries (0.2 s, during the foreign-key check). Parsing "
    "comes first and uses one core, since nothing can be matched or written "
    "before the whole file is read (duplicates within it, a preprint and its "
    "published version, a bad entry anywhere must leave the database "
    "untouched); after it, the import's own connection is the longest path, "
    "and PostgreSQL writes one transaction's rows in one process. The costly "
    "indexes each serve a goal met here: the document's GIN index full-text "
    "search, the ordering indexes the paper lists' pages. Tried without gain: "
    "looking records up and computing their documents while the file is "
    "still being read (three processes then share two cores, and the reading "
    "slows by as much as the rest gains), GIN indexes without the pending "
    "list (the rows' insert 1.3 -> 4.5 s), a larger pending list merged by the "
    "import's own connection, more work_mem for the merge, planning the file "
    "a part at a time while the planned parts are written, copying the papers "
    "in a thread while the other rows are made ready, inserting in (year, "
    "title) order, LZ4 compression, the title-ordering index in the C "
    "collation. Not taken: leaving the pending list's merge to vacuum or the "
    "next writer after the import returns, which would only move the work out "
    "of the measured time."
)

#: Why a goal is missed, from the plans (EXPLAIN ANALYZE) and profiles of the
#: slow requests at 100,000 papers; shown next to a missed goal only.
REASONS = {
    "list": "4 queries: the data generation, the page, authors and labels. "
    "A public list narrowed by taxonomy nodes and years alone is counted from "
    "the per-process bitmaps (papers/paper_sets.py) and, ordered by year, "
    "reads only the papers of the years its page can reach, by id: the page "
    "query 2-5 ms (10-11 ms when it walked the papers newest first checking "
    "two label conditions each), authors and labels 1-2 ms each; the rest, "
    "about 8 ms, is Python (Django, DRF, django-filter). Timings on these "
    "machines vary by up to 2x between runs, and the p95 follows.",
    "detail": "5 queries of under 1 ms each; the answer is built from plain "
    "values (api.serializers.papers.PaperDetailRows), about 3 ms of Python.",
    "page_ratio": "a later page's bound is one row comparison read as a range "
    "of the newest-first index (papers/migrations/0009), so the deep page's "
    "query costs what page 1's does; the difference is Python.",
    "facets": "a list narrowed by nodes and years is counted from the "
    "per-process bitmaps of the published papers (papers/paper_sets.py, about "
    "1 ms); the rest is the list itself (see the paper list). Other filters "
    "are counted by SQL.",
    "list_queries": "resolving slugs from one cached taxonomy map leaves the "
    "data generation, the page (with its count when that is not known), "
    "authorships and labels.",
    "load_rps": "computing every answer, a list request costs about 8 ms of "
    "Python and 5 ms of PostgreSQL, and wrk shares the same two cores.",
    "load_p99": "follows the list's latency (see the paper list).",
    "export": "Python is the bound, on one core under the GIL (the process's "
    "CPU time is within 5% of the export's wall time): per 100,000 entries "
    "writing them takes about 1.5 s, loading the rows (each with its authors "
    "as an array) and turning them into records about 1.3 s; PostgreSQL's "
    "work runs alongside on the other core while a thread fetches the next "
    "2,000 rows. Tried without gain: streaming the rows (libpq's chunked "
    "mode) instead of reading them from a server-side cursor, which left the "
    "server less to do but not Python. This machine's speed varies: within "
    "one hour the same export took 4.5 to 7.5 s and bibtexparser's writer "
    "6.1 to 7.6 s, so compare the ratio to the writer.",
    "export_memory": "the peak is the export's fullest moment: the chunk of "
    "2,000 rows being written, the next one being fetched, and the writer's "
    "cache of repeated names (emptied every 4,096 values). Two causes of "
    "growth were found and removed: the reading thread could hold a third "
    "chunk (about 6 MiB more, at moments that a longer export is more "
    "likely to meet), and each entry's tuple of authors, made from an "
    "iterator, left Python's store of freed tuples about 1.2-1.9 MiB fuller "
    "by 100,000 entries (it only empties in a full collection). The figures "
    "after the larger export show whether such growth is back: unreachable "
    "objects, and what a full collection then frees.",
    "map": "profiled at 100,000 papers: about 16 ms of Python per request "
    "(scoring ~250 candidates, title trigrams, a graph of 21 papers) and 10 "
    "bounded queries of under 2 ms each when the machine is otherwise idle; "
    "the rest is waiting for a CPU when other work shares the two cores.",
    "map_page": "as the one-paper map, plus drawing the SVG and the page "
    "(about 5 ms more of Python).",
    "set_map": "profiled at 100,000 papers: about 55 ms of Python per request "
    "(counting and scoring ~7,000 member pairs, 500 node attributes, JSON), "
    "about 20 ms of SQL, 30 ms more when the layout is not cached; a full "
    "collection of Python's garbage collector over the process's heap adds "
    "100-200 ms to an occasional request.",
    "set_map_page": "as the map of the set, plus drawing the SVG and the list "
    "of 500 papers (about 25 ms more of Python).",
    "build_time": "about 70% of the build is Louvain's first level (local "
    "moves in Python over 2.4 million adjacency entries).",
    "build_memory": "the citation and topic adjacency as scipy arrays plus "
    "the per-paper dicts of the result.",
    "import": "where the work goes is set out under the import against bare "
    "parsing, below. Timings on these machines vary by 10-20% between runs.",
    "import_ratio": IMPORT_STAGES,
}
#: The import's heaviest work beyond what parsing needs.
IMPORT_HEAVY_WORK = (
    "the full-text search documents are about a third of it (1.1-1.5 of "
    "3.7-5.0 CPU seconds), the paper lists' six ordering indexes 0.2-0.45 s "
    "(measured by dropping them in a rolled-back transaction; the more dead "
    "rows earlier imports left in them, the more). "
)


def _strict_import_reason(results: dict) -> str:
    """Why the import misses 2x: beyond reach whatever the order of the work
    when the floor after parsing is above 2x, else the order is the bound."""
    extra = results["figures"].get("import", {}).get("extra", {})
    floor = extra.get("parsed_first_floor_ratio")
    if floor is not None and floor > 2:
        opening = (
            "That floor is above 2x, whatever the order the rest of the work "
            "is done in, so reaching 2x on this machine would take dropping "
            "work the import is asked for: "
        )
    else:
        opening = (
            "After parsing, the import's own connection, one step after "
            "another, is the longest path (below), and no way has been found "
            "to shorten it enough without dropping work the import is asked "
            "for: "
        )
    return opening + IMPORT_HEAVY_WORK + IMPORT_STAGES


@dataclass(frozen=True)
class Goal:
    key: str
    text: str
    target: str
    measure: object  # callable(results) -> (value, met) or None

    def check(self, results: dict) -> tuple[str, str]:
        try:
            value, met = self.measure(results)
        except (KeyError, TypeError, ZeroDivisionError):
            return "not measured", "n/a"
        return value, "met" if met else "**missed**"


def _fig(results, key):
    figure = results["figures"][key]
    if figure.get("status") != "ok":
        raise KeyError(key)
    return figure


def _p95(key, limit):
    def measure(results):
        value = _fig(results, key)["p95_ms"]
        return f"{value:.1f} ms", value <= limit

    return measure


def _ratio(key, limit):
    def measure(results):
        value = _fig(results, key)["ratio"]
        return f"{value:.2f}x", value <= limit

    return measure


def _page_ratio(results):
    deep, first = _fig(results, "list_deep"), _fig(results, "list_page1")
    value = deep["p95_ms"] / first["p95_ms"]
    return (
        f"{value:.2f}x ({deep['p95_ms']:.1f} vs {first['p95_ms']:.1f} ms)",
        value <= 1.5,
    )


def _queries(key, limit, constant_key=None):
    def measure(results):
        q = results["queries"]
        value = q[key]
        text = f"{value}"
        met = value <= limit
        if constant_key:
            text += f" (page size 200: {q[constant_key]})"
            met = met and q[constant_key] == value
        return text, met

    return measure


def _load(field, limit, higher=False):
    def measure(results):
        load = results["load"]
        if load.get("status") != "ok":
            raise KeyError("load")
        value = load[field]
        text = f"{value:g}"
        computed = results.get("load_computed", {})
        if computed.get("status") == "ok":
            text += f" (computing every answer: {computed[field]:g})"
        return text, value >= limit if higher else value <= limit

    return measure


def _soak(field, limit):
    def measure(results):
        soak = results["soak"]
        if soak.get("status") != "ok":
            raise KeyError("soak")
        value = soak[field]
        if isinstance(value, float):
            return f"{value:.1%}", value < limit
        return f"{value:,}", value <= limit

    return measure


def _import_rate(results):
    extra = _fig(results, "import")["extra"]
    return f"{extra['entries_per_s']:,}/s", extra["entries_per_s"] >= 3000


def _import_ratio(limit: float):
    def measure(results):
        value = _fig(results, "import")["ratio"]
        return f"{value:.2f}x", value <= limit

    return measure


def _export_rate(results):
    extra = _fig(results, "export")["extra"]
    return f"{extra['entries_per_s']:,}/s", extra["entries_per_s"] >= 25000


def _export_memory(results):
    extra = _fig(results, "export")["extra"]
    growth = extra["peak_growth"]
    text = (
        f"{growth:+.1%} ({extra['small_peak_mib']} MiB for {extra['small_entries']:,}"
        f" vs {extra['full_peak_mib']} MiB for {extra['full_entries']:,})"
    )
    if "full_collection_freed_mib" in extra:
        text += (
            f"; after the larger export {extra['full_young_unreachable']:,} young"
            f" and {extra['full_old_unreachable']:,} old objects were unreachable,"
            f" and a full collection freed {extra['full_collection_freed_mib']} MiB"
            " of Python's free lists and old cycles"
        )
    return text, growth <= 0.10


def _build(field, limit, unit):
    def measure(results):
        build = results["build_map"]
        if build.get("status") != "ok":
            raise KeyError("build_map")
        value = build[field]
        return f"{value:,.1f} {unit}", value <= limit

    return measure


GOALS = [
    Goal("list", "Paper list p95", "<= 25 ms", _p95("list", 25)),
    Goal("list_ratio", "Paper list vs raw SQL (p95)", "<= 2.5x", _ratio("list", 2.5)),
    Goal("page_ratio", "Page 1,000 vs page 1 (p95)", "<= 1.5x", _page_ratio),
    Goal("detail", "Paper detail p95", "<= 15 ms", _p95("detail", 15)),
    Goal("taxonomy", "Taxonomy tree with counts p95", "<= 20 ms", _p95("taxonomy", 20)),
    Goal("facets", "Facet counts p95 (filtered list)", "<= 40 ms", _p95("facets", 40)),
    Goal(
        "search_selective",
        "Search, selective term p95",
        "<= 30 ms",
        _p95("search_selective", 30),
    ),
    Goal(
        "search_broad",
        "Search, term in most rows p95",
        "<= 150 ms",
        _p95("search_broad", 150),
    ),
    Goal(
        "list_queries",
        "Queries per list request (constant in page size)",
        "<= 4",
        _queries("list", 4, "list_200"),
    ),
    Goal("detail_queries", "Queries per detail request", "<= 6", _queries("detail", 6)),
    Goal(
        "load_rps",
        "List under load: requests/s",
        ">= 200",
        _load("requests_per_s", 200, higher=True),
    ),
    Goal(
        "load_p99", "List under load: p99 latency (ms)", "<= 120", _load("p99_ms", 120)
    ),
    Goal("load_errors", "List under load: errors", "0", _load("errors", 0)),
    Goal("soak_errors", "Soak (mixed requests): errors", "0", _soak("errors", 0)),
    Goal(
        "soak_memory",
        "Soak: largest worker memory growth",
        "< 10%",
        _soak("rss_growth_max", RSS_GROWTH_LIMIT),
    ),
    Goal("import", "BibTeX import, entries/s", ">= 3,000", _import_rate),
    Goal(
        "import_ratio",
        "BibTeX import vs bibtexparser parsing",
        "<= 3x",
        _import_ratio(3),
    ),
    Goal(
        "import_ratio_strict",
        "BibTeX import vs bibtexparser parsing, the BibTeX goal",
        "<= 2x",
        _import_ratio(2),
    ),
    Goal("export", "BibTeX export, entries/s", ">= 25,000", _export_rate),
    Goal(
        "export_memory",
        "Export peak memory, 100k vs 10k entries",
        "within 10%",
        _export_memory,
    ),
    Goal("map", "One-paper map p95 (API)", "<= 50 ms", _p95("map", 50)),
    Goal("map_page", "One-paper map page p95", "<= 50 ms", _p95("map_page", 50)),
    Goal(
        "set_map",
        "Map of a 500-paper filtered set p95 (API)",
        "<= 300 ms",
        _p95("set_map", 300),
    ),
    Goal(
        "set_map_page",
        "Map of a 500-paper filtered set, page p95",
        "<= 300 ms",
        _p95("set_map_page", 300),
    ),
    Goal("build_time", "build_map time", "<= 60 s", _build("seconds", 60, "s")),
    Goal(
        "build_memory",
        "build_map peak memory",
        "<= 1,536 MiB",
        _build("peak_mib", 1536, "MiB"),
    ),
]


def _ms(value) -> str:
    return "" if value is None else f"{value:,.1f}"


def figure_rows(results: dict) -> list[str]:
    rows = [
        "| request | p50 ms | p95 ms | baseline p50 ms | baseline p95 ms | ratio (p95)"
        " | queries | timed | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for figure in results["figures"].values():
        ratio = f"{figure['ratio']:.2f}x" if "ratio" in figure else ""
        notes = figure.get("note", "")
        if figure.get("status") != "ok":
            notes = f"**{figure['status']}** {notes}".strip()
        extra = figure.get("extra", {})
        if extra:
            notes += (" " if notes else "") + ", ".join(
                f"{k} {v}" for k, v in extra.items()
            )
        rows.append(
            f"| {figure['name']} | {_ms(figure.get('p50_ms'))} |"
            f" {_ms(figure.get('p95_ms'))} | {_ms(figure.get('baseline_p50_ms'))} |"
            f" {_ms(figure.get('baseline_p95_ms'))} | {ratio} |"
            f" {figure.get('queries', '')} | {figure.get('samples') or ''} | {notes} |"
        )
    return rows


def goal_rows(results: dict) -> tuple[list[str], list[str]]:
    rows = ["| goal | target | measured | |", "|---|---|---|---|"]
    missed = []
    for goal in GOALS:
        value, verdict = goal.check(results)
        rows.append(f"| {goal.text} | {goal.target} | {value} | {verdict} |")
        if verdict != "met":
            reason = _work_line(goal.key, results) + _sentence(
                _reason(goal.key, results)
            )
            if verdict == "n/a":
                reason = "Not measured in this run (endpoint or tool not available yet)"
            missed.append(f"- **{goal.text}**: {value}. {reason}".rstrip())
    return rows, missed


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reason(key: str, results: dict) -> str:
    if key == "import_ratio_strict":
        return _strict_import_reason(results)
    return REASONS.get(key, "")


def _work_line(key: str, results: dict) -> str:
    """For the import's goals: its CPU seconds in this run, and the ratio it
    could not beat were that work spread over every core with none idle."""
    if not key.startswith("import"):
        return ""
    extra = results["figures"].get("import", {}).get("extra", {})
    if "cpu_floor_ratio" not in extra:
        return ""
    line = (
        f"In this run the import's work came to {extra['cpu_s']} CPU seconds "
        f"({extra['python_cpu_s']} s in Python, {extra['server_cpu_s']} s in "
        f"PostgreSQL's processes): spread over the machine's {extra['cores']} "
        f"cores with none ever idle, it would still take "
        f"{extra['cpu_floor_ratio']}x the time of bare parsing. "
    )
    if "parsed_first_floor_ratio" in extra:
        line += (
            f"Parsing comes first, on one core ({extra['own_parse_s']} s here; "
            f"why, below): with only the rest spread over the {extra['cores']} "
            f"cores, {extra['parsed_first_floor_ratio']}x. "
        )
    return line


def load_line(load: dict) -> str:
    if load.get("status") != "ok":
        return f"{load.get('status', 'not run')}: {load.get('note', '')}"
    shown = ("requests_per_s", "p50_ms", "p99_ms", "requests", "errors")
    return (
        f"gunicorn, {load['workers']} workers, `wrk -t2 -c{load['connections']}"
        f" -d{load['seconds']}s` on {load['path']}: "
        + ", ".join(f"{k} {load[k]}" for k in shown if k in load)
    )


def soak_section(soak: dict | None) -> str:
    return render_soak(soak or {"status": "not run", "note": "no soak in this run"})


def render(results: dict) -> str:
    machine, data = results["machine"], results["data"]
    goals, missed = goal_rows(results)
    lines = [
        "# Benchmarks",
        "",
        "Written by `python -m bench.run`; do not edit by hand "
        "(run `make bench` to regenerate).",
        f"Run finished {results['finished']} in {results['seconds']:.0f} s.",
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in machine.items()),
        "",
        "## Command",
        "",
        f"```\n{results['command']}\n```",
        "",
        "## Data",
        "",
        *(f"- {name}: {value:,}" if isinstance(value, int) else f"- {name}: {value}"
          for name, value in data.items()),
        "",
        "## Requests (server time in-process, after a warm-up)",
        "",
        "Baseline: the same rows fetched with raw SQL through psycopg and serialised",
        "with the json module (for BibTeX: bibtexparser alone), run with Python's own",
        "garbage-collector thresholds as a plain script would; the app runs as its",
        "servers do (config/collector.py). Every answer is computed: the cache of",
        "whole list answers is off here (ATLAS_ANSWER_CACHE=0).",
        "A request and its baseline take turns, five timed runs at a time; \"timed\"",
        "counts the runs behind each figure.",
        "",
        *figure_rows(results),
        "",
        "Queries per request: "
        + ", ".join(f"{k} {v}" for k, v in results.get("queries", {}).items()),
        "",
        "## Under load",
        "",
        "As deployed: a public list's rendered answer is kept for the current data",
        "generation, so after each worker's first request the same list is read back.",
        "",
        "- " + load_line(results.get("load", {})),
        "- computing every answer (ATLAS_ANSWER_CACHE=0): "
        + load_line(results.get("load_computed", {})),
        "",
        soak_section(results.get("soak")),
        "## Goals (100,000 papers / 1,000,000 citations, PostgreSQL, 2 cores)",
        "",
        *goals,
        "",
    ]  # fmt: skip
    if missed:
        lines += ["### Missed or not measured", "", *missed, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """python -m bench.report RESULTS.json [BENCHMARKS.md]: render saved results."""
    import json
    import sys
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(main.__doc__)
        return 2
    results = json.loads(Path(args[0]).read_text())
    target = Path(args[1] if len(args) > 1 else "BENCHMARKS.md")
    target.write_text(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
