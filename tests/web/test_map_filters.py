"""The set map page names every filter it applies, each with a link that
removes it, and its form keeps the filters it has no control for."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode

import pytest
from django.http import QueryDict

from papers.filtersets import PaperFilterSet
from papers.models import Author, Paper, Venue
from taxonomy.models import Node

pytestmark = pytest.mark.django_db


class MapForm(HTMLParser):
    """What submitting the map's filter form sends: (name, value) pairs."""

    def __init__(self, html: str):
        super().__init__()
        self.fields, self.inside, self.select = [], False, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "map-filters" in attrs.get("class", ""):
            self.inside = True
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("value") is not None:
            self.fields.append((attrs["name"], attrs["value"]))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and "selected" in attrs:
            self.fields.append((self.select, attrs["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def matching(query: str) -> int:
    """How many published papers the paper filters select for this query."""
    filters = PaperFilterSet(QueryDict(query), queryset=Paper.objects.published())
    assert filters.is_valid()
    return filters.qs.count()


def active(html: str) -> list[tuple[str, str, str]]:
    """(name, value, removing link) of each active filter the page lists."""
    found = re.search(r'<ul class="active-filters".*?</ul>', html, re.S)
    if found is None:
        return []
    items = re.findall(
        r'<li><span class="muted">([^<]+):</span> ([^<]+) <a href="([^"]+)"',
        found[0],
    )
    return [(n, v.strip(), link.replace("&amp;", "&")) for n, v, link in items]


def test_the_page_names_each_active_filter_in_words(client, survey):
    author = Author.objects.get(family="Vinyals")
    venue = Venue.objects.filter(papers__isnull=False).first()
    query = (
        f"dataset=mscoco&q=caption&author={author.pk}&venue={venue.pk}"
        "&provenance=survey&open_issue=object-hallucination&modality=image"
        "&year_min=2015"
    )
    html = client.get(f"/map/?{query}").content.decode()
    named = [(name, value) for name, value, _ in active(html)]
    assert named == [
        ("Modality", "Image"),
        ("Open issue", "Grounding and hallucination"),
        ("Dataset", "MS COCO Captions"),
        ("From", "2015"),
        ("Venue", venue.name),
        ("Author", "Oriol Vinyals"),
        ("Search", "caption"),
        ("Label provenance", "Stated by the review"),
    ]


def test_each_filter_has_a_link_that_removes_just_it(client, survey):
    html = client.get("/map/?dataset=mscoco&q=caption&colour=year").content.decode()
    removing = {
        name: dict(parse_qsl(link.split("?", 1)[1])) for name, _, link in active(html)
    }
    assert removing == {
        "Dataset": {"q": "caption", "colour": "year"},
        "Search": {"dataset": "mscoco", "colour": "year"},
    }
    after = client.get(f"/map/?{urlencode(removing['Search'])}").content.decode()
    assert [name for name, _, _ in active(after)] == ["Dataset"]
    assert f"{matching('dataset=mscoco')} papers match" in after


def test_an_author_given_by_words_is_shown_as_given(client, survey):
    html = client.get("/map/?author=vinyals").content.decode()
    assert [(n, v) for n, v, _ in active(html)] == [("Author", "vinyals")]


def test_the_page_without_filters_lists_none(client, survey):
    html = client.get("/map/").content.decode()
    assert active(html) == [] and 'type="hidden" name="dataset"' not in html


def test_the_form_carries_the_filters_it_has_no_control_for(client, survey):
    query = (
        "dataset=mscoco&q=caption&author=vinyals&provenance=survey"
        "&open_issue=object-hallucination&modality=image&year_max=2020&colour=year"
    )
    html = client.get(f"/map/?{query}").content.decode()
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    assert sorted(hidden) == [
        ("author", "vinyals"),
        ("colour", "year"),
        ("dataset", "mscoco"),
        ("open_issue", "object-hallucination"),
        ("provenance", "survey"),
        ("q", "caption"),
    ]
    # modality has its own control, so it is not carried hidden
    assert {*hidden, ("year_max", "2020")} <= set(MapForm(html).fields)


def test_drawing_with_changed_years_keeps_the_dataset_and_the_search(client, survey):
    first = client.get("/map/?dataset=mscoco&q=caption").content.decode()
    everything = matching("dataset=mscoco&q=caption")
    assert f"{everything} papers match" in first
    sent = [(n, v) for n, v in MapForm(first).fields if n != "year_min"]
    sent.append(("year_min", "2018"))
    drawn = client.get("/map/", dict_of_lists(sent)).content.decode()
    narrower = matching("dataset=mscoco&q=caption&year_min=2018")
    assert 0 < narrower < everything
    assert f"{narrower} papers match" in drawn
    assert [(n, v) for n, v, _ in active(drawn)] == [
        ("Dataset", "MS COCO Captions"),
        ("From", "2018"),
        ("Search", "caption"),
    ]


def dict_of_lists(pairs) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def test_a_node_pages_map_link_leads_to_a_map_naming_the_node(client, survey):
    node_page = client.get("/taxonomy/datasets/mscoco/").content.decode()
    link = re.search(r'<a href="(/map/\?[^"]+)">Map it</a>', node_page)[1]
    html = client.get(link.replace("&amp;", "&")).content.decode()
    assert [(n, v) for n, v, _ in active(html)] == [("Dataset", "MS COCO Captions")]
    assert '<input type="hidden" name="dataset" value="mscoco">' in html


def test_the_map_form_offers_every_node_and_keeps_the_chosen_ones(client, survey):
    html = client.get("/map/?modality=image&method=attention-based-vqa").content
    html = html.decode()
    for param, kind in (("modality", "modality"), ("application", "application")):
        select = html.split(f'name="{param}"')[1].split("</select>")[0]
        offered = re.findall(r'<option value="([^"]+)"', select)
        assert sorted(offered) == sorted(
            Node.objects.filter(kind=kind).values_list("slug", flat=True)
        )
    assert '<option value="image" selected>' in html
    assert '<option value="attention-based-vqa" selected>' in html
