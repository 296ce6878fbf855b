"""The floor of each request: the same rows fetched with raw SQL through psycopg
and serialised with the json module (PostgreSQL only; no Django involved in the
timed part). URLs are formatted the way the API formats them, as plain strings.
"""

import json

import psycopg

PUBLISHED = "p.status = 'published'"
#: The stored, GIN-indexed search document (papers migration 0006).
SEARCH_VECTOR = "p.search_document"
ROW_COLUMNS = (
    "p.id, p.citation_key, p.entry_type, p.title, p.year, p.month, p.et_al, p.doi,"
    " p.arxiv_id, p.cite_count, p.status, v.id, v.name, v.short_name"
)
SORT_YEAR = "COALESCE(p.year, 0)"
MOST_CITED = "COALESCE(p.cite_count, -1) DESC, p.id"
BASE = "http://127.0.0.1/api/v1"


def connect(settings_dict: dict) -> psycopg.Connection:
    """A plain psycopg connection to the database Django is configured for."""
    return psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        autocommit=True,
    )


def _related(cur, ids: list[int]) -> tuple[dict, dict]:
    authors: dict[int, list] = {pk: [] for pk in ids}
    cur.execute(
        "SELECT a.paper_id, a.author_id, au.given, au.von, au.family"
        " FROM papers_authorship a JOIN papers_author au ON au.id = a.author_id"
        " WHERE a.paper_id = ANY(%s) ORDER BY a.paper_id, a.position",
        (ids,),
    )
    for paper, author, given, von, family in cur:
        name = " ".join(part for part in (given, von, family) if part)
        authors[paper].append(
            {"url": f"{BASE}/authors/{author}/", "id": author, "name": name}
        )
    labels: dict[int, list] = {pk: [] for pk in ids}
    cur.execute(
        "SELECT l.paper_id, n.kind, n.slug, n.name, l.provenance, l.source"
        " FROM papers_label l JOIN taxonomy_node n ON n.id = l.node_id"
        " WHERE l.paper_id = ANY(%s)",
        (ids,),
    )
    for paper, kind, slug, name, provenance, source in cur:
        labels[paper].append(
            {
                "url": f"{BASE}/nodes/{kind}:{slug}/",
                "kind": kind, "slug": slug, "name": name,
                "provenance": provenance, "source": source,
            }
        )  # fmt: skip
    return authors, labels


def _items(cur, rows) -> list[dict]:
    ids = [row[0] for row in rows]
    authors, labels = _related(cur, ids)
    items = []
    for pk, key, kind, title, year, month, et_al, doi, arxiv, cites, status, *v in rows:
        venue = None
        if v[0] is not None:
            venue = {"url": f"{BASE}/venues/{v[0]}/", "id": v[0], "name": v[1],
                     "short_name": v[2]}  # fmt: skip
        items.append(
            {
                "url": f"{BASE}/papers/{key}/", "citation_key": key,
                "entry_type": kind, "title": title, "year": year, "month": month,
                "authors": authors[pk], "et_al": et_al, "venue": venue, "doi": doi,
                "arxiv_id": arxiv, "cite_count": cites, "status": status,
                "labels": labels[pk],
            }
        )  # fmt: skip
    return items


def page_sql(where: str, order: str = "", extra_from: str = "") -> str:
    return (
        f"SELECT {ROW_COLUMNS} FROM papers_paper p{extra_from}"
        f" LEFT JOIN papers_venue v ON v.id = p.venue_id WHERE {where}"
        f" ORDER BY {order or f'{SORT_YEAR} DESC, p.title, p.id'} LIMIT %(size)s"
    )


def filter_where(params: dict) -> str:
    """Published papers in the year range, labelled under every node group."""
    where = [PUBLISHED]
    if "year_min" in params:
        where.append("p.year >= %(year_min)s AND p.year <= %(year_max)s")
    for name in params.get("node_groups", ()):
        where.append(
            "EXISTS (SELECT 1 FROM papers_label l WHERE l.paper_id = p.id"
            f" AND l.node_id = ANY(%({name})s))"
        )
    return " AND ".join(where)


def paper_page(
    conn, params: dict, after: tuple | None = None, order: str = ""
) -> bytes:
    """One page of the (filtered) list, newest first unless ``order`` says
    otherwise (SQL; no ``after`` then), with its total count."""
    where = filter_where(params)
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM papers_paper p WHERE {where}", params)
        count = cur.fetchone()[0]
        if after is not None:
            where += (
                f" AND ({SORT_YEAR} < %(ay)s OR ({SORT_YEAR} = %(ay)s AND"
                " (p.title > %(at)s OR (p.title = %(at)s AND p.id > %(ai)s))))"
            )
            params = {**params, "ay": after[0], "at": after[1], "ai": after[2]}
        cur.execute(page_sql(where, order), params)
        items = _items(cur, cur.fetchall())
    body = {"count": count, "next": None, "previous": None, "results": items}
    return json.dumps(body).encode()


def keyset_position(conn, offset: int) -> tuple | None:
    """(sort year, title, id) of the row just before `offset` in the full list."""
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT {SORT_YEAR}, p.title, p.id FROM papers_paper p WHERE {PUBLISHED}"
            f" ORDER BY {SORT_YEAR} DESC, p.title, p.id OFFSET %s LIMIT 1",
            (offset - 1,),
        )
        return cur.fetchone()


