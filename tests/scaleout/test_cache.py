"""The cache: Redis shared by every app process when REDIS_URL is set, local
memory otherwise; and the replica settings read from DATABASE_REPLICA_URLS."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from config.scaleout import cache_settings, replica_databases
from tests.external import unavailable

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)

SET_THEN_GET = """
import os, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.cache import cache
action, key = sys.argv[1], sys.argv[2]
if action == "set":
    cache.set(key, {"papers": 100000}, timeout=60)
    from django.core.cache import caches
    print(type(caches["default"]).__name__)
else:
    print(cache.get(key))
    cache.delete(key)
"""


def _process(action: str, key: str, redis_url: str | None) -> str:
    env = {**os.environ, "DJANGO_SECRET_KEY": "cache-test-key"}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_REPLICA_URLS", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    done = subprocess.run(
        [sys.executable, "-c", SET_THEN_GET, action, key],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


def test_two_processes_share_the_redis_cache():
    if not _redis_up():
        unavailable("Redis is not running on 127.0.0.1:6379")
    url = "redis://127.0.0.1:6379/15"
    key = f"scaleout-test-{uuid.uuid4().hex}"
    assert _process("set", key, url) == "RedisCache"
    assert _process("get", key, url) == "{'papers': 100000}"
    assert _process("get", key, url) == "None"  # the reader deleted it


def test_without_redis_each_process_has_its_own_cache():
    key = f"scaleout-test-{uuid.uuid4().hex}"
    assert _process("set", key, None) == "LocMemCache"
    assert _process("get", key, None) == "None"


def test_cache_settings_pick_the_backend():
    redis = cache_settings("redis://127.0.0.1:6379/2")["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/2"
    local = cache_settings(None)["default"]
    assert local["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_replica_urls_become_numbered_databases_mirroring_default_in_tests():
    found = replica_databases(
        ["postgres://reader@10.0.0.2:5432/atlas", "postgres://reader@10.0.0.3/atlas"]
    )
    assert list(found) == ["replica_1", "replica_2"]
    assert found["replica_2"]["HOST"] == "10.0.0.3"
    assert found["replica_1"]["NAME"] == "atlas"
    assert found["replica_1"]["TEST"] == {"MIRROR": "default"}


def test_a_replica_url_that_is_not_postgres_is_refused():
    with pytest.raises(ValueError, match="not a postgres"):
        replica_databases(["sqlite:///replica.sqlite3"])
