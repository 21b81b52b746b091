"""A token bound to one provider creates and updates only that provider's articles."""

import pytest

from articles.importing.loader import Source, import_sources
from articles.models import Article
from providers.models import Provider, ProviderAlias
from tests.conftest import article_text

from .conftest import post_file, post_multipart

pytestmark = pytest.mark.django_db

A = {"name": "Alpha News", "domain": "alpha.example"}
B = {"name": "Beta Times", "domain": "beta.example"}


@pytest.fixture
def alpha(make_provider):
    return make_provider(name=A["name"], domain=A["domain"], slug="alpha")


@pytest.fixture
def alpha_token(make_token, alpha):
    return make_token(name="Alpha's CMS", provider=alpha)[1]


def test_a_bound_token_creates_its_providers_articles(client, alpha_token, alpha):
    response = post_file(client, alpha_token, article_text(provider=A, webUrl="https://alpha.example/1"))

    assert response.status_code == 201
    assert Article.objects.get().provider == alpha


def test_a_file_for_another_provider_is_rejected_and_writes_nothing(client, alpha_token):
    response = post_multipart(client, alpha_token, {
        "mine.md": article_text(provider=A, webUrl="https://alpha.example/2"),
        "theirs.md": article_text(provider=B, webUrl="https://beta.example/2"),
    })

    entries = {e["path"]: e for e in response.json()["files"]}
    assert entries["mine.md"]["outcome"] == "created"
    theirs = entries["theirs.md"]
    assert (theirs["outcome"], theirs["kind"], theirs["field"]) == ("rejected", "invalid_value", "provider")
    assert "beta.example" in theirs["message"] and "alpha.example" in theirs["message"]
    assert not Provider.objects.filter(domain="beta.example").exists()
    assert list(Article.objects.values_list("web_url", flat=True)) == ["https://alpha.example/2"]


def test_a_bound_token_cannot_take_over_another_providers_article(client, alpha_token):
    # Beta's article at an address on Alpha's domain (an unbound import trusts its files).
    [outcome] = _import(article_text(title="Beta's own", provider=B, webUrl="https://alpha.example/3"))
    assert outcome.outcome == "created"

    response = post_file(
        client, alpha_token, article_text(title="Hijacked", provider=A, webUrl="https://alpha.example/3")
    )

    entry = response.json()["files"][0]
    assert (entry["outcome"], entry["field"]) == ("rejected", "provider")
    assert "another provider" in entry["message"]
    # Who owns the article is not told to the token's holder.
    assert "beta" not in entry["message"].lower()
    article = Article.objects.get()
    assert (article.title, article.provider.domain) == ("Beta's own", "beta.example")


@pytest.mark.parametrize("web_url", [
    "https://beta.example/squat1",
    "https://notalpha.example/squat2",  # ends with the domain, but is not under it
    "https://alpha.example.beta.example/squat3",
    "https://alpha.example@beta.example/squat4",  # "alpha.example" is only the user name
    "https://localhost/squat5",
])
def test_a_bound_token_cannot_create_an_article_at_another_domains_address(client, alpha_token, web_url):
    response = post_file(client, alpha_token, article_text(provider=A, webUrl=web_url))

    entry = response.json()["files"][0]
    assert (entry["outcome"], entry["kind"], entry["field"]) == ("rejected", "invalid_value", "webUrl")
    assert "this token may only write articles at alpha.example" in entry["message"]
    assert not Article.objects.exists()


def test_the_real_owner_can_publish_at_an_address_a_bound_token_tried_to_squat(
    client, alpha_token, make_token, make_provider
):
    beta_token = make_token(name="Beta's CMS", provider=make_provider(name=B["name"], domain=B["domain"]))[1]
    post_file(client, alpha_token, article_text(title="Squat", provider=A, webUrl="https://beta.example/9"))

    entry = post_file(
        client, beta_token, article_text(title="Beta's real story", provider=B, webUrl="https://beta.example/9")
    ).json()["files"][0]

    assert entry["outcome"] == "created"
    article = Article.objects.get()
    assert (article.title, article.provider.domain) == ("Beta's real story", "beta.example")


def test_squatting_is_refused_alike_whether_or_not_the_other_provider_has_the_article(client, alpha_token):
    """The answer names no other provider and does not tell whether it has that address."""
    _import(article_text(title="Beta's own", provider=B, webUrl="https://beta.example/10"))

    taken, free = (
        post_file(client, alpha_token, article_text(provider=A, webUrl=url)).json()["files"][0]
        for url in ("https://beta.example/10", "https://beta.example/11")
    )

    assert taken["field"] == free["field"] == "webUrl"
    assert taken["message"] == free["message"]
    assert "beta" not in taken["message"].lower()
    assert Article.objects.get().title == "Beta's own"


