"""BENCHMARKS.md from a run's results: the machine, the command, the figures
next to their baselines, and each goal of issue 7 as met or missed."""

from dataclasses import dataclass

#: Why a goal is missed, from reading the plans (EXPLAIN ANALYZE) of the slow
#: requests; shown next to a missed goal only.
REASONS = {
    "facets": "the facet query counts distinct papers per node with one "
    "COUNT(DISTINCT) FILTER per node over every label of the filtered papers; "
    "unfiltered that is every label row. Needs cached counts (see the report).",
    "taxonomy": "node_paper_counts reads every (node, paper) label pair of the "
    "published papers into Python on each request; needs a cached count or a "
    "GROUP BY in SQL (see below).",
    "search_broad": "a term in most rows matches ~90% of the papers: ranking and "
    "counting them all scans most of the table; needs a bounded rank (rank the "
    "first N matches) and a capped count.",
    "page_ratio": "the deep page pays the same unbounded COUNT(*) as page 1, "
    "so the ratio is dominated by the count, not by the keyset step.",
}


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
        return f"{value:g}", value >= limit if higher else value <= limit

    return measure


def _import_rate(results):
    extra = _fig(results, "import")["extra"]
    return f"{extra['entries_per_s']:,}/s", extra["entries_per_s"] >= 3000


def _import_ratio(results):
    value = _fig(results, "import")["ratio"]
    return f"{value:.2f}x", value <= 3


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
    return text, growth <= 0.10


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
    Goal("import", "BibTeX import, entries/s", ">= 3,000", _import_rate),
    Goal(
        "import_ratio", "BibTeX import vs bibtexparser parsing", "<= 3x", _import_ratio
    ),
    Goal("export", "BibTeX export, entries/s", ">= 25,000", _export_rate),
    Goal(
        "export_memory",
        "Export peak memory, 100k vs 10k entries",
        "within 10%",
        _export_memory,
    ),
]


def _ms(value) -> str:
    return "" if value is None else f"{value:,.1f}"


def figure_rows(results: dict) -> list[str]:
    rows = [
        "| request | p50 ms | p95 ms | baseline p50 ms | baseline p95 ms | ratio (p95)"
        " | queries | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
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
            f" {figure.get('queries', '')} | {notes} |"
        )
    return rows


def goal_rows(results: dict) -> tuple[list[str], list[str]]:
    rows = ["| goal | target | measured | |", "|---|---|---|---|"]
    missed = []
    for goal in GOALS:
        value, verdict = goal.check(results)
        rows.append(f"| {goal.text} | {goal.target} | {value} | {verdict} |")
        if verdict != "met":
            reason = REASONS.get(goal.key, "")
            if verdict == "n/a":
                reason = "not measured in this run (endpoint or tool not available yet)"
            missed.append(f"- **{goal.text}**: {value}. {reason}".rstrip())
    return rows, missed


def load_line(load: dict) -> str:
    if load.get("status") != "ok":
        return f"{load.get('status', 'not run')}: {load.get('note', '')}"
    shown = ("requests_per_s", "p50_ms", "p99_ms", "requests", "errors")
    return (
        f"gunicorn, {load['workers']} workers, `wrk -t2 -c{load['connections']}"
        f" -d{load['seconds']}s` on {load['path']}: "
        + ", ".join(f"{k} {load[k]}" for k in shown if k in load)
    )


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
        "with the json module (for BibTeX: bibtexparser alone).",
        "",
        *figure_rows(results),
        "",
        "Queries per request: "
        + ", ".join(f"{k} {v}" for k, v in results.get("queries", {}).items()),
        "",
        "## Under load",
        "",
        load_line(results.get("load", {})),
        "",
        "## Goals (100,000 papers / 1,000,000 citations, PostgreSQL, 2 cores)",
        "",
        *goals,
        "",
    ]  # fmt: skip
    if missed:
        lines += ["### Missed or not measured", "", *missed, ""]
    return "\n".join(lines)
