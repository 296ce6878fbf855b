"""Every page a visitor or a curator reaches by following links answers."""

import html
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

LINK = re.compile(r'href="(/[^"#]*)"')
#: Paths followed per URL pattern: enough to meet its variants (a node of each
#: kind, a filtered list), not every filter and page of every list.
PER_ROUTE = 4
#: Not pages: files, the admin's own site, and signing out.
NOT_CRAWLED = ("/static/", "/media/", "/admin/", "/accounts/logout/")


def crawl(client, start: str = "/") -> tuple[dict[str, int], set[str]]:
    """Follow the site's links breadth first from `start`: the status of every
    path fetched, and the names of the views met."""
    statuses: dict[str, int] = {}
    per_route: Counter = Counter()
    views: set[str] = set()
    queue = [start]
    while queue:
        path = queue.pop(0)
        if path in statuses or path.startswith(NOT_CRAWLED):
            continue
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            statuses[path] = 404
            continue
        if per_route[match.route] >= PER_ROUTE:
            continue
        per_route[match.route] += 1
        views.add(match.view_name)
        response = client.get(path)
        statuses[path] = response.status_code
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        elif "html" in response.get("Content-Type", "") and not response.streaming:
            queue.extend(map(html.unescape, LINK.findall(response.content.decode())))
    return statuses, views


def broken(statuses: dict[str, int]) -> list[tuple[str, int]]:
    return [(path, status) for path, status in statuses.items() if status >= 400]


#: What a visitor reaches from the overview by links alone.
VISITOR_VIEWS = {
    "papers:overview", "papers:list", "papers:detail", "papers:author",
    "taxonomy:index", "taxonomy:node", "taxonomy:dataset",
    "maps:map", "maps:paper-map", "maps:stats",
    "api:docs", "api:paper-list", "api:paper-detail",
}  # fmt: skip
#: And what a curator reaches besides.
CURATOR_VIEWS = VISITOR_VIEWS | {
    "papers:add", "papers:edit", "papers:history", "papers:import",
    "papers:curate", "papers:labels",
}  # fmt: skip


@pytest.mark.django_db
def test_every_link_a_visitor_meets_leads_to_a_page(client, survey):
    statuses, views = crawl(client)
    assert broken(statuses) == []
    assert views >= VISITOR_VIEWS
    assert not views & (CURATOR_VIEWS - VISITOR_VIEWS)


@pytest.mark.django_db
def test_every_link_a_curator_meets_leads_to_a_page(curator_client, survey):
    statuses, views = crawl(curator_client)
    assert broken(statuses) == []
    assert views >= CURATOR_VIEWS


@pytest.mark.django_db
def test_the_crawl_reports_a_link_to_nowhere(client, survey):
    statuses, _ = crawl(client, start="/papers/no-such-paper-key/")
    assert broken(statuses) == [("/papers/no-such-paper-key/", 404)]
