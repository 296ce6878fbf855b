"""Restore a knowledge base written by dump_kb; all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.services.knowledge_base import kb_load


class Command(BaseCommand):
    help = (
        "Load FILE written by dump_kb. Refuses to overwrite papers without --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--replace", action="store_true")

    def handle(self, *args, file: Path, replace: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        try:
            papers = kb_load(path=file, replace=replace)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"loaded {papers} papers from {file}"))
