"""Compute and cache the literature map's metrics (PageRank, communities)."""

from django.core.management.base import BaseCommand

from maps.services import map_build
from papers.graph import SEED


class Command(BaseCommand):
    help = "Compute PageRank, degrees and communities over the whole citation graph."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=SEED, help="Seed of the community search."
        )

    def handle(self, *args, seed: int, **options):
        build = map_build(seed=seed)
        self.stdout.write(
            f"Map built: {build.papers} papers, {build.citations} citations, "
            f"{build.communities} communities in {build.seconds:.1f} s."
        )
