"""Forms of the curator pages; they turn input into the `data` the paper
services take, and never write anything themselves."""

from django import forms
from django.core.exceptions import ValidationError

from papers.bibtex import PersonName, format_name
from papers.models import Confidence, Paper, Status, SurveyInclusion
from taxonomy.models import Dataset, Kind, Node, Provenance

ENTRY_TYPES = [
    (name, name)
    for name in (
        "article", "inproceedings", "misc", "book", "incollection", "phdthesis",
        "mastersthesis", "techreport", "proceedings", "unpublished",
    )
]  # fmt: skip
MONTHS = [("", "—")] + [
    (str(n), name)
    for n, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
         "Nov", "Dec"),
        start=1,
    )
]  # fmt: skip
#: (form field, node kind) of the taxonomy pickers.
PICKERS = (
    ("modalities", Kind.MODALITY),
    ("applications", Kind.APPLICATION),
    ("methods", Kind.METHOD),
    ("open_issues", Kind.OPEN_ISSUE),
)
#: The plain fields a paper form shows, in order (relations come after).
PLAIN_FIELDS = (
    "citation_key", "entry_type", "title", "year", "month", "volume", "number",
    "pages", "publisher", "doi", "arxiv_id", "url", "abstract", "status",
    "confidence", "survey_inclusion",
)  # fmt: skip
#: Largest .bib upload the import page takes.
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def node_choices(nodes: list[Node], kind: str) -> list[tuple[str, str]]:
    """(slug, name indented by depth) of one kind's nodes, in tree order."""
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        if node.kind == kind:
            children.setdefault(node.parent_id, []).append(node)
    choices: list[tuple[str, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for node in children.get(parent_id, []):
            marker = "" if node.provenance == Provenance.SURVEY else " (inferred)"
            if node.provenance == Provenance.CURATED:
                marker = " (curated)"
            choices.append((node.slug, "\u2003" * depth + node.name + marker))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return choices


class PaperForm(forms.Form):
    """A paper's metadata, authors, venue, taxonomy labels and datasets."""

    citation_key = forms.CharField(
        max_length=100, help_text="Stable once published, e.g. vinyals2015show."
    )
    entry_type = forms.ChoiceField(choices=ENTRY_TYPES, initial="article")
    title = forms.CharField(max_length=600, widget=forms.Textarea(attrs={"rows": 2}))
    authors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='One per line, "Given Family" or "Family, Given".',
    )
    venue = forms.CharField(max_length=300, required=False)
    year = forms.IntegerField(min_value=1800, max_value=2100, required=False)
    month = forms.TypedChoiceField(
        choices=MONTHS, coerce=int, empty_value=None, required=False
    )
    volume = forms.CharField(max_length=40, required=False)
    number = forms.CharField(max_length=40, required=False)
    pages = forms.CharField(max_length=40, required=False)
    publisher = forms.CharField(max_length=200, required=False)
    doi = forms.CharField(
        max_length=200, required=False, label="DOI", help_text="e.g. 10.1145/3545572"
    )
    arxiv_id = forms.CharField(max_length=40, required=False, label="arXiv id")
    url = forms.URLField(max_length=500, required=False, label="URL")
    abstract = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    status = forms.ChoiceField(choices=Status.choices, initial=Status.PUBLISHED)
    confidence = forms.ChoiceField(choices=Confidence.choices, initial="high")
    survey_inclusion = forms.ChoiceField(
        choices=SurveyInclusion.choices,
        initial=SurveyInclusion.OUTSIDE,
        label="In the review",
    )
    modalities = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )
    applications = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )
    methods = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Method families"
    )
    open_issues = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )
    datasets = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = list(Node.objects.order_by("position", "name"))
        for name, kind in PICKERS:
            self.fields[name].choices = node_choices(nodes, kind)
        self.fields["datasets"].choices = list(
            Dataset.objects.order_by("name").values_list("slug", "name")
        )

    def clean_authors(self) -> list[str]:
        lines = self.cleaned_data["authors"].splitlines()
        return [line.strip() for line in lines if line.strip()]

    def service_data(self) -> dict:
        """The cleaned input as the `data` of paper_create/paper_update."""
        data = {name: self.cleaned_data[name] for name in PLAIN_FIELDS}
        data["doi"] = data["doi"].strip() or None
        data["arxiv_id"] = data["arxiv_id"].strip() or None
        data["authors"] = self.cleaned_data["authors"]
        data["venue"] = self.cleaned_data["venue"].strip() or None
        data["datasets"] = list(self.cleaned_data["datasets"])
        data["labels"] = [
            f"{kind}:{slug}"
            for name, kind in PICKERS
            for slug in self.cleaned_data[name]
        ]
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's complaints next to the fields they are about."""
        pickers = {"labels": "modalities"}
        for name, messages in getattr(error, "message_dict", {}).items():
            field = pickers.get(name, name)
            self.add_error(field if field in self.fields else None, messages)
        if not hasattr(error, "message_dict"):
            self.add_error(None, error.messages)


