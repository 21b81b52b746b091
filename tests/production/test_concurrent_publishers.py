"""Two publishers act on the same article at the same moment, on PostgreSQL.

Each publisher runs in its own thread with its own database connection, both
released together by a barrier: exactly one step is taken, the other gets a
clear refusal naming who changed the article, and the audit trail has one row.
"""

import os
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from articles import publishing
from articles.models import Article, Transition

pytestmark = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="needs DATABASE_URL=postgres://... (the PostgreSQL pass): SQLite serialises writers",
)
ROUNDS = 5


def race(article_pk, step_name, users, **options):
    """Both users take ``step_name`` on their own fresh copy of the article, at once."""
    barrier = threading.Barrier(len(users))
    outcomes = {}

    def publisher(user):
        try:
            article = Article.objects.get(pk=article_pk)
            barrier.wait(timeout=10)
            outcomes[user.username] = publishing.take(step_name, article, by=user, **options)
        except publishing.WorkflowError as refusal:
            outcomes[user.username] = refusal
        finally:
            connection.close()

    threads = [threading.Thread(target=publisher, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_publishers_exactly_one_wins(make_article, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users = [User.objects.create_superuser(name, f"{name}@example.com", "x") for name in ("ana", "ben")]
    article = make_article(status=Article.Status.DRAFT)
    first_version = article.version
    for round_ in range(ROUNDS):
        for step_name, options in (("publish", {}), ("unpublish", {})):
            outcomes = race(article.pk, step_name, users, **options)
            winners = [o for o in outcomes.values() if isinstance(o, Transition)]
            refusals = [o for o in outcomes.values() if isinstance(o, publishing.WorkflowError)]
            assert len(winners) == 1, (round_, step_name, outcomes)
            assert len(refusals) == 1
            assert refusals[0].code == "stale"
            assert winners[0].user.username in refusals[0].message
    trail = Transition.objects.filter(article=article).exclude(action=Transition.Action.CREATE)
    assert trail.filter(action="publish").count() == ROUNDS
    assert trail.filter(action="unpublish").count() == ROUNDS
    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert article.version == first_version + 2 * ROUNDS
