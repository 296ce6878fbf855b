"""Run by test_replica.py in a fresh process whose environment names a primary
(DATABASE_URL) and a streaming replica (DATABASE_REPLICA_URLS). Prints what it
observed as JSON: which database answered each request, and what each saw."""

import json
import os
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from papers.models import Paper  # noqa: E402

KEY = "replica2024probe"


def served_by(client, path, **extra):
    """Status, and queries run on the primary and on the replica, of one GET."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica_1"]) as replica,
    ):
        response = client.get(path, **extra)
    return {
        "status": response.status_code,
        "primary": len(primary.captured_queries),
        "replica": len(replica.captured_queries),
    }


def wait_for_replica(seconds=20.0) -> float:
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if Paper.objects.using("replica_1").filter(citation_key=KEY).exists():
            return time.monotonic() - began
        time.sleep(0.05)
    raise SystemExit("the replica never showed the new paper")


def main():
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("probe", is_staff=True)
    token = Token.objects.create(user=user)
    report = {}
    with connections["replica_1"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        report["replica_in_recovery"] = cursor.fetchone()[0]
    reader = Client(HTTP_HOST="127.0.0.1")
    report["list_before"] = served_by(reader, "/api/v1/papers/")
    writer = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"citation_key": KEY, "entry_type": "article", "title": "Replica Probe",
            "year": 2024, "status": "published", "authors": ["Ada Probe"]}  # fmt: skip
    with CaptureQueriesContext(connections["replica_1"]) as replica:
        response = writer.post("/api/v1/papers/", body, content_type="application/json")
    report["write"] = {
        "status": response.status_code,
        "replica_queries": len(replica.captured_queries),
        "pin_cookie": response.cookies.get("atlas_primary") is not None,
    }
    report["read_own_write"] = served_by(writer, f"/api/v1/papers/{KEY}/")
    report["replication_seconds"] = wait_for_replica()
    report["read_after_replication"] = served_by(reader, f"/api/v1/papers/{KEY}/")
    report["on_primary"] = (
        Paper.objects.using("default").filter(citation_key=KEY).count()
    )
    print(json.dumps(report))


main()
