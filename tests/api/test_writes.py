"""Curator writes: the permission matrix, optimistic locking, the change log,
mass assignment, aliases, labels, citations and nodes."""

import pytest

from history.models import Change
from papers.models import Citation, CitationKeyAlias, Label, Paper
from taxonomy.models import Node
from tests.api.conftest import error_of

NEW_PAPER = {
    "citation_key": "doe2024fusion",
    "entry_type": "article",
    "title": "Late Fusion for Everything",
    "year": 2024,
    "authors": ["Jane Doe", {"given": "Ada", "family": "Lovelace"}],
    "venue": "Journal of Fusion Studies",
    "datasets": ["mscoco"],
    "labels": ["modality:image", "application:image-description"],
    "status": "published",
}


def _paper(key="vinyals2015show") -> Paper:
    return Paper.objects.get(citation_key=key)


def write_requests():
    """(name, method, url, body) for every kind of write the API offers."""
    paper = _paper()
    label = Label.objects.filter(paper=paper).first()
    citation = Citation.objects.first()
    return [
        ("paper create", "post", "/api/v1/papers/", NEW_PAPER),
        (
            "paper update",
            "patch",
            "/api/v1/papers/vinyals2015show/",
            {"title": "Show and Tell!", "version": paper.version},
        ),
        (
            "paper delete",
            "delete",
            f"/api/v1/papers/vinyals2015show/?version={paper.version}",
            None,
        ),
        (
            "label create",
            "post",
            "/api/v1/labels/",
            {"paper": "vinyals2015show", "node": "modality:audio"},
        ),
        ("label delete", "delete", f"/api/v1/labels/{label.pk}/", None),
        (
            "citation create",
            "post",
            "/api/v1/citations/",
            {"citing": "vinyals2015show", "cited": "antol2015vqa"},
        ),
        ("citation delete", "delete", f"/api/v1/citations/{citation.pk}/", None),
        (
            "node create",
            "post",
            "/api/v1/nodes/",
            {"kind": "modality", "slug": "smell", "name": "Smell"},
        ),
        ("node update", "patch", "/api/v1/nodes/modality:image/", {"note": "n"}),
        (
            "node delete",
            "delete",
            "/api/v1/nodes/open_issue:object-hallucination/",
            None,
        ),
    ]


