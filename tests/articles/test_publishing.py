"""The editorial workflow: legal and illegal steps per role, scheduling, embargo, audit, locking."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from articles import publishing
from articles.models import Article, Correction, ShareLink, Transition

from .roles import make_user

S = Article.Status
ALL_STATES = list(S)

# Every step, the states it may start from, and where it leads (None: stays).
LEGAL = {
    "submit": ({S.DRAFT, S.UNPUBLISHED}, S.IN_REVIEW),
    "send_back": ({S.IN_REVIEW}, S.DRAFT),
    "publish": ({S.DRAFT, S.IN_REVIEW, S.UNPUBLISHED, S.ARCHIVED}, S.PUBLISHED),
    "schedule": (set(S) - {S.KILLED}, S.PUBLISHED),
    "unpublish": ({S.PUBLISHED}, S.UNPUBLISHED),
    "archive": ({S.PUBLISHED, S.UNPUBLISHED}, S.ARCHIVED),
    "correct": ({S.PUBLISHED}, None),
    "kill": (set(S) - {S.KILLED}, S.KILLED),
}
EDITOR_STEPS = {"submit", "send_back"}
NOTE = "Reason given by the desk"


def take(step, article, user, **options):
    """Run one step the way the admin does, with a note where one is needed."""
    options.setdefault("note", NOTE)
    return getattr(publishing, step)(article, by=user, **options)


@pytest.fixture
def publisher(db):
    return make_user("publisher")


@pytest.fixture
def editor(db):
    return make_user("editor")


def reload(article):
    return Article.objects.get(pk=article.pk)


@pytest.mark.parametrize(
    ("step", "start"),
    [(step, start) for step, (sources, _) in LEGAL.items() for start in sorted(sources)],
)
def test_publisher_takes_every_legal_step_and_it_is_recorded(make_article, publisher, step, start):
    article = make_article(status=start)

    take(step, article, publisher)

    target = LEGAL[step][1] or start
    stored = reload(article)
    assert stored.status == target
    assert stored.version == 2
    (entry,) = Transition.objects.filter(article=article)
    assert (entry.action, entry.from_status, entry.to_status, entry.user, entry.note) == (
        step, start, target, publisher, NOTE
    )


@pytest.mark.parametrize(
    ("step", "start"),
    [(step, start) for step, (sources, _) in LEGAL.items() for start in ALL_STATES if start not in sources],
)
def test_illegal_steps_are_refused_and_change_nothing(make_article, publisher, step, start):
    article = make_article(status=start)

    with pytest.raises(publishing.TransitionNotAllowed) as refused:
        take(step, article, publisher)

    assert refused.value.code == "illegal_transition"
    assert reload(article).status == start
    assert reload(article).version == 1
    assert not Transition.objects.exists()


@pytest.mark.parametrize("step", sorted(EDITOR_STEPS))
def test_editor_may_submit_and_send_back(make_article, editor, step):
    article = make_article(status=sorted(LEGAL[step][0])[0])

    take(step, article, editor)

    assert reload(article).status == LEGAL[step][1]


@pytest.mark.parametrize("step", sorted(set(LEGAL) - EDITOR_STEPS))
def test_editor_may_not_take_publisher_steps(make_article, editor, step):
    article = make_article(status=S.PUBLISHED if step in {"unpublish", "archive", "correct"} else S.IN_REVIEW)
    before = reload(article)

    with pytest.raises(publishing.NotPermitted) as refused:
        take(step, article, editor)

    assert refused.value.code == "not_permitted"
    assert reload(article).status == before.status
    assert reload(article).version == before.version
    assert not Transition.objects.exists()


def test_staff_without_a_group_may_not_even_submit(make_article):
    article = make_article(status=S.DRAFT)

    with pytest.raises(publishing.NotPermitted):
        publishing.submit(article, by=make_user("staff"))

    assert reload(article).status == S.DRAFT


@pytest.mark.parametrize("step", sorted(LEGAL))
def test_superuser_may_take_every_step(make_article, step):
    article = make_article(status=sorted(LEGAL[step][0])[0])

    take(step, article, make_user("superuser"))

    assert Transition.objects.filter(article=article, action=step).count() == 1


def test_publish_permission_is_refused_as_permission_denied(make_article, editor):
    """A refusal that escapes into a view becomes a 403, not a 500."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        publishing.publish(make_article(status=S.IN_REVIEW), by=editor)


