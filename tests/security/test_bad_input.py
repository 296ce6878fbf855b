"""Bad input of every kind gets a 400 (or 413/415) in the one JSON error shape,
naming what was wrong, and changes nothing: never a 500, never HTML from the API.
The pages answer bad filters with a readable note instead of a server error."""

import json

import pytest

from tests.security.conftest import error_message, row_counts

pytestmark = pytest.mark.django_db

KEY = "vinyals2015show"
PAPER = {"citation_key": "bad2024input", "entry_type": "article", "title": "T"}
TSQUERY = "caption & (image | !video) <-> neural:* !! ( ) <-> & |"
LONG = "x" * 10_000

# (id, query string of /api/v1/papers/ or a full path, parameter named in the answer)
BAD_QUERIES = [
    ("year-null", "year=null", "year"),
    ("year-min-null", "year_min=null", "year_min"),
    ("year-min-word", "year_min=soon", "year_min"),
    ("year-min-float", "year_min=1e5", "year_min"),
    ("year-min-huge", "year_min=99999999999999999999999", "year_min"),
    ("year-max-negative-huge", "year_max=-99999999999999999999999", "year_max"),
    ("venue-huge", "venue=99999999999999999999999", "venue"),
    ("venue-word", "venue=abc", "venue"),
    ("cursor-garbage", "cursor=garbage", "cursor"),
    ("cursor-base64-forged", "cursor=cD0yMDE1", "cursor"),
    ("cursor-nul", "cursor=%00", "cursor"),
    ("page-word", "q=image&ordering=relevance&page=abc", "page"),
    ("page-huge", "q=image&ordering=relevance&page=99999999999999999999", "page"),
    ("page-size-negative", "page_size=-1", "page_size"),
    ("page-size-word", "page_size=all", "page_size"),
    ("q-nul", "q=a%00b", "q"),
    ("q-10000-chars", f"q={LONG}", "q"),
    ("modality-nul", "modality=%00", "modality"),
    ("modality-unknown", "modality=smell", "modality"),
    ("ordering-unknown", "ordering=password", "ordering"),
    ("ordering-private-field", "ordering=-id", "ordering"),
    ("ordering-injection", "ordering=title;DROP TABLE papers_paper", "ordering"),
    ("facets-word", "facets=maybe", "facets"),
    ("facets-undocumented-word", "facets=yes", "facets"),
    ("facets-empty", "facets=", "facets"),
    ("year-min-empty", "year_min=", "year_min"),
    ("ordering-empty", "ordering=", "ordering"),
    ("format-unknown", "format=exe", "format"),
    ("unknown-parameter", "is_staff=1", "is_staff"),
    ("provenance-unknown", "provenance=rumour", "provenance"),
]
OTHER_ENDPOINTS = [
    ("nodes-kind-nul", "/api/v1/nodes/?kind=%00", "kind"),
    ("authors-cursor", "/api/v1/authors/?cursor=zzz", "cursor"),
    ("citations-nul", "/api/v1/citations/?citing=%00", "citing"),
    ("labels-unknown", "/api/v1/labels/?ordering=secret", "ordering"),
    ("map-nul", "/api/v1/map?application=%00", "application"),
    ("trends-by", "/api/v1/stats/trends?by=%00", "by"),
    (
        "similar-limit-huge",
        f"/api/v1/papers/{KEY}/similar?limit=99999999999999999999",
        "limit",
    ),
    ("detail-nul-in-path", "/api/v1/papers/a%00b/", "path"),
    ("detail-unknown-parameter", f"/api/v1/papers/{KEY}/?ordering=x", "ordering"),
    ("address-over-16384-chars", "/api/v1/papers/?" + "modality=image&" * 1200, "path"),
]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [pytest.param(f"/api/v1/papers/?{q}", p, id=i) for i, q, p in BAD_QUERIES]
    + [pytest.param(url, p, id=i) for i, url, p in OTHER_ENDPOINTS],
)
def test_bad_query_parameters_are_a_400_naming_them(client, survey, url, parameter):
    client.raise_request_exception = False
    before = row_counts()
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    message = error_message(response)
    assert parameter in response.json()["error"]["fields"], response.json()
    assert parameter in message
    assert row_counts() == before


