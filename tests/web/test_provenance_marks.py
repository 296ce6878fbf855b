"""Provenance stays visible wherever a visitor meets a taxonomy item: every
label, dataset and table header the review does not state is marked as what it
is (inferred or curated), one it states is not, and a provenance detail that
only repeats the provenance is not shown."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.utils.html import escape

from papers.models import Label, Paper
from papers.templatetags.paper_pages import provenance_note, provenance_title
from taxonomy.models import Dataset, Kind, Node, Provenance

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LIST_PAGES = [
    "/papers/?application=3d-reconstruction",
    "/papers/",
    "/papers/?modality=image&q=caption",
    "/taxonomy/application/3d-reconstruction/",
    "/taxonomy/modality/image/",
]
FEEDS = ["/feeds/papers/", "/feeds/papers/?application=3d-reconstruction"]


@dataclass
class Element:
    """An element of interest with its attributes, text and nested classes."""

    attrs: dict[str, str]
    text: str = ""
    inner_classes: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class Collector(HTMLParser):
    """Collects the elements a predicate picks, with all the text inside them
    (visually hidden text included) and the classes of elements inside them."""

    def __init__(self, picks):
        super().__init__()
        self.picks = picks
        self.found: list[Element] = []
        self.open: list[tuple[Element, int]] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        for element, _ in self.open:
            element.inner_classes.append(attrs.get("class", ""))
        self.depth += 1
        if self.picks(tag, attrs):
            element = Element(attrs)
            self.found.append(element)
            self.open.append((element, self.depth))

    def handle_endtag(self, tag):
        self.open = [(e, d) for e, d in self.open if d < self.depth]
        self.depth -= 1

    def handle_data(self, data):
        for element, _ in self.open:
            element.text += data


def collect(html: str, picks) -> list[Element]:
    parser = Collector(picks)
    parser.feed(html)
    return parser.found


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_marked(element: Element, provenance: str, what: str) -> None:
    """The element shows a marker for a provenance other than the survey's,
    with its meaning in text a screen reader reads; none for the survey's."""
    text = " ".join(element.text.split())
    marks = [c for c in element.inner_classes if "prov" in c.split()]
    if provenance == Provenance.SURVEY:
        assert not marks, what
        assert "inferred" not in text and "curated" not in text, what
        return
    assert len(marks) == 1 and f"prov-{provenance}" in marks[0].split(), what
    assert provenance in text, (what, text)


def label_provenances() -> dict[tuple[str, str], str]:
    """{(citation key, node URL): provenance} of every label."""
    return {
        (label.paper.citation_key, label.node.get_absolute_url()): label.provenance
        for label in Label.objects.select_related("paper", "node")
    }


# Labels in list rows and node pages ----------------------------------------


def is_tag(tag, attrs):
    return tag == "a" and "tag" in attrs.get("class", "").split()


def is_title(tag, attrs):
    return tag == "a" and "paper-title" in attrs.get("class", "").split()


@pytest.mark.parametrize("url", LIST_PAGES)
def test_every_label_in_a_list_row_shows_whether_the_review_states_it(
    client, survey, url
):
    provenances = label_provenances()
    html = page(client, url)
    rows = [r.split("</li>", 1)[0] for r in html.split('<li class="paper-row">')[1:]]
    assert rows, url
    seen = set()
    for row in rows:
        key = collect(row, is_title)[0].attrs["href"].strip("/").split("/")[-1]
        for tag in collect(row, is_tag):
            provenance = provenances[(key, tag.attrs["href"])]
            seen.add(provenance)
            what = (url, key, tag.attrs["href"])
            assert_marked(tag, provenance, what)
            title = tag.attrs["title"]
            if provenance == Provenance.SURVEY:
                assert "(" not in title, what
                assert f"tag-{Provenance.INFERRED}" not in tag.classes, what
            else:
                assert f"tag-{provenance}" in tag.classes, what
                assert Provenance(provenance).label.lower() in title, what
    assert seen, url