def search_page(conn, text: str, size: int = 50) -> bytes:
    """Best matches first (bounded), with the number of matches."""
    match = f"{SEARCH_VECTOR} @@ websearch_to_tsquery('english', %(q)s)"
    with conn.cursor() as cur:
        params = {"q": text, "size": size}
        cur.execute(
            f"SELECT count(*) FROM papers_paper p WHERE {PUBLISHED} AND {match}", params
        )
        count = cur.fetchone()[0]
        order = (
            f"ts_rank({SEARCH_VECTOR}, websearch_to_tsquery('english', %(q)s)) DESC,"
            " p.id"
        )
        cur.execute(page_sql(f"{PUBLISHED} AND {match}", order), params)
        items = _items(cur, cur.fetchall())
    return json.dumps({"count": count, "results": items}).encode()


def detail(conn, key: str) -> bytes:
    with conn.cursor() as cur:
        cur.execute(
            page_sql(f"{PUBLISHED} AND p.citation_key = %(key)s", "p.id"),
            {"key": key, "size": 1},
        )
        item = _items(cur, cur.fetchall())[0]
        more = "SELECT id, abstract, extra::text, provenance::text FROM papers_paper"
        pk = cur.execute(more + " WHERE citation_key = %s", (key,)).fetchone()
        item.update(
            abstract=pk[1], extra=json.loads(pk[2]), provenance=json.loads(pk[3])
        )
        cur.execute(
            "SELECT (SELECT count(*) FROM papers_citation WHERE citing_id = %(id)s),"
            " (SELECT count(*) FROM papers_citation WHERE cited_id = %(id)s)",
            {"id": pk[0]},
        )
        item["reference_count"], item["cited_by_count"] = cur.fetchone()
        cur.execute(
            "SELECT d.slug, d.name FROM papers_paper_datasets pd"
            " JOIN taxonomy_dataset d ON d.id = pd.dataset_id WHERE pd.paper_id = %s",
            (pk[0],),
        )
        item["datasets"] = [{"slug": s, "name": n} for s, n in cur]
        cur.execute(
            "SELECT key FROM papers_citationkeyalias WHERE paper_id = %s", (pk[0],)
        )
        item["former_keys"] = [row[0] for row in cur]
    return json.dumps(item).encode()


def node_pairs(conn) -> tuple[list, list[int], list[int]]:
    """Every node, and (ancestor, node) pairs: each node with itself and below."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id, kind, slug, name, parent_id, provenance FROM taxonomy_node"
        )
        nodes = cur.fetchall()
    parents = {row[0]: row[4] for row in nodes}
    ancestors, below = [], []
    for pk in parents:
        current = pk
        while current is not None:
            ancestors.append(current)
            below.append(pk)
            current = parents[current]
    return nodes, ancestors, below


def node_counts(cur, pairs, where: str = PUBLISHED, params: dict | None = None):
    _, ancestors, below = pairs
    cur.execute(
        "SELECT a.ancestor, count(DISTINCT l.paper_id) FROM papers_label l"
        " JOIN unnest(%(anc)s::bigint[], %(below)s::bigint[]) AS a(ancestor, node)"
        " ON a.node = l.node_id JOIN papers_paper p ON p.id = l.paper_id"
        f" WHERE {where} GROUP BY a.ancestor",
        {**(params or {}), "anc": ancestors, "below": below},
    )
    return dict(cur.fetchall())


def taxonomy(conn) -> bytes:
    """Every node as a tree per kind, with published papers under each."""
    pairs = node_pairs(conn)
    with conn.cursor() as cur:
        counts = node_counts(cur, pairs)
    children: dict = {}
    for pk, kind, slug, name, parent, provenance in pairs[0]:
        children.setdefault(parent, []).append(
            {"id": pk, "kind": kind, "slug": slug, "name": name,
             "provenance": provenance, "paper_count": counts.get(pk, 0)}
        )  # fmt: skip

    def tree(item):
        return {**item, "children": [tree(c) for c in children.get(item["id"], [])]}

    forests: dict = {}
    for root in children.get(None, []):
        forests.setdefault(root["kind"], []).append(tree(root))
    return json.dumps(forests).encode()


def facets(conn, params: dict) -> bytes:
    """Per-node and per-year counts of the filtered papers, plus page 1."""
    where = filter_where(params)
    pairs = node_pairs(conn)
    page = paper_page(conn, params)
    with conn.cursor() as cur:
        counts = node_counts(cur, pairs, where, params)
        cur.execute(
            f"SELECT p.year, count(*) FROM papers_paper p WHERE {where}"
            " GROUP BY p.year ORDER BY p.year DESC NULLS LAST",
            params,
        )
        years = [{"value": y, "count": n} for y, n in cur]
    nodes = [{"slug": r[2], "count": counts.get(r[0], 0)} for r in pairs[0]]
    return page + json.dumps({"nodes": nodes, "year": years}).encode()


def papers_by_key(conn, keys: list[str]) -> bytes:
    """The rows of a few papers (the floor of similar papers and maps)."""
    with conn.cursor() as cur:
        cur.execute(
            page_sql(f"{PUBLISHED} AND p.citation_key = ANY(%(keys)s)", "p.id"),
            {"keys": keys, "size": len(keys)},
        )
        return json.dumps(_items(cur, cur.fetchall())).encode()
