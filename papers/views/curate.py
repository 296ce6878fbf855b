"""Curator pages: add and edit papers, label them, see their history; every
write goes through papers.services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from api.permissions import is_curator
from history.models import Action, Change
from papers.forms import (
    PLAIN_FIELDS,
    CreateForm,
    LabelForm,
    PaperEditForm,
    paper_initial,
)
from papers.models import Label, Paper, Status
from papers.selectors import status_counts
from papers.services.papers import (
    StaleVersion,
    label_add,
    label_remove,
    paper_create,
    paper_update,
)
from papers.views import selectors as pages
from taxonomy.models import Node

#: Rows of the change log on the curator home page.
RECENT_CHANGES = 20


class CuratorRequired(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous visitors go to the login page; other non-curators get 403."""

    def test_func(self) -> bool:
        return is_curator(self.request.user)


class PaperMixin:
    """Finds the paper of the URL, drafts included."""

    def get_paper(self) -> Paper:
        try:
            return pages.paper_for_curator(self.kwargs["key"])
        except Paper.DoesNotExist as error:
            raise Http404("No paper with this citation key.") from error


class CurateHomeView(CuratorRequired, TemplateView):
    template_name = "curate/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            counts=status_counts(),
            drafts=Paper.objects.filter(status=Status.DRAFT).order_by("-updated")[:20],
            changes=Change.objects.select_related("actor")[:RECENT_CHANGES],
            **kwargs,
        )


