"""BibTeX import of 10,000 entries and export of the whole database, each next
to bare bibtexparser doing the same parsing or writing."""

import gc
import inspect
import os
import resource
import statistics
import time
import tracemalloc

import bibtexparser
import numpy as np
from bibtexparser import middlewares
from bibtexparser.model import Entry, Field

from bench import synthetic
from bench.measure import Figure, as_plain_script

ACCENTED = [
    ('M{\\"u}ller', "Jos{\\'e}"), ("Garc{\\'\\i}a", "Mar{\\'\\i}a"),
    ("Dvo{\\v{r}}{\\'a}k", "Ji{\\v{r}}{\\'\\i}"), ("{\\O}stergaard", "S{\\o}ren"),
    ("Fran{\\c{c}}ois", "H{\\'e}l{\\`e}ne"), ("Gon{\\c{c}}alves", "Jo{\\~a}o"),
    ("Sch{\\\"o}n", "J{\\\"u}rgen"), ("Nu{\\~n}ez", "Iv{\\'a}n"),
]  # fmt: skip
PLAIN = [("Chen", "Wei"), ("Okafor", "Chidi"), ("Patel", "Priya"), ("Kim", "Jiwoo")]


def corpus(count: int, seed: int = 11) -> str:
    """`count` new BibTeX entries (keys synimp..., DOIs 10.5555/imp.), a third
    of their author names with LaTeX accents."""
    rng = np.random.default_rng(seed)
    titles = synthetic.titles(rng, count)
    abstracts = synthetic.abstracts(rng, count)
    entries = []
    for i in range(count):
        names = [
            (ACCENTED if rng.random() < 0.33 else PLAIN)[int(rng.integers(4))]
            for _ in range(int(rng.integers(1, 6)))
        ]
        authors = " and ".join(f"{family}, {given}" for family, given in names)
        entries.append(
            f"@article{{synimp{i:07d},\n  author = {{{authors}}},\n"
            f"  title = {{{titles[i]}}},\n  journal = {{SYN Journal of Imports}},\n"
            f"  year = {{{2000 + i % 26}}},\n  volume = {{{1 + i % 30}}},\n"
            f"  pages = {{{1 + i % 90}--{20 + i % 90}}},\n"
            f"  doi = {{10.5555/imp.{i:07d}}},\n  abstract = {{{abstracts[i]}}},\n}}\n"
        )
    return "\n".join(entries)


def import_function():
    """papers.services.bibtex_import.bibtex_import, once it exists."""
    try:
        from papers.services.bibtex_import import bibtex_import
    except ImportError:
        return None
    return bibtex_import


def call_import(function, text: str, actor) -> object:
    """Call the import service with the text and an actor, whatever its
    keyword for the text is called."""
    parameters = inspect.signature(function).parameters
    for name in ("data", "text", "content", "source", "bibtex", "raw"):
        if name in parameters:
            break
    else:
        raise TypeError(
            f"bibtex_import takes none of the known text arguments: {list(parameters)}"
        )
    arguments = {name: text}
    if "actor" in parameters:
        arguments["actor"] = actor
    if "max_bytes" in parameters:  # 10,000 entries with abstracts pass 5 MB
        arguments["max_bytes"] = len(text.encode()) + 1
    return function(**arguments)


def import_figure(count: int, actor, log=print, rounds: int = 3) -> Figure:
    """End-to-end import time (each import rolled back once its deferred
    constraints are checked) vs bibtexparser parsing of the same text: one
    untimed import to warm up, then `rounds` rounds of parsing and importing
    in turn, so that both meet the same moments of a noisy machine."""
    text = corpus(count)
    figure = Figure(name=f"BibTeX import of {count:,} entries")
    function = import_function()
    if function is None:
        figure.baseline([_parse_seconds(text) * 1000])
        figure.status = "not available yet"
        return figure
    parsing, importing, work, own_parsing = [], [], [], []
    try:
        outcome, _ = _rolled_back_import(function, text, actor)  # warm-up
        _settle_after_rollback()
        for _ in range(rounds):
            parsing.append(_parse_seconds(text))
            own_parsing.append(_own_parse_seconds(text))
            before = processor_seconds()
            outcome, seconds = _rolled_back_import(function, text, actor)
            importing.append(seconds)
            time.sleep(0.5)  # for the server to reap the import's second backend
            work.append(_spent(before, processor_seconds()))
            _settle_after_rollback()
    except Exception as error:  # reported, not raised: the run goes on
        figure.status, figure.note = "error", f"{type(error).__name__}: {error}"[:300]
        return figure
    figure.baseline([seconds * 1000 for seconds in parsing])
    figure.timed([seconds * 1000 for seconds in importing])
    figure.extra["baseline_entries_per_s"] = round(count / statistics.median(parsing))
    figure.extra["entries_per_s"] = round(count / statistics.median(importing))
    figure.extra.update(
        _work_figures(work, statistics.median(parsing), statistics.median(own_parsing))
    )
    counts = getattr(outcome, "counts", None)
    if counts is not None:
        figure.extra["outcomes"] = {k: v for k, v in counts.items() if v}
        if counts.get("created", 0) + counts.get("updated", 0) != count:
            figure.status = "error"
            figure.note = f"not every entry was imported: {counts}"
    log(f"  import: {figure.extra['entries_per_s']} entries/s")
    return figure