@pytest.mark.parametrize("web_url", [
    "https://www.alpha.example/12",
    "https://news.eu.alpha.example/12",
    "http://ALPHA.example:8080/12",
    "https://old-alpha.example/12",  # a domain merged into Alpha
    "https://www.old-alpha.example/12",
])
def test_a_bound_token_writes_at_its_domains_and_their_subdomains(client, alpha_token, alpha, web_url):
    ProviderAlias.objects.create(provider=alpha, domain="old-alpha.example")

    entry = post_file(client, alpha_token, article_text(provider=A, webUrl=web_url)).json()["files"][0]

    assert entry["outcome"] == "created"
    assert Article.objects.get().provider == alpha


def test_an_import_without_the_option_still_writes_any_address(alpha):
    """Only ``only_provider`` checks the webUrl's host: a command import trusts its files."""
    [outcome] = _import(article_text(provider=A, webUrl="https://beta.example/13"))

    assert outcome.outcome == "created"
    assert Article.objects.get().provider == alpha


def test_a_bound_token_cannot_update_another_providers_article_with_its_file(client, alpha_token):
    text = article_text(title="Beta's own", provider=B, webUrl="https://beta.example/4")
    _import(text)

    # The very same bytes are not "unchanged" for Alpha's token: they are not its article.
    response = post_file(client, alpha_token, text)

    assert response.json()["files"][0]["outcome"] == "rejected"


def test_a_bound_token_may_use_a_domain_merged_into_its_provider(client, alpha_token, alpha):
    ProviderAlias.objects.create(provider=alpha, domain="old-alpha.example")

    response = post_file(
        client, alpha_token,
        article_text(provider={"name": "Old Alpha", "domain": "old-alpha.example"}, webUrl="https://alpha.example/5"),
    )

    assert response.json()["files"][0]["outcome"] == "created"
    assert Article.objects.get().provider == alpha


def test_a_bound_token_cannot_push_a_house_article(client, alpha_token):
    house = "---\ntitle: Our own\nslug: our-own\npublishedDateTime: 2024-05-01T10:00:00Z\n---\nBody\n"

    entry = post_file(client, alpha_token, house).json()["files"][0]

    assert (entry["outcome"], entry["field"]) == ("rejected", "provider")
    assert not Article.objects.exists()


def test_an_unbound_token_writes_any_provider(client, token):
    response = post_multipart(client, token, {
        "a.md": article_text(provider=A, webUrl="https://alpha.example/6"),
        "b.md": article_text(provider=B, webUrl="https://beta.example/6"),
    })

    assert [e["outcome"] for e in response.json()["files"]] == ["created", "created"]


def test_the_importer_option_works_without_the_api(alpha):
    """``only_provider`` belongs to the importer, so the command could offer it too."""
    [outcome] = _import(article_text(provider=B, webUrl="https://beta.example/7"), only_provider=alpha)

    assert (outcome.outcome, outcome.error.field) == ("rejected", "provider")
    assert not Article.objects.exists()


def test_a_write_rechecks_ownership_with_the_rows_locked(alpha, monkeypatch):
    """An article another import created after the first check is still not taken over."""
    _skip_the_check_before_the_write(monkeypatch)
    _import(article_text(title="Beta's", provider=B, webUrl="https://alpha.example/8"))

    [outcome] = _import(article_text(provider=A, webUrl="https://alpha.example/8"), only_provider=alpha)

    assert (outcome.outcome, outcome.error.field) == ("rejected", "provider")
    assert "beta" not in outcome.error.message.lower()
    assert Article.objects.get().title == "Beta's"


def test_a_write_rechecks_the_webUrl_host_with_the_rows_locked(alpha, monkeypatch):
    _skip_the_check_before_the_write(monkeypatch)

    [outcome] = _import(article_text(provider=A, webUrl="https://beta.example/14"), only_provider=alpha)

    assert (outcome.outcome, outcome.error.field) == ("rejected", "webUrl")
    assert not Article.objects.exists()


def _skip_the_check_before_the_write(monkeypatch):
    from articles.importing import loader

    monkeypatch.setattr(loader._ChunkImporter, "_refuse_other_providers", lambda self, parsed, outcomes: parsed)


def _import(text, **options):
    outcomes = []
    import_sources([Source.from_bytes("file.md", text.encode())], on_file=outcomes.append, **options)
    return outcomes
