"""Curator pages: access, adding with duplicate checks, editing with locking,
labels with evidence, history and the duplicate-check endpoint."""

import pytest

from history.models import Change
from papers.models import Author, Label, Paper
from papers.services.papers import paper_update
from papers.views import selectors as page_selectors
from taxonomy.models import Kind, Node, Provenance
from tests.web.test_browse import html_of

pytestmark = pytest.mark.django_db

ADD = "/curate/papers/add/"


def form_data(**overrides) -> dict:
    data = {
        "citation_key": "doe2024fusion",
        "entry_type": "article",
        "title": "Gated Late Fusion for Audio-Visual Emotion Recognition",
        "authors": "Jane Doe\nSmith, John",
        "venue": "Journal of Fusion Studies",
        "year": "2024",
        "month": "",
        "doi": "10.5555/Fusion.2024",
        "arxiv_id": "",
        "url": "",
        "abstract": "We fuse audio and video late.",
        "status": "published",
        "confidence": "high",
        "survey_inclusion": "outside",
        "modalities": ["audio", "video"],
        "applications": ["emotion-recognition"],
        "datasets": [],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url", ["/curate/", ADD, "/curate/papers/vinyals2015show/edit/"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, survey, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_non_curators_are_refused(reader_client, survey):
    response = reader_client.get(ADD)
    assert response.status_code == 403
    assert "This page is for curators" in response.content.decode()
    assert reader_client.get("/curate/check-duplicate?title=x").status_code == 403


def test_curator_adds_a_paper_with_labels_and_a_change_record(curator_client, survey):
    response = curator_client.post(ADD, form_data())
    assert response.status_code == 302
    assert response["Location"] == "/papers/doe2024fusion/"
    paper = Paper.objects.get(citation_key="doe2024fusion")
    assert paper.doi == "10.5555/fusion.2024"
    assert [a.author.family for a in paper.authorships.order_by("position")] == [
        "Doe",
        "Smith",
    ]
    labels = {(lb.node.kind, lb.node.slug, lb.provenance) for lb in paper.labels.all()}
    assert labels == {
        ("modality", "audio", Provenance.CURATED),
        ("modality", "video", Provenance.CURATED),
        ("application", "emotion-recognition", Provenance.CURATED),
    }
    assert Change.objects.for_object(paper).filter(action="create").exists()
    page = html_of(curator_client.get("/papers/doe2024fusion/"))
    assert "Gated Late Fusion" in page and "Added" in page


def test_same_doi_is_warned_about_and_nothing_is_added(curator_client, survey):
    existing = Paper.objects.get(citation_key="vinyals2015show")
    before = Paper.objects.count()
    html = html_of(
        curator_client.post(ADD, form_data(doi=existing.doi.upper(), title="Other"))
    )
    assert "This may already be in the atlas" in html
    assert existing.title in html and "same DOI" in html
    assert Paper.objects.count() == before
    # Confirming does not get round the database's one-DOI rule.
    html = html_of(
        curator_client.post(
            ADD, form_data(doi=existing.doi, title="Other", confirm_duplicate="on")
        )
    )
    assert f"The paper &#x27;{existing.citation_key}&#x27; already has this DOI" in html
    assert Paper.objects.count() == before


def test_similar_title_can_be_added_after_confirming(curator_client, survey):
    title = "Show and tell: a neural image caption generator!"
    html = html_of(curator_client.post(ADD, form_data(title=title, doi="")))
    assert "similar title" in html
    assert not Paper.objects.filter(citation_key="doe2024fusion").exists()
    response = curator_client.post(
        ADD, form_data(title=title, doi="", confirm_duplicate="on")
    )
    assert response.status_code == 302
    assert Paper.objects.filter(citation_key="doe2024fusion").exists()


def test_nearest_titles_are_compared_first_on_postgresql(
    postgres_only, survey, monkeypatch
):
    # More papers share the title's two longest words than are compared; the
    # nearest title is among those compared all the same.
    monkeypatch.setattr(page_selectors, "TITLE_CANDIDATES", 3)
    for n in range(5):
        Paper.objects.create(
            citation_key=f"other{n}",
            title=f"Contrastive recognition of case {n} in remote sensing archives",
        )
    near = Paper.objects.create(
        citation_key="near", title="Contrastive Recognition of Spoken Words"
    )
    found = page_selectors.duplicate_candidates(
        title="Contrastive recognition of spoken words!"
    )
    assert [(paper.pk, reason) for paper, reason in found] == [
        (near.pk, "similar title")
    ]


def test_title_candidates_are_the_stemmed_words_of_titles_on_postgresql(
    postgres_only, survey
):
    said = Paper.objects.create(
        citation_key="said", title="Contrastive models recognise spoken words"
    )
    Paper.objects.create(
        citation_key="abstract",
        title="Audio tagging at scale",
        abstract="Contrastive models recognising sounds.",
    )
    found = page_selectors._title_candidates(
        Paper.objects.all(),
        ["recognising", "contrastive"],
        "contrastive models recognising spoken words",
    )
    assert [paper.pk for paper in found] == [said.pk]


def test_a_title_of_stop_words_is_still_compared(survey):
    known = Paper.objects.create(citation_key="known", title="Before and after them")
    found = page_selectors.duplicate_candidates(title="Before and After Them!")
    assert [(paper.pk, reason) for paper, reason in found] == [
        (known.pk, "similar title")
    ]


def test_similar_title_check_finds_nothing_for_an_unrelated_title(
    curator_client, survey
):
    title = "Quantised kernels for seismic waveform inversion"
    response = curator_client.post(ADD, form_data(title=title, doi=""))
    assert response.status_code == 302  # saved at once: nothing to confirm
    assert Paper.objects.get(citation_key="doe2024fusion").title == title


def test_invalid_input_is_shown_next_to_the_field_and_nothing_written(
    curator_client, survey
):
    before = Paper.objects.count()
    html = html_of(
        curator_client.post(ADD, form_data(citation_key="bad key", title=""))
    )
    assert "field-error" in html
    assert Paper.objects.count() == before


def test_duplicate_check_endpoint_finds_doi_and_title_matches(curator_client, survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    found = curator_client.get(
        "/curate/check-duplicate", {"doi": f"https://doi.org/{paper.doi}"}
    ).json()["duplicates"]
    assert [(d["key"], d["reason"]) for d in found] == [("vinyals2015show", "same DOI")]
    found = curator_client.get(
        "/curate/check-duplicate", {"title": "Show and Tell: A neural image caption"}
    ).json()["duplicates"]
    assert "vinyals2015show" in [d["key"] for d in found]
    nothing = curator_client.get(
        "/curate/check-duplicate", {"title": "Completely unrelated words here"}
    ).json()
    assert nothing == {"duplicates": []}


def test_edit_saves_and_bumps_the_version(curator_client, survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    paper.authorships.filter(position=1).update(
        author=Author.objects.create(
            given="Jan", von="van der", family="Berg", suffix="Jr"
        )
    )
    authors_before = list(paper.authorships.values_list("author_id", flat=True))
    Paper.objects.filter(pk=paper.pk).update(
        title_protected="Show and Tell: A {Neural} Image Caption Generator"
    )
    form = curator_client.get(f"/curate/papers/{paper.citation_key}/edit/")
    initial = form.context["form"].initial
    data = form_data(
        **{k: v for k, v in initial.items() if k not in ("month",) and v is not None}
    )
    data.update(title="Show and Tell (edited)", version=paper.version, month="")
    response = curator_client.post(f"/curate/papers/{paper.citation_key}/edit/", data)
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.title == "Show and Tell (edited)"
    assert paper.version == initial["version"] + 1
    kept = set(paper.labels.values_list("node__slug", "provenance"))
    assert ("image", Provenance.INFERRED) in kept, "kept labels keep provenance"
    assert list(paper.authorships.values_list("author_id", flat=True)) == (
        authors_before
    ), "authors read back as the same people"
    page = html_of(curator_client.get(paper.get_absolute_url()))
    bibtex = page.split('id="bibtex-text"')[1].split("</pre>")[0]
    assert "Show and Tell (edited)" in bibtex.replace("{", "").replace("}", "")
    assert "Neural Image Caption" not in bibtex, "the old protected title stayed"


def test_stale_edit_shows_both_values_and_changes_nothing(
    curator_client, curator, survey
):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    read_version = paper.version
    initial = (
        curator_client.get(f"/curate/papers/{paper.citation_key}/edit/")
        .context["form"]
        .initial
    )
    paper_update(
        actor=curator,
        paper=paper,
        expected_version=read_version,
        data={"title": "Changed by someone else"},
    )
    data = form_data(
        **{k: v for k, v in initial.items() if k != "month" and v is not None}
    )
    data.update(title="My own title", version=read_version, month="")
    html = html_of(
        curator_client.post(f"/curate/papers/{paper.citation_key}/edit/", data)
    )
    assert "Someone else saved this paper" in html
    assert "My own title" in html and "Changed by someone else" in html
    assert f'name="version" value="{read_version + 1}"' in html
    paper.refresh_from_db()
    assert paper.title == "Changed by someone else"
    assert paper.version == read_version + 1


def test_label_with_evidence_then_remove_it(curator_client, survey):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    node = Node.objects.get(kind=Kind.OPEN_ISSUE, slug="caption-diversity-style")
    url = f"/curate/papers/{paper.citation_key}/labels/"
    response = curator_client.post(
        url,
        {
            "node": f"open_issue:{node.slug}",
            "evidence": "Section 5: captions lack <diversity>",
            "provenance": "curated",
        },
    )
    assert response.status_code == 302
    label = Label.objects.get(paper=paper, node=node)
    assert label.evidence == "Section 5: captions lack <diversity>"
    html = html_of(curator_client.get(url))
    assert "captions lack &lt;diversity&gt;" in html
    again = html_of(
        curator_client.post(
            url, {"node": f"open_issue:{node.slug}", "provenance": "curated"}
        )
    )
    assert "already exists" in again or "alert-error" in again
    response = curator_client.post(
        f"/curate/papers/{paper.citation_key}/labels/{label.pk}/remove/"
    )
    assert response.status_code == 302
    assert not Label.objects.filter(pk=label.pk).exists()
    history = html_of(
        curator_client.get(f"/curate/papers/{paper.citation_key}/history/")
    )
    assert history.count("change-create") >= 1 and "change-delete" in history
    assert "cora" in history


def test_history_lists_field_changes(curator_client, curator, survey):
    paper = Paper.objects.get(citation_key="xu2015show")
    paper_update(
        actor=curator,
        paper=paper,
        expected_version=paper.version,
        data={"pages": "1-9"},
    )
    html = html_of(curator_client.get("/curate/papers/xu2015show/history/"))
    assert "Updated" in html and "pages" in html and "1-9" in html


def test_curator_home_lists_recent_changes(curator_client, survey):
    html = html_of(curator_client.get("/curate/"))
    assert "Add a paper" in html and "Recent changes" in html
