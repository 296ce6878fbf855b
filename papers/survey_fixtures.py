"""Turns the gathered facts about the review into the project's own fixture files.

Pure functions on plain data: the input is the JSON of shared/data, the output the
fixture documents under fixtures/survey/ that `load_survey` reads.
"""

import re
import unicodedata

from bibtexparser.middlewares.names import parse_single_name_into_parts

REVIEW_KEY = "jabeen2023review"
PREDECESSOR_KEY = "summaira2021recent"

# Application domains a reader expects for seed papers outside the review's six
# categories; added by curators, never presented as the review's own.
CURATED_DOMAINS = [
    (
        "healthcare",
        "Healthcare and medicine",
        "Diagnosis, prognosis and clinical records.",
    ),
    (
        "agriculture",
        "Agriculture and plant science",
        "Crops, breeding and plant phenotyping.",
    ),
    (
        "transport",
        "Transport and driving safety",
        "Vehicles, drivers and traffic events.",
    ),
    ("logistics", "Logistics and supply chains", "Scheduling and routing of goods."),
    (
        "3d-reconstruction",
        "3D reconstruction",
        "Recovering 3D structure from sensor data.",
    ),
]

# seed position -> (application slugs, modality slugs), read off title and abstract
SEED_LABELS = {
    1: (["agriculture"], []),
    3: (["healthcare"], ["image"]),
    4: (["healthcare"], []),
    5: (["healthcare"], []),
    7: (["emotion-recognition"], []),
    9: (["healthcare"], []),
    11: (["3d-reconstruction"], ["image", "audio", "video"]),
    12: (["transport"], ["video"]),
    13: (["agriculture"], ["image", "depth"]),
    14: (["healthcare"], ["image"]),
    15: (["logistics"], []),
}

SEED_ENTRY_TYPES = {"Dissertation": "phdthesis", "Conference Article": "inproceedings"}
CURATED_EVIDENCE = "Read off the title and abstract in the seed listing."


def provenance_of(verification: str) -> str:
    """Map a verification note to survey (stated by the review) or inferred."""
    text = (verification or "").strip().lower()
    return "survey" if re.match(r"(group name )?verified\b", text) else "inferred"


def slugify_name(name: str) -> str:
    """A URL slug from a display name, accents folded to ASCII."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def split_person(name: str) -> dict:
    """Split a 'First von Last' name into BibTeX parts."""
    parts = parse_single_name_into_parts(name, strict=False)
    return {
        "given": " ".join(parts.first),
        "von": " ".join(parts.von),
        "family": " ".join(parts.last),
        "suffix": " ".join(parts.jr),
    }


def build_taxonomy(source: dict) -> dict:
    """The taxonomy fixture: nodes of every kind, datasets and metrics."""
    nodes: list[dict] = []
    for position, modality in enumerate(source["modalities"]):
        nodes.append(
            node_entry(
                "modality",
                modality,
                position,
                detail=f"{modality['verification']}; source: {modality['source']}",
            )
        )
    for position, category in enumerate(source["categories"]):
        nodes.append(node_entry("application", category, position))
        nodes.extend(method_entries(category["methods"], application=category["slug"]))
        for issue_position, issue in enumerate(category["open_issues"]):
            entry = node_entry(
                "open_issue", {**issue, "name": issue["title"]}, issue_position
            )
            entry["related"] = [f"application:{category['slug']}"]
            nodes.append(entry)
    offset = len(source["categories"])
    for position, (slug, name, description) in enumerate(CURATED_DOMAINS, start=offset):
        nodes.append(
            {
                "kind": "application",
                "slug": slug,
                "name": name,
                "abbreviation": "",
                "description": description,
                "parent": None,
                "related": [],
                "position": position,
                "provenance": "curated",
                "provenance_detail": "For papers outside the review's categories.",
                "note": "",
            }
        )
    nodes.extend(architecture_entries(source["architecture_families"]))
    return {
        "survey": source["survey"],
        "provenance_levels": source["provenance"],
        "nodes": nodes,
        "datasets": [dataset_entry(d) for d in source["datasets"]],
        "metrics": [metric_entry(m) for m in source["metrics"]],
    }


def node_entry(kind: str, item: dict, position: int, detail: str | None = None) -> dict:
    verification = item.get("verification", "")
    return {
        "kind": kind,
        "slug": item["slug"],
        "name": item["name"],
        "abbreviation": item.get("abbreviation", ""),
        "description": item.get("description", ""),
        "parent": None,
        "related": [],
        "position": position,
        "provenance": provenance_of(verification),
        "provenance_detail": detail or verification,
        "note": item.get("note", ""),
    }


def method_entries(methods: list[dict], *, application: str, parent: str | None = None):
    """Method families in depth-first order; roots are related to their application."""
    entries = []
    for position, method in enumerate(methods):
        entry = node_entry("method", method, position)
        entry["parent"] = parent
        if parent is None:
            entry["related"] = [f"application:{application}"]
        entries.append(entry)
        entries.extend(
            method_entries(
                method["children"], application=application, parent=method["slug"]
            )
        )
    return entries


def architecture_entries(families: list[dict]) -> list[dict]:
    """The review's groups of MMDL architectures, as method roots with their members."""
    entries = []
    for position, family in enumerate(families, start=100):
        entries.append(node_entry("method", family, position))
        for member_position, member in enumerate(family["members"]):
            name, _, abbreviation = member.partition(" (")
            entries.append(
                {
                    **node_entry(
                        "method",
                        {"slug": slugify_name(name), "name": name},
                        member_position,
                    ),
                    "abbreviation": abbreviation.rstrip(")"),
                    "parent": family["slug"],
                    "provenance": provenance_of(family["verification"]),
                    "provenance_detail": (
                        f"Member of '{family['name']}': {family.get('note', '')}"
                    ),
                }
            )
    return entries


