"""Write the whole knowledge base to a JSON file (any database engine)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from papers.services.knowledge_base import kb_dump


class Command(BaseCommand):
    help = "Dump taxonomy, papers, change log and users to FILE (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        kb_dump(path=file)
        self.stdout.write(f"wrote {file} ({file.stat().st_size:,} bytes)")
