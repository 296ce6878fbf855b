import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from papers.models import Author, Authorship, Citation, Label, Paper
from taxonomy.models import Kind, Node


def make_paper(key, **fields):
    return Paper.objects.create(citation_key=key, title=f"Title of {key}", **fields)


@pytest.mark.django_db
def test_doi_is_stored_lower_case_and_unique_across_case():
    paper = Paper(citation_key="a2020", title="A", doi=" 10.1000/ABC ")
    paper.full_clean()
    paper.save()
    assert Paper.objects.get(pk=paper.pk).doi == "10.1000/abc"
    duplicate = Paper(citation_key="b2020", title="B", doi="10.1000/Abc")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.message_dict == {
        "doi": ["The paper 'a2020' already has this DOI."]
    }


@pytest.mark.django_db
def test_database_rejects_upper_case_doi_written_around_the_model():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper("c2020", doi="10.1000/ABC")


@pytest.mark.django_db
def test_duplicate_doi_in_another_case_is_rejected_by_the_database():
    make_paper("d2020", doi="10.1000/xyz")
    with pytest.raises(IntegrityError), transaction.atomic():
        Paper.objects.bulk_create(
            [Paper(citation_key="e2020", title="E", doi="10.1000/xyz")]
        )


@pytest.mark.django_db
def test_arxiv_id_and_citation_key_are_unique_but_empty_identifiers_are_not():
    make_paper("f2020", arxiv_id="2999.00001")
    make_paper("g2020")
    make_paper("h2020")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper("i2020", arxiv_id="2999.00001")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper("g2020")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper("j2020", doi="")
    assert (
        Paper.objects.filter(citation_key__in=["f2020", "g2020", "h2020"]).count() == 3
    )


@pytest.mark.django_db
def test_self_citation_and_duplicate_citation_are_rejected():
    a, b = make_paper("a"), make_paper("b")
    Citation.objects.create(citing=a, cited=b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(citing=a, cited=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(citing=a, cited=b)
    assert list(a.references.all()) == [b]
    assert list(b.cited_by.all()) == [a]


@pytest.mark.django_db
def test_month_must_be_a_calendar_month():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper("m", month=13)


@pytest.mark.django_db
def test_authorship_keeps_order_and_rejects_repeated_author_or_position():
    paper = make_paper("ordered")
    oord = Author.objects.create(given="Anna", von="van den", family="Testhuis")
    zen = Author.objects.create(given="Heidi", family="Testzen")
    Authorship.objects.create(paper=paper, author=zen, position=1)
    Authorship.objects.create(paper=paper, author=oord, position=0)
    ordered = [a.author.display_name for a in paper.authorships.order_by("position")]
    assert ordered == ["Anna van den Testhuis", "Heidi Testzen"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(paper=paper, author=zen, position=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(
            paper=paper, author=Author.objects.create(family="Testx"), position=0
        )


@pytest.mark.django_db
def test_a_paper_carries_a_node_label_once():
    paper = make_paper("labelled")
    node = Node.objects.create(kind=Kind.MODALITY, slug="test-image", name="Test image")
    Label.objects.create(paper=paper, node=node, source="curator")
    with pytest.raises(IntegrityError), transaction.atomic():
        Label.objects.create(paper=paper, node=node, source="import")
    assert str(paper.labels.get()) == "labelled -> Modality: Test image"


@pytest.mark.django_db
def test_the_normalised_title_follows_the_title_on_every_save():
    paper = Paper.objects.create(
        citation_key="ruiz2022", title='M{\\"u}ller-style {F}USION: a Study'
    )
    assert paper.normalised_title == "muller style fusion a study"
    paper.title = "Fusión, Revisited"
    paper.save(update_fields=["title"])
    paper.refresh_from_db()
    assert paper.normalised_title == "fusion revisited"


def test_a_paper_row_is_stored_whole_on_postgresql(postgres_only):
    """Migration 0017: no compression is tried on a row of a few kB."""
    from django.db import connection

    make_paper("whole2026", abstract=" ".join(["Fusing audio and video."] * 150))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(abstract), octet_length(abstract)"
            " FROM papers_paper WHERE citation_key = %s",
            ["whole2026"],
        )
        compression, size = cursor.fetchone()
    assert size > 3000 and compression is None


@pytest.mark.django_db
def test_clean_names_every_wrong_field_at_once():
    paper = Paper(
        citation_key="c2020", title="C", doi="not a doi", extra={"bad name!": "x"}
    )
    with pytest.raises(ValidationError) as error:
        paper.full_clean()
    assert {"doi", "extra"} <= set(error.value.message_dict)
