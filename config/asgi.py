"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application
from django.urls import get_resolver

from config.collector import tune_for_requests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

get_resolver().url_patterns  # noqa: B018  (see config/wsgi.py)
tune_for_requests()
