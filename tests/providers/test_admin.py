"""The providers admin: article counts, and merging two records of one outlet."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.importing.loader import import_paths
from articles.models import Article, Transition
from providers.admin import merge_providers
from providers.models import Provider, ProviderAlias
from tests.articles.roles import make_user

LIST_URL = reverse("admin:providers_provider_changelist")


@pytest.fixture
def publisher_client(client, db):
    client.force_login(make_user("publisher"))
    return client


def test_the_list_shows_each_providers_article_count(publisher_client, make_provider, make_article):
    busy = make_provider(name="Busy")
    make_provider(name="Quiet")
    for _ in range(3):
        make_article(provider=busy)

    rows = publisher_client.get(LIST_URL).context["cl"].result_list

    assert {p.name: p.article_count for p in rows} == {"Busy": 3, "Quiet": 0}


def test_the_list_costs_the_same_queries_whatever_the_number_of_providers(
    publisher_client, make_provider, make_article, django_assert_max_num_queries
):
    for _ in range(30):
        make_article(provider=make_provider())

    # Two of them are every admin page's staff session record and second-factor device.
    with django_assert_max_num_queries(9):
        publisher_client.get(LIST_URL)


def test_merge_asks_which_to_keep_then_moves_the_articles(publisher_client, make_provider, make_article):
    keep = make_provider(name="The Verge", domain="theverge.com")
    other = make_provider(name="the verge", domain="verge.com")
    moved = make_article(provider=other)
    post = {"action": "merge_selected", "index": 0, "_selected_action": [keep.pk, other.pk]}

    asked = publisher_client.post(LIST_URL, post)
    assert "theverge.com" in asked.content.decode() and Provider.objects.count() == 2

    done = publisher_client.post(LIST_URL, {**post, "confirm": "yes", "keep": keep.pk}, follow=True)

    assert list(Provider.objects.all()) == [keep]
    stored = Article.objects.get(pk=moved.pk)
    assert (stored.provider, stored.version) == (keep, 2)
    assert Transition.objects.get(article=moved).action == "edit"
    assert any("1 article(s) moved" in str(m) for m in get_messages(done.wsgi_request))


def test_a_merged_outlets_next_files_import_into_the_provider_kept(
    publisher_client, make_provider, make_article, write_article
):
    keep = make_provider(name="The Verge", domain="theverge.com")
    other = make_provider(name="the verge", domain="verge.com")
    make_article(provider=other)
    publisher_client.post(LIST_URL, {"action": "merge_selected", "index": 0, "confirm": "yes",
                                     "_selected_action": [keep.pk, other.pk], "keep": keep.pk})

    import_paths([write_article(provider={"name": "the verge", "domain": "verge.com"})])

    assert list(Provider.objects.all()) == [keep]
    assert Article.objects.filter(provider=keep).count() == 2
    # The kept provider's page in the admin lists the merged domain.
    change = publisher_client.get(reverse("admin:providers_provider_change", args=[keep.pk]))
    assert "verge.com" in change.content.decode()


def test_a_merged_domain_whose_alias_is_deleted_becomes_its_own_provider_again(
    make_provider, write_article
):
    keep = make_provider(domain="theverge.com")
    merge_providers(keep, [make_provider(domain="verge.com")], by=make_user("publisher"))

    ProviderAlias.objects.get(domain="verge.com").delete()
    import_paths([write_article(provider={"name": "Verge", "domain": "verge.com"})])

    assert Article.objects.get().provider.domain == "verge.com"


def test_merge_needs_two_providers(publisher_client, make_provider):
    only = make_provider()

    response = publisher_client.post(
        LIST_URL, {"action": "merge_selected", "index": 0, "_selected_action": [only.pk]}, follow=True
    )

    assert any("at least two" in str(m) for m in get_messages(response.wsgi_request))


def test_editors_cannot_merge(client, make_provider):
    client.force_login(make_user("editor"))
    a, b = make_provider(), make_provider()

    client.post(LIST_URL, {"action": "merge_selected", "index": 0, "_selected_action": [a.pk, b.pk],
                           "confirm": "yes", "keep": a.pk})

    assert Provider.objects.count() == 2


@pytest.mark.parametrize("domain", ["/tmp/evil", "../../outside", "https://ktla.com", "ktla.com/news", "ktla .com"])
def test_the_change_form_refuses_a_domain_that_is_not_a_host_name(publisher_client, make_provider, domain):
    """An admin cannot store a path as a domain (export_articles names files after it, issue #16)."""
    provider = make_provider(domain="ktla.com")
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    form = {
        "name": provider.name, "domain": domain, "slug": provider.slug,
        "aliases-TOTAL_FORMS": 0, "aliases-INITIAL_FORMS": 0,
    }

    response = publisher_client.post(url, form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["domain"][0].code == "invalid_domain"
    provider.refresh_from_db()
    assert provider.domain == "ktla.com"


def test_full_clean_refuses_a_path_as_domain_and_lower_cases_a_good_one(db):
    with pytest.raises(ValidationError) as excinfo:
        Provider(name="Evil", domain="/etc", slug="evil").full_clean()
    assert excinfo.value.error_dict["domain"][0].code == "invalid_domain"

    provider = Provider(name="KTLA", domain="KTLA.com", slug="ktla")
    provider.full_clean()
    assert provider.domain == "ktla.com"


def test_history_shows_the_merges_and_the_admins_own_edits(publisher_client, make_provider):
    keep = make_provider(name="The Verge", domain="theverge.com")
    other = make_provider(name="the verge", domain="verge.com")
    merge_providers(keep, [other], by=None)
    url = reverse("admin:providers_provider_history", args=[keep.pk])

    before = publisher_client.get(url).content.decode()
    publisher_client.post(
        reverse("admin:providers_provider_change", args=[keep.pk]),
        {"name": "The Verge!", "domain": "theverge.com", "slug": keep.slug,
         "aliases-TOTAL_FORMS": 1, "aliases-INITIAL_FORMS": 1,
         "aliases-0-id": keep.aliases.get().pk, "aliases-0-provider": keep.pk},
    )
    after = publisher_client.get(url).content.decode()

    assert "Merged in: verge.com" in before
    assert "Nobody has changed this provider in the admin yet; what the site recorded is listed above" in before
    assert "change history" not in before
    assert "Changed Name." in after


def test_history_of_a_record_without_a_trail_says_so_plainly(publisher_client, db):
    from articles.models import Topic

    topic = Topic.objects.create(name="Climate", slug="climate")

    page = publisher_client.get(reverse("admin:articles_topic_history", args=[topic.pk])).content.decode()

    assert "Nobody has changed this topic in the admin yet." in page
    assert "wasn’t added via this admin" not in page
