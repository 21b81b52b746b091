from django import template

from curation.banners import banners_for_pages

register = template.Library()


@register.inclusion_tag("curation/banners.html")
def breaking_news():
    """The current breaking-news banners; one query per content version, none otherwise."""
    return {"banners": banners_for_pages()}