def processor_seconds() -> tuple[float, float | None]:
    """CPU seconds used so far by this process (all its threads) and by the
    PostgreSQL server's processes on this machine, the ended ones included
    (None when no server runs here)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime, _server_seconds()


def _server_seconds() -> float | None:
    """utime + stime of every process named postgres, plus the children each
    has reaped (a closed connection's backend counts in the postmaster's)."""
    ticks, found = 0, False
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if comm.read().strip() != "postgres":
                    continue
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile, or not ours to read
            continue
        found = True
        ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK") if found else None


def _spent(before, after) -> tuple[float, float | None]:
    python = after[0] - before[0]
    server = None if None in (before[1], after[1]) else after[1] - before[1]
    return python, server


def _work_figures(
    work: list[tuple[float, float | None]], parsing: float, own_parsing: float
) -> dict:
    """The import's CPU seconds (median round), and how far apart from bare
    parsing the import would be were that work spread over every core: from
    the start, or once the import has parsed the file (on one core: nothing
    can be matched or written before the whole file is read)."""
    python = statistics.median(spent for spent, _ in work)
    figures = {"python_cpu_s": round(python, 2)}
    if any(server is None for _, server in work):
        return figures
    server = statistics.median(server for _, server in work)
    total = statistics.median(spent + server for spent, server in work)
    cores = len(os.sched_getaffinity(0))
    figures |= {"server_cpu_s": round(server, 2), "cpu_s": round(total, 2)}
    figures |= {"cores": cores, "cpu_floor_ratio": round(total / cores / parsing, 2)}
    after_parsing = own_parsing + (total - own_parsing) / cores
    figures |= {
        "own_parse_s": round(own_parsing, 2),
        "parsed_first_floor_ratio": round(after_parsing / parsing, 2),
    }
    return figures


def _parse_seconds(text: str) -> float:
    with as_plain_script():
        began = time.perf_counter()
        bibtexparser.parse_string(text)
        return time.perf_counter() - began


def _own_parse_seconds(text: str) -> float:
    """The import's own parsing of the text (its first stage), alone, as the
    import runs it: with the cyclic garbage collector paused."""
    from papers.bibtex import parse_bibtex
    from papers.services.bibtex_import import collector_paused

    with collector_paused():
        began = time.perf_counter()
        parse_bibtex(text, max_bytes=len(text.encode()) + 1)
        return time.perf_counter() - began


def _settle_after_rollback() -> None:
    """Clear out the rows a rolled-back import left dead, untimed, so that every
    round imports into the same database: a committed import leaves no dead
    rows behind, and where autovacuum is off or has not come round each round
    would also wade through the dead index entries of the rounds before it."""
    from django.db import connection

    from bench import writing

    writing.analyse(connection)


def _rolled_back_import(function, text: str, actor) -> tuple[object, float]:
    """The import's report and its seconds; nothing of it stays.

    On PostgreSQL the seconds include checking the constraints a commit would
    check (the foreign keys are deferred to the commit, and cost about a
    tenth of a large import; the import checks its own, and this check finds
    whatever it left); all a commit adds beyond them is writing the log to
    disk.
    """
    from django.db import connection, transaction

    began = time.perf_counter()
    with transaction.atomic():
        outcome = call_import(function, text, actor)
        if connection.vendor == "postgresql":
            connection.check_constraints()
        seconds = time.perf_counter() - began
        transaction.set_rollback(True)
    return outcome, seconds


def consume(client, path: str) -> tuple[int, int, int]:
    """Status, bytes and BibTeX entries of a (streamed) answer, read chunk by
    chunk without keeping it."""
    response = client.get(path)
    chunks = response.streaming_content if response.streaming else [response.content]
    size = entries = 0
    for chunk in chunks:
        chunk = chunk if isinstance(chunk, bytes) else chunk.encode()
        size += len(chunk)
        entries += chunk.count(b"\n@") + chunk.startswith(b"@")
    return response.status_code, size, entries


def export_run(client, path: str, *, traced: bool) -> dict:
    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    status, size, entries = consume(client, path)
    seconds = time.perf_counter() - began
    result = {"status": status, "bytes": size, "entries": entries, "seconds": seconds}
    if traced:
        result["peak_bytes"] = tracemalloc.get_traced_memory()[1]
        # The request's own reference cycles are young; then what only a full
        # collection frees: old cycles, if any, and Python's free lists (freed
        # objects kept for reuse, up to a bound per kind and size).
        result["young_unreachable"] = gc.collect(1)
        held = tracemalloc.get_traced_memory()[0]
        result["old_unreachable"] = gc.collect(2)
        result["full_collection_freed"] = held - tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    return result


EXPORT_SQL = """
SELECT p.citation_key, p.entry_type, p.title, p.year, v.name, p.volume, p.pages,
       p.doi, p.abstract,
       (SELECT string_agg(au.family || ', ' || au.given, ' and ' ORDER BY a.position)
          FROM papers_authorship a JOIN papers_author au ON au.id = a.author_id
         WHERE a.paper_id = p.id)
  FROM papers_paper p LEFT JOIN papers_venue v ON v.id = p.venue_id
 WHERE p.status = 'published' ORDER BY p.id
