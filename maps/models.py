"""Cached whole-graph measures of the literature map, written by build_map."""

from django.db import models

from papers.models import Paper
from taxonomy.models import Node


class MapBuild(models.Model):
    """One run of build_map: when, over how much, and the label statistics
    that similarity scores need (papers per taxonomy label, ancestors included)."""

    computed_at = models.DateTimeField()
    papers = models.PositiveIntegerField()
    citations = models.PositiveIntegerField()
    communities = models.PositiveIntegerField()
    seconds = models.FloatField()
    label_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = ["computed_at", "id"]

    def __str__(self) -> str:
        return f"Map of {self.papers} papers built {self.computed_at:%Y-%m-%d %H:%M}"


class Community(models.Model):
    """A cluster of papers (Louvain), named after its most common application."""

    number = models.PositiveIntegerField(unique=True, help_text="0 is the biggest.")
    name = models.CharField(max_length=250)
    application = models.ForeignKey(
        Node,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communities",
        limit_choices_to={"kind": "application"},
    )
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return f"{self.name} cluster ({self.size} papers)"


class PaperMetric(models.Model):
    """A paper's PageRank, citation degrees and community in the whole graph."""

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, primary_key=True, related_name="metric"
    )
    pagerank = models.FloatField()
    degree = models.PositiveIntegerField(help_text="Citations in and out.")
    cited_by = models.PositiveIntegerField()
    references = models.PositiveIntegerField()
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    community_rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="1 for the highest PageRank in its community."
    )
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-pagerank"]
        indexes = [
            models.Index(fields=["-pagerank"], name="maps_metric_pagerank_idx"),
            models.Index(fields=["-cited_by"], name="maps_metric_cited_by_idx"),
            models.Index(
                fields=["community", "community_rank"], name="maps_metric_comm_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}: PageRank {self.pagerank:.4f}"
