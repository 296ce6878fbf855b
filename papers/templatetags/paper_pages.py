"""Template helpers of the HTML pages: search-term highlighting, text tweaks
and the wording of provenance marks."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from taxonomy.models import Provenance

register = template.Library()

#: Words shorter than this are not highlighted (they would mark half the text).
SHORTEST_TERM = 2


def search_terms(text: str) -> list[str]:
    """The words of a search text worth highlighting (no excluded -words)."""
    words = re.findall(r"-?[\w][\w'-]*", text or "")
    terms = {w for w in words if not w.startswith("-") and len(w) >= SHORTEST_TERM}
    return sorted(terms, key=len, reverse=True)[:12]


@register.filter
def highlight(text: str, terms: list[str]) -> SafeString:
    """The text, escaped, with every occurrence of the terms in <mark>."""
    text = str(text or "")
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece is escaped above)


@register.filter
def excerpt(text: str, terms: list[str], width: int = 260) -> str:
    """A window of the text around the first search term (or its start)."""
    text = str(text or "")
    start = 0
    lowered = text.lower()
    hits = [lowered.find(t.lower()) for t in terms or []]
    hits = [h for h in hits if h >= 0]
    if hits:
        start = max(0, min(hits) - width // 3)
    window = text[start : start + width]
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return f"{prefix}{window}{suffix}"


@register.filter
def curator(user) -> bool:
    """Whether the user may use the curator pages."""
    from api.permissions import is_curator

    return is_curator(user)


#: Height in SVG units of the tallest bar of a year chart.
BAR_AREA = 90


def _tallest(years) -> int:
    return max((count for _, count in years), default=0) or 1


@register.simple_tag(takes_context=True)
def marked(context, text: str) -> SafeString:
    """`text` with the page's search terms (context variable `terms`) marked."""
    return highlight(text, context.get("terms") or [])


@register.simple_tag(takes_context=True)
def marked_excerpt(context, text: str) -> SafeString:
    """The part of `text` around the page's first search term, terms marked."""
    terms = context.get("terms") or []
    return highlight(excerpt(text, terms), terms)


#: Horizontal room of one year in the year chart, in SVG units.
BAR_STEP = 22
BAR_WIDTH = 16


@register.inclusion_tag("includes/_year_bars.html")
def year_bars(years, link_base: str = "") -> dict:
    """Papers per year as bars: `years` is [(year, count)] without gaps."""
    tallest = _tallest(years)
    every = 1 if len(years) <= 14 else (len(years) + 13) // 14
    bars = []
    for i, (year, count) in enumerate(years):
        height = round(BAR_AREA * count / tallest) if count else 0
        bars.append(
            {
                "year": year,
                "count": count,
                "x": i * BAR_STEP,
                "y": BAR_AREA - height + 12,
                "height": height,
                "label": i % every == 0 or i == len(years) - 1,
                "centre": i * BAR_STEP + BAR_WIDTH // 2,
            }
        )
    width = max(len(years) * BAR_STEP, BAR_STEP)
    return {
        "bars": bars,
        "width": width,
        "pixels": min(round(width * 1.5), 720),
        "bar_width": BAR_WIDTH,
        "link_base": link_base,
        "base_line": BAR_AREA + 12,
        "first": years[0][0] if years else None,
        "last": years[-1][0] if years else None,
    }


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", " ", str(text or "")).strip().lower()


@register.filter
def provenance_note(detail: str, value: str) -> str:
    """The provenance detail worth showing: nothing when it only repeats the
    provenance itself ("inferred" beside an inferred item)."""
    detail = str(detail or "").strip()
    if value in Provenance.values:
        repeats = {_plain(value), _plain(Provenance(value).label)}
    else:
        repeats = {_plain(value)}
    return "" if _plain(detail) in repeats else detail


@register.simple_tag
def provenance_title(value: str, detail: str = "") -> str:
    """What a provenance marker means, with the detail when it adds something."""
    meaning = Provenance(value).label if value in Provenance.values else str(value)
    note = provenance_note(detail, value)
    return f"{meaning}: {note}" if note else meaning
