import pytest
from django.contrib.auth.models import User

from papers.models import Paper
from taxonomy.models import Kind, Node, Provenance


@pytest.mark.django_db
def test_overview_names_the_survey_and_its_six_categories(client, survey):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "A Review on Methods and Applications in Multimodal Deep Learning" in html
    categories = Node.objects.of_kind(Kind.APPLICATION).exclude(
        provenance=Provenance.CURATED
    )
    for category in categories:
        assert category.name in html


@pytest.mark.django_db
def test_admin_lets_a_superuser_in_and_lists_papers(client, survey):
    User.objects.create_superuser("admin", "admin@example.org", "s3cret-pass")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "s3cret-pass"}
    )
    assert response.status_code == 302
    listing = client.get("/admin/papers/paper/?q=captioning")
    assert listing.status_code == 200
    paper = Paper.objects.get(citation_key="vinyals2015show")
    change = client.get(f"/admin/papers/paper/{paper.pk}/change/")
    assert change.status_code == 200
    assert "Authorships" in change.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/taxonomy/",
        "/papers/",
        "/papers/vinyals2015show/",
        "/taxonomy/application/image-description/",
        "/taxonomy/datasets/mscoco/",
    ],
)
def test_browse_pages_answer(client, survey, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_unknown_paper_and_node_are_404(client, survey):
    assert client.get("/papers/no-such-key/").status_code == 404
    assert client.get("/taxonomy/planet/mars/").status_code == 404
