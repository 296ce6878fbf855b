"""Similar papers with their reasons, and a neighbourhood's prior and derivative
works (the papers it cites most, and the papers citing most of it)."""

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from papers.graph.corpus import Corpus

#: Weights of the similarity components (each lies between 0 and 1 unweighted).
WEIGHTS = {
    "coupling": 1.0,
    "cocitation": 1.0,
    "labels": 1.0,
    "direct": 0.5,
    "text": 0.5,
}
#: Title similarity (0..1) from which "similar title" is given as a reason.
TEXT_REASON_MIN = 0.3


@dataclass(frozen=True)
class Similarity:
    """How much `paper` resembles the paper it was compared with, and why."""

    paper: int
    score: float
    coupling: int = 0
    cocitation: int = 0
    shared_labels: tuple[str, ...] = ()
    cites: bool = False
    cited_by: bool = False
    text: float = 0.0

    @property
    def reasons(self) -> list[str]:
        """Plain-language reasons, citation evidence first."""
        reasons = []
        if self.coupling:
            reasons.append(
                "cites 1 paper in common"
                if self.coupling == 1
                else f"cites {self.coupling} of the same papers"
            )
        if self.cocitation:
            plural = "" if self.cocitation == 1 else "s"
            reasons.append(f"cited together by {self.cocitation} paper{plural}")
        if self.shared_labels:
            reasons.append("both: " + " + ".join(self.shared_labels[:3]))
        if self.cites:
            reasons.append("this paper cites it")
        if self.cited_by:
            reasons.append("it cites this paper")
        if self.text >= TEXT_REASON_MIN:
            reasons.append("similar title")
        return reasons


WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def _word_trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def trigrams(text: str) -> frozenset[str]:
    """The trigrams of a title as PostgreSQL's pg_trgm counts them: each word
    (letters and digits), lower-cased, padded with two spaces before it and one
    after it. Titles share most of their words, so each word's are kept."""
    return frozenset().union(*map(_word_trigrams, WORD.findall(text.lower())))


def title_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared trigrams over all trigrams of two titles (pg_trgm's similarity)."""
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if shared else 0.0


def cosine(shared: float, size_a: int, size_b: int) -> float:
    """Salton's cosine: shared items relative to both sizes (0 when any is 0)."""
    return shared / math.sqrt(size_a * size_b) if shared and size_a and size_b else 0.0


def similarity_score(
    *, coupling: float, cocitation: float, labels: float, direct: bool, text: float
) -> float:
    """The combined score from components that each lie between 0 and 1."""
    total = (
        WEIGHTS["coupling"] * coupling
        + WEIGHTS["cocitation"] * cocitation
        + WEIGHTS["labels"] * labels
        + WEIGHTS["direct"] * direct
        + WEIGHTS["text"] * text
    )
    return round(total, 6)


def label_overlap(corpus: Corpus, a: int, b: int) -> tuple[float, list[str]]:
    """Weighted Jaccard of two papers' labels, and the shared labels, rarest first."""
    labels_a, labels_b = corpus.labels(a), corpus.labels(b)
    shared = sorted(labels_a & labels_b, key=lambda x: (-corpus.label_weight(x), x))
    if not shared:
        return 0.0, []
    union = sum(corpus.label_weight(label) for label in labels_a | labels_b)
    return sum(corpus.label_weight(label) for label in shared) / union, shared


def similarity(corpus: Corpus, origin: int, other: int, *, text: float = 0.0):
    """How `other` resembles `origin`: citations in common, labels, title."""
    refs = corpus.references.get(origin, set()), corpus.references.get(other, set())
    cits = corpus.citers.get(origin, set()), corpus.citers.get(other, set())
    coupling, cocitation = len(refs[0] & refs[1]), len(cits[0] & cits[1])
    labels, shared = label_overlap(corpus, origin, other)
    cites, cited_by = other in refs[0], origin in refs[1]
    ref_sizes = corpus.reference_count(origin), corpus.reference_count(other)
    cit_sizes = corpus.citer_count(origin), corpus.citer_count(other)
    score = similarity_score(
        coupling=cosine(coupling, *ref_sizes),
        cocitation=cosine(cocitation, *cit_sizes),
        labels=labels,
        direct=cites or cited_by,
        text=text,
    )
    names = tuple(corpus.label_name(label) for label in shared)
    return Similarity(
        other, score, coupling, cocitation, names, cites, cited_by, round(text, 4)
    )


def similar_papers(
    corpus: Corpus,
    origin: int,
    *,
    text_scores: Mapping[int, float] | None = None,
    limit: int = 10,
) -> list[Similarity]:
    """The corpus's papers most like `origin`, best first (ties by citation key)."""
    text_scores = text_scores or {}
    found = [
        similarity(corpus, origin, other, text=text_scores.get(other, 0.0))
        for other in corpus.papers
        if other != origin
    ]
    found = [item for item in found if item.score > 0]
    found.sort(key=lambda item: (-item.score, corpus.papers[item.paper].key))
    return found[:limit]


def _linked_works(links, members, exclude, min_links, limit) -> list[tuple[int, int]]:
    counts = Counter(
        other for member in set(members) for other in links.get(member, ())
    )
    ranked = [
        (paper, n)
        for paper, n in counts.items()
        if n >= min_links and paper not in exclude
    ]
    ranked.sort(key=lambda pair: (-pair[1], pair[0]))
    return ranked[:limit]


def prior_works(
    corpus: Corpus,
    members: Iterable[int],
    *,
    exclude: Iterable[int] = (),
    min_links: int = 2,
    limit: int = 10,
) -> list[tuple[int, int]]:
    """Papers most cited by the members: (paper, how many members cite it)."""
    return _linked_works(corpus.references, members, set(exclude), min_links, limit)


def derivative_works(
    corpus: Corpus,
    members: Iterable[int],
    *,
    exclude: Iterable[int] = (),
    min_links: int = 2,
    limit: int = 10,
) -> list[tuple[int, int]]:
    """Papers citing many of the members: (paper, how many members it cites)."""
    return _linked_works(corpus.citers, members, set(exclude), min_links, limit)
