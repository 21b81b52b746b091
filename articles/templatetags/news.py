"""Template helpers for the public site: checked URLs and the site's name."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from .. import rendering

register = template.Library()


@register.filter
def web_url(value):
    """An http(s) URL made safe for an attribute, or ``""`` (so the template drops the link)."""
    return rendering.web_url(value)


@register.filter
def xml_text(value):
    """Text without the control characters XML 1.0 cannot carry."""
    return rendering.xml_text(value)


@register.simple_tag
def site_name():
    """The site's display name (``SITE_NAME``)."""
    return getattr(settings, "SITE_NAME", "Newsroom")


@register.filter
def iso(value):
    """An aware datetime in ISO 8601 to the second, as ``<time datetime>`` and sitemaps accept."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@lru_cache(maxsize=64)
def _reverse(name, prefix):
    return reverse(name)


@register.simple_tag
def path_to(name):
    """``{% url name %}`` for argument-free routes, memoised: the header links on every page."""
    return _reverse(name, get_script_prefix())


@register.simple_tag
def story_list(items, level=2):
    """The ``<ol>`` of a list page's ``Story`` items (``articles.presenting``), headings at ``level``."""
    from ..presenting import story_list_html

    return story_list_html(items, level)
