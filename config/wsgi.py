"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import every view now, then move what start-up created out of the collector's
# reach: full collections stay short (they otherwise rescan every module, model
# and URL pattern and add 100 ms pauses to a request now and then).
get_resolver().url_patterns  # noqa: B018
gc.freeze()
