"""gunicorn's settings for ``make serve``, read like the site's own: environment first, then .env.

``BIND``, ``WEB_CONCURRENCY`` and ``GUNICORN_TIMEOUT`` are in the README's configuration
table; keeping them here rather than on the Makefile's command line means a value in
``.env`` works the same as one exported in the shell.
"""

from newsroom.environment import env

bind = env.str("BIND", default="127.0.0.1:8000")
workers = env.int("WEB_CONCURRENCY", default=2)
# A request longer than this is killed; graceful shutdown gets the same time to finish.
timeout = env.int("GUNICORN_TIMEOUT", default=30)
graceful_timeout = timeout
# Recycle workers now and then so a slow leak never grows without bound; the jitter
# keeps them from restarting all at once.
max_requests = 5000
max_requests_jitter = 500
errorlog = "-"
loglevel = "warning"
