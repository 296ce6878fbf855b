"""Admin for the papers and their links.

The large tables (papers, citations, labels) page without counting every row
of the table next to the filtered count, and sort labels newest first along the
primary key rather than by a joined node. The entry types offered as a filter
are read once per data generation, not by scanning every paper on each page
view. Paper search is the site's search
(the indexed search document: title, abstract and authors) plus an exact
citation key, DOI or arXiv id, instead of substring matches over joined author
rows, which read every paper.
"""

from django.contrib import admin

from history.admin import ChangeLoggedAdmin
from papers.models import Author, Authorship, Citation, Label, Paper, Result, Venue
from papers.selectors import entry_types, paper_search


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


class EntryTypeFilter(admin.SimpleListFilter):
    title = "entry type"
    parameter_name = "entry_type"

    def lookups(self, request, model_admin):
        return [(name, name) for name in entry_types()]

    def queryset(self, request, queryset):
        chosen = self.value()
        return queryset.filter(entry_type=chosen) if chosen else queryset


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
        EntryTypeFilter,
        "year",
        "venue",
    ]
    search_fields = ["title"]  # shows the search box; see get_search_results
    search_help_text = (
        "Words of the title, abstract or authors, as in the site's search; or an"
        " exact citation key, DOI or arXiv id."
    )
    show_full_result_count = False
    list_select_related = ["venue"]
    autocomplete_fields = ["venue", "datasets"]
    readonly_fields = ["version", "created", "updated"]
    inlines = [AuthorshipInline, LabelInline, ResultInline]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        identified = Paper.objects.filter(citation_key=term)
        identified |= Paper.objects.filter(doi=term.lower())
        identified |= Paper.objects.filter(arxiv_id=term)
        matches = paper_search(Paper.objects.order_by(), term).values("pk")
        wanted = matches.union(identified.order_by().values("pk"))
        return queryset.filter(pk__in=wanted), False

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
    show_full_result_count = False
    autocomplete_fields = ["citing", "cited"]
    list_select_related = ["citing", "cited"]


@admin.register(Label)
class LabelAdmin(ChangeLoggedAdmin):
    list_display = ["paper", "node", "source", "provenance"]
    list_filter = ["source", "provenance", "node__kind"]
    search_fields = ["paper__citation_key", "node__name"]
    ordering = ["-pk"]
    show_full_result_count = False
    autocomplete_fields = ["paper", "node"]
    list_select_related = ["paper", "node"]


@admin.register(Result)
class ResultAdmin(ChangeLoggedAdmin):
    list_display = ["paper", "dataset", "metric", "value"]
    list_filter = ["dataset", "metric"]
    autocomplete_fields = ["paper", "dataset", "metric"]
    list_select_related = ["paper", "dataset", "metric"]
