"""A NUL (or another control character) in a URL is a 404 or ignored, never a database error.

PostgreSQL refuses NUL in any text parameter, so on it these were anonymous
500s with a logged traceback; the middleware answers before any view runs.
Run on PostgreSQL with DATABASE_URL set, as CI does.
"""

import pytest
from django.urls import reverse

from tests.articles.roles import make_user

pytestmark = pytest.mark.django_db

PATHS = [
    "/articles/%00/",
    "/articles/a%00b/",
    "/topics/%00/",
    "/topics/%00/rss/",
    "/topics/%00/atom/",
    "/providers/%00/",
    "/providers/%00/rss/",
    "/providers/%00/atom/",
    "/stories/%00/",
    "/share/%00/",
    "/share/1:abc%00/",
    "/categories/%00/",
    "/categories/news/%00/",
    "/archive/%00/",
    "/sitemap-%00.xml",
    "/articles/%0A/",
    "/articles/%1F/",
    "/articles/%7F/",
]
QUERIES = [
    "/search/?q=%00",
    "/search/?q=storm&topic=%00",
    "/search/?provider=%00",
    "/?before=%00",
    "/topics/?%00=1",
]
ADMIN = [
    "/admin/articles/article/%00/change/",
    "/admin/articles/article/%00/share/",
    "/admin/articles/article/1/step/%00/",
    "/admin/articles/topic/%00/change/",
    "/admin/articles/article/?q=%00",
    "/admin/articles/article/?category=%00",
    "/admin/articles/article/?provider__id__exact=%00",
    "/admin/articles/article/?topic=%00",
    "/admin/providers/provider/?q=%00",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_control_character_in_a_path_is_not_found(client, make_article, path):
    make_article(category="news", topics=["Weather"])

    assert client.get(path).status_code == 404


@pytest.mark.parametrize("url", QUERIES)
def test_a_nul_in_a_query_parameter_is_ignored(client, make_article, url):
    make_article(topics=["Weather"])

    assert client.get(url).status_code == 200


def test_a_search_with_a_nul_finds_what_the_rest_of_the_words_find(client, make_article):
    article = make_article(title="Storm warning")

    response = client.get("/search/?q=sto%00rm")

    assert response.status_code == 200
    assert f'href="{article.get_absolute_url()}"' in response.content.decode()


@pytest.mark.parametrize("url", ADMIN)
def test_the_admin_answers_nul_without_a_server_error(client, make_article, url):
    make_article(category="news", topics=["Weather"])
    client.force_login(make_user("superuser"))

    assert client.get(url).status_code in (200, 302, 404)


def test_ordinary_urls_still_work(client, make_article):
    article = make_article(category="news")

    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/search/?q=storm%20%C3%A9t%C3%A9").status_code == 200
    assert client.get(reverse("articles:category", kwargs={"category": "news"})).status_code == 200
