"""URL map: HTML pages, the admin and the API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("api.urls")),
    path("taxonomy/", include("taxonomy.urls")),
    path("", include("papers.urls")),
]

handler500 = "config.errors.server_error"
