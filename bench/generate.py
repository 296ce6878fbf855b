"""Fill the configured database with synthetic papers at scale.

    python -m bench.generate --papers 100000 --citations 1000000 --seed 7

Synthetic papers have citation keys starting with ``syn`` and a digit, DOIs under
10.5555/syn., venues named "SYN ..." and provenance {"source": "synthetic"}; they
cite only each other. A run first removes the synthetic rows of an earlier run,
then writes everything in one transaction (COPY on PostgreSQL, batched inserts
elsewhere), so a failed run leaves the database as it was. Loads the survey
first when the taxonomy is empty. Writes no change-log rows: this is test data,
not a curator's work.
"""

import argparse
import json
import sys
import time
from collections import defaultdict

SYNTHETIC_KEYS = r"^syn[0-9]"
BATCH = 5000


def taxonomy_plan():
    """Node ids for labels: every application, its related methods (with their
    sub-families) and open issues, and every modality and dataset."""
    from bench.synthetic import TaxonomyPlan
    from taxonomy.models import Dataset, Kind, Node

    nodes = list(Node.objects.values_list("pk", "kind", "parent_id"))
    kind_of = {pk: kind for pk, kind, _ in nodes}
    children = defaultdict(list)
    for pk, _, parent in nodes:
        if parent:
            children[parent].append(pk)
    methods, issues = defaultdict(list), defaultdict(list)
    related = Node.related.through.objects.values_list("from_node_id", "to_node_id")
    for app, other in related:
        if kind_of.get(app) != Kind.APPLICATION:
            continue
        if kind_of[other] == Kind.METHOD:
            methods[app] += [other, *children[other]]
        elif kind_of[other] == Kind.OPEN_ISSUE:
            issues[app].append(other)
    return TaxonomyPlan(
        modalities=[pk for pk, kind, _ in nodes if kind == Kind.MODALITY],
        applications=[pk for pk, kind, _ in nodes if kind == Kind.APPLICATION],
        methods={app: sorted(set(ids)) for app, ids in methods.items()},
        open_issues=dict(issues),
        datasets=list(Dataset.objects.order_by("pk").values_list("pk", flat=True)),
    )


def write_rows(table: str, columns: list[str], rows) -> int:
    """Append rows to a table: COPY on PostgreSQL, batched INSERTs elsewhere."""
    from django.db import connection

    count = 0
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = (
            f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})"
        )
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def columns(model, names: list[str]) -> tuple[str, list[str]]:
    """The table of a model and the columns of the named fields."""
    return model._meta.db_table, [model._meta.get_field(n).column for n in names]


def synthetic_papers():
    from papers.models import Paper

    return Paper.objects.filter(citation_key__regex=SYNTHETIC_KEYS)


def remove_synthetic() -> int:
    """Delete the synthetic papers of an earlier run, with their rows in other
    tables, and the synthetic authors and venues nobody else uses."""
    from bench.synthetic import VENUE_PREFIX
    from papers.models import Author, Citation, Paper, Venue

    papers = synthetic_papers()
    count = papers.count()
    if not count:
        return 0
    ids = papers.values("pk")
    author_ids = list(
        Paper.authors.through.objects.filter(paper__in=ids)
        .values_list("author_id", flat=True)
        .distinct()
    )
    Citation.objects.filter(cited__in=ids)._raw_delete(Citation.objects.db)
    for relation in Paper._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and relation.one_to_many:
            model, field = relation.related_model, relation.field.name
            # Bulk deletes without loading rows: these tables hang off papers only.
            model.objects.filter(**{f"{field}__in": ids})._raw_delete(model.objects.db)
        elif relation.auto_created and not relation.concrete and relation.one_to_one:
            model, field = relation.related_model, relation.field.name
            model.objects.filter(**{f"{field}__in": ids})._raw_delete(model.objects.db)
    papers._raw_delete(Paper.objects.db)
    for start in range(0, len(author_ids), BATCH):
        chunk = author_ids[start : start + BATCH]
        Author.objects.filter(pk__in=chunk, authorships__isnull=True).delete()
    Venue.objects.filter(name__startswith=VENUE_PREFIX, papers__isnull=True).delete()
    return count


def ensure_taxonomy(stdout) -> None:
    """Load the survey when the taxonomy is empty (labels need real nodes)."""
    import io

    from django.core.management import call_command

    from taxonomy.models import Node

    if not Node.objects.exists():
        stdout.write("Loading the survey (the taxonomy is empty)...\n")
        call_command("load_survey", stdout=io.StringIO())


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def generate(*, papers: int, citations: int, seed: int, stdout=sys.stdout) -> dict:
    """Replace the synthetic data by `papers` papers and about `citations`
    citations; returns counts and seconds per step."""
    import django.db
    from django.db import transaction

    from bench import writing

    timings: dict[str, float] = {}
    ensure_taxonomy(stdout)
    with transaction.atomic():
        began = time.perf_counter()
        removed = remove_synthetic()
        timings["remove_previous"] = time.perf_counter() - began
        counts = writing.write_all(
            papers=papers, citations=citations, seed=seed, timings=timings
        )
        writing.reset_sequences()
    began = time.perf_counter()
    writing.analyse(django.db.connection)
    timings["analyse"] = time.perf_counter() - began
    return {"removed": removed, "counts": counts, "seconds": timings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--papers", type=int, required=True)
    parser.add_argument("--citations", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="also write the summary as JSON to this path")
    args = parser.parse_args(argv)
    if args.papers < 1 or args.citations < 0:
        parser.error("--papers must be at least 1 and --citations at least 0")
    from bench.django_setup import setup

    setup()
    began = time.perf_counter()
    summary = generate(papers=args.papers, citations=args.citations, seed=args.seed)
    summary["total_seconds"] = round(time.perf_counter() - began, 2)
    for name, count in summary["counts"].items():
        print(f"  {name}: {count}")
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in summary["seconds"].items())
    print(f"Generated in {summary['total_seconds']:.1f}s ({steps}).")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