def dataset_entry(item: dict) -> dict:
    return {
        "slug": item["slug"],
        "name": item["name"],
        "year": item.get("year"),
        "description": item.get("size_note", ""),
        "modalities": item.get("modalities", []),
        "applications": item.get("categories", []),
        "provenance": provenance_of(item.get("verification", "")),
        "provenance_detail": item.get("verification", ""),
        "note": item.get("note", ""),
    }


def metric_entry(item: dict) -> dict:
    return {
        "slug": item["slug"],
        "name": item["name"],
        "description": item.get("description", ""),
        "higher_is_better": item.get("higher_is_better", True),
        "applications": item.get("categories", []),
        "provenance": provenance_of(item.get("verification", "")),
        "provenance_detail": item.get("verification", ""),
    }


def build_papers(papers: list[dict], seeds: list[dict], taxonomy: dict) -> dict:
    """The papers fixture: survey papers, the review, its predecessor and seed papers.

    Seed papers that are the same work as a survey paper (same DOI, arXiv id or
    title) are merged into it rather than added twice.
    """
    node_provenance = {
        (node["kind"], node["slug"]): node["provenance"] for node in taxonomy["nodes"]
    }
    entries = [survey_paper_entry(p, node_provenance) for p in papers]
    review_seed = next(s for s in seeds if s["role"] == "review")
    entries.append(review_entry(review_seed, taxonomy["survey"], entries))
    entries.append(predecessor_entry(taxonomy["survey"]))
    for seed in seeds:
        if seed["role"] == "review":
            continue
        match = find_same_work(entries, seed)
        if match is None:
            entries.append(seed_paper_entry(seed, {e["key"] for e in entries}))
        else:
            merge_seed(match, seed)
    return {"papers": entries}


def venue_of(name: str | None, entry_type: str) -> dict | None:
    if not name:
        return None
    match = re.search(r"\(([^()]+)\)\s*$", name)
    short = match.group(1) if match else ""
    if "arxiv" in name.lower():
        kind, short = "preprint", "arXiv"
    elif entry_type == "phdthesis":
        kind = "thesis"
    else:
        kind = {"article": "journal", "inproceedings": "conference"}.get(
            entry_type, "other"
        )
    return {"name": name, "short_name": short, "kind": kind}


def inclusion_of(in_survey: str) -> str:
    text = in_survey.lower()
    if text.startswith("verified"):
        return "verified"
    if text.startswith("probable"):
        return "probable"
    return "not_verified"


