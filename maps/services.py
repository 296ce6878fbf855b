"""Writes of the literature map: computing and caching whole-graph metrics."""

import time
from collections import Counter, defaultdict
from itertools import chain, groupby

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from history.models import Action
from history.services import change_record
from maps.corpus import LabelIndex, label_index
from maps.models import Community, MapBuild, PaperMetric
from papers import graph as literature
from papers.models import Citation, Label, Paper, Status
from taxonomy.models import Kind, Node

#: Labels that tie papers into communities: the specific kinds. A modality such
#: as "image" is shared by half the papers and would blur every community.
TOPIC_KINDS = (Kind.APPLICATION, Kind.METHOD)
CHUNK = 20000


def _graph_rows(index: LabelIndex):
    """Paper ids, citations, topic ties, application roots and label counts,
    streamed from the database with integer ids."""
    papers = list(Paper.objects.published().order_by("pk").values_list("pk", flat=True))
    # Every citation as an (n, 2) array; those of unpublished papers are left
    # out by graph_metrics, which keeps only citations between listed papers.
    rows = Citation.objects.order_by().values_list("citing_id", "cited_id")
    citations = np.fromiter(
        chain.from_iterable(rows.iterator(chunk_size=CHUNK)), dtype=np.int64
    ).reshape(-1, 2)
    kinds = dict(Node.objects.values_list("pk", "kind"))
    topics, applications, label_counts = [], defaultdict(list), Counter()
    labels = (
        Label.objects.filter(paper__status=Status.PUBLISHED)
        .order_by("paper_id")
        .values_list("paper_id", "node_id")
        .iterator(chunk_size=CHUNK)
    )
    for paper, rows in groupby(labels, key=lambda row: row[0]):
        nodes = [node for _, node in rows]
        paper_labels = index.labels(nodes)
        label_counts.update(paper_labels)
        for node in nodes:
            if kinds[node] in TOPIC_KINDS:
                topics.extend((paper, index.ids[a]) for a in index.ancestors[node])
            if kinds[node] == Kind.APPLICATION:
                applications[paper].append(index.ids[index.roots[node]])
    return papers, citations, sorted(set(topics)), applications, label_counts


def _communities(metrics, applications, index: LabelIndex) -> list[Community]:
    names = literature.community_names(metrics.communities, applications, index.names)
    nodes = {label: pk for pk, label in index.ids.items()}
    communities = []
    for number, (group, (label, name)) in enumerate(
        zip(metrics.communities, names, strict=True)
    ):
        community = Community(
            number=number,
            name=name,
            application_id=nodes.get(label),
            size=len(group),
        )
        community.full_clean(validate_unique=False)
        communities.append(community)
    return Community.objects.bulk_create(communities)


METRIC_COLUMNS = (
    "paper_id", "pagerank", "degree", "cited_by", "references",
    "community_id", "community_rank", "computed_at",
)  # fmt: skip


def _metric_rows(metrics, communities: list[Community], now):
    """One tuple of METRIC_COLUMNS per paper, ranked inside its community."""
    for community, group in zip(communities, metrics.communities, strict=True):
        ranked = sorted(group, key=lambda p: (-metrics.pagerank[p], p))
        for rank, paper in enumerate(ranked, start=1):
            cited_by, references = metrics.cited_by[paper], metrics.references[paper]
            yield (
                paper, metrics.pagerank[paper], cited_by + references, cited_by,
                references, community.pk, rank, now,
            )  # fmt: skip


def _write_metrics(rows) -> None:
    """Insert the metric rows: COPY on PostgreSQL, batched inserts elsewhere.
    Derived numbers, valid by construction: validating 100,000 rows one by one
    would cost more than computing them."""
    if connection.vendor != "postgresql":
        PaperMetric.objects.bulk_create(
            (
                PaperMetric(**dict(zip(METRIC_COLUMNS, row, strict=True)))
                for row in rows
            ),
            batch_size=5000,
        )
        return
    table = connection.ops.quote_name(PaperMetric._meta.db_table)
    names = ", ".join(
        connection.ops.quote_name(
            PaperMetric._meta.get_field(n.removesuffix("_id")).column
        )
        for n in METRIC_COLUMNS
    )
    sql = f"COPY {table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


@transaction.atomic
def map_build(*, seed: int = literature.SEED, actor=None) -> MapBuild:
    """Compute PageRank, citation degrees and communities over the whole
    published graph, and replace the cached metrics with them."""
    started, now = time.perf_counter(), timezone.now()
    index = label_index(with_counts=False)
    papers, citations, topics, applications, label_counts = _graph_rows(index)
    metrics = literature.graph_metrics(papers, citations, topics, seed=seed)
    PaperMetric.objects.all().delete()
    Community.objects.all().delete()
    communities = _communities(metrics, applications, index)
    _write_metrics(_metric_rows(metrics, communities, now))
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the map's reads plan on the new rows.
        with connection.cursor() as cursor:
            cursor.execute(
                f"ANALYZE {connection.ops.quote_name(PaperMetric._meta.db_table)}"
            )
    build = MapBuild(
        computed_at=now,
        papers=len(papers),
        citations=sum(metrics.cited_by.values()),
        communities=len(communities),
        seconds=round(time.perf_counter() - started, 3),
        label_counts=dict(sorted(label_counts.items())),
    )
    build.full_clean()
    build.save()
    change_record(
        actor=actor,
        action=Action.CREATE,
        target=build,
        changes={
            "papers": build.papers,
            "citations": build.citations,
            "communities": build.communities,
        },
    )
    return build
