"""While the database is unreachable the app answers 503 quickly, then recovers."""

import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory


@pytest.fixture
def unreachable_database(transactional_db, survey):
    """Point the live connection at a port where no server listens, for real.

    PostgreSQL only: the SQLite test database lives in memory and cannot go away.
    """
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL only (set DATABASE_URL=postgres://...)")
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    yield original
    connection.close()
    connection.settings_dict.update(original)


@pytest.mark.parametrize(
    ("path", "accept", "content_type"),
    [
        ("/papers/", "text/html", "text/html"),
        ("/api/v1/papers/", "*/*", "application/json"),
    ],
)
def test_outage_answers_503_with_retry_after(
    client, unreachable_database, path, accept, content_type
):
    client.raise_request_exception = False
    started = time.monotonic()
    response = client.get(path, HTTP_ACCEPT=accept)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith(content_type)
    assert "unavailable" in response.content.decode()
    assert time.monotonic() - started < 10


def test_app_recovers_when_the_database_comes_back(client, unreachable_database):
    client.raise_request_exception = False
    assert client.get("/papers/").status_code == 503
    connection.close()
    connection.settings_dict.update(unreachable_database)
    assert client.get("/papers/").status_code == 200


# --- The database connection lost in the middle of a BibTeX import ----------

FAULT_ENTRIES = 15000
FAULT_FLAG = "ATLAS_FAULT_TESTS"


def fault_bib(path, entries: int) -> None:
    """A .bib of `entries` new papers whose keys all start with "faultcase"."""
    with open(path, "w", encoding="utf-8") as out:
        for n in range(entries):
            out.write(
                f"@article{{faultcase{n},\n"
                f"  author = {{Tester, Ada{n} and Probe, Max{n}}},\n"
                f"  title = {{Fault case {n}: what survives a lost connection}},\n"
                f"  journal = {{Journal of Fault Cases}},\n"
                f"  year = {{{2000 + n % 25}}},\n"
                f"  doi = {{10.5555/faultcase.{n}}}\n}}\n\n"
            )


@pytest.fixture
def fault_database(transactional_db, survey):
    """A database of its own, migrated, for an import whose connection is cut.

    Runs on PostgreSQL when ATLAS_FAULT_TESTS=1 (.ci/run sets it): it creates a
    database and imports thousands of entries, too slow for every local run.
    """
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL only (set DATABASE_URL=postgres://...)")
    if os.environ.get(FAULT_FLAG) != "1":
        pytest.skip(f"fault injection runs only with {FAULT_FLAG}=1 (set by .ci/run)")
    params = connection.get_connection_params()
    name = f"{connection.settings_dict['NAME']}_fault"[:63]
    admin = {k: params[k] for k in ("host", "port", "user", "password") if k in params}

    def maintenance(sql: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(sql)

    maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    maintenance(f'CREATE DATABASE "{name}"')
    auth = admin["user"] + (f":{admin['password']}" if admin.get("password") else "")
    url = f"postgres://{auth}@{admin['host']}:{admin['port']}/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": "fault-test-key",
        "DJANGO_DEBUG": "0",
    }
    env.pop("DATABASE_REPLICA_URLS", None)
    manage(env, "migrate", "--noinput")
    yield env, name, admin
    maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def writing_backend(importer, admin: dict, database: str, timeout: float = 120) -> int:
    """The pid of the server process that has begun writing in `database`
    (its transaction holds a transaction id), waiting for it to appear."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        while time.monotonic() < deadline:
            if importer.poll() is not None:
                output = importer.communicate()
                raise AssertionError(f"the import ended before writing: {output}")
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = %s AND backend_xid IS NOT NULL",
                [database],
            ).fetchone()
            if row:
                return row[0]
            time.sleep(0.05)
    raise AssertionError("the import never started writing")


def count_rows(admin: dict, database: str, sql: str) -> int:
    with psycopg.connect(dbname=database, autocommit=True, **admin) as conn:
        return conn.execute(sql).fetchone()[0]


def served(path: str) -> int:
    """The status of a GET through Django's WSGI handler, with the connection
    handling of a real server (the test client skips it)."""
    environ = RequestFactory().get(path).environ
    started = []
    body = WSGIHandler()(environ, lambda status, headers, *exc: started.append(status))
    b"".join(body)
    body.close()
    return int(started[0].split()[0])


def test_import_cut_off_mid_way_leaves_nothing_and_the_app_recovers(
    fault_database, tmp_path
):
    env, database, admin = fault_database
    bib = tmp_path / "fault.bib"
    fault_bib(bib, FAULT_ENTRIES)
    papers_before = count_rows(admin, database, "SELECT count(*) FROM papers_paper")
    changes_before = count_rows(admin, database, "SELECT count(*) FROM history_change")
    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_bibtex", str(bib)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        pid = writing_backend(importer, admin, database)
        time.sleep(0.3)  # into the writing, well before its end
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            # The app's own connection goes too, as in a server restart.
            assert conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid = %s OR (datname = %s AND pid <> pg_backend_pid())",
                [pid, connection.settings_dict["NAME"]],
            ).fetchall()
        _, stderr = importer.communicate(timeout=120)
    finally:
        importer.kill()
    assert importer.returncode != 0
    assert "terminat" in stderr.lower() or "connection" in stderr.lower(), stderr
    sql = "SELECT count(*) FROM papers_paper WHERE citation_key LIKE 'faultcase%'"
    assert count_rows(admin, database, sql) == 0
    assert count_rows(admin, database, "SELECT count(*) FROM papers_paper") == (
        papers_before
    )
    assert count_rows(admin, database, "SELECT count(*) FROM history_change") == (
        changes_before
    )

    # The app answers again at once; the same file then imports whole.
    statuses = [served("/api/v1/papers/") for _ in range(2)]
    assert statuses == [200, 200]
    manage(env, "import_bibtex", str(bib))
    assert count_rows(admin, database, sql) == FAULT_ENTRIES
