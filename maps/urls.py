from django.urls import path

from maps import views

app_name = "maps"
urlpatterns = [
    path("map/", views.SetMapView.as_view(), name="map"),
    path("papers/<str:key>/map/", views.PaperMapView.as_view(), name="paper-map"),
    path("stats/", views.StatsView.as_view(), name="stats"),
]
