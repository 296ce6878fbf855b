"""The API under /api/: version 1, its OpenAPI schema and the documentation."""

from csp.decorators import csp_update
from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from api import views
from api.errors import not_found
from api.views.imports import BibtexImportView

app_name = "api"

router = DefaultRouter()
router.register("papers", views.PaperViewSet, basename="paper")
router.register("authors", views.AuthorViewSet, basename="author")
router.register("venues", views.VenueViewSet, basename="venue")
router.register("nodes", views.NodeViewSet, basename="node")
router.register("taxonomy", views.TaxonomyViewSet, basename="taxonomy")
router.register("datasets", views.DatasetViewSet, basename="dataset")
router.register("metrics", views.MetricViewSet, basename="metric")
router.register("results", views.ResultViewSet, basename="result")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("labels", views.LabelViewSet, basename="label")

urlpatterns = [
    path("v1/", include(router.urls)),
    path(
        "v1/import/bibtex",
        BibtexImportView.as_view(),
        name="import-bibtex",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Both load their scripts from URLs, as the Content Security Policy requires.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "redoc/",
        csp_update(settings.REDOC_POLICY)(
            SpectacularRedocView.as_view(
                url_name="api:schema", template_name="api/redoc.html"
            )
        ),
        name="redoc",
    ),
    re_path(r"^.*$", not_found, name="not-found"),
]
