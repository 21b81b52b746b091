"""Bylines wherever they show, whatever was stored: never a 500, never an empty link."""

import pytest
from django.urls import reverse

from articles.models import Article, Topic
from curation.models import Pin


@pytest.mark.parametrize("stored", [5, True, "Jane Doe", {"name": "Jane"}, [None, 3, "  "]])
def test_the_admin_list_shows_articles_whose_stored_outlet_byline_is_odd(admin_client, make_article, stored):
    article = make_article(title="Odd byline")
    Article.objects.filter(pk=article.pk).update(source_authors=stored)

    response = admin_client.get(reverse("admin:articles_article_changelist"))

    assert response.status_code == 200
    assert "Odd byline" in response.content.decode()


def test_a_house_article_pinned_as_a_topics_lead_is_credited_to_its_authors(client, make_author, make_house_article):
    jane = make_author(name="Jane <b>Doe</b>", slug="jane-doe")
    article = make_house_article(title="Harbour wall walked", authors=[jane], topics=["Harbours"])
    topic = Topic.objects.get(name="Harbours")
    Pin.objects.create(topic=topic, article=article, position=0)

    page = client.get(f"/topics/{topic.slug}/").content.decode()
    lead = page[page.index('class="lead"'):page.index("</section>", page.index('class="lead"'))]

    assert "Harbour wall walked" in lead
    assert 'href=""' not in lead
    assert '<a href="/authors/jane-doe/" rel="author" dir="auto">Jane &lt;b&gt;Doe&lt;/b&gt;</a>' in lead
