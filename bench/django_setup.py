"""Start Django for the bench commands (settings from the environment)."""

import os


def setup() -> None:
    """Start Django as the app servers do (config/wsgi.py): settings, every view
    imported, and what start-up created frozen out of the collector's reach, so
    that in-process timings meet the same garbage-collection pauses as served
    requests."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import config.wsgi  # noqa: F401
