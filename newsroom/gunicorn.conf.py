"""gunicorn settings for `make serve` (``--config newsroom/gunicorn.conf.py``).

Command-line options (bind, workers, timeouts) still come from the Makefile;
this file only changes what gunicorn has no option for.

gunicorn names itself in a ``Server`` header on every response. That tells a
scanner which exploits to try and tells a reader nothing, so the header is
left out. gunicorn builds it in ``Response.default_headers``; if a future
version moves it, ``tests/production/test_serve.py`` fails rather than the
header quietly coming back.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
