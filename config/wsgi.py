"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from config.collector import tune_for_requests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import every view now, so that start-up leaves the collector's reach whole:
# full collections then never rescan every module, model and URL pattern.
get_resolver().url_patterns  # noqa: B018
tune_for_requests()
