"""Thin API views: querysets from selectors, writes through services."""

from api.views.links import (
    AuthorViewSet,
    CitationViewSet,
    LabelViewSet,
    ResultViewSet,
    VenueViewSet,
)
from api.views.papers import PaperViewSet
from api.views.taxonomy import (
    DatasetViewSet,
    MetricViewSet,
    NodeViewSet,
    TaxonomyViewSet,
)

__all__ = [
    "AuthorViewSet",
    "CitationViewSet",
    "DatasetViewSet",
    "LabelViewSet",
    "MetricViewSet",
    "NodeViewSet",
    "PaperViewSet",
    "ResultViewSet",
    "TaxonomyViewSet",
    "VenueViewSet",
]