EXPECTED = {
    # role: status for (paper/label/citation writes, node writes)
    "anon": (401, 401),
    "reader": (403, 403),
    "curator": ("ok", 403),
    "admin": ("ok", "ok"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("index", range(10))
def test_permission_matrix(request, role, index):
    client = request.getfixturevalue(role)
    Label.objects.filter(node__slug="object-hallucination").delete()
    name, method, url, body = write_requests()[index]
    changes_before = Change.objects.count()
    response = getattr(client, method)(url, body, format="json")
    expected = EXPECTED[role][1 if name.startswith("node") else 0]
    if expected == "ok":
        assert response.status_code in (200, 201, 204), (name, response.content)
        assert Change.objects.count() > changes_before
        change = Change.objects.first()
        assert change.actor is not None
    else:
        assert response.status_code == expected, (name, response.content)
        assert error_of(response)["code"] in ("not_authenticated", "permission_denied")
        assert Change.objects.count() == changes_before
    if role == "anon":
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_create_returns_the_paper_with_authors_in_order(curator, curator_user):
    response = curator.post("/api/v1/papers/", NEW_PAPER, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"]
    assert type(response.headers["Location"]) is str  # WSGI servers insist
    assert [a["name"] for a in body["authors"]] == ["Jane Doe", "Ada Lovelace"]
    assert body["venue"]["name"] == "Journal of Fusion Studies"
    assert body["version"] == 1
    assert {x["node"]["slug"] for x in body["labels"]} == {"image", "image-description"}
    assert all(x["provenance"] == "curated" for x in body["labels"])
    change = Change.objects.for_object(_paper("doe2024fusion")).get()
    assert change.actor == curator_user
    assert change.action == "create"
    assert change.changes["title"] == [None, "Late Fusion for Everything"]


@pytest.mark.django_db
def test_update_bumps_version_logs_fields_and_rejects_stale_versions(curator):
    paper = _paper()
    url = "/api/v1/papers/vinyals2015show/"
    response = curator.patch(
        url, {"cite_count": 9000, "version": paper.version}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == paper.version + 1
    change = Change.objects.for_object(paper).first()
    assert change.changes["cite_count"] == [paper.cite_count, 9000]
    stale = curator.patch(
        url, {"title": "Stale", "version": paper.version}, format="json"
    )
    assert stale.status_code == 409
    assert error_of(stale)["code"] == "conflict"
    assert _paper().title == paper.title
    assert _paper().version == paper.version + 1
    missing = curator.patch(url, {"title": "No version"}, format="json")
    assert missing.status_code == 400
    assert "version" in error_of(missing)["fields"]


@pytest.mark.django_db
def test_stale_delete_is_a_409_and_deletes_nothing(curator):
    paper = _paper()
    url = "/api/v1/papers/vinyals2015show/"
    assert curator.delete(f"{url}?version={paper.version + 5}").status_code == 409
    assert Paper.objects.filter(pk=paper.pk).exists()
    assert curator.delete(url).status_code == 400
    ok = curator.delete(url, HTTP_IF_MATCH=f'"{paper.version}"')
    assert ok.status_code == 204
    assert not Paper.objects.filter(pk=paper.pk).exists()


@pytest.mark.django_db
def test_mass_assignment_of_protected_fields_is_ignored(curator, curator_user):
    paper = _paper()
    body = {
        "title": "Renamed",
        "version": paper.version,
        "id": 99999,
        "created_by": 12345,
        "authors_text": "Someone Else",
        "created": "2000-01-01T00:00:00Z",
        "cited_by_count": 7,
    }
    response = curator.patch("/api/v1/papers/vinyals2015show/", body, format="json")
    assert response.status_code == 200, response.content
    fresh = _paper()
    assert fresh.pk == paper.pk and fresh.title == "Renamed"
    assert fresh.version == paper.version + 1
    assert "Someone Else" not in fresh.authors_text
    assert fresh.created == paper.created
    created = curator.post(
        "/api/v1/papers/", {**NEW_PAPER, "version": 77, "id": 5}, format="json"
    )
    assert created.json()["version"] == 1
    assert _paper("doe2024fusion").pk != 5


@pytest.mark.django_db
def test_renaming_a_published_paper_keeps_the_old_key(curator, anon):
    paper = _paper()
    response = curator.patch(
        "/api/v1/papers/vinyals2015show/",
        {"citation_key": "vinyals2015neural", "version": paper.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["former_keys"] == ["vinyals2015show"]
    assert CitationKeyAlias.objects.get(key="vinyals2015show").paper_id == paper.pk
    redirect = anon.get("/api/v1/papers/vinyals2015show/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "/api/v1/papers/vinyals2015neural/"
    write = curator.patch(
        "/api/v1/papers/vinyals2015show/", {"title": "x", "version": 2}, format="json"
    )
    assert write.status_code == 404
    assert "vinyals2015neural" in error_of(write)["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW_PAPER, "citation_key": "vinyals2015show"}, "citation_key"),
        ({**NEW_PAPER, "citation_key": "has space"}, "citation_key"),
        # BibTeX tells keys apart without regard to case.
        ({**NEW_PAPER, "citation_key": "VINYALS2015SHOW"}, "citation_key"),
        # pandoc cannot read a bibliography with these in a key.
        ({**NEW_PAPER, "citation_key": "a<b>"}, "citation_key"),
        ({**NEW_PAPER, "citation_key": "a|b"}, "citation_key"),
        ({**NEW_PAPER, "citation_key": "a^b"}, "citation_key"),
        ({**NEW_PAPER, "doi": "bad"}, "doi"),
        # The same DOI as vinyals2015show's, as a resolver address.
        ({**NEW_PAPER, "doi": "https://doi.org/10.1109/cvpr.2015.7298935"}, "doi"),
        ({**NEW_PAPER, "arxiv_id": "bad id"}, "arxiv_id"),
        ({**NEW_PAPER, "title_protected": "{Completely} different"}, "title_protected"),
        ({**NEW_PAPER, "labels": ["modality:smell"]}, "labels"),
        ({**NEW_PAPER, "datasets": ["no-such-set"]}, "datasets"),
        ({**NEW_PAPER, "year": "soon"}, "year"),
        ({**NEW_PAPER, "authors": [{"given": "No family"}]}, "authors"),
        ({**NEW_PAPER, "entry_type": "Bad Type"}, "entry_type"),
        ({"title": "Only a title"}, "citation_key"),
        # A value of another JSON type than documented is refused, not converted.
        ({**NEW_PAPER, "title": 7}, "title"),
        ({**NEW_PAPER, "year": "2020"}, "year"),
        ({**NEW_PAPER, "year": 2020.0}, "year"),
        ({**NEW_PAPER, "year": True}, "year"),
        ({**NEW_PAPER, "venue": 0}, "venue"),
        ({**NEW_PAPER, "et_al": "yes"}, "et_al"),
        ({**NEW_PAPER, "labels": [1]}, "labels"),
        ({**NEW_PAPER, "extra": {"note": 5}}, "extra"),
        ({**NEW_PAPER, "authors": [{"family": 5}]}, "authors"),
    ],
)
def test_invalid_paper_input_is_a_400_that_writes_nothing(curator, body, field):
    papers, changes = Paper.objects.count(), Change.objects.count()
    response = curator.post("/api/v1/papers/", body, format="json")
    assert response.status_code == 400, response.content
    # A list item's error is named by its place: "authors.0".
    assert field in {name.split(".")[0] for name in error_of(response)["fields"]}
    assert (Paper.objects.count(), Change.objects.count()) == (papers, changes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"labels": ["image"]}, "labels", "'image' is not kind:slug"),
        ({"published_on": "2024-02-30"}, "published_on", "not a day of the calendar"),
        ({"published_on": "30/02/2024"}, "published_on", "wrong format"),
    ],
)
def test_an_invalid_value_is_named_for_what_is_wrong(curator, body, field, message):
    response = curator.post("/api/v1/papers/", {**NEW_PAPER, **body}, format="json")
    assert response.status_code == 400
    assert message in " ".join(error_of(response)["fields"][field])


@pytest.mark.django_db
def test_a_version_not_reached_yet_is_called_that(curator):
    paper = _paper()
    url = f"/api/v1/papers/{paper.citation_key}/"
    ahead = curator.patch(url, {"cite_count": 1, "version": 99}, format="json")
    assert ahead.status_code == 409
    assert (
        f"no version 99 yet: it is at version {paper.version}"
        in (error_of(ahead)["message"])
    )


@pytest.mark.django_db
def test_identifiers_are_stored_in_the_form_an_import_matches(curator):
    body = {
        **NEW_PAPER,
        "doi": "https://www.doi.org/10.5555%2FQA.4c",
        "arxiv_id": "arXiv:2101.00001v2",
    }
    response = curator.post("/api/v1/papers/", body, format="json")
    assert response.status_code == 201, response.content
    paper = _paper(NEW_PAPER["citation_key"])
    assert (paper.doi, paper.arxiv_id) == ("10.5555/qa.4c", "2101.00001")
    again = {**NEW_PAPER, "citation_key": "again2024", "arxiv_id": "2101.00001v3"}
    refused = curator.post("/api/v1/papers/", again, format="json")
    assert refused.status_code == 400
    assert "arxiv_id" in error_of(refused)["fields"]


@pytest.mark.django_db
def test_a_new_title_drops_the_braces_of_the_old_one(curator):
    paper = _paper()
    Paper.objects.filter(pk=paper.pk).update(
        title_protected="Show and Tell: A {Neural} Image Caption Generator"
    )
    url = f"/api/v1/papers/{paper.citation_key}/"
    renamed = {"title": "A Completely New Title", "version": paper.version}
    response = curator.patch(url, renamed, format="json")
    assert response.status_code == 200, response.content
    assert _paper().title_protected == ""
    bibtex = b"".join(curator.get(f"{url}?format=bibtex").streaming_content)
    assert b"title = {A Completely New Title}" in bibtex
    braced = {
        "title": "On Bayesian Learning",
        "title_protected": "On {B}ayesian Learning",
        "version": paper.version + 1,
    }
    assert curator.patch(url, braced, format="json").status_code == 200
    assert _paper().title_protected == "On {B}ayesian Learning"


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"evidence": ""}])
def test_a_label_without_evidence_may_leave_it_out_or_send_it_empty(curator, body):
    label = {"paper": "vinyals2015show", "node": "modality:audio", **body}
    response = curator.post("/api/v1/labels/", label, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["evidence"] == ""


@pytest.mark.django_db
def test_labels_and_citations_round_trip(curator, curator_user):
    created = curator.post(
        "/api/v1/labels/",
        {"paper": "vinyals2015show", "node": "modality:audio", "evidence": "Sec. 3"},
        format="json",
    )
    assert created.status_code == 201, created.content
    label = created.json()
    assert label["provenance"] == "curated" and label["source"] == "curator"
    assert label["created_by"] == curator_user.username
    again = curator.post(
        "/api/v1/labels/",
        {"paper": "vinyals2015show", "node": "modality:audio"},
        format="json",
    )
    assert again.status_code == 400
    assert curator.delete(label["url"]).status_code == 204
    assert not Label.objects.filter(pk=label["id"]).exists()
    cite = curator.post(
        "/api/v1/citations/",
        {"citing": "vinyals2015show", "cited": "vinyals2015show"},
        format="json",
    )
    assert cite.status_code == 400
    assert "cited" in error_of(cite)["fields"]
    unknown = curator.post(
        "/api/v1/citations/", {"citing": "nope", "cited": "antol2015vqa"}, format="json"
    )
    assert "citing" in error_of(unknown)["fields"]


@pytest.mark.django_db
def test_admin_manages_nodes_through_services(admin):
    created = admin.post(
        "/api/v1/nodes/",
        {
            "kind": "method",
            "slug": "sparse-co-attention",
            "name": "Sparse co-attention",
            "parent": "attention-based-vqa",
            "related": ["application:visual-question-answering"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["parent"]["slug"] == "attention-based-vqa"
    assert body["provenance"] == "curated"
    node = Node.objects.get(kind="method", slug="sparse-co-attention")
    assert Change.objects.for_object(node).get().action == "create"
    wrong_parent = admin.patch(body["url"], {"parent": "image"}, format="json")
    assert wrong_parent.status_code == 400
    kind = admin.patch(body["url"], {"kind": "modality"}, format="json")
    assert "kind" in error_of(kind)["fields"]
    for same_kind in ("method:sparse-co-attention", "method:attention-based-vqa"):
        linked = admin.patch(body["url"], {"related": [same_kind]}, format="json")
        assert linked.status_code == 400
        assert same_kind in " ".join(error_of(linked)["fields"]["related"])
    assert list(node.related.values_list("slug", flat=True)) == [
        "visual-question-answering"
    ]
    busy = admin.delete("/api/v1/nodes/method:attention-based-vqa/")
    assert busy.status_code == 400
    assert admin.delete(body["url"]).status_code == 204
    assert not Node.objects.filter(pk=node.pk).exists()


@pytest.mark.parametrize(
    ("external_url", "accepted"),
    [("https://example.org/paper", True), ("", True), ("not a web address", False)],
)
def test_external_url_is_a_web_address_or_empty(curator, external_url, accepted):
    body = {**NEW_PAPER, "external_url": external_url}
    response = curator.post("/api/v1/papers/", body, format="json")
    assert response.status_code == (201 if accepted else 400), response.content
    if accepted:
        assert response.json()["external_url"] == external_url
        assert _paper("doe2024fusion").url == external_url
    else:
        assert "external_url" in error_of(response)["fields"]
        assert not Paper.objects.filter(citation_key="doe2024fusion").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/labels/", {"paper": 7, "node": "modality:image"}, "paper"),
        ("/api/v1/citations/", {"citing": "vinyals2015show", "cited": 7}, "cited"),
    ],
)
def test_link_input_of_another_json_type_is_refused(curator, path, body, field):
    labels, citations = Label.objects.count(), Citation.objects.count()
    response = curator.post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert error_of(response)["fields"].keys() == {field}
    assert (Label.objects.count(), Citation.objects.count()) == (labels, citations)


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["multipart", "application/x-www-form-urlencoded"])
def test_writes_take_json_only(curator, encoding):
    """A form cannot carry nested authors or null as documented: 415, no write."""
    papers = Paper.objects.count()
    form = {"citation_key": "doe2024form", "entry_type": "article", "title": "Forms"}
    if encoding == "multipart":
        response = curator.post("/api/v1/papers/", form, format="multipart")
    else:
        body = "&".join(f"{name}={value}" for name, value in form.items())
        response = curator.post("/api/v1/papers/", body, content_type=encoding)
    assert response.status_code == 415, response.content
    assert error_of(response)["code"] == "unsupported_media_type"
    assert Paper.objects.count() == papers
