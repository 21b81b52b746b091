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


class OnceNode(template.Node):
    """What ``{% once %}`` encloses, rendered on first use and then reused (see ``once``)."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}

    def render(self, context):
        key = (get_script_prefix(), getattr(settings, "SITE_NAME", "Newsroom"), settings.STATIC_URL)
        html = self.rendered.get(key)
        if html is None:
            # An empty context: the fragment cannot come to depend on the page or the reader.
            html = self.rendered[key] = self.nodelist.render(context.new())
        return html


@register.tag
def once(parser, token):
    """``{% once %}...{% endonce %}``: a fragment that is the same on every page, rendered once per process.

    For the site's header, footer and head links: a dozen ``{% path_to %}`` and
    ``{% static %}`` tags that cost every page as much as its article list.
    The fragment is rendered without the page's context (a variable in it is
    empty), so it cannot leak one reader's page into another's; it is kept
    per script prefix, site name and static URL, which is all it may depend on.
    """
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)


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
