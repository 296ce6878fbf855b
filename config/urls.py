"""URL map: HTML pages, the admin and the API."""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
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


# django.contrib.auth.urls, with the throttled log-in and reset only with mail.
account_urls = [
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        only_with_mail(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        only_with_mail(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        only_with_mail(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        only_with_mail(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

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