def survey_paper_entry(paper: dict, node_provenance: dict) -> dict:
    """A paper of papers.json; labels are the review's only where its table
    lists the paper and the node itself is stated by the review."""
    inclusion = inclusion_of(paper["in_survey"])
    row = table_row(paper["in_survey"])
    evidence = (
        f"Review's comparison table: {row}"
        if row is not None
        else "Assigned from the paper's content; not checked against the review's text."
    )
    labels = []
    if paper["category"]:
        labels.append(("application", paper["category"]))
    labels += [("method", slug) for slug in paper["methods"]]
    labels = [
        table_label(kind, slug, evidence, row is not None, node_provenance)
        for kind, slug in labels
    ]
    labels += [
        label("modality", slug, "inferred", "Modalities the paper's model consumes.")
        for slug in paper["modalities"]
    ]
    return {
        "key": paper["key"],
        "entry_type": paper["entry_type"],
        "title": paper["title"],
        "authors": [split_person(name) for name in paper["authors"]],
        "et_al": False,
        "year": paper["year"],
        "month": None,
        "published_on": None,
        "venue": venue_of(paper["venue"], paper["entry_type"]),
        "doi": (paper["doi"] or "").lower() or None,
        "arxiv_id": paper["arxiv"] or None,
        "cite_count": None,
        "confidence": paper["confidence"],
        "survey_inclusion": inclusion,
        "provenance": {
            "source": paper["source"],
            "in_survey": paper["in_survey"],
            "metadata_check": paper.get("metadata_check", {}),
            "note": paper.get("note", ""),
        },
        "labels": labels,
        "datasets": paper["datasets"],
        "cites": paper["cites"],
    }


def table_row(in_survey: str) -> str | None:
    """The review's table row naming the paper ("verified-table3 (X. He et al.
    2019, EDID)"), with what else shows it is cited; None when no row does."""
    found = re.fullmatch(r"verified-table3 \(([^)]*)\)\s*(.*)", in_survey)
    if found is None:
        return None
    row, rest = found.group(1), found.group(2).removeprefix("and ").strip()
    return f"{row}; also {rest}" if rest else row


def table_label(
    kind: str, slug: str, evidence: str, in_table: bool, node_provenance: dict
) -> dict:
    """A label of a paper the review's table lists is stated by the review
    only when its node is too: a table row under a family the review does not
    name (one filled in from the field's knowledge) does not state it."""
    if not in_table:
        return label(kind, slug, "inferred", evidence)
    if node_provenance.get((kind, slug)) != "survey":
        evidence += (
            f"; the review does not name this {kind} node itself, so the label is "
            "inferred"
        )
        return label(kind, slug, "inferred", evidence)
    return label(kind, slug, "survey", evidence)


def label(
    kind: str, slug: str, provenance: str, evidence: str, source: str = "survey"
) -> dict:
    return {
        "node": f"{kind}:{slug}",
        "provenance": provenance,
        "evidence": evidence,
        "source": source,
    }


def review_entry(seed: dict, survey: dict, entries: list[dict]) -> dict:
    """The review itself; it cites the papers shown to be in its text or references."""
    published = seed["date"]
    return {
        "key": REVIEW_KEY,
        "entry_type": "article",
        "title": survey["title"],
        "authors": [split_person(name) for name in survey["authors_tomm"]],
        "et_al": False,
        "year": int(published[:4]),
        "month": int(published[5:7]),
        "published_on": published,
        "venue": {
            "name": survey["venue"].removesuffix(" (TOMM)"),
            "short_name": "TOMM",
            "kind": "journal",
        },
        "doi": survey["doi"].lower(),
        "arxiv_id": survey["arxiv"],
        "cite_count": seed["cite_count"],
        "confidence": "high",
        "survey_inclusion": "outside",
        "provenance": {
            "source": seed["source"],
            "date_note": seed.get("date_note", ""),
            "note": "Volume, issue and article number are unconfirmed, so left out: "
            + survey.get("volume_issue_article", ""),
            "seed_position": seed["position_in_seed"],
        },
        "labels": [],
        "datasets": [],
        "cites": [e["key"] for e in entries if e["survey_inclusion"] == "verified"],
    }


