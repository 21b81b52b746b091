"""One class per workflow step: the registry drives the admin, each step keeps today's rules,
visibility is explained once in one zone, and scheduling live articles asks first."""

from datetime import UTC, datetime, timedelta

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Transition

from .roles import make_user

S = Article.Status
LIST_URL = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def step_url(article, step):
    return reverse("admin:articles_article_step", args=[article.pk, step])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def reload(article):
    return Article.objects.get(pk=article.pk)


def action_names(client):
    return {name for name, _ in client.get(LIST_URL).context["action_form"].fields["action"].choices}


def bulk(client, action, articles, **extra):
    """POST a bulk action from the list page, with the versions the user saw."""
    return client.post(LIST_URL, {
        "action": action, "index": 0, "_selected_action": [a.pk for a in articles],
        "_seen_version": [f"{a.pk}:{a.version}" for a in articles], **extra,
    }, follow=True)


def split(moment, prefix):
    """The admin's date and time inputs for ``moment`` (local time, whole minutes)."""
    local = timezone.localtime(moment)
    return {f"{prefix}_0": local.strftime("%Y-%m-%d"), f"{prefix}_1": local.strftime("%H:%M:00")}


@pytest.fixture
def editor(db):
    return make_user("editor")


@pytest.fixture
def publisher(db):
    return make_user("publisher")


# --- a new step is one class -------------------------------------------------------------------


class LegalHoldForm(workflow.StepForm):
    """A step's own input: which lawyer asked."""

    lawyer = forms.CharField(label="Lawyer")

    def options(self):
        return {"lawyer": self.cleaned_data["lawyer"]}


class LegalHold(workflow.Step):
    """A throwaway step, as a later piece of work would add one: its own form, options and execute."""

    name, label, verb = "legal_hold", "Put on legal hold", "hold"
    permission = "articles.kill_article"  # publishers only
    sources = frozenset({S.PUBLISHED, S.IN_REVIEW})
    form_class = LegalHoldForm
    bulk = "Put selected articles on legal hold…"

    def execute(self, article, *, by, note="", expected_version=None, lawyer=""):
        self.check(article, by, note=note, expected_version=expected_version)
        return self.write(article, by, note=f"Asked by {lawyer}. {note}".strip(), expected_version=expected_version)


class Flag(workflow.Step):
    """A throwaway step that needs no input: a plain bulk action."""

    name, label, verb = "flag", "Flag", "flag"
    permission = "articles.change_article"  # editors too
    sources = frozenset({S.DRAFT})
    bulk = "Flag selected articles"


@pytest.fixture
def new_steps(monkeypatch):
    """Register the throwaway steps for one test, as ``@workflow.register`` would."""
    monkeypatch.setitem(workflow.STEPS, "legal_hold", LegalHold())
    monkeypatch.setitem(workflow.STEPS, "flag", Flag())


def test_a_registered_step_gets_a_button_and_a_step_page(client, make_article, publisher, editor, new_steps):
    article = make_article(status=S.PUBLISHED)

    client.force_login(publisher)
    as_publisher = client.get(change_url(article)).content.decode()
    assert step_url(article, "legal_hold") in as_publisher and "Put on legal hold" in as_publisher
    client.force_login(editor)
    assert step_url(article, "legal_hold") not in client.get(change_url(article)).content.decode()

    client.force_login(publisher)
    page = client.get(step_url(article, "legal_hold"))
    assert 'name="lawyer"' in page.content.decode()
    done = client.post(step_url(article, "legal_hold"), {"lawyer": "L. Counsel", "note": "", "version": 1})

    assert done.status_code == 302
    entry = Transition.objects.get(article=article, action="legal_hold")
    assert (entry.note, entry.user) == ("Asked by L. Counsel.", publisher)
    assert reload(article).version == 2


def test_a_registered_step_is_a_bulk_action_for_those_with_its_permission(client, make_article, publisher, editor,
                                                                          new_steps):
    client.force_login(editor)
    assert "flag_selected" in action_names(client)
    assert "legal_hold_selected" not in action_names(client)

    client.force_login(publisher)
    assert {"flag_selected", "legal_hold_selected"} <= action_names(client)


