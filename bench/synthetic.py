"""Synthetic papers as plain rows (no Django here): what bench.generate writes.

Realism where it matters for speed: years skewed to recent ones, 1-15 authors
with a few prolific ones, 1-6 labels drawn from the real taxonomy (a method is
one of the paper's application's method families), abstracts of 120-260 words
with a Zipf word distribution, and citations with a power-law in-degree
(preferential attachment to older papers of high fitness).
"""

from dataclasses import dataclass, field

import numpy as np

from bench import vocabulary as words

FIRST_YEAR, LAST_YEAR = 1990, 2026
KEY_PREFIX = "syn"
VENUE_PREFIX = "SYN "
DOI_PREFIX = "10.5555/syn."


@dataclass(frozen=True)
class TaxonomyPlan:
    """Node ids the labels are drawn from, grouped the way the review groups them."""

    modalities: list[int]
    applications: list[int]
    #: application id -> method node ids related to it (families and sub-families)
    methods: dict[int, list[int]]
    #: application id -> open issue ids related to it
    open_issues: dict[int, list[int]]
    datasets: list[int] = field(default_factory=list)


@dataclass
class PaperRows:
    """Columns of the synthetic papers, index i is paper i (oldest first)."""

    keys: list[str]
    years: np.ndarray
    months: list[int | None]
    titles: list[str]
    abstracts: list[str]
    venues: np.ndarray
    dois: list[str | None]
    arxiv_ids: list[str | None]
    cite_counts: list[int | None]
    authors: list[list[int]]
    labels: list[list[int]]
    datasets: list[list[int]]
    citations: np.ndarray  # shape (M, 2): citing index, cited index


