from django.contrib import admin

from history.admin import ChangeLoggedAdmin
from taxonomy.models import Dataset, Metric, Node


@admin.register(Node)
class NodeAdmin(ChangeLoggedAdmin):
    list_display = ["name", "kind", "slug", "parent", "provenance", "position"]
    list_filter = ["kind", "provenance"]
    search_fields = ["name", "slug", "abbreviation", "description"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "related"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Dataset)
class DatasetAdmin(ChangeLoggedAdmin):
    list_display = ["name", "year", "slug", "provenance"]
    list_filter = ["provenance", "applications"]
    search_fields = ["name", "slug", "description"]
    filter_horizontal = ["modalities", "applications"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Metric)
class MetricAdmin(ChangeLoggedAdmin):
    list_display = ["name", "slug", "higher_is_better", "provenance"]
    list_filter = ["higher_is_better", "provenance"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["applications"]