def test_a_registered_step_without_input_runs_from_the_list(client, make_article, editor, new_steps):
    drafts = [make_article(status=S.DRAFT, title=f"Draft {n}") for n in range(2)]

    client.force_login(editor)
    response = bulk(client, "flag_selected", drafts)

    assert any("Flag: done for 2 articles" in m for m in messages_of(response))
    assert Transition.objects.filter(action="flag").count() == 2


def test_a_registered_step_with_input_asks_on_the_bulk_page_first(client, make_article, publisher, new_steps):
    articles = [make_article(status=S.PUBLISHED, title=f"Story {n}") for n in range(2)]
    client.force_login(publisher)

    asked = bulk(client, "legal_hold_selected", articles)

    assert asked.templates[0].name == "admin/articles/article/bulk_step.html"
    assert 'name="lawyer"' in asked.content.decode()
    assert not Transition.objects.exists()

    bulk(client, "legal_hold_selected", articles, confirm="yes", lawyer="L. Counsel", note="")

    assert {t.note for t in Transition.objects.filter(action="legal_hold")} == {"Asked by L. Counsel."}


def test_a_crafted_bulk_post_for_a_registered_step_is_refused(client, make_article, editor, new_steps):
    article = make_article(status=S.PUBLISHED)

    client.force_login(editor)
    response = bulk(client, "legal_hold_selected", [article])

    assert any("You may not hold articles" in m for m in messages_of(response))
    assert not Transition.objects.exists()


def test_without_the_registration_the_step_is_nowhere(client, make_article, publisher):
    article = make_article(status=S.PUBLISHED)
    client.force_login(publisher)

    assert step_url(article, "legal_hold") not in client.get(change_url(article)).content.decode()
    assert "legal_hold_selected" not in action_names(client)
    assert client.get(step_url(article, "legal_hold")).status_code == 404


# --- the existing steps keep their rules -------------------------------------------------------

NOT_KILLED = set(S) - {S.KILLED}
# name: (states it starts from, where it leads, who may take it, bulk action on the list)
RULES = {
    "submit": ({S.DRAFT, S.UNPUBLISHED}, S.IN_REVIEW, "editor", True),
    "send_back": ({S.IN_REVIEW}, S.DRAFT, "editor", False),
    "publish": ({S.DRAFT, S.IN_REVIEW, S.UNPUBLISHED, S.ARCHIVED}, S.PUBLISHED, "publisher", True),
    "schedule": (NOT_KILLED, S.PUBLISHED, "publisher", True),
    "embargo": (NOT_KILLED, None, "editor", False),
    "unpublish": ({S.PUBLISHED}, S.UNPUBLISHED, "publisher", True),
    "archive": ({S.PUBLISHED, S.UNPUBLISHED}, S.ARCHIVED, "publisher", True),
    "correct": ({S.PUBLISHED}, None, "publisher", False),
    "kill": (NOT_KILLED, S.KILLED, "publisher", True),
}


# Steps on a live article's pending version and on old revisions; their own tests
# (tests/articles/test_admin_editorial.py, tests/revisions/test_history.py) cover their rules.
VERSION_STEPS = ["publish_changes", "send_back_changes", "restore"]


def test_the_registry_holds_every_step_in_workflow_order():
    assert list(workflow.STEPS) == [*list(RULES)[:-1], *VERSION_STEPS[:2], "kill", VERSION_STEPS[2]]


def test_only_publishers_review_pending_changes(editor, publisher):
    for name in VERSION_STEPS[:2]:
        assert workflow.may(publisher, name)
        assert not workflow.may(editor, name)


