from django.urls import path

from papers.views import browse, curate, feeds, importing

app_name = "papers"
urlpatterns = [
    path("", browse.OverviewView.as_view(), name="overview"),
    path("papers/", browse.PaperListView.as_view(), name="list"),
    path("feeds/papers/", feeds.NewPapersFeed(), name="feed"),
    path("papers/<str:key>/", browse.PaperDetailView.as_view(), name="detail"),
    path("authors/<int:pk>/", browse.AuthorView.as_view(), name="author"),
    path("curate/", curate.CurateHomeView.as_view(), name="curate"),
    path("curate/papers/add/", curate.PaperCreateView.as_view(), name="add"),
    path("curate/papers/<str:key>/edit/", curate.PaperEditView.as_view(), name="edit"),
    path(
        "curate/papers/<str:key>/labels/",
        curate.PaperLabelsView.as_view(),
        name="labels",
    ),
    path(
        "curate/papers/<str:key>/labels/<int:pk>/remove/",
        curate.LabelRemoveView.as_view(),
        name="label-remove",
    ),
    path(
        "curate/papers/<str:key>/history/",
        curate.PaperHistoryView.as_view(),
        name="history",
    ),
    path("curate/import/", importing.ImportView.as_view(), name="import"),
    path(
        "curate/import/confirm/",
        importing.ImportConfirmView.as_view(),
        name="import-confirm",
    ),
    path(
        "curate/check-duplicate",
        curate.DuplicateCheckView.as_view(),
        name="check-duplicate",
    ),
]
