"""Load the survey knowledge base from fixtures/survey/ (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from papers.services.survey import survey_load


class Command(BaseCommand):
    help = "Load the survey's taxonomy and papers; a second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures", type=Path, default=settings.SURVEY_FIXTURES_DIR
        )

    def handle(self, *args, fixtures: Path, **options):
        try:
            report = survey_load(directory=fixtures)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(
                f"cannot load the survey from {fixtures}: {error}"
            ) from error
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Survey loaded."))
        else:
            self.stdout.write(
                "Nothing to do: the database already matches the survey fixtures."
            )