@pytest.mark.parametrize("name", list(RULES))
def test_each_step_is_legal_from_its_states_for_its_role(make_article, editor, publisher, name):
    sources, target, role, has_bulk = RULES[name]
    step = workflow.STEPS[name]
    allowed = {"editor": editor, "publisher": publisher}[role]
    refused = publisher if role == "editor" else editor

    assert (set(step.sources), step.target, bool(step.bulk)) == (sources, target, has_bulk)
    for state in S:
        article = make_article(status=state)
        expected = None if state in sources else "illegal_transition"
        refusal = step.refusal(allowed, article)
        assert (refusal.code if refusal else None) == expected, state
    assert step.refusal(make_user("staff"), make_article(status=sorted(sources)[0])).code == "not_permitted"
    if role == "editor":
        assert step.refusal(refused, make_article(status=sorted(sources)[0])) is None  # publishers may too
    else:
        assert step.refusal(refused, make_article(status=sorted(sources)[0])).code == "not_permitted"


def test_a_correction_needs_a_live_article(make_article, publisher):
    scheduled = make_article(status=S.PUBLISHED, go_live_at=timezone.now() + timedelta(days=1))

    assert workflow.why_not(publisher, "correct", scheduled).code == "not_live"
    assert workflow.why_not(publisher, "correct", make_article(status=S.PUBLISHED)) is None


def test_scheduling_an_unpublished_article_needs_the_publish_permission_too(make_article):
    scheduler = make_user("staff")
    scheduler.user_permissions.add(Permission.objects.get(codename="schedule_article"))

    refusal = workflow.why_not(scheduler, "schedule", make_article(status=S.IN_REVIEW))

    assert refusal.code == "not_permitted" and "may not publish" in refusal.message
    assert workflow.why_not(scheduler, "schedule", make_article(status=S.PUBLISHED)) is None


def test_a_step_form_carries_the_step_texts(make_article):
    article = make_article(status=S.PUBLISHED)

    kill = workflow.STEPS["kill"].form(articles=[article], initial=workflow.STEPS["kill"].initial(article))
    schedule = workflow.STEPS["schedule"].form(initial=workflow.STEPS["schedule"].initial(article))

    assert (kill.fields["note"].label, kill.fields["note"].required) == ("Legal reason", True)
    assert kill.initial == {"version": 1}
    assert set(schedule.fields) >= {"go_live_at", "expire_at", "note", "version"}


# --- visibility: one explanation, one zone -----------------------------------------------------

BERLIN_NOON = datetime(2030, 1, 15, 11, 0, tzinfo=UTC)  # 12:00 CET


@pytest.mark.parametrize(("fields", "sentence"), [
    ({"go_live_at": BERLIN_NOON}, "Scheduled to go live at 2030-01-15 12:00 CET."),
    ({"embargo_until": BERLIN_NOON}, "Embargoed until 2030-01-15 12:00 CET"),
])
def test_the_preview_banner_and_the_admin_say_the_same_in_the_same_zone(
    client, make_article, editor, settings, fields, sentence
):
    settings.TIME_ZONE = "Europe/Berlin"
    article = make_article(status=S.PUBLISHED, title="Coming soon", **fields)
    client.force_login(editor)

    admin_page = client.get(change_url(article)).content.decode()
    preview = client.get(article.get_absolute_url()).content.decode()

    banner = preview.split('<p class="banner" role="status">')[1].split("</p>")[0]
    assert sentence in admin_page
    assert banner.startswith(f"Preview: {sentence[0].lower()}{sentence[1:]}")


