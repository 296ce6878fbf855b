"""The API requests the benchmark measures, each next to its raw-SQL baseline.

Requests run in-process through django.test.Client against the configured
database, so the figures are server time without the network. An endpoint that
does not exist yet is reported as "not available yet" instead of failing.
"""

import itertools
import json
import random
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from django.db.models import Count
from django.test import Client
from django.urls import Resolver404, resolve

from bench import baselines
from bench import vocabulary as words
from bench.measure import Figure, count_queries, get, plain_script, sample_in_turn

NOT_AVAILABLE = "not available yet"
DEEP_ROWS = 49_950  # the first row of page 1,000 at 50 per page


@dataclass
class Choices:
    """What the requests ask for, chosen from the data in the database."""

    modality: str
    method: str
    node_groups: dict
    year_min: int = 2010
    year_max: int = 2024
    detail_keys: tuple[str, ...] = ()
    map_keys: tuple[str, ...] = ()
    #: filters selecting about SET_MAP_TARGET papers, for the map of a set
    set_filter: dict = field(default_factory=dict)
    selective: str = words.RARE_WORDS[0]
    broad: str = words.COMMON_TERM

    @property
    def modality_kind_path(self) -> str:
        return f"modality/{self.modality}"

    @property
    def list_query(self) -> str:
        return urlencode(
            {"modality": self.modality, "method": self.method,
             "year_min": self.year_min, "year_max": self.year_max}
        )  # fmt: skip

    @property
    def sql_params(self) -> dict:
        return {"year_min": self.year_min, "year_max": self.year_max,
                "size": 50, "node_groups": list(self.node_groups),
                **self.node_groups}  # fmt: skip


def _busiest(kind: str, roots_with_children: bool = False):
    from taxonomy.models import Node
    from taxonomy.selectors import descendant_ids

    best, best_count = None, -1
    roots = Node.objects.filter(kind=kind, parent__isnull=True)
    if roots_with_children:
        roots = roots.annotate(n=Count("children")).filter(n__gt=0)
    for node in roots:
        ids = descendant_ids([node.pk])
        count = node.__class__.objects.filter(pk__in=ids).aggregate(n=Count("labels"))
        if count["n"] > best_count:
            best, best_count = (node, sorted(ids)), count["n"]
    return best


def choose(seed: int = 7) -> Choices:
    """The busiest modality and method family (with sub-families), and a few
    papers of middling to high citation counts for detail, similar and map."""
    from papers.models import Paper

    modality, modality_ids = _busiest("modality")
    method, method_ids = _busiest("method", roots_with_children=True)
    rng = random.Random(seed)
    keys = list(
        Paper.objects.published()
        .filter(citation_key__regex=r"^syn[0-9]")
        .order_by("pk")
        .values_list("citation_key", flat=True)[:5000]
    ) or list(Paper.objects.published().values_list("citation_key", flat=True)[:50])
    rng.shuffle(keys)
    return Choices(
        modality=modality.slug,
        method=method.slug,
        node_groups={"modality_ids": modality_ids, "method_ids": method_ids},
        detail_keys=tuple(keys[:10]),
        map_keys=tuple(keys[10:15] or keys[:5]),
        set_filter=set_filter(),
    )


#: Papers wanted in the filtered set whose map is measured.
SET_MAP_TARGET = 500


def set_filter(target: int = SET_MAP_TARGET) -> dict:
    """Filters selecting about `target` published papers: the taxonomy node
    (modality, application or method, sub-nodes included) with the fewest
    papers at or above `target` (else the one with most), narrowed to its
    latest years, from the newest back until `target` is reached."""
    from papers.models import Label, Paper, Status
    from taxonomy.models import Node
    from taxonomy.selectors import descendant_ids

    sizes = []
    for node in Node.objects.filter(kind__in=["modality", "application", "method"]):
        ids = descendant_ids([node.pk])
        papers = Label.objects.filter(node__in=ids, paper__status=Status.PUBLISHED)
        count = papers.values("paper_id").distinct().count()
        sizes.append((count < target, count if count >= target else -count,
                      node.kind, node.slug, ids))  # fmt: skip
    if not sizes:
        return {}
    _, count, kind, slug, ids = min(sizes)
    chosen = {kind: slug}
    if abs(count) <= target:
        return chosen
    years = (
        Paper.objects.published()
        .filter(labels__node__in=ids, year__isnull=False)
        .values("year")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-year")
        .values_list("year", "n")
    )
    total = 0
    for year, n in years:
        total += n
        if total >= target:
            chosen["year_min"] = year
            break
    return chosen


def available(path: str) -> bool:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return match.url_name != "not-found"


#: Requests of one figure timed in a row before its baseline's (or the next
#: figure's) turn.
BLOCK = 5


