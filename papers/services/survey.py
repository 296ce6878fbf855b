"""Loading the survey knowledge base from the project's fixtures."""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from history.models import Action
from history.services import change_record
from papers.models import Author, Authorship, Citation, Label, Paper, Status, Venue
from papers.services.papers import paper_authors_text_sync
from taxonomy.loading import LoadReport, add_missing, upsert
from taxonomy.models import Dataset, Node
from taxonomy.services import taxonomy_load

PAPER_FIELDS = (
    "entry_type",
    "title",
    "year",
    "month",
    "doi",
    "arxiv_id",
    "cite_count",
    "et_al",
    "confidence",
    "survey_inclusion",
    "provenance",
)


def read_fixtures(directory: Path) -> tuple[dict, dict]:
    """The taxonomy and papers documents of a fixtures folder."""
    taxonomy = json.loads((directory / "taxonomy.json").read_text("utf-8"))
    papers = json.loads((directory / "papers.json").read_text("utf-8"))
    return taxonomy, papers


@transaction.atomic
def survey_load(*, directory: Path, actor=None) -> LoadReport:
    """Load the survey from fixtures, or bring it up to date; a rerun changes nothing.

    Papers a curator has edited (version > 1) keep the curator's values.
    """
    taxonomy, papers = read_fixtures(directory)
    report = LoadReport()
    nodes = taxonomy_load(document=taxonomy, report=report)
    datasets = {d.slug: d for d in Dataset.objects.all()}
    loaded: dict[str, Paper] = {}
    for item in papers["papers"]:
        loaded[item["key"]] = paper_load(item, nodes, datasets, report)
    for item in papers["papers"]:
        for cited in item["cites"]:
            _, created = Citation.objects.get_or_create(
                citing=loaded[item["key"]], cited=loaded[cited]
            )
            report.add("citations", "created" if created else "unchanged")
    if report.changed:
        target = loaded.get(settings.SURVEY_CITATION_KEY) or next(iter(loaded.values()))
        change_record(
            actor=actor,
            action=Action.LOAD,
            target=target,
            changes={"load_survey": report.summary()},
        )
    return report


def paper_load(
    item: dict, nodes: dict[str, Node], datasets: dict, report: LoadReport
) -> Paper:
    existing = Paper.objects.filter(citation_key=item["key"]).first()
    if existing is not None and existing.version > 1:
        report.add("papers", "kept curator edits")
        return existing
    values = {name: item[name] for name in PAPER_FIELDS}
    values["published_on"] = (
        date.fromisoformat(item["published_on"]) if item["published_on"] else None
    )
    values["venue"] = venue_load(item["venue"], report)
    values["status"] = Status.PUBLISHED
    paper = upsert(Paper, {"citation_key": item["key"]}, values, report, "papers")
    authors_load(paper, item["authors"], report)
    for entry in item["labels"]:
        upsert(
            Label,
            {"paper": paper, "node": nodes[entry["node"]]},
            {k: entry[k] for k in ("source", "provenance", "evidence")},
            report,
            "labels",
        )
    add_missing(
        paper.datasets,
        [datasets[s] for s in item["datasets"]],
        report,
        "paper datasets",
    )
    return paper


def venue_load(venue: dict | None, report: LoadReport) -> Venue | None:
    if venue is None:
        return None
    return upsert(
        Venue,
        {"name": venue["name"]},
        {"short_name": venue["short_name"], "kind": venue["kind"]},
        report,
        "venues",
    )


def authors_load(paper: Paper, names: list[dict], report: LoadReport) -> None:
    """Make the paper's ordered author list equal to names."""
    authors = [Author.objects.get_or_create(**name)[0] for name in names]
    current = list(
        paper.authorships.order_by("position").values_list("author_id", flat=True)
    )
    if current == [a.pk for a in authors]:
        report.add("authorships", "unchanged", len(authors))
    else:
        paper.authorships.all().delete()
        Authorship.objects.bulk_create(
            Authorship(paper=paper, author=author, position=i)
            for i, author in enumerate(authors)
        )
        report.add("authorships", "created", len(authors))
    paper_authors_text_sync(paper=paper)
