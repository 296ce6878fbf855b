import os
import subprocess
import sys

from django.conf import settings

PRINT_ENGINE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
    "from django.conf import settings; d=settings.DATABASES['default']; "
    "print(d['ENGINE'], d['NAME'], d.get('HOST',''), d.get('PORT',''))"
)


def run_settings(env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_ENGINE],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_missing_secret_key_outside_debug_stops_start_up_with_a_clear_message():
    result = run_settings({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_without_database_url_the_embedded_sqlite_file_is_used():
    result = run_settings({"DJANGO_DEBUG": "1"})
    engine, name = result.stdout.split()[:2]
    assert engine == "django.db.backends.sqlite3"
    assert name.endswith("db.sqlite3")


def test_a_postgres_url_selects_postgresql():
    result = run_settings(
        {
            "DJANGO_SECRET_KEY": "k",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/",
        }
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "survey_atlas",
        "127.0.0.1",
        "5432",
    ]


def test_production_settings_pass_the_deployment_checklist():
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    env = {
        **clean,
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-only-" + "x9Q" * 10,
        "DJANGO_HTTPS": "1",
        "DJANGO_ALLOWED_HOSTS": "atlas.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_settings_fail_the_deployment_checklist():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**os.environ, "DJANGO_DEBUG": "1", "DJANGO_HTTPS": "0"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr


def test_postgresql_connections_plan_short_queries_without_jit_or_parallel_workers(
    postgres_only,
):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
    assert (jit, workers) == ("off", "0")
