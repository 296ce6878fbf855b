"""Atom feeds of the papers newly added to the knowledge base: all of them, or
those a paper-list query selects (`/feeds/papers/?modality=image`), so that a
reader can follow one corner of the field in a feed reader."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest, QueryDict
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from papers.filtersets import PaperFilterSet
from papers.models import Label, Paper
from papers.selectors import newest_papers, paper_list
from papers.views.listing import tidy_query
from taxonomy.models import Provenance

FEED_SIZE = 50


@dataclass
class FeedQuery:
    filterset: PaperFilterSet
    query: str  # the paper list's query string, without empty values

    def on(self, url: str) -> str:
        return f"{url}?{self.query}" if self.query else url


class FeedQueryError(ValueError):
    """A feed query the paper list would refuse; its message names the parameter."""


class NewPapersFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except FeedQueryError as error:
            return HttpResponseBadRequest(
                str(error), content_type="text/plain; charset=utf-8"
            )

    def get_object(self, request) -> FeedQuery:
        # A feed is always newest additions first, all in one document.
        query = tidy_query(request.GET, drop=("ordering", "page"))
        filterset = PaperFilterSet(QueryDict(query), queryset=paper_list())
        unknown = sorted(set(filterset.data) - set(PaperFilterSet.base_filters))
        if unknown:
            raise FeedQueryError(f"Unknown parameter: {', '.join(unknown)}.")
        if not filterset.is_valid():
            raise FeedQueryError(filterset.error_text())
        return FeedQuery(filterset, query)

    def title(self, feed: FeedQuery) -> str:
        return "Survey Atlas: new papers" + (" matching a query" if feed.query else "")

    def subtitle(self, feed: FeedQuery) -> str:
        return (
            "Papers newly added to the knowledge base of the review's taxonomy"
            + (f" that match {feed.query}" if feed.query else "")
            + "; unmarked labels are stated by the review, labels marked (inferred)"
            + " or (curated) are not."
        )

    def link(self, feed: FeedQuery) -> str:
        return feed.on(reverse("papers:list"))

    def feed_url(self, feed: FeedQuery) -> str:
        return feed.on(reverse("papers:feed"))

    def items(self, feed: FeedQuery) -> list[Paper]:
        return list(newest_papers(feed.filterset.qs, FEED_SIZE))

    def item_title(self, paper: Paper) -> str:
        return paper.title

    def item_description(self, paper: Paper) -> str:
        authors = ", ".join(a.author.display_name for a in paper.authorships.all())
        if paper.et_al:
            authors += " et al."
        where = " · ".join(
            str(part) for part in (paper.venue and paper.venue.name, paper.year) if part
        )
        text = " — ".join(part for part in (authors, where, paper.abstract) if part)
        return escape(text)  # an Atom summary is HTML; this text must stay text

    def item_author_name(self, paper: Paper) -> str | None:
        authorships = paper.authorships.all()
        if not authorships:
            return None
        more = len(authorships) > 1 or paper.et_al
        return authorships[0].author.display_name + (" et al." if more else "")

    def item_pubdate(self, paper: Paper):
        return paper.created

    def item_updateddate(self, paper: Paper):
        return paper.updated

    def item_categories(self, paper: Paper) -> list[str]:
        return [marked_label(label) for label in paper.labels.all()]


def marked_label(label: Label) -> str:
    """A label's node name, marked "(inferred)" or "(curated)" unless the review
    states it: an unmarked label must read as the review's own."""
    if label.provenance == Provenance.SURVEY:
        return label.node.name
    return f"{label.node.name} ({label.provenance})"
