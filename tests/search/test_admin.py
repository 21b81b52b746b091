"""The admin's article search uses the same engine, over every article."""

import pytest
from django.contrib import admin

from articles.models import Article
from search.admin import FullTextSearchMixin

pytestmark = pytest.mark.django_db


@pytest.fixture
def article_admin():
    """The ArticleAdmin the site really registers: these tests fail if it stops searching."""
    return admin.site.get_model_admin(Article)


def test_the_registered_article_admin_searches_with_the_engine(article_admin):
    assert isinstance(article_admin, FullTextSearchMixin)


@pytest.fixture
def admin_user(django_user_model):
    # No password: hashing one is most of the cost of pytest-django's admin_user.
    return django_user_model.objects.create(username="editor", is_staff=True, is_superuser=True)


def changelist_titles(article_admin, rf, user, **params):
    request = rf.get("/admin/articles/article/", params)
    request.user = user
    response = article_admin.changelist_view(request)
    response.render()
    return [a.title for a in response.context_data["cl"].result_list]


def test_admin_search_finds_drafts_too_best_match_first(article_admin, rf, admin_user, make_article):
    make_article(title="Budget news", excerpt="A volcano erupted.")
    make_article(title="Volcano erupts", status=Article.Status.DRAFT)
    make_article(title="Weather")

    assert changelist_titles(article_admin, rf, admin_user, q="volcano") == [
        "Volcano erupts", "Budget news",
    ]


def test_admin_search_uses_the_public_query_syntax(article_admin, rf, admin_user, make_article):
    make_article(title="Chips for phones")
    make_article(title="Chips for crypto")

    assert changelist_titles(article_admin, rf, admin_user, q="chips -crypto") == ["Chips for phones"]


def test_sorting_by_a_column_overrides_relevance(article_admin, rf, admin_user, make_article):
    make_article(title="Volcano erupts")
    make_article(title="Another volcano story about a volcano", excerpt="volcano")

    index = article_admin.list_display.index("headline")  # the title column, clamped
    titles = changelist_titles(article_admin, rf, admin_user, q="volcano", o=str(index))

    assert titles == ["Another volcano story about a volcano", "Volcano erupts"]


def test_an_empty_search_lists_everything(article_admin, rf, admin_user, make_article):
    make_article(title="One")
    make_article(title="Two", status=Article.Status.DRAFT)

    assert set(changelist_titles(article_admin, rf, admin_user)) == {"One", "Two"}
