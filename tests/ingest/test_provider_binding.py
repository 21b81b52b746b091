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
    [outcome] = _import(article_text(title="Beta's own", provider=B, webUrl="https://beta.example/3"))
    assert outcome.outcome == "created"

    # The file names Alpha, but its webUrl is Beta's article.
    response = post_file(
        client, alpha_token, article_text(title="Hijacked", provider=A, webUrl="https://beta.example/3")
    )

    entry = response.json()["files"][0]
    assert (entry["outcome"], entry["field"]) == ("rejected", "provider")
    assert "another provider" in entry["message"]
    article = Article.objects.get()
    assert (article.title, article.provider.domain) == ("Beta's own", "beta.example")


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
    from articles.importing import loader

    monkeypatch.setattr(loader._ChunkImporter, "_refuse_other_providers", lambda self, parsed, outcomes: parsed)
    _import(article_text(title="Beta's", provider=B, webUrl="https://beta.example/8"))

    [outcome] = _import(article_text(provider=A, webUrl="https://beta.example/8"), only_provider=alpha)

    assert (outcome.outcome, outcome.error.field) == ("rejected", "provider")
    assert Article.objects.get().title == "Beta's"


def _import(text, **options):
    outcomes = []
    import_sources([Source.from_bytes("file.md", text.encode())], on_file=outcomes.append, **options)
    return outcomes