"""
FIELDS = ("title", "year", "journal", "volume", "pages", "doi", "abstract", "author")


def baseline_export(raw) -> dict:
    """The same papers fetched with raw SQL and written by bibtexparser alone."""
    with as_plain_script():
        return _baseline_export(raw)


def _baseline_export(raw) -> dict:
    began = time.perf_counter()
    library = bibtexparser.Library()
    with raw.transaction(), raw.cursor(name="bench_export") as cursor:
        cursor.itersize = 2000
        cursor.execute(EXPORT_SQL)
        for key, kind, *values in cursor:
            fields = [
                Field(name, str(value))
                for name, value in zip(FIELDS, values, strict=True)
                if value not in (None, "")
            ]
            library.add(Entry(kind, key, fields))
    # Written in place: the library is not needed afterwards, and the default
    # stack deep-copies every entry first.
    stack = middlewares.default_unparse_stack(allow_inplace_modification=True)
    text = bibtexparser.write_string(library, unparse_stack=stack)
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "entries": len(library.entries), "bytes": len(text)}


def subset_year(share: float = 0.1) -> int | None:
    """The last year of the oldest `share` of the published papers."""
    from django.db.models import Count

    from papers.models import Paper

    rows = (
        Paper.objects.published()
        .exclude(year=None)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    total = sum(row["n"] for row in rows)
    running = 0
    for row in rows:
        running += row["n"]
        if running >= share * total:
            return row["year"]
    return None


def export_figure(client, raw, log=print, rounds: int = 3) -> Figure:
    """Entries per second of the whole export next to bibtexparser writing the
    same papers (one untimed export to warm up, then `rounds` rounds of both in
    turn), and the peak Python memory of exporting about a tenth of the papers
    vs all of them."""
    path = "/api/v1/papers/?format=bibtex"
    figure = Figure(name="BibTeX export (all papers)", path=path)
    run = export_run(client, path, traced=False)  # warm-up
    if run["status"] != 200:
        figure.status, figure.note = "error", f"HTTP {run['status']}"
        return figure
    exports, floors = [], []
    for _ in range(rounds):
        exports.append(export_run(client, path, traced=False))
        if raw is not None:
            floors.append(baseline_export(raw))
    entries = exports[0]["entries"]
    seconds = statistics.median(done["seconds"] for done in exports)
    figure.name = f"BibTeX export of {entries:,} entries"
    figure.timed([done["seconds"] * 1000 for done in exports])
    figure.extra["entries_per_s"] = round(entries / seconds)
    if floors:
        figure.baseline([floor["seconds"] * 1000 for floor in floors])
        floor_seconds = statistics.median(floor["seconds"] for floor in floors)
        figure.extra["baseline_entries_per_s"] = round(
            floors[0]["entries"] / floor_seconds
        )
    year = subset_year()
    # Untraced first, so that one-off allocations (imports, compiled queries,
    # caches) do not count against the first traced run.
    export_run(client, f"{path}&year_max={year}", traced=False)
    gc.collect()
    small = export_run(client, f"{path}&year_max={year}", traced=True)
    gc.collect()
    full = export_run(client, path, traced=True)
    figure.extra.update(
        small_entries=small["entries"],
        small_peak_mib=round(small["peak_bytes"] / 2**20, 2),
        full_entries=full["entries"],
        full_peak_mib=round(full["peak_bytes"] / 2**20, 2),
        peak_growth=round(full["peak_bytes"] / max(1, small["peak_bytes"]) - 1, 3),
        full_young_unreachable=full["young_unreachable"],
        full_old_unreachable=full["old_unreachable"],
        full_collection_freed_mib=round(full["full_collection_freed"] / 2**20, 2),
    )
    log(f"  export: {figure.extra['entries_per_s']} entries/s")
    return figure
