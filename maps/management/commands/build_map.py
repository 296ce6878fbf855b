"""Compute and cache the literature map's metrics (PageRank, communities)."""

from django.core.management.base import BaseCommand

from maps.selectors import latest_build, map_is_current
from maps.services import map_build
from papers.graph import SEED


class Command(BaseCommand):
    help = "Compute PageRank, degrees and communities over the whole citation graph."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=SEED, help="Seed of the community search."
        )
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Only when the map was never built, or papers or citations "
            "changed since the last build (what `make serve` runs).",
        )

    def handle(self, *args, seed: int, if_stale: bool, **options):
        if if_stale and map_is_current():
            built = latest_build().computed_at
            self.stdout.write(
                f"Nothing to do: the map built {built:%Y-%m-%d %H:%M} is current."
            )
            return
        build = map_build(seed=seed)
        self.stdout.write(
            f"Map built: {build.papers} papers, {build.citations} citations, "
            f"{build.communities} communities in {build.seconds:.2f} s."
        )
