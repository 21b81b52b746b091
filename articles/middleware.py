"""Fresh cached public pages, answered before the rest of the middleware stack."""

from .caching import cached_response


class CachedPageMiddleware:
    """Answer an anonymous reader's GET from the page cache before sessions, auth and the rest.

    Placed just after the static files (``newsroom/settings.py``): a
    cookie-less reader's cached copy needs none of the middleware below, and
    a busy site serves mostly such copies. Whatever it does not answer (a
    miss, a stale page, a signed-in user, any other view) goes on down the
    stack to the view's own ``public_page``, as before. The headers the
    middleware below would add are on the copy too: ``X-Frame-Options`` is
    set above it, ``Content-Length`` by ``cached_response``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = cached_response(request)
        if response is None:
            response = self.get_response(request)
        return response
