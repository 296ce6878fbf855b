"""The admin over large tables: the site's search for papers, labels newest first."""

import pytest
from django.contrib.auth.models import User

from papers.models import Label, Paper


@pytest.fixture
def admin_client(client, survey):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def found(client, term: str) -> set[str]:
    response = client.get("/admin/papers/paper/", {"q": term})
    assert response.status_code == 200
    return {paper.citation_key for paper in response.context["cl"].result_list}


@pytest.mark.django_db
def test_paper_search_is_the_sites_search_or_an_exact_identifier(admin_client):
    paper = Paper.objects.get(citation_key="vinyals2015show")
    family = paper.authorships.order_by("position").first().author.family
    assert "vinyals2015show" in found(admin_client, family)
    Paper.objects.filter(pk=paper.pk).update(abstract="Decoders narrate photographs.")
    assert found(admin_client, "photographs") == {"vinyals2015show"}
    assert found(admin_client, "vinyals2015show") == {"vinyals2015show"}
    with_doi = Paper.objects.exclude(doi=None).first()
    assert found(admin_client, with_doi.doi.upper()) == {with_doi.citation_key}
    with_arxiv = Paper.objects.exclude(arxiv_id=None).first()
    assert with_arxiv.citation_key in found(admin_client, with_arxiv.arxiv_id)
    assert found(admin_client, "zyxwvutsrq") == set()
    response = admin_client.get("/admin/papers/paper/", {"q": "fusion"})
    assert not response.context["cl"].show_full_result_count


@pytest.mark.django_db
def test_labels_are_listed_newest_first(admin_client):
    response = admin_client.get("/admin/papers/label/")
    assert response.status_code == 200
    shown = [label.pk for label in response.context["cl"].result_list]
    newest = Label.objects.order_by("-pk").values_list("pk", flat=True)
    assert shown == list(newest[: len(shown)]) and shown


def entry_type_choices(client) -> list[str]:
    response = client.get("/admin/papers/paper/")
    assert response.status_code == 200
    (offered,) = [
        f for f in response.context["cl"].filter_specs if f.title == "entry type"
    ]
    return [name for name, _ in offered.lookup_choices]


@pytest.mark.django_db
def test_entry_type_filter_offers_the_types_in_use_and_follows_writes(admin_client):
    in_use = set(Paper.objects.values_list("entry_type", flat=True))
    assert set(entry_type_choices(admin_client)) == in_use
    paper = Paper.objects.exclude(entry_type="phdthesis").first()
    Paper.objects.filter(pk=paper.pk).update(entry_type="phdthesis")
    assert "phdthesis" in entry_type_choices(admin_client)
    response = admin_client.get("/admin/papers/paper/", {"entry_type": "phdthesis"})
    shown = {p.citation_key for p in response.context["cl"].result_list}
    assert shown == set(
        Paper.objects.filter(entry_type="phdthesis").values_list(
            "citation_key", flat=True
        )
    )
    assert paper.citation_key in shown
