"""Fixtures of the page tests: users of each role and a way to grow the data."""

import pytest
from django.contrib.auth.models import Group, User

from papers.models import Author, Authorship, Citation, Label, LabelSource, Paper
from papers.models import Status as PaperStatus
from taxonomy.models import Kind, Node, Provenance


@pytest.fixture
def curator(db):
    user = User.objects.create_user("cora", password="curate-me-123")
    group, _ = Group.objects.get_or_create(name="curator")
    user.groups.add(group)
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def reader_client(client, db):
    client.force_login(User.objects.create_user("rita", password="read-only-123"))
    return client


def grow(count: int, *, prefix: str = "extra") -> list[Paper]:
    """Add `count` published papers with authors, labels and citations, as a
    larger knowledge base would have."""
    nodes = {
        kind: list(Node.objects.filter(kind=kind).order_by("pk")[:4])
        for kind in (Kind.MODALITY, Kind.APPLICATION, Kind.METHOD)
    }
    target = Paper.objects.get(citation_key="vinyals2015show")
    papers = []
    for i in range(count):
        paper = Paper.objects.create(
            citation_key=f"{prefix}{i}",
            title=f"Grown paper {prefix} {i} on multimodal fusion",
            abstract="An abstract about attention and fusion.",
            year=2015 + i % 8,
            status=PaperStatus.PUBLISHED,
        )
        author, _ = Author.objects.get_or_create(given="Grown", family=f"Author{i}")
        Authorship.objects.create(paper=paper, author=author, position=0)
        for kind_nodes in nodes.values():
            Label.objects.create(
                paper=paper,
                node=kind_nodes[i % len(kind_nodes)],
                source=LabelSource.CURATOR,
                provenance=Provenance.CURATED,
            )
        Citation.objects.create(citing=paper, cited=target)
        Citation.objects.create(citing=target, cited=paper)
        papers.append(paper)
    return papers
