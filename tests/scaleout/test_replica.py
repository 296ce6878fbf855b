"""A real PostgreSQL primary with a streaming replica, both throwaway clusters
made with initdb and pg_basebackup in a temporary directory on free ports (the
machine's own cluster is untouched). The app reads from the replica, writes to
the primary, and a client reads its own writes before replication catches up."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.external import unavailable

PG_BIN = Path(os.environ.get("ATLAS_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(*command: str) -> None:
    prefix = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@pytest.fixture
def primary_and_replica():
    if not settings.IS_POSTGRES:
        pytest.skip("runs in the PostgreSQL pass of the suite")
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_basebackup").exists():
        unavailable(f"PostgreSQL server binaries not found in {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("runuser is needed to run PostgreSQL as the postgres user")
    home = Path(tempfile.mkdtemp(prefix="atlas-replica-"))
    home.chmod(0o777)  # the postgres user writes its clusters here
    primary, replica = home / "primary", home / "replica"
    ports = free_port(), free_port()
    started = []
    try:
        as_postgres(str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8")  # fmt: skip
        settings_lines = [
            f"port = {ports[0]}", "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{home}'", "wal_level = replica",
            "max_wal_senders = 4", "fsync = off", "synchronous_commit = off",
        ]  # fmt: skip
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write("\n".join(settings_lines) + "\n")
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(primary), "-l",
                    str(home / "primary.log"), "-w", "start")  # fmt: skip
        started.append(primary)
        as_postgres(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                    str(ports[0]), "-U", "postgres", "-D", str(replica), "-R",
                    "-X", "stream")  # fmt: skip
        with open(replica / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {ports[1]}\nhot_standby = on\n")
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(replica), "-l",
                    str(home / "replica.log"), "-w", "start")  # fmt: skip
        started.append(replica)
        as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(ports[0]),
                    "-U", "postgres", "atlas")  # fmt: skip
        yield tuple(f"postgres://postgres@127.0.0.1:{port}/atlas" for port in ports)
    finally:
        for cluster in reversed(started):
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(cluster), "-m", "immediate",
                        "-w", "stop")  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


def test_reads_go_to_the_replica_and_writes_are_read_back(primary_and_replica):
    primary_url, replica_url = primary_and_replica
    env = {
        **os.environ,
        "DATABASE_URL": primary_url,
        "DATABASE_REPLICA_URLS": replica_url,
        "DJANGO_SECRET_KEY": "replica-test-key",
        "DJANGO_DEBUG": "0",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("replica_probe.py"))],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["replica_in_recovery"] is True
    # An anonymous read is answered by the replica alone.
    before = seen["list_before"]
    assert before["status"] == 200 and before["replica"] > 0 and before["primary"] == 0
    # The write goes to the primary only, and pins its client there.
    assert seen["write"]["status"] == 201, seen
    assert seen["write"]["replica_queries"] == 0 and seen["write"]["pin_cookie"]
    assert seen["on_primary"] == 1
    # The writer reads its own write from the primary at once.
    own = seen["read_own_write"]
    assert own["status"] == 200 and own["primary"] > 0 and own["replica"] == 0
    # Replication delivers it; other clients then read it from the replica.
    after = seen["read_after_replication"]
    assert after["status"] == 200 and after["replica"] > 0 and after["primary"] == 0
