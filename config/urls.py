"""URL map: HTML pages, the admin and the API."""

from django.contrib import admin
from django.urls import include, path

from config.login_throttle import ThrottledAdminAuthenticationForm, ThrottledLoginView
from maps import api as maps_api

# Failed log-ins are throttled per username and address on both log-in pages.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The map endpoints sit under /api/v1/ but before the api include, whose
    # last pattern answers every other path with a 404.
    path(
        "api/v1/papers/<str:key>/similar",
        maps_api.SimilarPapersView.as_view(),
        name="api-paper-similar",
    ),
    path(
        "api/v1/papers/<str:key>/map",
        maps_api.PaperMapView.as_view(),
        name="api-paper-map",
    ),
    path("api/v1/map", maps_api.SetMapView.as_view(), name="api-map"),
    path("api/v1/stats/coverage", maps_api.CoverageView.as_view(), name="api-coverage"),
    path("api/v1/stats/trends", maps_api.TrendsView.as_view(), name="api-trends"),
    path("api/", include("api.urls")),
    path("taxonomy/", include("taxonomy.urls")),
    path("", include("maps.urls")),
    path("", include("papers.urls")),
]

handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
