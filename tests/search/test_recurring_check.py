"""The workers' recurring search-index check: nothing to do when current, a repair when not."""

import pytest
from django.db import connection

from search.engines import engine_for
from search.tasks import check_search_index, repair_if_out_of_date
from tasks.recurring import JOBS

pytestmark = pytest.mark.django_db


def test_an_index_that_matches_the_articles_is_left_alone(make_article, found):
    make_article(title="Glacier retreat")
    assert repair_if_out_of_date() == "search index up to date"
    assert found("glacier") == ["Glacier retreat"]


def test_a_wiped_index_is_rebuilt_by_the_check(make_article, found):
    make_article(title="Glacier retreat", topics=["Climate"])
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM search_fts" if connection.vendor == "sqlite" else "DELETE FROM search_document"
        )
    assert found("glacier") == []

    assert repair_if_out_of_date() == "search index rebuilt (0 documents indexed for 1 articles)"
    assert found("glacier") == ["Glacier retreat"]
    assert repair_if_out_of_date() == "search index up to date"


def test_missing_triggers_are_reinstalled(make_article, found):
    engine_for().uninstall(connection)
    assert repair_if_out_of_date().startswith("search index rebuilt (triggers missing: ")

    make_article(title="Written after the repair")
    assert found("repair") == ["Written after the repair"]


def test_the_check_is_a_recurring_job():
    assert JOBS["search.tasks.check_search_index"].task is check_search_index