def test_the_list_badge_names_the_embargo_in_the_same_zone(client, make_article, editor, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    make_article(status=S.DRAFT, embargo_until=BERLIN_NOON)
    client.force_login(editor)

    page = client.get(LIST_URL).content.decode()

    assert 'title="Embargoed until 2030-01-15 12:00 CET">embargo</span>' in page


def test_a_draft_preview_says_it_is_not_public(client, make_article, editor):
    article = make_article(status=S.DRAFT)

    client.force_login(editor)
    preview = client.get(article.get_absolute_url()).content.decode()

    assert "Preview: not public (draft)." in preview


# --- scheduling live articles takes them offline: ask first ------------------------------------


def schedule_data(go_live=None, **extra):
    data = {"go_live_at_0": "", "go_live_at_1": "", "expire_at_0": "", "expire_at_1": "", "note": ""}
    if go_live is not None:
        data.update(split(go_live, "go_live_at"))
    data.update(extra)
    return data


def minute(moment):
    return moment.replace(second=0, microsecond=0)


def test_bulk_schedule_page_lists_the_live_articles_first(client, make_article, publisher):
    live = [make_article(status=S.PUBLISHED, title=f"Live story {n}") for n in range(2)]
    waiting = make_article(status=S.IN_REVIEW, title="Waiting story")
    client.force_login(publisher)

    asked = bulk(client, "schedule_selected", [*live, waiting])

    page = asked.content.decode()
    notice = page.split("These 2 articles are live now")[1].split("</ul>")[0]
    assert "a go-live time in the future takes them off the site until then" in notice
    assert "Live story 0" in notice and "Live story 1" in notice and "Waiting story" not in notice
    assert 'name="take_offline"' in page


def test_bulk_schedule_of_live_articles_without_the_tick_changes_nothing(client, make_article, publisher):
    live = [make_article(status=S.PUBLISHED, title=f"Live story {n}") for n in range(2)]
    go_live = timezone.now() + timedelta(days=2)
    client.force_login(publisher)

    response = bulk(client, "schedule_selected", live, confirm="yes", **schedule_data(go_live))

    assert response.templates[0].name == "admin/articles/article/bulk_step.html"
    expected = f"These 2 articles are live now and will disappear from the site until {workflow.when(go_live)}."
    assert expected in response.context["form"].errors["take_offline"][0]
    assert expected in response.content.decode()
    assert [(reload(a).version, reload(a).go_live_at) for a in live] == [(1, None), (1, None)]
    assert all(reload(a).is_live() for a in live)


def test_bulk_schedule_of_live_articles_with_the_tick_takes_them_offline(client, make_article, publisher):
    live = [make_article(status=S.PUBLISHED) for _ in range(2)]
    go_live = timezone.now() + timedelta(days=2)
    client.force_login(publisher)

    response = bulk(client, "schedule_selected", live, confirm="yes", take_offline="on", **schedule_data(go_live))

    assert any("Schedule: done for 2 articles" in m for m in messages_of(response))
    assert {minute(reload(a).go_live_at) for a in live} == {minute(go_live)}
    assert not any(reload(a).is_live() for a in live)


def test_bulk_schedule_needs_no_tick_when_nothing_live_goes_offline(client, make_article, publisher):
    waiting = [make_article(status=S.IN_REVIEW) for _ in range(2)]
    live = make_article(status=S.PUBLISHED)
    client.force_login(publisher)

    future = bulk(client, "schedule_selected", waiting, confirm="yes", **schedule_data(timezone.now() + timedelta(days=2)))
    expiry_only = bulk(client, "schedule_selected", [live], confirm="yes", **schedule_data(
        None, **split(timezone.now() + timedelta(days=3), "expire_at")
    ))

    assert any("done for 2 articles" in m for m in messages_of(future))
    assert any("done for 1 article" in m for m in messages_of(expiry_only))
    assert reload(live).is_live() and reload(live).expire_at is not None


def test_scheduling_one_live_article_asks_for_the_tick_on_its_page(client, make_article, publisher):
    article = make_article(status=S.PUBLISHED)
    go_live = timezone.now() + timedelta(days=2)
    client.force_login(publisher)

    page = client.get(step_url(article, "schedule")).content.decode()
    refused = client.post(step_url(article, "schedule"), schedule_data(go_live, version=1))

    assert "This article is live now: a go-live time in the future takes it off the site until then." in page
    assert refused.status_code == 200
    assert (
        f"This article is live now and will disappear from the site until {workflow.when(go_live)}."
        in refused.content.decode()
    )
    assert reload(article).version == 1 and reload(article).is_live()

    done = client.post(step_url(article, "schedule"), schedule_data(go_live, version=1, take_offline="on"))

    assert done.status_code == 302
    assert minute(reload(article).go_live_at) == minute(go_live) and not reload(article).is_live()


def test_the_schedule_page_of_an_article_that_is_not_live_has_no_tick(client, make_article, publisher):
    article = make_article(status=S.IN_REVIEW)

    client.force_login(publisher)
    page = client.get(step_url(article, "schedule")).content.decode()

    assert 'name="take_offline"' not in page
    assert "live now" not in page
