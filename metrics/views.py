"""``/metrics``: the Prometheus text format, for a token holder or an allowed address only."""

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from prometheus_client import CONTENT_TYPE_LATEST

from . import exposition
from .access import may_read_metrics


def metrics(request):
    if not may_read_metrics(request):
        # The site's ordinary "no such page", whatever the method: the endpoint
        # does not say it exists.
        raise Http404("No such page.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = HttpResponse(exposition.render(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
