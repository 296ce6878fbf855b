"""Whole rendered answers of public reads, cached for one generation of the data.

A list that many people ask for (the newest papers, a popular filter) is the
same bytes until the data changes, so its rendered JSON is kept under the data
generation (taxonomy.cache): any write to papers, labels, authors or nodes moves
the generation, and the next request computes a fresh answer. Only answers
everyone may see are shared (not a curator's, which include drafts), and the key
holds the full address (scheme, host, path, query) and the negotiated media
type, because the answer's links are absolute. ATLAS_ANSWER_CACHE=0 turns it off.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from rest_framework.response import Response

from taxonomy.cache import cached

#: Answers larger than this are computed each time rather than kept.
MAX_CACHED_BYTES = 1 << 20


def rendered(view, response: Response) -> bytes:
    """The body DRF would write for the response, with the view's renderer."""
    request = view.request
    return request.accepted_renderer.render(
        response.data, request.accepted_media_type, view.get_renderer_context()
    )


def shared_answer(view, produce: Callable[[], Response]) -> HttpResponse | Response:
    """produce()'s answer, rendered once per generation and address.

    Errors raise from produce() and are never kept; answers that are not an
    ordinary 200 are returned as they are.
    """
    if not settings.ATLAS_ANSWER_CACHE:
        return produce()
    request = view.request
    address = f"{request.accepted_media_type}\n{request.build_absolute_uri()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    fresh: list = []

    def compute(using: str) -> bytes | None:
        response = produce()
        fresh.append(response)
        if response.status_code != 200 or not isinstance(response, Response):
            return None
        body = rendered(view, response)
        return body if len(body) <= MAX_CACHED_BYTES else None

    body = cached(f"answer:{digest}", compute)
    if fresh and body is None:
        return fresh[0]  # not kept: answered as produced
    if body is None:
        return produce()
    content_type = request.accepted_media_type
    charset = request.accepted_renderer.charset
    if charset:
        content_type = f"{content_type}; charset={charset}"
    return HttpResponse(body, content_type=content_type)
