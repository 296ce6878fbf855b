"""Settings for running several app processes: replica databases and the cache.

App processes keep no state of their own: sessions live in the database, and
the cache (API throttling counters and cached reads) lives in Redis when
REDIS_URL is set, so every process sees the same values. Without REDIS_URL each
process has its own local-memory cache.
"""

import dj_database_url


def postgres_options(config: dict) -> None:
    """Connection options of every PostgreSQL database the app uses.

    A server that is down fails fast (requests answer 503 instead of hanging),
    and queries are neither JIT-compiled nor parallel: the app's queries are
    short. Above PostgreSQL's default cost threshold compiling one took longer
    (about 0.3 s for a whole-set export) than the compiled code saved, and a
    page of a filtered list planned with parallel workers waited longer for
    them to start (about 7 ms of 11) than they saved; under load, requests
    already keep every core busy.
    """
    options = config.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", 3)
    options.setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0")


def replica_databases(urls: list[str]) -> dict[str, dict]:
    """Database settings "replica_1", "replica_2", ... for streaming replicas."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ValueError(f"DATABASE_REPLICA_URLS: {url!r} is not a postgres:// URL")
        postgres_options(config)
        # Tests read replicas through the primary's test database.
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica_{number}"] = config
    return replicas


def cache_settings(redis_url: str | None) -> dict[str, dict]:
    """Redis when a URL is given (shared by every process), else local memory."""
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "atlas",
                "TIMEOUT": 300,
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "atlas",
        }
    }