@pytest.mark.parametrize("step", ["send_back", "correct", "kill"])
def test_steps_that_need_a_reason_refuse_a_blank_note(make_article, publisher, step):
    article = make_article(status=S.IN_REVIEW if step == "send_back" else S.PUBLISHED)

    with pytest.raises(publishing.TransitionNotAllowed) as refused:
        take(step, article, publisher, note="   ")

    assert refused.value.code == "note_required"
    assert not Transition.objects.exists()


def test_editor_sends_back_with_a_note_the_author_can_read(make_article, editor):
    article = make_article(status=S.IN_REVIEW)

    publishing.send_back(article, by=editor, note="Needs a second source")

    assert article.transitions.get().note == "Needs a second source"
    assert reload(article).status == S.DRAFT


# --- scheduling ------------------------------------------------------------


def test_schedule_publishes_a_draft_with_its_times(make_article, publisher):
    article = make_article(status=S.DRAFT)
    go_live = timezone.now() + timedelta(hours=2)
    expire = go_live + timedelta(days=7)

    publishing.schedule(article, by=publisher, go_live_at=go_live, expire_at=expire)

    stored = reload(article)
    assert (stored.status, stored.go_live_at, stored.expire_at) == (S.PUBLISHED, go_live, expire)
    assert article.transitions.get().action == "schedule"


def test_a_scheduled_article_goes_live_at_its_time_and_expires_at_its_expiry(make_article, publisher):
    """Visibility is decided when asked, so no job has to run at go-live or expiry time."""
    go_live = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    expire = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
    article = make_article(status=S.DRAFT)
    with time_machine.travel(go_live - timedelta(days=1), tick=False):
        publishing.schedule(article, by=publisher, go_live_at=go_live, expire_at=expire)
    article = reload(article)

    tick = timedelta(microseconds=1)
    assert not article.is_live(go_live - tick)
    assert article.is_live(go_live)
    assert article.is_live(expire - tick)
    assert not article.is_live(expire)


def test_the_public_queryset_follows_the_schedule(make_article, publisher):
    """``live()`` compares with the database clock, so the times straddle the real now."""
    now = timezone.now()
    due = make_article(status=S.DRAFT)
    later = make_article(status=S.DRAFT)
    ending = make_article(status=S.PUBLISHED)
    publishing.schedule(due, by=publisher, go_live_at=now - timedelta(seconds=1))
    publishing.schedule(later, by=publisher, go_live_at=now + timedelta(hours=1))
    publishing.schedule(ending, by=publisher, expire_at=now + timedelta(hours=1))

    assert set(Article.objects.live()) == {due, ending}
    assert set(Article.objects.scheduled()) == {later}


def test_schedule_refuses_an_expiry_in_the_past(make_article, publisher):
    article = make_article(status=S.DRAFT)

    with pytest.raises(publishing.TransitionNotAllowed) as refused:
        publishing.schedule(article, by=publisher, expire_at=timezone.now() - timedelta(minutes=1))

    assert refused.value.code == "expiry_in_past"
    assert reload(article).status == S.DRAFT


def test_schedule_refuses_an_expiry_before_go_live(make_article, publisher):
    go_live = timezone.now() + timedelta(days=2)

    with pytest.raises(publishing.TransitionNotAllowed) as refused:
        publishing.schedule(
            make_article(), by=publisher, go_live_at=go_live, expire_at=go_live - timedelta(hours=1)
        )

    assert refused.value.code == "expiry_before_go_live"


def test_rescheduling_a_published_article_keeps_it_published(make_article, publisher):
    article = make_article(status=S.PUBLISHED)
    go_live = timezone.now() + timedelta(days=1)

    publishing.schedule(article, by=publisher, go_live_at=go_live)

    assert reload(article).status == S.PUBLISHED
    assert not reload(article).is_live()


