from django.urls import path

from papers import views

app_name = "papers"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("papers/", views.PaperListView.as_view(), name="list"),
    path("papers/<str:key>/", views.PaperDetailView.as_view(), name="detail"),
    path("authors/<int:pk>/", views.AuthorView.as_view(), name="author"),
]
