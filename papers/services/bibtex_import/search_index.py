"""The search documents' GIN index during a large import on PostgreSQL.

A GIN index takes new entries into a pending list, which is cheap to add to,
and merges the list into its tree once the list outgrows
gin_pending_list_limit (4 MB unless set). Inserting ten thousand papers, the
import's connection would stop to merge several times, and everything else it
writes waits meanwhile. So while the papers go in, the import's transaction
raises the limit; once they are in, a second connection merges the list
(gin_clean_pending_list) while the import's own connection checks the
foreign keys of all it wrote. The import waits for the merge before it
returns, so the index is whole when the import is done.

The merge on the second connection only saves time: if it fails, the entries
wait in the pending list until the next merge (the next large insert, or
autovacuum), and searches read them there meanwhile. Only the index's owner
or a superuser may merge it, so for any other database user the import
leaves the limit alone.
"""

from __future__ import annotations

import logging
import threading

from django.db import DEFAULT_DB_ALIAS, connection, connections

logger = logging.getLogger(__name__)

INDEX = "papers_paper_search_document_gin"  # papers/migrations/0006
#: The pending list's limit while the papers go in, in kB: 10,000 papers take
#: about 40 MB; a much larger import is merged in several parts.
LIMIT_KB = 256 * 1024
_MERGE = "SELECT gin_clean_pending_list(%s::regclass)"


class MergedAside:
    """Use as a context manager around writing the papers and what follows
    them (the import's last rows are the papers); call :meth:`papers_written`
    between the two."""

    def __init__(self) -> None:
        self._thread = threading.Thread(
            target=self._merge, name="search-index-merge", daemon=True
        )

    def __enter__(self) -> MergedAside:
        # Only the index's owner (or a superuser) may merge it: for any other
        # database user the import's connection merges as it goes.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('gin_pending_list_limit'), pg_has_role("
                " (SELECT relowner FROM pg_class WHERE oid = to_regclass(%s)),"
                " 'USAGE')",
                [INDEX],
            )
            self._limit, may_merge = cursor.fetchone()
        self._may_merge = bool(may_merge)  # None: no such index
        if self._may_merge:
            _set_limit(str(LIMIT_KB))
        return self

    def papers_written(self) -> None:
        """Put the limit back for the rest of the transaction and start merging."""
        if not self._may_merge:
            return
        _set_limit(self._limit)
        self._thread.start()

    def __exit__(self, *exc_info) -> None:
        if self._thread.is_alive():
            self._thread.join()

    def _merge(self) -> None:
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute(_MERGE, [INDEX])
        except Exception:  # noqa: BLE001 - the next merge takes the entries
            logger.warning("search index not merged after the import", exc_info=True)
        finally:
            other.close()


def _set_limit(value: str) -> None:
    """gin_pending_list_limit for the rest of the import's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('gin_pending_list_limit', %s, true)", [value])