# --- embargo ---------------------------------------------------------------


def test_embargo_beats_publish(make_article, publisher):
    embargo = timezone.now() + timedelta(hours=3)
    article = make_article(status=S.IN_REVIEW, embargo_until=embargo)

    publishing.publish(article, by=publisher)

    assert reload(article).status == S.PUBLISHED
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert not reload(article).is_live()
    assert reload(article).is_live(embargo)


def test_an_editor_may_hold_a_story_back_with_an_embargo(make_article, editor):
    article = make_article(status=S.PUBLISHED)
    until = timezone.now() + timedelta(hours=5)

    publishing.set_embargo(article, by=editor, until=until)

    assert reload(article).embargo_until == until
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert article.transitions.get().action == "embargo"


def test_an_editor_may_not_lift_a_published_articles_embargo(make_article, editor, publisher):
    until = timezone.now() + timedelta(hours=5)
    article = make_article(status=S.PUBLISHED, embargo_until=until)

    with pytest.raises(publishing.NotPermitted):
        publishing.set_embargo(article, by=editor, until=None)
    with pytest.raises(publishing.NotPermitted):
        publishing.set_embargo(article, by=editor, until=until - timedelta(hours=1))

    publishing.set_embargo(reload(article), by=publisher, until=None)
    assert reload(article).is_live()


# --- corrections and kill --------------------------------------------------


def test_correction_is_dated_and_moves_the_modified_date(make_article, publisher):
    article = make_article(status=S.PUBLISHED)
    moment = datetime(2031, 3, 4, 5, 6, tzinfo=UTC)

    with time_machine.travel(moment, tick=False):
        correction = publishing.correct(article, by=publisher, note="The mayor's name was misspelt.")

    assert list(reload(article).corrections.all()) == [correction]
    assert (correction.note, correction.created_at, correction.created_by) == (
        "The mayor's name was misspelt.", moment, publisher
    )
    assert reload(article).modified_at == moment
    assert reload(article).status == S.PUBLISHED


def test_an_article_that_is_not_live_cannot_be_corrected(make_article, publisher):
    article = make_article(status=S.PUBLISHED, go_live_at=timezone.now() + timedelta(days=1))

    with pytest.raises(publishing.TransitionNotAllowed) as refused:
        publishing.correct(article, by=publisher, note="Typo")

    assert refused.value.code == "not_live"
    assert not Correction.objects.exists()


def test_kill_is_final_and_revokes_share_links(make_article, publisher):
    article = make_article(status=S.PUBLISHED)
    link = ShareLink.objects.create(article=article, expires_at=timezone.now() + timedelta(days=1))

    publishing.kill(article, by=publisher, note="Court order 12/345")

    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == publisher
    assert not Article.objects.live().filter(pk=article.pk).exists()
    for step in LEGAL:
        with pytest.raises(publishing.TransitionNotAllowed):
            take(step, reload(article), publisher)


# --- no silent overwrites --------------------------------------------------


def test_of_two_publishers_on_the_same_version_only_the_first_wins(make_article, publisher):
    article = make_article(status=S.IN_REVIEW)
    first_copy, second_copy = reload(article), reload(article)
    other = make_user("publisher", first_name="Grace", last_name="Hopper")

    publishing.publish(first_copy, by=other)
    with pytest.raises(publishing.StaleArticle) as refused:
        publishing.send_back(second_copy, by=publisher, note="Not yet")

    assert "Grace Hopper" in refused.value.message
    assert refused.value.changed_by == other
    assert reload(article).status == S.PUBLISHED
    assert Transition.objects.filter(article=article).count() == 1


def test_a_step_on_a_version_the_user_no_longer_sees_is_refused(make_article, publisher):
    article = make_article(status=S.DRAFT)
    publishing.submit(article, by=publisher)

    with pytest.raises(publishing.StaleArticle):
        publishing.publish(reload(article), by=publisher, expected_version=1)

    assert reload(article).status == S.IN_REVIEW


