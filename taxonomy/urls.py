from django.urls import path

from taxonomy import views

app_name = "taxonomy"
urlpatterns = [
    path("", views.TaxonomyView.as_view(), name="index"),
    path("datasets/<slug:slug>/", views.DatasetView.as_view(), name="dataset"),
    path("<str:kind>/<slug:slug>/", views.NodeView.as_view(), name="node"),
]
