"""Import a .bib file: every entry's outcome, then a summary; nothing on a problem."""

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from papers.services.bibtex_import import OUTCOMES, bibtex_import

# Outcomes worth a line of their own; "created" is only counted.
_LISTED = ("updated", "duplicate", "skipped", "error")


class Command(BaseCommand):
    help = (
        "Import the entries of a BibTeX file as papers. Any problem means nothing "
        "is written and the exit code is 1; --dry-run reports without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .bib file (UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report only; write nothing."
        )
        parser.add_argument(
            "--user", help="Username recorded in the change log (default: system)."
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=settings.BIBTEX_MAX_UPLOAD_BYTES,
            help="Largest file accepted (default: %(default)s).",
        )

    def handle(self, *args, file: Path, dry_run: bool, user, max_bytes, **options):
        actor = self._actor(user)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from error
        started = time.perf_counter()
        report = bibtex_import(
            data=data,
            actor=actor,
            dry_run=dry_run,
            max_bytes=max_bytes,
            progress=self._progress,
        )
        self._print(report, time.perf_counter() - started, dry_run)
        if not report.ok:
            raise CommandError(
                f"{file}: {len(report.problems)} problem(s); nothing was written.",
                returncode=1,
            )

    def _actor(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"no user named {username!r}") from error

    def _progress(self, stage: str, done: int, total: int) -> None:
        # Progress goes to stderr so that stdout holds only the report.
        end = "\n" if done >= total else "\r"
        self.stderr.write(f"  {stage}: {done:,}/{total:,} entries", ending=end)
        self.stderr.flush()

    def _print(self, report, seconds: float, dry_run: bool) -> None:
        for problem in report.problems:
            where = f"line {problem.line}: " if problem.line else ""
            text = problem.message
            self.stderr.write(text if text.startswith("line ") else where + text)
        for entry in report.entries:
            if entry.outcome in _LISTED and entry.outcome != "error":
                target = f" -> {entry.paper_key}" if entry.paper_key else ""
                line = f"  {entry.outcome}: {entry.key} (line {entry.line}){target}"
                self.stdout.write(f"{line}: {entry.message}" if entry.message else line)
            elif entry.outcome == "created" and entry.message:
                self.stdout.write(f"  created: {entry.key}: {entry.message}")
        counts = ", ".join(f"{report.counts[o]} {o}" for o in OUTCOMES)
        state = (
            "dry run, nothing written"
            if dry_run
            else ("written" if report.written else "nothing written")
        )
        rate = len(report.entries) / seconds if seconds else 0
        self.stdout.write(
            f"{len(report.entries)} entries in {seconds:.1f} s ({rate:,.0f}/s): "
            f"{counts} ({state})."
        )
