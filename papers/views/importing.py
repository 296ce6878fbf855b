"""The curator's BibTeX import: upload, a per-entry preview (a dry run), then
confirm. The uploaded text waits in the session under a one-time token, so
the confirmation imports exactly what was previewed."""

import re
import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import FormView

from papers.bibtex import ParseProblem
from papers.forms import ImportForm
from papers.services.bibtex_import import bibtex_import
from papers.views.curate import CuratorRequired

#: Session key of the upload waiting for confirmation (one per session).
PENDING = "atlas_pending_import"
#: Session key of the last confirmed upload's token and name, so confirming
#: it again (a second click, the back button) is told apart from an expired one.
IMPORTED = "atlas_done_import"


class ImportView(CuratorRequired, FormView):
    """Upload a .bib file (or paste it) and see what importing it would do."""

    template_name = "curate/import.html"
    form_class = ImportForm

    def form_valid(self, form):
        text = form.cleaned_data["bibtex"]
        report = bibtex_import(data=text, actor=self.request.user, dry_run=True)
        token = secrets.token_urlsafe(16)
        name = getattr(form.cleaned_data.get("file"), "name", "") or "pasted text"
        self.request.session[PENDING] = {"token": token, "text": text, "name": name}
        return render(
            self.request,
            "curate/import_preview.html",
            _page(report, token=token, name=name, confirmed=False),
        )


class ImportConfirmView(CuratorRequired, View):
    """Import the previewed upload for real (all of it, or nothing)."""

    def post(self, request):
        pending = request.session.get(PENDING) or {}
        token = request.POST.get("token", "")
        if not _matches(token, pending):
            return _not_pending(request, token)
        report = bibtex_import(data=pending["text"], actor=request.user, dry_run=False)
        if report.written:
            del request.session[PENDING]
            request.session[IMPORTED] = {"token": token, "name": pending["name"]}
            counts = report.counts
            messages.success(
                request,
                f"Imported {pending['name']}: {counts['created']} created, "
                f"{counts['updated']} updated, {counts['duplicate']} already known.",
            )
        return render(
            request,
            "curate/import_preview.html",
            _page(report, token=token, name=pending["name"], confirmed=report.written),
        )


def _matches(token: str, stored: dict) -> bool:
    return bool(token) and secrets.compare_digest(token, stored.get("token", ""))


def _not_pending(request, token: str):
    """Refuse a confirmation whose preview is not waiting: say whether it was
    imported already (nothing is imported twice) or is gone."""
    done = request.session.get(IMPORTED) or {}
    if _matches(token, done):
        messages.info(
            request,
            f"That preview of {done['name']} was already imported; nothing was "
            "imported again. Its papers are among the recent changes below.",
        )
        return redirect("papers:curate")
    messages.error(
        request,
        "That preview is no longer waiting (it expired, or a newer upload "
        "replaced it); nothing was imported. Upload the file again to preview it.",
    )
    return redirect("papers:import")


def _page(report, *, token: str, name: str, confirmed: bool) -> dict:
    return {
        "report": report,
        "problems": [problem_text(problem) for problem in report.problems],
        "token": token,
        "name": name,
        "confirmed": confirmed,
    }


def problem_text(problem: ParseProblem) -> str:
    """The problem as one sentence naming its line once: most messages name
    it already ("line 3: …", "entry 'x' at line 3: …")."""
    message = problem.message[:1].upper() + problem.message[1:]
    if problem.line is None or re.search(rf"\bline {problem.line}\b", message, re.I):
        return message
    return f"Line {problem.line}: {message}"
