from django import template

from curation.banners import banners_html

register = template.Library()


@register.simple_tag
def breaking_news():
    """The current breaking-news banners; one query per content version, none otherwise."""
    return banners_html()