def test_the_curated_labels_of_a_curated_paper_read_as_curated(client, survey):
    paper = Paper.objects.get(citation_key="chen2024image")
    labels = list(paper.labels.all())
    assert labels and {label.provenance for label in labels} == {Provenance.CURATED}
    html = page(client, "/papers/?application=3d-reconstruction")
    row = html.split('href="/papers/chen2024image/"', 1)[1].split("</li>", 1)[0]
    tags = collect(row, is_tag)
    assert len(tags) == len(labels)
    for tag in tags:
        assert "curated" in tag.text and "added by a curator" in tag.text
        assert "(added by a curator)" in tag.attrs["title"]


# The Atom feed ---------------------------------------------------------------


def key_of(entry) -> str:
    return entry.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[1]


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_category_is_marked_unless_the_review_states_it(client, survey, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    subtitle = feed.find(f"{ATOM}subtitle").text
    assert "unmarked labels are stated by the review" in subtitle
    assert "(inferred) or (curated) are not" in subtitle
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    marked = set()
    for entry in entries:
        labels = Label.objects.filter(paper__citation_key=key_of(entry))
        expected = []
        for label in labels.select_related("node"):
            mark = "" if label.provenance == Provenance.SURVEY else label.provenance
            marked.add(mark)
            expected.append(label.node.name + (f" ({mark})" if mark else ""))
        terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
        assert sorted(terms) == sorted(expected), key_of(entry)
    assert marked - {""}, url  # the feed has unstated labels to mark


def test_the_feed_of_a_curated_paper_marks_its_labels_curated(client, survey):
    response = client.get("/feeds/papers/?application=3d-reconstruction")
    feed = ElementTree.fromstring(response.content)
    entry = next(
        e for e in feed.findall(f"{ATOM}entry") if key_of(e) == "chen2024image"
    )
    terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
    assert len(terms) == 4
    assert all(term.endswith(" (curated)") for term in terms), terms


# Datasets on the paper page ----------------------------------------------------


def is_chip(tag, attrs):
    return tag == "li"


def dataset_chips(html: str) -> list[Element]:
    section = html.split('id="datasets-h"', 1)[1].split("</ul>", 1)[0]
    return collect(section, is_chip)


def test_every_dataset_chip_on_a_paper_page_shows_its_provenance(client, survey):
    papers = Paper.objects.published().filter(datasets__isnull=False).distinct()
    kinds = set()
    for paper in papers:
        chips = dataset_chips(page(client, paper.get_absolute_url()))
        datasets = {d.name: d for d in paper.datasets.all()}
        assert len(chips) == len(datasets), paper.citation_key
        for chip in chips:
            name = next(n for n in datasets if chip.text.strip().startswith(n))
            provenance = datasets[name].provenance
            kinds.add(provenance)
            assert_marked(chip, provenance, (paper.citation_key, name))
    assert Provenance.INFERRED in kinds and Provenance.SURVEY in kinds


def test_the_inferred_dataset_of_dialoguernn_is_marked(client, survey):
    assert Dataset.objects.get(slug="iemocap").provenance == Provenance.INFERRED
    chips = dataset_chips(page(client, "/papers/majumder2019dialoguernn/"))
    chip = next(c for c in chips if "IEMOCAP" in c.text)
    assert_marked(chip, Provenance.INFERRED, "IEMOCAP")


# Table headers of the gap matrices and the statistics ---------------------------


def is_header(tag, attrs):
    return tag == "th" and attrs.get("scope") in ("col", "row")


def header_nodes(html: str, kinds) -> list[tuple[Element, Node]]:
    roots = list(Node.objects.filter(kind__in=kinds, parent__isnull=True))
    found = []
    for header in collect(html, is_header):
        text = " ".join(header.text.split())
        named = [n for n in roots if text.startswith(n.name)]
        if named:
            found.append((header, max(named, key=lambda n: len(n.name))))
    return found


def assert_headers_marked(html: str, kinds, url: str) -> None:
    found = header_nodes(html, kinds)
    assert {node.provenance for _, node in found} >= {
        Provenance.SURVEY,
        Provenance.INFERRED,
        Provenance.CURATED,
    }, url
    for header, node in found:
        assert_marked(header, node.provenance, (url, node.name))
        if node.provenance == Provenance.INFERRED:
            assert "not stated by the review" in header.text, (url, node.name)
        if node.provenance == Provenance.CURATED:
            assert "added by a curator" in header.text, (url, node.name)


def test_gap_matrix_headers_show_their_provenance(client, survey):
    html = page(client, "/taxonomy/")
    matrices = html.split('<section id="gaps"', 1)[1]
    kinds = [Kind.MODALITY, Kind.APPLICATION, Kind.METHOD]
    assert_headers_marked(matrices, kinds, "/taxonomy/")
    header = matrices.split("Multimodal Video Description", 1)[1].split("</th>")[0]
    assert "prov-inferred prov-compact" in header


def test_statistics_table_headers_show_their_provenance(client, survey):
    html = page(client, "/stats/")
    table = html.split('id="coverage"', 1)[1]
    assert_headers_marked(table, [Kind.MODALITY, Kind.APPLICATION], "/stats/")


def test_statistics_legends_mark_unstated_roots(client, survey):
    html = page(client, "/stats/")
    chart = html.split('id="trend-application"', 1)[1].split("</section>", 1)[0]
    legend = chart.split('class="map-legend"', 1)[1].split("</ul>", 1)[0]
    roots = Node.objects.filter(kind=Kind.APPLICATION, parent__isnull=True)
    written = {
        node.name
        if node.provenance == Provenance.SURVEY
        else f"{node.name} ({node.provenance})": node
        for node in roots
    }
    items = [i.text.strip() for i in collect(legend, lambda tag, a: tag == "li")]
    shown = [text for text in items if text != "other"]  # "other": several summed
    assert shown and set(shown) <= set(written)
    assert any(written[text].provenance != Provenance.SURVEY for text in shown)
    # The bars' own titles name them the same way.
    for text in shown:
        assert f"· {escape(text)}:" in chart, text


# A detail that only repeats the provenance ---------------------------------------


@pytest.mark.parametrize(
    ("detail", "value", "shown"),
    [
        ("inferred", "inferred", ""),
        (" Inferred. ", "inferred", ""),
        ("Inferred, not stated by the review", "inferred", ""),
        ("curated", "curated", ""),
        ("", "survey", ""),
        (
            "inferred from the related work",
            "inferred",
            "inferred from the related work",
        ),
        ("verified", "survey", "verified"),
        ("inferred", "survey", "inferred"),
    ],
)
def test_a_provenance_note_leaves_out_a_repeated_provenance(detail, value, shown):
    assert provenance_note(detail, value) == shown


def test_a_provenance_title_says_what_the_marker_means():
    assert provenance_title("inferred", "inferred") == (
        "Inferred, not stated by the review"
    )
    assert provenance_title("survey", "verified") == "Stated by the review: verified"


def provenance_line(html: str) -> str:
    return html.split('class="provenance-line"', 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    "url", ["/taxonomy/method/gan-based-image-description/", "/taxonomy/datasets/afew/"]
)
def test_an_item_whose_detail_repeats_its_provenance_shows_it_once(client, survey, url):
    line = provenance_line(page(client, url))
    assert ": inferred" not in line
    assert 'title="inferred"' not in line
    assert "Inferred, not stated by the review" in line


def test_no_node_or_dataset_page_repeats_its_provenance(client, survey):
    items = [*Node.objects.all(), *Dataset.objects.all()]
    repeated = [i for i in items if i.provenance_detail.strip() == i.provenance]
    assert len(repeated) > 50  # the survey data has ~119 of them
    for item in items:
        line = provenance_line(page(client, item.get_absolute_url()))
        assert f": {item.provenance}<" not in line, item
        assert f'title="{item.provenance}"' not in line, item
        note = item.provenance_detail.strip()
        if note and note != item.provenance:  # a real detail is still shown
            assert "prov-" in line and ": " in line, item


def test_a_detail_that_says_more_is_still_shown(client, survey):
    node = (
        Node.objects.exclude(provenance_detail__in=["", "inferred"])
        .filter(provenance=Provenance.INFERRED)
        .first()
    )
    line = provenance_line(page(client, node.get_absolute_url()))
    assert f"Inferred, not stated by the review: {node.provenance_detail}" in (
        line.replace("&#x27;", "'").replace("&quot;", '"')
    )
