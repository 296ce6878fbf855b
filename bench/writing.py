"""Writes the rows of bench.synthetic into the tables, in dependency order."""

import json
import time

from django.db import connection
from django.utils import timezone

from bench import synthetic
from bench import vocabulary as words
from bench.generate import columns, next_id, taxonomy_plan, write_rows
from papers.bibtex import normalise_title

VENUE_KINDS = (
    ("Journal of", "journal"),
    ("Conference on", "conference"),
    ("Workshop on", "conference"),
    ("Preprints in", "preprint"),
)


def _timed(timings: dict, name: str, began: float) -> None:
    timings[name] = round(time.perf_counter() - began, 2)


def write_venues(count: int) -> list[int]:
    from papers.models import Venue

    first = next_id(Venue)
    rows = []
    topics = words.VENUE_TOPICS
    for k in range(count):
        opening, kind = VENUE_KINDS[(k // len(topics)) % len(VENUE_KINDS)]
        series = k // (len(topics) * len(VENUE_KINDS))
        name = f"{synthetic.VENUE_PREFIX}{opening} {topics[k % len(topics)]}"
        name += f" {series + 1}" if series else ""
        rows.append((first + k, name, f"SYN-V{k}", kind))
    write_rows(*columns(Venue, ["id", "name", "short_name", "kind"]), rows)
    return [first + k for k in range(count)]


def write_authors(data: synthetic.PaperRows, pool: int, rng) -> tuple[dict, dict]:
    """The authors the papers name (only those, so that removing the papers
    leaves no synthetic author behind): index -> id and index -> name."""
    from papers.models import Author

    taken = set(Author.objects.filter(von="", suffix="").values_list("given", "family"))
    names = synthetic.author_names(taken, pool, rng)
    used = sorted({a for authors in data.authors for a in authors})
    first = next_id(Author)
    ids = {index: first + i for i, index in enumerate(used)}
    rows = ((ids[i], names[i][0], "", names[i][1], "") for i in used)
    write_rows(*columns(Author, ["id", "given", "von", "family", "suffix"]), rows)
    return ids, {i: f"{names[i][0]} {names[i][1]}" for i in used}


def paper_rows(data: synthetic.PaperRows, ids, venue_ids, names, seed: int):
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    provenance = json.dumps({"source": "synthetic", "generator": "bench", "seed": seed})
    for i, key in enumerate(data.keys):
        authors = "; ".join(names[a] for a in data.authors[i])
        yield (
            ids[i], key, "article", data.titles[i], normalise_title(data.titles[i]),
            "", data.abstracts[i],
            int(data.years[i]), data.months[i], None, venue_ids[int(data.venues[i])],
            str(1 + i % 40), str(1 + i % 12), f"{1 + i % 900}--{10 + i % 900}",
            words.PUBLISHERS[i % len(words.PUBLISHERS)], data.dois[i],
            data.arxiv_ids[i], f"https://example.org/{key}", data.cite_counts[i],
            False, "{}", "published", 1, "low", "outside", provenance, authors,
            now, now,
        )  # fmt: skip


PAPER_FIELDS = [
    "id", "citation_key", "entry_type", "title", "normalised_title",
    "title_protected", "abstract",
    "year", "month", "published_on", "venue", "volume", "number", "pages",
    "publisher", "doi", "arxiv_id", "url", "cite_count", "et_al", "extra",
    "status", "version", "confidence", "survey_inclusion", "provenance",
    "authors_text", "created", "updated",
]  # fmt: skip


def write_links(data: synthetic.PaperRows, ids, author_ids, timings) -> dict:
    from papers.models import Authorship, Citation, Label, Paper

    counts = {}
    began = time.perf_counter()
    rows = (
        (ids[i], author_ids[a], position)
        for i, authors in enumerate(data.authors)
        for position, a in enumerate(authors)
    )
    counts["authorships"] = write_rows(
        *columns(Authorship, ["paper", "author", "position"]), rows
    )
    _timed(timings, "authorships", began)
    began = time.perf_counter()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = (
        (ids[i], node, "import", "inferred", "synthetic", now)
        for i, nodes in enumerate(data.labels)
        for node in nodes
    )
    label_fields = ["paper", "node", "source", "provenance", "evidence", "created"]
    counts["labels"] = write_rows(*columns(Label, label_fields), rows)
    through = Paper.datasets.through
    rows = ((ids[i], d) for i, found in enumerate(data.datasets) for d in found)
    counts["paper datasets"] = write_rows(*columns(through, ["paper", "dataset"]), rows)
    _timed(timings, "labels_datasets", began)
    began = time.perf_counter()
    rows = ((ids[a], ids[b]) for a, b in data.citations.tolist())
    counts["citations"] = write_rows(*columns(Citation, ["citing", "cited"]), rows)
    _timed(timings, "citations", began)
    return counts


def write_all(*, papers: int, citations: int, seed: int, timings: dict) -> dict:
    """Generate and write every synthetic row; returns counts per table."""
    import numpy as np

    from papers.models import Paper

    began = time.perf_counter()
    rng = np.random.default_rng(seed + 1)
    venue_ids = write_venues(min(240, max(20, papers // 400)))
    pool = max(200, int(papers * 0.6))
    taken = set(Paper.objects.exclude(arxiv_id=None).values_list("arxiv_id", flat=True))
    data = synthetic.build(
        n=papers, m=citations, seed=seed, plan=taxonomy_plan(),
        venues=len(venue_ids), author_pool=pool, taken_arxiv=taken,
    )  # fmt: skip
    _timed(timings, "generate_rows", began)
    began = time.perf_counter()
    author_ids, names = write_authors(data, pool, rng)
    _timed(timings, "venues_authors", began)
    began = time.perf_counter()
    first = next_id(Paper)
    ids = [first + i for i in range(papers)]
    rows = paper_rows(data, ids, venue_ids, names, seed)
    count = write_rows(*columns(Paper, PAPER_FIELDS), rows)
    _timed(timings, "papers", began)
    counts = {"papers": count, "venues": len(venue_ids), "authors": len(author_ids)}
    counts.update(write_links(data, ids, author_ids, timings))
    return counts


def reset_sequences() -> None:
    """Make the id sequences continue after the ids written explicitly."""
    from django.core.management.color import no_style

    from papers.models import Author, Paper, Venue

    statements = connection.ops.sequence_reset_sql(no_style(), [Paper, Author, Venue])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyse(conn) -> None:
    """Fresh planner statistics and visibility maps after the bulk load, so the
    first queries plan as they will later and index-only scans work (VACUUM
    cannot run inside a transaction: there, statistics only)."""
    if conn.vendor != "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    command = "ANALYZE" if conn.in_atomic_block else "VACUUM (ANALYZE)"
    with conn.cursor() as cursor:
        cursor.execute(command)