@pytest.mark.parametrize(
    "query",
    [
        TSQUERY,
        "a&b|c!d:*(e)<->f",
        "!!!",
        "<->",
        "'",
        '"unclosed',
        "\\",
        "%",
        "_",
        "a:B*",
        "x" * 500,
        "word " * 99,
    ],
)
def test_search_text_is_words_not_syntax(client, survey, query):
    """Full-text operators in q are read as plain text (tsquery on PostgreSQL)."""
    client.raise_request_exception = False
    response = client.get("/api/v1/papers/", {"q": query})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.json()["results"], list)


def test_operators_around_real_words_still_find_papers(client, survey, postgres_only):
    response = client.get("/api/v1/papers/", {"q": "neural & image | caption !"})
    assert response.status_code == 200
    assert response.json()["count"] > 0


# (id, body, content type, status, code, named field or message part)
BAD_BODIES = [
    ("malformed-json", "{not json", "application/json", 400, "parse_error", "JSON"),
    ("truncated-json", '{"title": "x"', "application/json", 400, "parse_error", "JSON"),
    ("not-utf8", b"\xff\xfe{", "application/json", 400, "parse_error", "JSON"),
    ("nan", '{"title": NaN}', "application/json", 400, "parse_error", "JSON"),
    (
        "deep-nesting",
        '{"a":' * 5000 + "1" + "}" * 5000,
        "application/json",
        400,
        "parse_error",
        "nested too deeply",
    ),
    ("list-body", "[]", "application/json", 400, "invalid", "Expected a dictionary"),
    ("string-body", '"x"', "application/json", 400, "invalid", "Expected a dictionary"),
    (
        "text-plain",
        "title=x",
        "text/plain",
        415,
        "unsupported_media_type",
        "text/plain",
    ),
    ("xml", "<paper/>", "application/xml", 415, "unsupported_media_type", "xml"),
    (
        "nul-in-key",
        {**PAPER, "citation_key": "a\x00b"},
        "application/json",
        400,
        "invalid",
        "citation_key",
    ),
    (
        "nul-in-title",
        {**PAPER, "title": "t\x00x"},
        "application/json",
        400,
        "invalid",
        "title",
    ),
    (
        "huge-year",
        {**PAPER, "year": 10**30},
        "application/json",
        400,
        "invalid",
        "year",
    ),
    (
        "huge-cite-count",
        {**PAPER, "cite_count": 10**30},
        "application/json",
        400,
        "invalid",
        "cite_count",
    ),
    (
        "float-overflow-year",
        '{"citation_key": "b", "entry_type": "article", "title": "t", "year": 1e400}',
        "application/json",
        400,
        "invalid",
        "year",
    ),
    (
        "year-null-string",
        {**PAPER, "year": "null"},
        "application/json",
        400,
        "invalid",
        "year",
    ),
    (
        "null-character-in-an-author",
        {**PAPER, "authors": ["Ada \x00Lovelace"]},
        "application/json",
        400,
        "invalid",
        "authors",
    ),
    (
        "null-character-in-name-parts",
        {**PAPER, "authors": [{"family": "Love\x00lace", "given": "Ada"}]},
        "application/json",
        400,
        "invalid",
        "authors",
    ),
    (
        "null-character-in-provenance",
        {**PAPER, "metadata_provenance": {"title": "cross\x00ref"}},
        "application/json",
        400,
        "invalid",
        "metadata_provenance",
    ),
    (
        "mass-of-authors",
        {**PAPER, "authors": [{"family": "x" * 5000}]},
        "application/json",
        400,
        "invalid",
        "authors",
    ),
]


def encoded(body) -> bytes | str:
    return json.dumps(body) if isinstance(body, dict) else body


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "named"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_BODIES],
)
def test_bad_bodies_change_nothing(
    curator_api, body, content_type, status, code, named
):
    before = row_counts()
    response = curator_api.post(
        "/api/v1/papers/", encoded(body), content_type=content_type
    )
    assert response.status_code == status, response.content[:300]
    message = error_message(response)
    assert response.json()["error"]["code"] == code
    assert named in message
    assert row_counts() == before