def zipf_weights(n: int, exponent: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def paper_years(rng: np.random.Generator, n: int) -> np.ndarray:
    """Years 1990-2026, each year about 12% busier than the one before, sorted."""
    span = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    weights = 1.12 ** (span - FIRST_YEAR)
    return np.sort(rng.choice(span, size=n, p=weights / weights.sum()))


def abstracts(rng: np.random.Generator, n: int) -> list[str]:
    """Abstracts of 120-260 words in sentences of 8-24 words."""
    vocab = np.array(words.ABSTRACT_WORDS, dtype=object)
    lengths = rng.integers(120, 261, size=n)
    drawn = vocab[
        rng.choice(len(vocab), size=int(lengths.sum()), p=zipf_weights(len(vocab), 0.9))
    ]
    common = rng.random(n) < 0.8
    rare = rng.random(n) < 0.001 * len(words.RARE_WORDS)
    texts, start = [], 0
    for i, length in enumerate(lengths):
        chunk = list(drawn[start : start + length])
        start += length
        if common[i]:
            chunk[int(rng.integers(length))] = words.COMMON_TERM
        if rare[i]:
            chunk[int(rng.integers(length))] = words.RARE_WORDS[
                i % len(words.RARE_WORDS)
            ]
        texts.append(_sentences(chunk, rng))
    return texts


def _sentences(chunk: list[str], rng: np.random.Generator) -> str:
    out, position = [], 0
    while position < len(chunk):
        size = int(rng.integers(8, 25))
        sentence = chunk[position : position + size]
        position += size
        out.append(" ".join(sentence).capitalize() + ".")
    return " ".join(out)


def titles(rng: np.random.Generator, n: int) -> list[str]:
    picks = [
        rng.integers(len(part), size=n)
        for part in (words.TITLE_OPENINGS, words.TITLE_METHODS, words.TITLE_TASKS)
    ]
    setting = rng.integers(-len(words.TITLE_SETTINGS), len(words.TITLE_SETTINGS), n)
    out = []
    for i in range(n):
        title = (
            f"{words.TITLE_OPENINGS[picks[0][i]]} {words.TITLE_METHODS[picks[1][i]]}"
            f" for {words.TITLE_TASKS[picks[2][i]]}"
        )
        if setting[i] >= 0:
            title += " " + words.TITLE_SETTINGS[setting[i]]
        out.append(title)
    return out


def author_names(taken: set[tuple[str, str]], count: int, rng) -> list[tuple[str, str]]:
    """`count` distinct (given, family) names, none of them in `taken`: first
    name x family name, then with middle initials once those run out."""
    given, family = words.GIVEN_NAMES, words.FAMILY_NAMES
    letters = "ABCDEFGHJKLMNPRSTW"
    middles = ["", *letters, *(a + b for a in letters for b in letters)]
    names, seen = [], set(taken)
    for middle in middles:
        for code in rng.permutation(len(given) * len(family)):
            first = given[code % len(given)]
            name = (
                f"{first} {middle}." if middle else first,
                family[code // len(given)],
            )
            if name not in seen:
                seen.add(name)
                names.append(name)
                if len(names) == count:
                    return names
    raise ValueError(f"cannot make {count} distinct author names")


def paper_authors(rng: np.random.Generator, n: int, pool: int) -> list[list[int]]:
    """1-15 distinct author indexes per paper; a few authors write many papers."""
    counts = np.clip(rng.geometric(0.28, size=n), 1, 15)
    fitness = rng.pareto(1.6, size=pool) + 1.0
    draws = rng.choice(pool, size=int(counts.sum()), p=fitness / fitness.sum())
    out, start = [], 0
    for count in counts:
        out.append(list(dict.fromkeys(draws[start : start + count].tolist())))
        start += count
    return out


def paper_labels(
    rng: np.random.Generator, n: int, plan: TaxonomyPlan
) -> list[list[int]]:
    """An application, 1-2 modalities, 0-3 of its methods, sometimes an open
    issue: 1-6 distinct nodes per paper."""
    apps = np.array(plan.applications)
    app_pick = apps[rng.choice(len(apps), size=n, p=zipf_weights(len(apps), 0.7))]
    mod_p = zipf_weights(len(plan.modalities), 1.1)
    out = []
    for i in range(n):
        app = int(app_pick[i])
        nodes = [app]
        nodes += [
            plan.modalities[m]
            for m in rng.choice(len(mod_p), size=int(rng.integers(1, 3)), p=mod_p)
        ]
        methods = plan.methods.get(app) or []
        if methods:
            nodes += [
                methods[m]
                for m in rng.integers(len(methods), size=int(rng.integers(0, 4)))
            ]
        issues = plan.open_issues.get(app) or []
        if issues and rng.random() < 0.1:
            nodes.append(issues[int(rng.integers(len(issues)))])
        out.append(list(dict.fromkeys(nodes))[:6])
    return out


def citations(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """About m distinct (citing, cited) pairs; each paper cites older ones,
    chosen in proportion to a heavy-tailed fitness, so in-degrees follow a
    power law."""
    if n < 2 or m <= 0:
        return np.empty((0, 2), dtype=np.int64)
    m = min(m, n * (n - 1) // 2)
    cumulative = np.cumsum(rng.pareto(1.3, size=n) + 0.05)
    found = np.empty(0, dtype=np.int64)
    for _ in range(20):
        need = m - len(found)
        if need <= 0:
            break
        citing = rng.integers(1, n, size=int(need * 1.1) + 16)
        cited = np.searchsorted(
            cumulative, rng.random(len(citing)) * cumulative[citing - 1], side="right"
        )
        cited = np.minimum(cited, citing - 1)
        found = np.unique(np.concatenate([found, citing * n + cited]))
    found = rng.permutation(found)[:m]
    return np.stack([found // n, found % n], axis=1)


def arxiv_ids(
    rng, years: np.ndarray, months: list, taken: set[str]
) -> list[str | None]:
    """Unique new-style arXiv ids (YYMM.NNNNN) for a third of the papers after 2007."""
    serial: dict[str, int] = {}
    out: list[str | None] = []
    for year, month, has in zip(
        years, months, rng.random(len(years)) < 0.33, strict=True
    ):
        if not has or year < 2008:
            out.append(None)
            continue
        stem = f"{year % 100:02d}{month or 1:02d}"
        while True:
            serial[stem] = serial.get(stem, 0) + 1
            candidate = f"{stem}.{90000 + serial[stem]:05d}"
            if candidate not in taken:
                break
        out.append(candidate)
    return out


def build(*, n: int, m: int, seed: int, plan: TaxonomyPlan, venues: int,
          author_pool: int, taken_arxiv: set[str]) -> PaperRows:  # fmt: skip
    """All synthetic rows for n papers and about m citations, from one seed."""
    rng = np.random.default_rng(seed)
    years = paper_years(rng, n)
    months = [int(x) if x else None for x in rng.integers(0, 13, size=n)]
    authors = paper_authors(rng, n, author_pool)
    edges = citations(rng, n, m)
    in_degree = (
        np.bincount(edges[:, 1], minlength=n) if len(edges) else np.zeros(n, int)
    )
    keys = [f"{KEY_PREFIX}{int(y)}p{i:07d}" for i, y in enumerate(years)]
    has_doi = rng.random(n) < 0.85
    counted = rng.random(n) < 0.9
    factor = rng.integers(1, 6, size=n)
    return PaperRows(
        keys=keys,
        years=years,
        months=months,
        titles=titles(rng, n),
        abstracts=abstracts(rng, n),
        venues=rng.choice(venues, size=n, p=zipf_weights(venues, 0.8)),
        dois=[f"{DOI_PREFIX}{i:07d}" if d else None for i, d in enumerate(has_doi)],
        arxiv_ids=arxiv_ids(rng, years, months, taken_arxiv),
        cite_counts=[
            int(in_degree[i] * factor[i]) if counted[i] else None for i in range(n)
        ],
        authors=authors,
        labels=paper_labels(rng, n, plan),
        datasets=_datasets(rng, n, plan.datasets),
        citations=edges,
    )


def _datasets(rng, n: int, datasets: list[int]) -> list[list[int]]:
    if not datasets:
        return [[] for _ in range(n)]
    counts = np.where(rng.random(n) < 0.3, rng.integers(1, 3, size=n), 0)
    return [
        list(dict.fromkeys(datasets[j] for j in rng.integers(len(datasets), size=c)))
        for c in counts
    ]