class Bench:
    """Measures API paths, `repeat` timed requests each after `warmup`."""

    def __init__(self, *, repeat: int, warmup: int, raw=None, log=print):
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.repeat, self.warmup, self.raw, self.log = repeat, warmup, raw, log

    def endpoint(self, name, paths, baseline=None, repeat=None, before=None) -> Figure:
        """Time GETs cycling through `paths`; `baseline()` gives the floor;
        `before()` runs ahead of each request, inside its time."""
        return self.endpoints([(name, paths, baseline)], repeat, before)[0]

    def endpoints(self, specs, repeat=None, before=None) -> list[Figure]:
        """Figures of several (name, paths, baseline) measured in turn with
        their baselines, BLOCK requests at a time: a figure and the one it is
        compared with see the same moments of a noisy machine."""
        figures, calls, owners = [], [], []
        for name, paths, baseline in specs:
            paths = [paths] if isinstance(paths, str) else list(paths)
            figure = Figure(name=name, path=paths[0])
            figures.append(figure)
            if not available(paths[0]):
                figure.status = NOT_AVAILABLE
                continue
            status, body = get(self.client, paths[0])
            if status != 200:
                figure.status, figure.note = "error", f"HTTP {status}: {body[:160]!r}"
                continue
            calls.append(self._request(paths, before))
            owners.append((figure, "timed"))
            if baseline is not None and self.raw is not None:
                calls.append(plain_script(baseline))
                owners.append((figure, "baseline"))
        if calls:
            rounds = sample_in_turn(
                calls, repeat=repeat or self.repeat, warmup=self.warmup, block=BLOCK
            )
            for (figure, record), times in zip(owners, rounds, strict=True):
                getattr(figure, record)(times)
        for figure in figures:
            if figure.status == "ok":
                figure.queries = count_queries(self.client, figure.path)[1]
                self.log(
                    f"  {figure.name}: p50 {figure.p50_ms} ms, p95 {figure.p95_ms} ms"
                )
        return figures

    def _request(self, paths: list[str], before):
        cycle = itertools.cycle(paths)

        def call():
            if before is not None:
                before()
            return get(self.client, next(cycle))

        return call


def deep_cursor(client, rows: int) -> tuple[str | None, int]:
    """The address of the page starting at row `rows` of the unfiltered list,
    found by following `next` links (150 rows a step), and that row number."""
    path = "/api/v1/papers/?page_size=150"
    seen = 0
    while seen + 150 <= rows:
        status, body = get(client, path)
        data = json.loads(body) if status == 200 else {}
        if not data.get("next"):
            break
        seen += len(data["results"])
        path = data["next"]
    if seen == 0:
        return None, 0
    parts = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["page_size"] = "50"
    return f"{parts.path}?{urlencode(query)}", seen


def keys_in(body: bytes) -> list[str]:
    """Every citation key in a JSON answer (for the similar/map baselines)."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("citation_key", "key") and isinstance(item, str):
                    found.append(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    try:
        walk(json.loads(body))
    except ValueError:
        return []
    return list(dict.fromkeys(found))


def api_figures(bench: Bench, choices: Choices, papers: int) -> list[Figure]:
    """Every request of the issue's list, in order."""
    raw, params = bench.raw, choices.sql_params
    listing = f"/api/v1/papers/?{choices.list_query}"
    figures = [
        bench.endpoint(
            "paper list (filtered, 50 per page)",
            listing,
            lambda: baselines.paper_page(raw, params),
        ),
    ]
    figures += first_and_deep_pages(bench, papers)
    figures.append(
        bench.endpoint(
            "paper list, most cited first (unfiltered)",
            "/api/v1/papers/?ordering=-cite_count&page_size=50",
            lambda: baselines.paper_page(raw, {"size": 50}, order=baselines.MOST_CITED),
        )
    )
    detail = [f"/api/v1/papers/{key}/" for key in choices.detail_keys]
    keys = iter(list(choices.detail_keys) * 1000)
    figures.append(
        bench.endpoint(
            "paper detail", detail, lambda: baselines.detail(raw, next(keys))
        )
    )
    figures.append(
        bench.endpoint(
            "taxonomy tree with counts",
            "/api/v1/taxonomy/",
            lambda: baselines.taxonomy(raw),
        )
    )
    figures += facet_figures(bench, choices)
    figures += search_figures(bench, choices)
    figures += graph_figures(bench, choices)
    return figures


