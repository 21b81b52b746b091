"""The curation screen: a page as readers see it, its pins marked, reorderable and unpinnable.

Editors may look (``curation.view_pin``); only publishers change it
(``curation.curate``). Every change is written to the admin's history
(``LogEntry``), like the pin and banner forms' own.
"""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Topic
from articles.queries import listed_articles
from articles.views.front import FrontPageView

from . import curating
from .models import Pin
from .pages import top_stories, topic_page_pins

SHOWN_FROM_FORMULA = 10


def page_pins(topic):
    """Every pin of a page (any state), in order, with its article."""
    pins = Pin.objects.filter(topic=topic) if topic else Pin.objects.filter(topic__isnull=True)
    return list(pins.select_related("article", "created_by").order_by("position", "pk"))


def readers_view(request, topic):
    """(pinned articles shown, the formula's lead or None, the formula's first items) as readers see them."""
    if topic is None:
        view = FrontPageView()
        view.setup(request)
        pinned = view.pinned
        formula_lead = None if pinned else view.lead
        rest = [a for a in view.candidates if a.pk not in view.shown_above]
        return pinned, formula_lead, rest[:SHOWN_FROM_FORMULA]
    pinned = topic_page_pins(topic)
    rest = listed_articles().tagged(topic).exclude(pk__in=[a.pk for a in pinned])
    return pinned, None, list(rest[:SHOWN_FROM_FORMULA])


def _state(pin, shown_ids, now):
    if pin.article_id in shown_ids:
        return "lead" if shown_ids[pin.article_id] == 0 else "top"
    if not pin.article.is_live():
        return "not-live"
    if pin.ends_at and pin.ends_at <= now:
        return "ended"
    if pin.starts_at and pin.starts_at > now:
        return "scheduled"
    if pin.ends_at and pin.starts_at and pin.ends_at <= pin.starts_at:
        return "never"
    return "overflow"


STATE_LABELS = {
    "lead": "Lead", "top": "Top story", "not-live": "Not shown: the article is not live",
    "ended": "Ended", "scheduled": "Starts later", "never": "Never shown: ends before it starts",
    "overflow": "Not shown: more pins than top-story places",
}


def screen(request, slug=None):
    if not request.user.has_perm("curation.view_pin"):
        raise PermissionDenied
    topic = get_object_or_404(Topic, slug=slug) if slug else None
    can_curate = request.user.has_perm("curation.curate")
    here = reverse("curation:topic", kwargs={"slug": topic.slug}) if topic else reverse("curation:front")
    pins = page_pins(topic)

    if request.method == "POST":
        if not can_curate:
            raise PermissionDenied
        plan = curating.plan(pins, request.POST)
        if plan.errors:
            for error in plan.errors:
                messages.error(request, error)
            return redirect(here)
        _apply(plan, request.user)
        messages.success(request, "The page is saved." if plan.positions or plan.ends or plan.unpin else "Nothing changed.")
        return redirect(here)

    now = timezone.now()
    pinned, formula_lead, formula = readers_view(request, topic)
    shown_ids = {article.pk: place for place, article in enumerate(pinned)}
    rows = [
        {"pin": pin, "state": (state := _state(pin, shown_ids, now)), "label": STATE_LABELS[state]}
        for pin in pins
    ]
    add_url = reverse("admin:curation_pin_add") + (f"?topic={topic.pk}" if topic else "")
    pinned_topics = Topic.objects.filter(pins__isnull=False).distinct().order_by("name")[:50]
    return TemplateResponse(request, "admin/curation/screen.html", {
        **admin.site.each_context(request),
        "title": f"Curate: topic {topic.name}" if topic else "Curate: front page",
        "topic": topic, "rows": rows, "pinned": pinned, "formula_lead": formula_lead,
        "formula": formula, "can_curate": can_curate, "add_url": add_url,
        "top_stories": top_stories(), "pinned_topics": pinned_topics,
        "public_url": topic.get_absolute_url() if topic else reverse("articles:index"),
    })


def choose_topic(request):
    """The topic form's target: that topic's screen, or back to the front page's."""
    if not request.user.has_perm("curation.view_pin"):
        raise PermissionDenied
    name = (request.GET.get("topic") or "").strip()
    topic = Topic.objects.filter(key=Topic.key_for(name)).first() if name else None
    if topic is None:
        if name:
            messages.error(request, f"There is no topic “{name[:100]}”.")
        return redirect("curation:front")
    return redirect("curation:topic", slug=topic.slug)


@transaction.atomic
def _apply(plan, user):
    for pin in plan.unpin:
        LogEntry.objects.log_actions(user.pk, [pin], DELETION, "Unpinned on the curation screen.", single_object=True)
        pin.delete()
    changed = set(plan.positions) | set(plan.ends)
    # Each save invalidates the public pages (curation.signals); pins are few.
    for pin in sorted(changed, key=lambda p: plan.positions.get(p, p.position)):
        message = plan.messages_for(pin)
        pin.position = plan.positions.get(pin, pin.position)
        pin.ends_at = plan.ends.get(pin, pin.ends_at)
        pin.save(update_fields=["position", "ends_at"])
        LogEntry.objects.log_actions(user.pk, [pin], CHANGE, message, single_object=True)
