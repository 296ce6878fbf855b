"""Paper, label, citation and node write services."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from history.models import Change
from papers.models import Citation, CitationKeyAlias, Label, Paper, Status
from papers.services.errors import StaleVersion
from papers.services.papers import (
    citation_add,
    citation_remove,
    label_add,
    label_remove,
    paper_create,
    paper_delete,
    paper_update,
)
from taxonomy.models import Node
from taxonomy.services import node_create, node_delete, node_update


@pytest.fixture
def actor(survey):
    return User.objects.create_user("editor", password="x-pass-1")


def snapshot(paper: Paper) -> tuple:
    paper.refresh_from_db()
    return (
        paper.title,
        paper.version,
        paper.citation_key,
        list(paper.authorships.values_list("author_id", flat=True)),
        sorted(paper.labels.values_list("node_id", flat=True)),
    )


@pytest.mark.django_db
def test_create_sets_relations_search_text_and_logs_every_field(actor):
    paper = paper_create(
        actor=actor,
        data={
            "citation_key": "roe2023speech",
            "entry_type": "inproceedings",
            "title": "Speech from Silence",
            "authors": ["Richard Roe", {"given": "Ada", "von": "de", "family": "Lac"}],
            "venue": "Interspeech",
            "labels": ["modality:audio"],
            "datasets": ["vctk"],
            "doi": "10.1234/ABC",
        },
    )
    assert paper.version == 1 and paper.status == Status.DRAFT
    assert paper.doi == "10.1234/abc"
    assert paper.authors_text == "Richard Roe; Ada de Lac"
    assert paper.venue.name == "Interspeech"
    label = paper.labels.get()
    assert (label.provenance, label.source, label.created_by) == (
        "curated",
        "curator",
        actor,
    )
    change = Change.objects.for_object(paper).get()
    assert change.actor == actor
    assert change.changes["authors"] == [None, ["Richard Roe", "Ada de Lac"]]
    assert change.changes["labels"] == [None, ["modality:audio"]]


@pytest.mark.django_db
def test_stale_update_raises_and_changes_nothing(actor):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    before = snapshot(paper)
    changes = Change.objects.count()
    with pytest.raises(StaleVersion):
        paper_update(
            actor=actor,
            paper=paper,
            expected_version=paper.version + 1,
            data={"title": "X", "labels": ["modality:audio"]},
        )
    assert snapshot(paper) == before
    assert Change.objects.count() == changes


@pytest.mark.django_db
def test_invalid_update_rolls_back_the_version_claim(actor):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    before = snapshot(paper)
    with pytest.raises(ValidationError):
        paper_update(
            actor=actor,
            paper=paper,
            expected_version=paper.version,
            data={"title": "New", "labels": ["modality:no-such"]},
        )
    assert snapshot(paper) == before


@pytest.mark.django_db
def test_update_logs_only_changed_fields_and_replaces_labels(actor):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    survey_labels = set(paper.labels.values_list("node__slug", flat=True))
    kept = next(iter(survey_labels))
    kind = Node.objects.filter(slug=kept).values_list("kind", flat=True)[0]
    updated = paper_update(
        actor=actor,
        paper=paper,
        expected_version=paper.version,
        data={"title": paper.title, "cite_count": 1, "labels": [f"{kind}:{kept}"]},
    )
    change = Change.objects.for_object(paper).first()
    assert set(change.changes) == {"cite_count", "labels", "version"}
    assert set(updated.labels.values_list("node__slug", flat=True)) == {kept}
    assert updated.labels.get().source == "survey"  # the kept row is untouched


@pytest.mark.django_db
def test_rename_of_a_draft_keeps_no_alias_and_renaming_back_drops_it(actor):
    draft = paper_create(
        actor=actor, data={"citation_key": "a2020x", "entry_type": "misc", "title": "T"}
    )
    draft = paper_update(
        actor=actor, paper=draft, expected_version=1, data={"citation_key": "b2020x"}
    )
    assert not CitationKeyAlias.objects.exists()
    paper = Paper.objects.get(citation_key="vinyals2015show")
    paper = paper_update(
        actor=actor,
        paper=paper,
        expected_version=paper.version,
        data={"citation_key": "vinyals2015new"},
    )
    assert list(paper.key_aliases.values_list("key", flat=True)) == ["vinyals2015show"]
    with pytest.raises(ValidationError):
        paper_update(
            actor=actor,
            paper=draft,
            expected_version=2,
            data={"citation_key": "vinyals2015show"},
        )
    paper = paper_update(
        actor=actor,
        paper=paper,
        expected_version=paper.version,
        data={"citation_key": "vinyals2015show"},
    )
    assert list(paper.key_aliases.values_list("key", flat=True)) == ["vinyals2015new"]


@pytest.mark.django_db
def test_unknown_or_protected_keys_are_refused(actor):
    for key in ("id", "version", "created_by", "authors_text"):
        with pytest.raises(ValidationError) as error:
            paper_create(
                actor=actor,
                data={"citation_key": "k1", "entry_type": "misc", "title": "T", key: 1},
            )
        assert key in error.value.message_dict
    assert not Paper.objects.filter(citation_key="k1").exists()


@pytest.mark.django_db
def test_delete_needs_the_current_version(actor):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    with pytest.raises(StaleVersion):
        paper_delete(actor=actor, paper=paper, expected_version=paper.version - 1 or 99)
    paper_delete(actor=actor, paper=paper, expected_version=paper.version)
    assert not Paper.objects.filter(pk=paper.pk).exists()
    assert Change.objects.filter(action="delete", target_id=str(paper.pk)).exists()


@pytest.mark.django_db
def test_labels_and_citations_are_validated_and_logged(actor):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    audio = Node.objects.get(kind="modality", slug="audio")
    label = label_add(actor=actor, paper=paper, node=audio, evidence="Fig. 2")
    with pytest.raises(ValidationError):
        label_add(actor=actor, paper=paper, node=audio)
    label_remove(actor=actor, label=label)
    assert not Label.objects.filter(pk=label.pk).exists()
    with pytest.raises(ValidationError):
        citation_add(actor=actor, citing=paper, cited=paper)
    other = Paper.objects.exclude(pk=paper.pk).exclude(citations_in__citing=paper)[0]
    citation = citation_add(actor=actor, citing=paper, cited=other)
    with pytest.raises(ValidationError):
        citation_add(actor=actor, citing=paper, cited=other)
    citation_remove(actor=actor, citation=citation)
    assert not Citation.objects.filter(pk=citation.pk).exists()
    actions = list(
        Change.objects.filter(actor=actor).values_list("target_type", "action")
    )
    assert sorted(actions) == sorted(
        [
            ("papers.label", "create"),
            ("papers.label", "delete"),
            ("papers.citation", "create"),
            ("papers.citation", "delete"),
        ]
    )


@pytest.mark.django_db
def test_node_services_keep_the_tree_sound(actor):
    node = node_create(
        actor=actor,
        data={
            "kind": "method",
            "slug": "m-new",
            "name": "New",
            "parent": "neural-vocoders",
        },
    )
    assert node.parent.slug == "neural-vocoders" and node.provenance == "curated"
    with pytest.raises(ValidationError):
        node_update(actor=actor, node=node.parent, data={"parent": "m-new"})  # cycle
    with pytest.raises(ValidationError):
        node_create(
            actor=actor, data={"kind": "method", "slug": "m-new", "name": "Dup"}
        )
    node = node_update(actor=actor, node=node, data={"name": "Renamed"})
    change = Change.objects.for_object(node).first()
    assert change.changes == {"name": ["New", "Renamed"]}
    with pytest.raises(ValidationError):
        node_delete(actor=actor, node=node.parent)
    node_delete(actor=actor, node=node)
    assert not Node.objects.filter(slug="m-new").exists()