@pytest.mark.parametrize(
    ("method", "url", "body", "named"),
    [
        ("patch", f"/api/v1/papers/{KEY}/", {"version": 10**30}, "version"),
        ("patch", f"/api/v1/papers/{KEY}/", {"title": "x"}, "version"),
        ("patch", f"/api/v1/papers/{KEY}/", {"version": "one"}, "version"),
        ("delete", f"/api/v1/papers/{KEY}/?version={10**30}", None, "version"),
        ("delete", f"/api/v1/papers/{KEY}/?version=abc", None, "version"),
        ("post", "/api/v1/labels/", {"paper": KEY, "node": "modality:\x00"}, "node"),
        ("post", "/api/v1/labels/", {"paper": KEY, "node": "nonsense"}, "node"),
        ("post", "/api/v1/citations/", {"citing": 10**30, "cited": "x"}, "citing"),
        ("post", "/api/v1/citations/", {"citing": KEY, "cited": None}, "cited"),
        (
            "post",
            "/api/v1/nodes/",
            {"kind": "modality", "slug": "s", "name": "S", "position": 10**30},
            "position",
        ),
        ("post", "/api/v1/nodes/", {"kind": "smell", "slug": "s", "name": "S"}, "kind"),
    ],
)
def test_bad_writes_name_the_field_and_change_nothing(
    admin_api, method, url, body, named
):
    before = row_counts()
    response = getattr(admin_api, method)(
        url, None if body is None else json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    assert named in error_message(response)
    assert named in response.json()["error"]["fields"]
    assert row_counts() == before


def test_a_body_over_the_memory_cap_is_a_413(curator_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = row_counts()
    response = curator_api.post(
        "/api/v1/papers/", {**PAPER, "abstract": "x" * 5000}, format="json"
    )
    assert response.status_code == 413
    assert "too large" in error_message(response)
    assert row_counts() == before


def test_any_body_over_the_request_cap_is_a_413_before_it_is_read(
    curator_api, settings
):
    settings.ATLAS_MAX_REQUEST_BYTES = 2000
    before = row_counts()
    response = curator_api.post(
        "/api/v1/papers/", json.dumps({**PAPER, "abstract": "x" * 3000}),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 413
    assert "larger than the 2,000 bytes accepted" in error_message(response)
    assert row_counts() == before


def test_a_bib_upload_over_the_cap_is_a_413_before_parsing(
    curator_page, settings, monkeypatch
):
    """The curator's import page: the body is refused by its size alone."""
    import papers.views.importing as importing

    def must_not_parse(**kwargs):
        raise AssertionError("the upload was parsed")

    monkeypatch.setattr(importing, "bibtex_import", must_not_parse)
    settings.ATLAS_MAX_REQUEST_BYTES = 10_000
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = "@article{k%d, title={T}, year={2020}}\n"
    big = "".join(entry % n for n in range(1000)).encode()
    before = row_counts()
    response = curator_page.post(
        "/curate/import/", {"file": SimpleUploadedFile("big.bib", big)}
    )
    assert response.status_code == 413
    assert "larger than the 10,000 bytes accepted" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert row_counts() == before


def test_a_bad_content_length_is_a_400(client, survey):
    response = client.generic(
        "POST", "/api/v1/papers/", b"{}", "application/json", CONTENT_LENGTH="abc"
    )
    assert response.status_code == 400
    assert "Content-Length" in error_message(response)


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ({"year_min": "99999999999999999999999"}, True),
        ({"year_min": "null"}, True),
        ({"ordering": "password"}, True),
        ({"modality": "smell"}, True),
        ({"q": "y" * 10_000}, True),
        ({"q": TSQUERY}, False),
        ({"q": "a&b|c!d:*(e)<->f"}, False),
    ],
)
def test_pages_explain_bad_filters_instead_of_failing(client, survey, query, refused):
    client.raise_request_exception = False
    response = client.get("/papers/", query)
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Some filters could not be used" in html) == refused


def test_an_over_long_page_address_gets_a_400_page(client, survey):
    response = client.get("/papers/?" + "q=x&" * 5000)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "longer than the 16,384 characters" in response.content.decode()


@pytest.mark.parametrize("path", ["/papers/a%00b/", "/papers/?q=%00", "/taxonomy/%00/"])
def test_pages_refuse_nul_characters_with_a_400_page(client, survey, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Null characters are not allowed" in response.content.decode() or (
        "NUL character" in response.content.decode()
    )


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/citations/%C2%84/",
        "/api/v1/labels/abc/",
        "/api/v1/nowhere/",
        "/api/v1/nodes/a%0Ab/",  # a newline: no URL pattern matches at all
    ],
)
def test_writes_to_no_endpoint_are_a_json_404_even_with_a_session(
    page_client, method, path
):
    client = page_client("curator", csrf=True)
    before = row_counts()
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert "No API endpoint at" in error_message(response)
    assert row_counts() == before
