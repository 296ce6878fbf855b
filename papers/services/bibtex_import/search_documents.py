"""The new papers' full-text documents, computed while the import plans.

On PostgreSQL a paper's search document (papers/migrations/0012) is computed
from its title, abstract and author names when the row is inserted, unless the
row brings it. Parsing text for search is most of what inserting a paper costs,
so a large import asks PostgreSQL for the documents on a second connection, in
a thread, while it matches and checks the entries on its own connection; the
rows then bring their documents. The documents depend on nothing but the three
texts, so the second connection needs no view of the import's transaction.

Anything that goes wrong on the second connection only costs speed: a paper
whose document is missing gets it from the trigger, as any other insert does.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

Texts = tuple[str, str, str]  # title, abstract, author names
CHUNK = 1000
_SQL = """
SELECT papers_search_document(t.title, t.abstract, t.authors)
  FROM unnest(%b::text[], %b::text[], %b::text[]) WITH ORDINALITY
       AS t(title, abstract, authors, position)
 ORDER BY t.position
"""


class SearchDocuments:
    """Documents for the given texts, computed in the background in chunks.

    Use as a context manager: leaving it stops the work and closes the second
    connection, whether or not every document was asked for.
    """

    def __init__(self, texts: list[Texts]) -> None:
        self._texts = texts
        self._position = {text: i for i, text in enumerate(texts)}
        count = (len(texts) + CHUNK - 1) // CHUNK
        self._chunks: list[Future] = [Future() for _ in range(count)]
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._compute, name="search-documents", daemon=True
        )

    def __enter__(self) -> SearchDocuments:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def document(self, title: str, abstract: str, authors: str) -> bytes | None:
        """The document of these texts (PostgreSQL's binary form), waiting for its
        chunk if need be; None for texts not given or when computing failed."""
        position = self._position.get((title, abstract, authors))
        if position is None:
            return None
        chunk = self._chunks[position // CHUNK].result()
        return None if chunk is None else chunk[position % CHUNK]

    def _compute(self) -> None:
        connection = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            connection.ensure_connection()
            # Parameters bound by the server, in binary: Django's cursor would
            # quote ten thousand abstracts into the statement's text.
            with psycopg.Cursor(connection.connection) as cursor:
                for index, future in enumerate(self._chunks):
                    if self._stop.is_set():
                        break
                    texts = self._texts[index * CHUNK : (index + 1) * CHUNK]
                    columns = [list(c) for c in zip(*texts, strict=True)]
                    cursor.execute(_SQL, columns, binary=True)
                    future.set_result([document for (document,) in cursor])
        except Exception:  # noqa: BLE001 - the trigger computes what is missing
            logger.warning("search documents not computed ahead", exc_info=True)
        finally:
            for future in self._chunks:
                if not future.done():
                    future.set_result(None)
            connection.close()
