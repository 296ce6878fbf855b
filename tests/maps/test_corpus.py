"""The bounded loaders behind similar papers and maps: per-paper caps keep the
papers added last, leave out drafts, and agree with the citation table."""

import pytest

from maps import corpus, selectors
from maps.corpus import citation_rows, label_candidates, paper_metrics
from maps.services import map_build
from papers.models import Citation, Label, Paper, Status


def paper(key: str) -> Paper:
    return Paper.objects.get(citation_key=key)


def most_cited() -> Paper:
    return max(Paper.objects.published(), key=lambda p: p.citations_in.count())


def citers(p: Paper) -> list[int]:
    rows = Citation.objects.filter(cited=p, citing__status=Status.PUBLISHED)
    return sorted(rows.values_list("citing_id", flat=True), reverse=True)


def test_citation_rows_keep_the_last_citers_and_references_of_each_paper(survey):
    hub, other = most_cited(), paper("vinyals2015show")
    assert len(citers(hub)) > 3
    rows = citation_rows(citers_of=[hub.pk, other.pk], references_of=[hub.pk], per=3)
    into_hub = sorted((a for a, b in rows if b == hub.pk), reverse=True)
    assert into_hub == citers(hub)[:3]
    assert sorted(a for a, b in rows if b == other.pk) == sorted(citers(other)[:3])
    refs = sorted(hub.citations_out.values_list("cited_id", flat=True), reverse=True)
    assert sorted((b for a, b in rows if a == hub.pk), reverse=True) == refs[:3]
    everything = citation_rows(citers_of=[hub.pk], per=10_000)
    assert sorted(a for a, _ in everything) == sorted(citers(hub))


def test_citation_rows_leave_out_drafts(survey):
    hub = most_cited()
    last = Paper.objects.get(pk=citers(hub)[0])
    last.status = Status.DRAFT
    last.save()
    rows = citation_rows(citers_of=[hub.pk], per=2)
    assert [a for a, _ in sorted(rows, reverse=True)] == citers(hub)[:2]
    assert last.pk not in {a for a, _ in rows}
    assert citation_rows(per=5) == []


def test_label_candidates_share_the_most_labels_among_the_last_of_each(survey):
    origin = paper("vinyals2015show")
    nodes = set(origin.labels.values_list("node_id", flat=True))
    shared = {
        p.pk: len(nodes & set(p.labels.values_list("node_id", flat=True)))
        for p in Paper.objects.published().exclude(pk=origin.pk)
    }
    found = label_candidates(origin.pk, per=10_000)
    assert found[0] in {pk for pk, n in shared.items() if n == max(shared.values())}
    assert [shared[pk] for pk in found] == sorted(
        (shared[pk] for pk in found), reverse=True
    )
    capped = label_candidates(origin.pk, per=2)
    last = set()
    for node in nodes:
        rows = Label.objects.filter(node_id=node, paper__status=Status.PUBLISHED)
        ids = sorted(rows.exclude(paper=origin).values_list("paper_id", flat=True))
        last |= set(ids[-2:])
    assert capped and set(capped) <= last


def test_a_classic_is_compared_through_its_last_citers(survey, monkeypatch):
    hub = most_cited()
    monkeypatch.setattr(corpus, "OWN_LINKS", 2)
    around = corpus.neighbourhood(hub, corpus.label_index())
    assert sorted(around.corpus.citers[hub.pk], reverse=True) == citers(hub)[:2]
    # the whole-graph degree still counts every citer
    assert around.corpus.citer_count(hub.pk) == len(citers(hub))


@pytest.mark.django_db
def test_degrees_come_from_the_build_or_are_counted(survey):
    hub = most_cited()
    counted = paper_metrics([hub.pk])[hub.pk]
    assert counted.pagerank is None and counted.cited_by == len(citers(hub))
    graph = selectors.paper_map(hub, size=3).graph
    assert "pagerank" not in graph.nodes[hub.pk]
    map_build()
    cached = paper_metrics([hub.pk])[hub.pk]
    assert cached.pagerank > 0 and cached.cited_by == counted.cited_by
    assert cached.references == hub.citations_out.count() == counted.references
    assert cached.community