def test_the_migration_gives_editors_and_publishers_their_rights(db):
    def rights(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    editors, publishers = rights("Editors"), rights("Publishers")

    assert {"change_article", "submit_article", "send_back_article"} <= editors
    assert not {"publish_article", "kill_article", "share_article"} & editors
    assert editors < publishers
    assert {"publish_article", "unpublish_article", "kill_article", "share_article"} <= publishers


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="SQLite serialises writers anyway")
@pytest.mark.django_db(transaction=True)
def test_concurrent_publishers_produce_one_transition(make_article):
    """Two requests racing on one version: one wins, the other is refused, one audit row."""
    article = make_article(status=S.IN_REVIEW)
    users = [make_user("publisher"), make_user("publisher")]
    copies = [reload(article), reload(article)]
    start = threading.Barrier(2)
    outcomes = []

    def race(copy, user):
        start.wait()
        try:
            publishing.publish(copy, by=user)
            outcomes.append("won")
        except publishing.StaleArticle:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=pair) for pair in zip(copies, users, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "won"]
    assert Transition.objects.filter(article=article).count() == 1
    assert reload(article).version == 2


def test_save_edit_refuses_a_stale_version_and_names_the_editor(make_article, editor):
    article = make_article(status=S.DRAFT)
    other = make_user("editor", first_name="Ada", last_name="Lovelace")
    theirs = reload(article)
    theirs.title = "Their headline"
    publishing.save_edit(theirs, by=other, expected_version=1, fields=["title"])

    mine = reload(article)
    mine.title = "My headline"
    with pytest.raises(publishing.StaleArticle) as refused:
        publishing.save_edit(mine, by=editor, expected_version=1, fields=["title"])

    assert "Ada Lovelace" in refused.value.message
    assert reload(article).title == "Their headline"


def test_save_edit_never_writes_workflow_fields(make_article, editor):
    article = make_article(status=S.DRAFT)
    article.status = S.PUBLISHED

    with pytest.raises(ValueError):
        publishing.save_edit(article, by=editor, expected_version=1, fields=["status"])

    assert reload(article).status == S.DRAFT


# --- imports and bulk ------------------------------------------------------


def test_record_import_writes_every_audit_row_in_one_query(make_article, django_assert_num_queries):
    articles = [make_article(status=S.DRAFT) for _ in range(5)]

    with django_assert_num_queries(1):
        publishing.record_import(articles)

    rows = Transition.objects.filter(action="import")
    assert rows.count() == 5
    assert {(row.from_status, row.to_status) for row in rows} == {("", S.DRAFT)}


def test_apply_many_reports_each_article(make_article, publisher):
    ready = make_article(status=S.IN_REVIEW)
    killed = make_article(status=S.KILLED)
    moved = make_article(status=S.IN_REVIEW)
    publishing.submit(make_article(status=S.DRAFT), by=publisher)
    versions = {ready.pk: 1, killed.pk: 1, moved.pk: 0}

    report = publishing.apply_many(
        "publish", Article.objects.filter(pk__in=versions).order_by("pk"), by=publisher, versions=versions
    )

    assert report.done == [ready]
    assert [a for a, _ in report.illegal] == [killed]
    assert [a for a, _ in report.changed] == [moved]
    assert reload(moved).status == S.IN_REVIEW


def test_apply_many_reports_what_the_user_may_not_do(make_article, editor):
    article = make_article(status=S.IN_REVIEW)

    report = publishing.apply_many("publish", [article], by=editor)

    assert [a for a, _ in report.not_allowed] == [article]
    assert reload(article).status == S.IN_REVIEW


def test_available_steps_fit_the_state_and_the_role(make_article, editor, publisher):
    in_review = make_article(status=S.IN_REVIEW)

    assert [s.name for s in publishing.available_steps(in_review, editor)] == ["send_back", "embargo"]
    assert [s.name for s in publishing.available_steps(in_review, publisher)] == [
        "send_back", "publish", "schedule", "embargo", "kill",
    ]
