"""Shared fixtures: the loaded survey, users of each role."""

import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from papers.models import Label, LabelSource, Paper, Status
from taxonomy.cache import forget_in_process
from taxonomy.models import Kind, Node, Provenance
from tests.survey_snapshot import (
    restore_survey_rows,
    survey_rows,
    survey_tables_empty,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the survey loaded, like a real installation."""
    with django_db_blocker.unblock():
        call_command("load_survey", stdout=io.StringIO())


@pytest.fixture(scope="session")
def loaded_survey_rows(django_db_setup, django_db_blocker):
    """The rows the survey load wrote, to be put back after a flush."""
    with django_db_blocker.unblock():
        return survey_rows()


@pytest.fixture
def survey(db, loaded_survey_rows):
    """The survey's citation key, after making sure the survey is loaded.

    Transactional tests empty the database when they finish; this puts the
    loaded rows back (or loads the survey again if the tables are not empty).
    """
    if not Paper.objects.filter(citation_key=settings.SURVEY_CITATION_KEY).exists():
        if survey_tables_empty():
            restore_survey_rows(loaded_survey_rows)
        else:
            call_command("load_survey", stdout=io.StringIO())
    return settings.SURVEY_CITATION_KEY


@pytest.fixture
def postgres_only(db):
    """Skip when the suite runs on SQLite; .ci/run runs it again on PostgreSQL."""
    if not settings.IS_POSTGRES:
        pytest.skip("runs on PostgreSQL only (set DATABASE_URL=postgres://...)")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: a rolled-back test restores the
    data generation, and its cached answers must not stand in for work a later
    test measures."""
    cache.clear()
    forget_in_process()


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests render templates without a collected static manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def quick_password_hashes(settings):
    """Tests store passwords with a fast hash: the deployed hasher takes half a
    second per password by design, and no test is about its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_labelled_paper(node: Node, key: str, year: int | None, status: str) -> Paper:
    """A paper titled after its key, labelled at `node` by a curator."""
    paper = Paper.objects.create(
        citation_key=key, title=f"Paper {key}", year=year, status=status
    )
    Label.objects.create(
        paper=paper,
        node=node,
        source=LabelSource.CURATOR,
        provenance=Provenance.CURATED,
    )
    return paper


@pytest.fixture
def undated_papers(survey):
    """Two published papers without a year and one draft, under an application
    that has dated papers too."""
    node = Node.objects.get(kind=Kind.APPLICATION, slug="image-description")
    add_labelled_paper(node, "undated-a", None, Status.PUBLISHED)
    add_labelled_paper(node, "undated-b", None, Status.PUBLISHED)
    add_labelled_paper(node, "draft-2020", 2020, Status.DRAFT)
    return node
