"""The curator's BibTeX import: upload, a per-entry preview (a dry run), then
confirm. The uploaded text waits in the session under a one-time token, so
the confirmation imports exactly what was previewed."""

import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import FormView

from papers.forms import ImportForm
from papers.services.bibtex_import import bibtex_import
from papers.views.curate import CuratorRequired

#: Session key of the upload waiting for confirmation (one per session).
PENDING = "atlas_pending_import"


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
            {"report": report, "token": token, "name": name, "confirmed": False},
        )


class ImportConfirmView(CuratorRequired, View):
    """Import the previewed upload for real (all of it, or nothing)."""

    def post(self, request):
        pending = request.session.get(PENDING) or {}
        token = request.POST.get("token", "")
        if not token or not secrets.compare_digest(token, pending.get("token", "")):
            messages.error(
                request,
                "That preview has expired or was replaced; upload the file again.",
            )
            return redirect("papers:import")
        report = bibtex_import(data=pending["text"], actor=request.user, dry_run=False)
        if report.written:
            del request.session[PENDING]
            counts = report.counts
            messages.success(
                request,
                f"Imported {pending['name']}: {counts['created']} created, "
                f"{counts['updated']} updated, {counts['duplicate']} already known.",
            )
        return render(
            request,
            "curate/import_preview.html",
            {
                "report": report,
                "token": token,
                "name": pending["name"],
                "confirmed": report.written,
            },
        )