def first_and_deep_pages(bench: Bench, papers: int) -> list[Figure]:
    """Page 1 and a page about DEEP_ROWS rows deep of the unfiltered list,
    measured in turn (their ratio is a goal)."""
    first = (
        "paper list, page 1 (unfiltered)",
        "/api/v1/papers/?page_size=50",
        lambda: baselines.paper_page(bench.raw, {"size": 50}),
    )
    target = min(DEEP_ROWS, max(0, (papers // 50 - 1) * 50))
    path, row = deep_cursor(bench.client, target)
    name = f"paper list, page {row // 50 + 1} (unfiltered)"
    if path is None:
        skipped = Figure(
            name=name, status="skipped", note="too few papers for a deep page"
        )
        return [*bench.endpoints([first]), skipped]
    after = baselines.keyset_position(bench.raw, row) if bench.raw else None
    deep = (
        name,
        path,
        lambda: baselines.paper_page(bench.raw, {"size": 50}, after),
    )
    figures = bench.endpoints([first, deep])
    figures[1].extra["row"] = row
    return figures


def facet_figures(bench: Bench, choices: Choices) -> list[Figure]:
    raw, params = bench.raw, choices.sql_params
    return [
        bench.endpoint(
            "facet counts (filtered list)",
            f"/api/v1/papers/?{choices.list_query}&facets=1",
            lambda: baselines.facets(raw, params),
        ),
        bench.endpoint(
            "facet counts (all papers)",
            "/api/v1/papers/?facets=1",
            lambda: baselines.facets(raw, {"size": 50}),
            repeat=max(5, bench.repeat // 3),
        ),
    ]


def search_figures(bench: Bench, choices: Choices) -> list[Figure]:
    raw = bench.raw
    figures = []
    for label, term in (("selective", choices.selective), ("broad", choices.broad)):
        figure = bench.endpoint(
            f"full-text search, {label} term ({term!r})",
            f"/api/v1/papers/?{urlencode({'q': term})}",
            lambda term=term: baselines.search_page(raw, term),
            repeat=None if label == "selective" else max(5, bench.repeat // 3),
        )
        if figure.status == "ok":
            body = json.loads(get(bench.client, figure.path)[1])
            figure.extra["matches"] = body.get("count")
        figures.append(figure)
    return figures


def page_figures(bench: Bench, choices: Choices) -> list[Figure]:
    """The pages people browse, each as served again (counts and facets kept
    for the data generation) and as the first view after a write (the cache
    and what each process keeps for the generation emptied before each request)."""
    from django.core.cache import cache

    from taxonomy.cache import forget_in_process

    def forget_everything() -> None:
        cache.clear()
        forget_in_process()

    node = f"/taxonomy/{choices.modality_kind_path}/"
    pages = [
        ("overview page", "/"),
        ("taxonomy page (trees and gap matrices)", "/taxonomy/"),
        ("paper list page", "/papers/"),
        ("paper list page (filtered)", f"/papers/?{choices.list_query}"),
        ("node page (the busiest modality)", node),
        *_busiest_owner_pages(),
    ]
    figures = []
    repeat = max(5, bench.repeat // 4)
    with page_storage():
        for name, path in pages:
            figures.append(bench.endpoint(name, path, repeat=repeat))
            figures.append(
                bench.endpoint(
                    f"{name}, first view after a write",
                    path,
                    repeat=repeat,
                    before=forget_everything,
                )
            )
    return figures


def _busiest_owner_pages() -> list[tuple[str, str]]:
    """The pages of the author with the most papers and of the dataset the
    most papers use (each shows its papers a page at a time)."""
    from papers.models import Author, Authorship
    from taxonomy.models import Dataset

    pages = []
    author = (
        Authorship.objects.values("author")
        .annotate(n=Count("*"))
        .order_by("-n", "author")
        .first()
    )
    if author is not None:
        url = Author(pk=author["author"]).get_absolute_url()
        pages.append((f"author page (the most prolific: {author['n']:,} papers)", url))
    dataset = Dataset.objects.annotate(n=Count("papers")).order_by("-n", "slug").first()
    if dataset is not None:
        name = f"dataset page (the most used: {dataset.n:,} papers)"
        pages.append((name, dataset.get_absolute_url()))
    return pages


def page_storage():
    """Pages render static URLs; with DEBUG off those need the collected
    manifest, which the bench does not build: plain static storage instead
    (the same work per page, bar a manifest lookup)."""
    from django.conf import settings
    from django.test import override_settings

    storages = dict(settings.STORAGES)
    storages["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    return override_settings(STORAGES=storages)


def graph_figures(bench: Bench, choices: Choices) -> list[Figure]:
    """Similar papers and the map of one paper (API and page), and the map of
    a filtered set of about SET_MAP_TARGET papers (API and page)."""
    keys = choices.map_keys
    query = urlencode(choices.set_filter)
    measured = [
        ("similar papers", [f"/api/v1/papers/{k}/similar" for k in keys], True),
        ("one-paper map", [f"/api/v1/papers/{k}/map" for k in keys], True),
        ("one-paper map page", [f"/papers/{k}/map/" for k in keys], False),
        (f"map of a filtered set ({query})", [f"/api/v1/map?{query}"], True),
        (f"map of a filtered set, page ({query})", [f"/map/?{query}"], False),
    ]
    figures = []
    with page_storage():
        for name, paths, floor in measured:
            body = get(bench.client, paths[0])[1] if floor else b""
            shown = keys_in(body)
            figure = bench.endpoint(
                name,
                paths,
                (lambda shown=shown: baselines.papers_by_key(bench.raw, shown))
                if shown
                else None,
                repeat=max(5, bench.repeat // 3),
            )
            if shown:
                figure.note = f"baseline: the rows of the {len(shown)} papers shown"
            if figure.status == "ok" and paths[0].startswith("/api/v1/map"):
                figure.extra["nodes"] = len(json.loads(body).get("nodes", []))
            figures.append(figure)
    return figures
