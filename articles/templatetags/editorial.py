"""The editorial dashboard on the admin index: what the desk needs to know at a glance."""

from datetime import timedelta

from django import template
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from ..caching import content_generation
from ..models import Article, ImportRun

register = template.Library()

CACHE_KEY = "admin:editorial-dashboard"
# Counting states reads the whole status index: the figures are kept until the
# content changes (every article write renews the content version), and at most
# this long, because the next 24 hours move on with no write at all.
CACHE_SECONDS = 60
HORIZON = timedelta(hours=24)
SHOWN = 15


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    """Counts by state, the review queues, what goes live or expires in the next 24 hours, the latest imports."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    data = _cached_dashboard_data()
    return {
        "show": True, "can_see_imports": user.has_perm("articles.view_importrun"), **data,
        # Five rows off the started_at ordering: cheap, and an import that changed
        # nothing (so left the content version alone) still shows at once.
        "imports": latest_imports(),
    }


def _cached_dashboard_data():
    """``dashboard_data()``, reused only while the content it counts is unchanged.

    Keyed on the site's content generation: a publish, a submit or an import made
    by any process renews it, so the desk never sees the count from before its
    own change. Without a reachable cache the figures are simply computed.
    """
    try:
        generation = content_generation()
    except Exception:
        return dashboard_data()
    key = f"{CACHE_KEY}:{generation}"
    data = cache.get(key)
    if data is None:
        data = dashboard_data()
        cache.set(key, data, CACHE_SECONDS)
    return data


def dashboard_data(now=None):
    """The dashboard's article figures as plain data (cacheable)."""
    now = now or timezone.now()
    end = now + HORIZON
    counts = dict(Article.objects.order_by().values_list("status").annotate(n=Count("id")))
    states = [(value, label, counts.get(value, 0)) for value, label in Article.Status.choices]

    # An article goes live when both its go-live time and its embargo have passed.
    candidates = Article.objects.published().filter(
        Q(go_live_at__gt=now, go_live_at__lte=end) | Q(embargo_until__gt=now, embargo_until__lte=end)
    ).values("pk", "title", "go_live_at", "embargo_until")
    going_live = []
    for row in candidates:
        moment = max(t for t in (row["go_live_at"], row["embargo_until"]) if t is not None)
        if moment <= end:
            going_live.append({"pk": row["pk"], "title": row["title"], "at": moment,
                               "embargo": row["embargo_until"] == moment})
    going_live.sort(key=lambda row: row["at"])
    expiring = list(
        Article.objects.published().filter(expire_at__gt=now, expire_at__lte=end)
        .order_by("expire_at").values("pk", "title", "expire_at")[:SHOWN]
    )
    in_review = list(
        Article.objects.filter(status=Article.Status.IN_REVIEW)
        .order_by("-updated_at").values("pk", "title", "updated_at")[:SHOWN]
    )
    # Editors' changes to published articles, waiting for a publisher (sent back ones are the editors' again).
    awaiting = Article.objects.filter(pending_revision__isnull=False, pending_sent_back=False)
    awaiting_changes = list(awaiting.order_by("-updated_at").values("pk", "title", "updated_at")[:SHOWN])
    return {
        "as_of": now, "states": states, "total": sum(counts.values()),
        "going_live": going_live[:SHOWN], "going_live_total": len(going_live),
        "expiring": expiring, "in_review": in_review, "in_review_total": counts.get(Article.Status.IN_REVIEW, 0),
        "awaiting_changes": awaiting_changes,
        "awaiting_changes_total": (
            len(awaiting_changes) if len(awaiting_changes) < SHOWN else awaiting.count()
        ),
    }


def latest_imports():
    """The five latest import runs, newest first, as plain data."""
    return [
        {"pk": run.pk, "started_at": run.started_at, "source": run.source,
         # An API push has no user: its token's name says who sent it.
         "user": (run.user.get_full_name() or run.user.get_username()) if run.user else run.label,
         "seen": run.seen, "created": run.created, "updated": run.updated,
         "unchanged": run.unchanged, "rejected": run.rejected}
        for run in ImportRun.objects.select_related("user")[:5]
    ]