def predecessor_entry(survey: dict) -> dict:
    """The earlier arXiv preprint of the review, a separate work with its own title."""
    pre = survey["predecessor_preprint"]
    return {
        "key": PREDECESSOR_KEY,
        "entry_type": "misc",
        "title": pre["title"],
        "authors": [
            split_person(name)
            for name in same_people(pre["authors"], survey["authors_tomm"])
        ],
        "et_al": False,
        "year": int(pre["date"][:4]),
        "month": int(pre["date"][5:7]),
        "published_on": pre["date"],
        "venue": {"name": "arXiv preprint", "short_name": "arXiv", "kind": "preprint"},
        "doi": None,
        "arxiv_id": pre["arxiv"],
        "cite_count": None,
        "confidence": "high",
        "survey_inclusion": "outside",
        "provenance": {
            "source": "arXiv record of the review's first version",
            "note": "Predecessor preprint of the review, by the same people as "
            "the review: arXiv lists some names family name first, so they "
            "are linked to the review's authors as the review writes them.",
            "authors_as_given": ", ".join(pre["authors"]),
        },
        "labels": [],
        "datasets": [],
        "cites": [],
    }


def same_people(names: list[str], known: list[str]) -> list[str]:
    """Each name as `known` writes it when it is one of them with its first
    word moved to the end ("Jabeen Summaira" is "Summaira Jabeen"), else as
    given."""
    same = []
    for name in names:
        words = name.split()
        turned = " ".join(words[1:] + words[:1])
        same.append(turned if turned in known and name not in known else name)
    return same


def find_same_work(entries: list[dict], seed: dict) -> dict | None:
    doi = (seed.get("doi") or "").lower()
    title = plain_title(seed["title"])
    for entry in entries:
        if doi and entry["doi"] == doi:
            return entry
        if seed.get("arxiv") and entry["arxiv_id"] == seed["arxiv"]:
            return entry
        if plain_title(entry["title"]) == title:
            return entry
    return None


def plain_title(title: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", title.casefold()).split())


def merge_seed(entry: dict, seed: dict) -> None:
    entry["cite_count"] = seed["cite_count"]
    entry["published_on"] = entry["published_on"] or seed["date"]
    entry["provenance"]["seed_position"] = seed["position_in_seed"]


def seed_key(seed: dict, taken: set[str]) -> str:
    family = split_person(seed["first_author"])["family"]
    words = [w for w in re.findall(r"[a-z]+", plain_title(seed["title"])) if len(w) > 3]
    family_part = slugify_name(family).replace("-", "")
    stem = f"{family_part}{seed['date'][:4]}{words[0] if words else ''}"
    key, suffix = stem, "a"
    while key in taken:
        key, suffix = stem + suffix, chr(ord(suffix) + 1)
    return key


def seed_paper_entry(seed: dict, taken: set[str]) -> dict:
    """A paper from the seed page's similar-papers list, with curated domain labels."""
    entry_type = SEED_ENTRY_TYPES.get(seed["type"], "article")
    applications, modalities = SEED_LABELS.get(seed["position_in_seed"], ([], []))
    labels = [
        label("application", s, "curated", CURATED_EVIDENCE, "curator")
        for s in applications
    ]
    labels += [
        label("modality", s, "curated", CURATED_EVIDENCE, "curator") for s in modalities
    ]
    return {
        "key": seed_key(seed, taken),
        "entry_type": entry_type,
        "title": seed["title"],
        "authors": [split_person(name) for name in seed["authors"]],
        "et_al": seed["additional_author_count"] > 0,
        "year": int(seed["date"][:4]),
        "month": int(seed["date"][5:7]),
        "published_on": seed["date"],
        "venue": venue_of(seed["venue"], entry_type),
        "doi": (seed["doi"] or "").lower() or None,
        "arxiv_id": seed["arxiv"] or None,
        "cite_count": seed["cite_count"],
        "confidence": "high",
        "survey_inclusion": "outside",
        "provenance": {
            "source": seed["source"],
            "seed_position": seed["position_in_seed"],
            "seed_type": seed["type"],
            "authors_as_given": seed["authors_as_given"],
            "author_count": seed["author_count"],
            "note": seed.get("note", ""),
        },
        "labels": labels,
        "datasets": [],
        "cites": [],
    }
