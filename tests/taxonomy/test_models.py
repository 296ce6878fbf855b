import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from taxonomy.models import Kind, Node


def make_node(kind=Kind.METHOD, slug="m", parent=None):
    return Node.objects.create(kind=kind, slug=slug, name=slug.title(), parent=parent)


@pytest.mark.django_db
def test_parent_of_another_kind_is_rejected():
    application = make_node(Kind.APPLICATION, "captioning")
    method = Node(
        kind=Kind.METHOD, slug="attention", name="Attention", parent=application
    )
    with pytest.raises(ValidationError) as error:
        method.full_clean()
    assert "cannot sit under" in str(error.value.message_dict["parent"])


@pytest.mark.django_db
def test_cycle_in_the_tree_is_rejected():
    root = make_node(slug="root")
    child = make_node(slug="child", parent=root)
    grandchild = make_node(slug="grandchild", parent=child)
    root.parent = grandchild
    with pytest.raises(ValidationError) as error:
        root.full_clean()
    assert "cycle" in str(error.value.message_dict["parent"])


@pytest.mark.django_db
def test_node_cannot_be_its_own_parent_in_the_database():
    node = make_node(slug="loop")
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.filter(pk=node.pk).update(parent=node)


@pytest.mark.django_db
def test_slug_is_unique_per_kind_only():
    make_node(Kind.METHOD, "fusion")
    make_node(Kind.OPEN_ISSUE, "fusion")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_node(Kind.METHOD, "fusion")
    assert Node.objects.filter(slug="fusion").count() == 2


@pytest.mark.django_db
def test_unknown_kind_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.create(kind="planet", slug="mars", name="Mars")
