"""gunicorn settings read from the project directory (gunicorn config.wsgi:application).

gunicorn refuses request lines over 4 KiB with its own HTML page; the app caps
addresses itself (ATLAS_MAX_URL_LENGTH) and answers in its own error shape.
"""

limit_request_line = 0
