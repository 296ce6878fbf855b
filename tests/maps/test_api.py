"""The map endpoints: similar papers, maps, downloads, coverage and trends."""

import csv
import io
import json

import networkx as nx
import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from api.permissions import CURATOR_GROUP
from papers.models import CitationKeyAlias, Label, Paper


@pytest.fixture
def api(survey):
    return APIClient()


def test_similar_lists_reasons_prior_and_derivative_works(api):
    body = api.get("/api/v1/papers/vinyals2015show/similar?limit=5").json()
    assert body["paper"] == "vinyals2015show"
    assert len(body["similar"]) == 5
    first = body["similar"][0]
    assert set(first) == {"key", "title", "year", "url", "score", "reasons"}
    assert first["url"].endswith(f"/papers/{first['key']}/")
    assert all(item["reasons"] for item in body["similar"])
    assert body["prior_works"][0]["links"] >= body["prior_works"][-1]["links"] >= 2
    assert body["derivative_works"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/papers/vinyals2015show/similar?limit=0", "limit"),
        ("/api/v1/papers/vinyals2015show/similar?limit=x", "limit"),
        ("/api/v1/papers/vinyals2015show/similar?bogus=1", "bogus"),
        ("/api/v1/papers/vinyals2015show/map?size=99", "size"),
        ("/api/v1/papers/vinyals2015show/map?format=svg", "format"),
        ("/api/v1/map?modality=nope", "modality"),
        ("/api/v1/map?limit=501", "limit"),
        ("/api/v1/stats/coverage?rows=colour", "rows"),
        ("/api/v1/stats/trends?by=open_issue", "by"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(api, url, field):
    response = api.get(url)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_unknown_paper_is_404_and_former_key_redirects(api):
    assert api.get("/api/v1/papers/nope/similar").status_code == 404
    paper = Paper.objects.get(citation_key="vinyals2015show")
    CitationKeyAlias.objects.create(key="vinyals-old", paper=paper)
    response = api.get("/api/v1/papers/vinyals-old/map?format=gexf")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/papers/vinyals2015show/map?format=gexf"


def test_a_draft_has_no_map_and_only_a_curator_is_told_why(api):
    Paper.objects.filter(citation_key="vinyals2015show").update(status="draft")
    url = "/api/v1/papers/vinyals2015show/similar"
    anonymous = api.get(url)
    assert anonymous.status_code == 404
    assert "No paper with this citation key" in anonymous.content.decode()
    curator = User.objects.create_user("cora", password="x-pass-1")
    curator.groups.add(Group.objects.get_or_create(name=CURATOR_GROUP)[0])
    client = APIClient()
    client.force_authenticate(curator)
    told = client.get(url)
    assert told.status_code == 404
    assert "This paper is a draft" in told.content.decode()


def test_paper_map_json_has_positions_and_typed_edges(api):
    body = api.get("/api/v1/papers/vinyals2015show/map?size=8").json()
    assert len(body["nodes"]) == 9
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in body["nodes"])
    kinds = {edge["kind"] for edge in body["edges"]}
    assert "cites" in kinds and kinds <= {"cites", "coupling", "cocitation", "labels"}


def test_graphml_download_reads_back_with_taxonomy_attributes(api):
    response = api.get("/api/v1/map?application=speech-synthesis&format=graphml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/graphml+xml")
    assert "attachment" in response["Content-Disposition"]
    graph = nx.read_graphml(io.BytesIO(response.content))
    speech = set(
        Label.objects.filter(node__slug="speech-synthesis").values_list(
            "paper__citation_key", flat=True
        )
    )
    assert set(graph.nodes) == speech
    node = graph.nodes["ren2019fastspeech"]
    assert node["application"] == "Multimodal Speech Synthesis"
    assert "Audio" in node["modality_labels"] and node["title"]
    json_body = api.get("/api/v1/map?application=speech-synthesis&format=json")
    linked = nx.node_link_graph(json.loads(json_body.content), edges="edges")
    assert set(linked.edges(keys=True)) == set(graph.edges(keys=True))


def test_gexf_and_cytoscape_downloads(api):
    gexf = api.get("/api/v1/papers/vinyals2015show/map?format=gexf")
    assert nx.read_gexf(io.BytesIO(gexf.content)).has_node("vinyals2015show")
    cyto = api.get("/api/v1/papers/vinyals2015show/map?format=cytoscape")
    elements = json.loads(cyto.content)["elements"]
    assert len(elements["nodes"]) == 21
    assert {e["data"]["kind"] for e in elements["edges"]} >= {"cites"}


def test_coverage_endpoint(api):
    body = api.get("/api/v1/stats/coverage?rows=modality&cols=application").json()
    assert len(body["rows"]) == 13 and len(body["cells"]) == 13
    assert all(len(row) == len(body["cols"]) for row in body["cells"])


def test_trends_as_json_and_csv_agree(api):
    body = api.get("/api/v1/stats/trends?by=modality").json()
    response = api.get("/api/v1/stats/trends?by=modality&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [int(r["year"]) for r in rows] == body["years"]
    image = next(s for s in body["series"] if s["slug"] == "image")
    assert [int(r["image"]) for r in rows] == image["counts"]
    assert sum(image["counts"]) > 10
