"""Papers, citations and label statistics as the graph functions read them."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

LABEL_KINDS = ("modality", "application", "method", "open_issue")
#: The same data always draws the same map and finds the same communities.
SEED = 20230201


@dataclass(frozen=True)
class PaperRow:
    """One paper as the graph sees it; labels are "kind:slug" ids, ancestors too."""

    id: int
    key: str
    title: str
    year: int | None = None
    labels: frozenset[str] = frozenset()


@dataclass
class Corpus:
    """Papers, citations and label statistics: what every graph function reads.

    A corpus may hold only a neighbourhood of a larger graph; the counts then
    come from the whole graph, so that scores do not depend on what was loaded.
    """

    papers: dict[int, PaperRow]
    references: dict[int, set[int]]
    citers: dict[int, set[int]]
    label_names: dict[str, str] = field(default_factory=dict)
    label_counts: Counter = field(default_factory=Counter)
    total: int = 0
    reference_counts: dict[int, int] = field(default_factory=dict)
    citer_counts: dict[int, int] = field(default_factory=dict)

    def labels(self, paper: int) -> frozenset[str]:
        row = self.papers.get(paper)
        return row.labels if row else frozenset()

    def label_weight(self, label: str) -> float:
        """Inverse document frequency: a rare shared label says more."""
        return math.log((1 + self.total) / (1 + self.label_counts.get(label, 0))) + 1

    def label_name(self, label: str) -> str:
        return self.label_names.get(label) or label.partition(":")[2]

    def reference_count(self, paper: int) -> int:
        return self.reference_counts.get(paper, len(self.references.get(paper, ())))

    def citer_count(self, paper: int) -> int:
        return self.citer_counts.get(paper, len(self.citers.get(paper, ())))


def build_corpus(
    papers: Iterable[PaperRow],
    citations: Iterable[tuple[int, int]],
    *,
    label_names: Mapping[str, str] | None = None,
    label_counts: Mapping[str, int] | None = None,
    total: int | None = None,
    reference_counts: Mapping[int, int] | None = None,
    citer_counts: Mapping[int, int] | None = None,
) -> Corpus:
    """A corpus from paper rows and (citing, cited) pairs; counts default to these."""
    rows = {row.id: row for row in papers}
    references: dict[int, set[int]] = defaultdict(set)
    citers: dict[int, set[int]] = defaultdict(set)
    for citing, cited in citations:
        if citing != cited:
            references[citing].add(cited)
            citers[cited].add(citing)
    if label_counts is None:
        label_counts = Counter(label for row in rows.values() for label in row.labels)
    return Corpus(
        papers=rows,
        references=dict(references),
        citers=dict(citers),
        label_names=dict(label_names or {}),
        label_counts=Counter(label_counts),
        total=len(rows) if total is None else total,
        reference_counts=dict(reference_counts or {}),
        citer_counts=dict(citer_counts or {}),
    )
