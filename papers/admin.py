from django.contrib import admin

from history.admin import ChangeLoggedAdmin
from papers.models import Author, Authorship, Citation, Label, Paper, Result, Venue


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["author"]
    ordering = ["position"]


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0
    autocomplete_fields = ["node"]
    fields = ["node", "source", "provenance", "evidence", "created_by"]
    readonly_fields = ["created_by"]


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0
    autocomplete_fields = ["dataset", "metric"]


@admin.register(Paper)
class PaperAdmin(ChangeLoggedAdmin):
    list_display = [
        "citation_key",
        "title",
        "year",
        "venue",
        "status",
        "survey_inclusion",
    ]
    list_filter = [
        "status",
        "survey_inclusion",
        "confidence",
        "entry_type",
        "year",
        "venue",
    ]
    search_fields = ["citation_key", "title", "doi", "arxiv_id", "authors__family"]
    list_select_related = ["venue"]
    autocomplete_fields = ["venue", "datasets"]
    readonly_fields = ["version", "created", "updated"]
    inlines = [AuthorshipInline, LabelInline, ResultInline]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Label) and instance.created_by_id is None:
                instance.created_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Author)
class AuthorAdmin(ChangeLoggedAdmin):
    list_display = ["family", "given", "von", "suffix"]
    search_fields = ["family", "given"]


@admin.register(Venue)
class VenueAdmin(ChangeLoggedAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Citation)
class CitationAdmin(ChangeLoggedAdmin):
    list_display = ["citing", "cited"]
    search_fields = ["citing__citation_key", "cited__citation_key"]
    autocomplete_fields = ["citing", "cited"]
    list_select_related = ["citing", "cited"]


@admin.register(Label)
class LabelAdmin(ChangeLoggedAdmin):
    list_display = ["paper", "node", "source", "provenance"]
    list_filter = ["source", "provenance", "node__kind"]
    search_fields = ["paper__citation_key", "node__name"]
    autocomplete_fields = ["paper", "node"]
    list_select_related = ["paper", "node"]


@admin.register(Result)
class ResultAdmin(ChangeLoggedAdmin):
    list_display = ["paper", "dataset", "metric", "value"]
    list_filter = ["dataset", "metric"]
    autocomplete_fields = ["paper", "dataset", "metric"]
    list_select_related = ["paper", "dataset", "metric"]