def paper_initial(paper: Paper) -> dict:
    """A paper's current values as the initial data of a PaperForm."""
    initial = {name: getattr(paper, name) for name in PLAIN_FIELDS}
    initial["doi"] = paper.doi or ""
    initial["arxiv_id"] = paper.arxiv_id or ""
    # "von Family, Suffix, Given" reads back exactly, whatever the name's parts.
    initial["authors"] = "\n".join(
        format_name(
            PersonName(
                given=a.author.given,
                family=a.author.family,
                von=a.author.von,
                suffix=a.author.suffix,
            )
        )
        for a in sorted(paper.authorships.all(), key=lambda a: a.position)
    )
    initial["venue"] = paper.venue.name if paper.venue_id else ""
    initial["datasets"] = [d.slug for d in paper.datasets.all()]
    for name, kind in PICKERS:
        initial[name] = [
            label.node.slug for label in paper.labels.all() if label.node.kind == kind
        ]
    return initial


class PaperEditForm(PaperForm):
    """A PaperForm that carries the version it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CreateForm(PaperForm):
    """A PaperForm with the "add it anyway" answer to a duplicate warning."""

    confirm_duplicate = forms.BooleanField(
        required=False, label="This is a different work: add it anyway."
    )


class LabelForm(forms.Form):
    """Tag a paper with one node, with the evidence for it."""

    node = forms.ChoiceField(label="Taxonomy node")
    evidence = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A short quote or the section that shows it.",
    )
    provenance = forms.ChoiceField(
        choices=Provenance.choices,
        initial=Provenance.CURATED,
        help_text="Say 'stated by the review' only when the review says so.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = list(Node.objects.order_by("position", "name"))
        self.fields["node"].choices = [
            (
                Kind(kind).label,
                [(f"{kind}:{slug}", name) for slug, name in node_choices(nodes, kind)],
            )
            for kind in Kind.values
        ]

    def node_key(self) -> tuple[str, str]:
        kind, _, slug = self.cleaned_data["node"].partition(":")
        return kind, slug


class ImportForm(forms.Form):
    """A .bib file to upload, or BibTeX text pasted in."""

    file = forms.FileField(required=False, label=".bib file")
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        label="or paste BibTeX",
        help_text="Either a file or pasted text, not both.",
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload is not None and upload.size > MAX_IMPORT_BYTES:
            raise ValidationError("The file is larger than 2 MB; split it up.")
        if upload is None and not text:
            raise ValidationError("Choose a .bib file or paste BibTeX text.")
        if upload is not None and text:
            raise ValidationError(
                "Give a .bib file or pasted BibTeX, not both: to import the file, "
                "clear the pasted text and choose the file again; to import the "
                "text, leave the file empty."
            )
        raw = upload.read() if upload is not None else text.encode()
        if len(raw) > MAX_IMPORT_BYTES:
            raise ValidationError("The text is larger than 2 MB; split it up.")
        try:
            data["bibtex"] = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError("The file is not UTF-8 text.") from error
        return data
