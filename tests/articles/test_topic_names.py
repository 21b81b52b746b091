"""One rule for what makes two topic names one topic, on every path that writes topics."""

import pytest
from django.urls import reverse

from articles.models import Article, Topic
from tests.articles.test_admin_workflow import edit_data

from .roles import make_user

pytestmark = pytest.mark.django_db


def test_adding_a_name_that_differs_only_in_spacing_and_case_reuses_the_topic(make_article):
    make_article(topics=["Computer Vision"])
    other = make_article()

    other.topics.add("computer  vision", " COMPUTER\tVISION ")

    assert Topic.objects.count() == 1
    assert list(other.topics.names()) == ["Computer Vision"]


def test_a_new_topic_is_stored_with_its_spacing_collapsed(make_article):
    article = make_article()

    article.topics.add("  Machine   learning ")

    assert Topic.objects.get().name == "Machine learning"


def test_set_and_remove_match_by_the_same_rule(make_article):
    article = make_article(topics=["AI", "Space"])

    article.topics.set(["ai", "SPACE  "])
    assert sorted(article.topics.names()) == ["AI", "Space"]
    article.topics.remove("  space")
    assert list(article.topics.names()) == ["AI"]


def test_an_empty_or_too_long_name_is_refused_before_the_database(make_article):
    article = make_article()

    for name in ["   ", "ß" * 60]:  # "ß" folds to "ss": a key of 120 characters
        with pytest.raises(ValueError):
            article.topics.add(name)
    assert not Topic.objects.exists()


def test_the_admin_article_form_joins_an_existing_topic_instead_of_failing(client, make_article):
    article = make_article(topics=["Computer Vision"], status=Article.Status.DRAFT)
    client.force_login(make_user("publisher"))

    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        edit_data(article, topics='"computer  vision", "Ai", "AI"'),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(name.casefold() for name in article.topics.names()) == ["ai", "computer vision"]
    assert "Computer Vision" in article.topics.names()
    assert Topic.objects.count() == 2


def test_the_admin_article_form_refuses_a_topic_name_too_long(client, make_article):
    article = make_article()
    client.force_login(make_user("publisher"))

    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        edit_data(article, topics="x" * 101),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["topics"][0].code == "invalid_topic"


def test_the_topic_admin_refuses_a_second_spelling_of_a_topic(client, db):
    Topic.objects.create(name="Computer Vision")
    client.force_login(make_user("superuser"))

    response = client.post(
        reverse("admin:articles_topic_add"), {"name": "computer  VISION", "slug": "cv"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["name"][0].code == "duplicate_topic"
    assert Topic.objects.count() == 1



def test_the_importer_names_topics_by_the_same_rule():
    from tests.importing.conftest import parse_fields

    article = parse_fields(topics='["Computer  Vision", "computer vision", " AI "]')

    assert article.topics == ("Computer Vision", "AI")