class PaperCreateView(CuratorRequired, FormView):
    """Add a paper; a likely duplicate must be confirmed before it is added."""

    template_name = "curate/paper_form.html"
    form_class = CreateForm

    def form_valid(self, form):
        data = form.service_data()
        duplicates = pages.duplicate_candidates(
            doi=data["doi"] or "", arxiv_id=data["arxiv_id"] or "", title=data["title"]
        )
        if duplicates and not form.cleaned_data["confirm_duplicate"]:
            return self.render_to_response(
                self.get_context_data(form=form, duplicates=duplicates)
            )
        try:
            paper = paper_create(actor=self.request.user, data=data)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        messages.success(self.request, f"Added “{paper.title}”.")
        return redirect(paper.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(creating=True, **kwargs)


class PaperEditView(CuratorRequired, PaperMixin, FormView):
    """Edit a paper with optimistic locking: a stale form is shown again with
    the values typed and the values now stored, side by side."""

    template_name = "curate/paper_form.html"
    form_class = PaperEditForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_curator(request.user):
            self.paper = self.get_paper()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {**paper_initial(self.paper), "version": self.paper.version}

    def form_valid(self, form):
        version = form.cleaned_data["version"]
        data = form.service_data()
        try:
            paper = paper_update(
                actor=self.request.user,
                paper=self.paper,
                expected_version=version,
                data=data,
            )
        except StaleVersion as stale:
            return self.conflict(form, stale)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Saved “{paper.title}” (version {paper.version})."
        )
        return redirect(paper.get_absolute_url())

    def conflict(self, form, stale: StaleVersion):
        if stale.current is None:
            messages.error(self.request, "This paper was deleted meanwhile.")
            return redirect("papers:curate")
        current = pages.paper_for_curator_by_pk(self.paper.pk)
        stored = paper_initial(current)
        differences = [
            {
                "field": form[name],
                "mine": _shown(form.cleaned_data.get(name)),
                "stored": _shown(stored.get(name)),
            }
            for name in (*PLAIN_FIELDS, "authors", "venue", "datasets", *_PICKERS)
            if _differs(form.cleaned_data.get(name), stored.get(name))
        ]
        data = form.data.copy()
        data["version"] = current.version
        again = PaperEditForm(data)
        again.is_valid()
        return self.render_to_response(
            self.get_context_data(
                form=again, conflict=stale, differences=differences, current=current
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(paper=self.paper, **kwargs)


_PICKERS = ("modalities", "applications", "methods", "open_issues")


def _shown(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _differs(mine, stored) -> bool:
    if isinstance(mine, list) or isinstance(stored, list):
        if isinstance(mine, list) and isinstance(stored, str):
            mine = "\n".join(mine)
        else:
            return sorted(mine or []) != sorted(stored or [])
    return (mine or "") != (stored or "")


class PaperLabelsView(CuratorRequired, PaperMixin, FormView):
    """The paper's labels with their evidence; add one, or remove one."""

    template_name = "curate/labels.html"
    form_class = LabelForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_curator(request.user):
            self.paper = self.get_paper()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        kind, slug = form.node_key()
        node = get_object_or_404(Node, kind=kind, slug=slug)
        try:
            label_add(
                actor=self.request.user,
                paper=self.paper,
                node=node,
                evidence=form.cleaned_data["evidence"],
                provenance=form.cleaned_data["provenance"],
            )
        except ValidationError as error:
            form.add_error(None, _messages(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Labelled with {node.name}.")
        return redirect("papers:labels", key=self.paper.citation_key)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            paper=self.paper, labels=pages.paper_labels(self.paper), **kwargs
        )


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for ms in error.message_dict.values() for m in ms]
    return error.messages


class LabelRemoveView(CuratorRequired, View):
    """POST only: remove one label of the paper."""

    def post(self, request, key: str, pk: int):
        label = get_object_or_404(
            Label.objects.select_related("paper", "node"),
            pk=pk,
            paper__citation_key=key,
        )
        label_remove(actor=request.user, label=label)
        messages.success(request, f"Removed the label {label.node.name}.")
        return redirect("papers:labels", key=key)


class PaperHistoryView(CuratorRequired, PaperMixin, TemplateView):
    """Every recorded change of the paper and of its labels, newest first."""

    template_name = "curate/history.html"

    def get_context_data(self, **kwargs):
        paper = self.get_paper()
        changes = sorted(
            [*pages.paper_history(paper), *pages.label_history(paper)],
            key=lambda change: (change.at, change.pk),
            reverse=True,
        )
        entries = [_history_entry(change) for change in changes]
        return super().get_context_data(paper=paper, entries=entries, **kwargs)


#: Actions whose change rows hold [old, new] pairs (see papers.services and
#: the BibTeX import's change rows); delete rows hold a plain snapshot.
_PAIRED_ACTIONS = (Action.CREATE, Action.UPDATE, Action.IMPORT)


def _history_entry(change: Change) -> dict:
    """A change-log row as the history page shows it: what happened and the
    fields it changed."""
    creation = _is_creation(change)
    return {
        "change": change,
        "label": _action_label(change, creation),
        "creation": creation,
        "fields": _change_fields(change, creation=creation),
    }


def _is_creation(change: Change) -> bool:
    """Whether the row records a new object. An import that created a paper
    logs its key among the fields, all [None, value]; one that added an
    identifier to a known paper logs only that identifier, old value first."""
    if change.action != Action.IMPORT:
        return change.action == Action.CREATE
    values = (change.changes or {}).values()
    return "citation_key" in (change.changes or {}) and all(
        _is_pair(value) and value[0] is None for value in values
    )


def _action_label(change: Change, creation: bool) -> str:
    if change.action == Action.IMPORT:
        return Action.CREATE.label if creation else Action.UPDATE.label
    return change.get_action_display()


def _is_pair(value) -> bool:
    return isinstance(value, list) and len(value) == 2


def _change_fields(change: Change, *, creation: bool) -> list[dict]:
    """The fields of a change-log row: [old, new] pairs or plain values; a
    creation lists only the values it set."""
    rows = []
    for name, value in (change.changes or {}).items():
        pair = _is_pair(value) and change.action in _PAIRED_ACTIONS
        old, new = value if pair else (None, value)
        if creation and _shown(new) == "":
            continue
        rows.append(
            {
                "name": name,
                "old": _shown(old),
                "new": _shown(new),
                "pair": pair and not creation,
            }
        )
    return rows


class DuplicateCheckView(CuratorRequired, View):
    """JSON for the add form: papers that may be the same work as the one typed."""

    raise_exception = True

    def get(self, request):
        found = pages.duplicate_candidates(
            doi=request.GET.get("doi", "")[:200],
            arxiv_id=request.GET.get("arxiv_id", "")[:40],
            title=request.GET.get("title", "")[:600],
        )
        return JsonResponse(
            {
                "duplicates": [
                    {
                        "key": paper.citation_key,
                        "title": paper.title,
                        "year": paper.year,
                        "reason": reason,
                        "url": reverse("papers:detail", args=[paper.citation_key]),
                    }
                    for paper, reason in found
                ]
            }
        )
