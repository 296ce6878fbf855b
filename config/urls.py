"""URL map: HTML pages, the admin and the API."""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.http import Http404
from django.urls import include, path

from config.login_throttle import ThrottledAdminAuthenticationForm, ThrottledLoginView
from maps import api as maps_api

# Failed log-ins are throttled per username and address on both log-in pages.
admin.site.login_form = ThrottledAdminAuthenticationForm


def only_with_mail(view):
    """A password reset page, which is no page at all (404) unless the site can
    mail the reset link (settings.ATLAS_PASSWORD_RESET)."""

    @wraps(view)
    def reset_page(request, *args, **kwargs):
        if not settings.ATLAS_PASSWORD_RESET:
            raise Http404("Password reset is not offered on this site.")
        return view(request, *args, **kwargs)

    return reset_page


def account_page(pattern):
    """One of django.contrib.auth.urls as this site serves it: the log-in
    throttled, password reset only where mail can carry the link."""
    if pattern.name == "login":
        return path("login/", ThrottledLoginView.as_view(), name="login")
    if pattern.name.startswith("password_reset"):
        return path(
            str(pattern.pattern), only_with_mail(pattern.callback), name=pattern.name
        )
    return pattern


account_urls = [account_page(pattern) for pattern in auth_urls.urlpatterns]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urls)),
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
