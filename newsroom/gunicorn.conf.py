"""gunicorn's settings for ``make serve``, read like the site's own: environment first, then .env.

``BIND``, ``WEB_CONCURRENCY`` and ``GUNICORN_TIMEOUT`` are in the README's configuration
table; keeping them here rather than on the Makefile's command line means a value in
``.env`` works the same as one exported in the shell.

gunicorn also names itself in a ``Server`` header on every response. That tells a
scanner which exploits to try and tells a reader nothing, so the header is left out.
gunicorn builds it in ``Response.default_headers``; if a future version moves it,
``tests/production/test_serve.py`` fails rather than the header quietly coming back.

With ``PROMETHEUS_MULTIPROC_DIR`` set, each worker writes its metrics into that folder
(``metrics/exposition.py``); when a worker exits, ``child_exit`` tells prometheus_client
so that its live gauges stop counting (its counters stay in the sums, as they should).
A previous run's files would be added to this one's, so ``on_starting`` deletes the
folder's ``*.db`` files before the first worker starts (see docs/scaling.md, "Metrics").
"""

import os

from gunicorn.http import wsgi

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

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and os.path.isdir(folder):
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
