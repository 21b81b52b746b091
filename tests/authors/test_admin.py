"""House articles and authors in the admin: the short form, the workflow, bylines, "my articles"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from authors.models import Author, Byline
from tests.articles.roles import make_user

from .images import png_bytes

pytestmark = pytest.mark.django_db

S = Article.Status
ADD_HOUSE = reverse("admin:articles_article_add") + "?house=1"
LIST_URL = reverse("admin:articles_article_changelist")


def formset(prefix, rows=()):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def house_data(title="Harbour cranes return", authors=(), **changes):
    data = {"title": title, "excerpt": "Short.", "editor_note": "", "body": "Our *own* text.",
            "category": "", "topics": "Harbour", "version": ""}
    data.update(formset("bylines", [{"author": a.pk, "position": n} for n, a in enumerate(authors)]))
    data.update(formset("images"))
    data.update(changes)
    return data


def test_the_house_form_asks_only_what_a_house_article_needs(client):
    editor = make_user("editor")
    client.force_login(editor)

    response = client.get(ADD_HOUSE)

    form = response.context["adminform"].form
    assert sorted(form.fields) == sorted(["title", "excerpt", "editor_note", "body", "category", "topics", "version"])
    html = response.content.decode()
    assert 'name="bylines-TOTAL_FORMS"' in html and 'name="images-TOTAL_FORMS"' in html
    assert 'name="web_url"' not in html and 'name="provider"' not in html and 'name="quality"' not in html
    # The imported article's form is as it was.
    full = client.get(reverse("admin:articles_article_add")).context["adminform"].form
    assert {"provider", "web_url", "quality", "heat", "amp_url"} <= set(full.fields)
    assert 'href="/admin/articles/article/add/?house=1"' in client.get(LIST_URL).content.decode()


def test_a_house_article_is_created_with_its_byline_and_goes_through_the_workflow(client):
    editor, publisher = make_user("editor"), make_user("publisher")
    jane, sam = Author.objects.create(name="Jane", slug="jane"), Author.objects.create(name="Sam", slug="sam")
    Article.objects.create(title="Taken", slug="harbour-cranes-return", provider=None, web_url=None,
                           published_at="2024-01-01T00:00:00Z")
    client.force_login(editor)

    response = client.post(ADD_HOUSE, house_data(authors=[sam, jane]))

    assert response.status_code == 302
    article = Article.objects.get(title="Harbour cranes return")
    assert article.is_house and article.provider is None and article.web_url is None
    assert article.slug == "harbour-cranes-return-2"
    assert article.status == S.DRAFT and article.published_at is not None
    assert [b.author.slug for b in Byline.objects.filter(article=article).order_by("position")] == ["sam", "jane"]
    assert list(article.topics.names()) == ["Harbour"]
    assert article.revisions.count() == 1

    step = reverse("admin:articles_article_step", args=[article.pk, "submit"])
    assert client.post(step, {"note": "", "version": article.version}).status_code == 302
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW

    client.force_login(publisher)
    step = reverse("admin:articles_article_step", args=[article.pk, "publish"])
    before = timezone.now()
    assert client.post(step, {"note": "Good", "version": article.version}).status_code == 302
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.is_live()
    # Dated when first published, not when the draft was begun.
    assert article.published_at >= before
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/authors/sam/"' in page and "Read at" not in page


def test_the_house_change_form_has_no_provider_or_source_fields(client):
    editor = make_user("editor")
    article = Article.objects.create(title="Ours", slug="ours", provider=None, web_url=None,
                                     published_at="2024-01-01T00:00:00Z")
    client.force_login(editor)

    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="provider"' not in html and 'name="quality"' not in html
    assert 'name="bylines-TOTAL_FORMS"' in html


def test_the_imported_article_form_still_requires_a_provider_and_url(client):
    editor = make_user("editor")
    client.force_login(editor)
    data = {"title": "No source", "excerpt": "", "body": "", "editor_note": "", "provider": "",
            "published_at_0": "2024-05-01", "published_at_1": "10:00:00", "category": "", "type": "article",
            "topics": "", "quality": "", "heat": "", "web_url": "", "version": "",
            **formset("images"), **formset("related_items")}

    response = client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "provider" in errors and "web_url" in errors
    assert not Article.objects.filter(title="No source").exists()


def test_my_articles_lists_the_articles_of_my_author_profile(client, make_article):
    editor = make_user("editor")
    mine = Author.objects.create(name="Me", slug="me", user=editor)
    other = Author.objects.create(name="Other", slug="other")
    a = Article.objects.create(title="Mine", slug="mine", published_at="2024-01-01T00:00:00Z")
    b = Article.objects.create(title="Not mine", slug="not-mine", published_at="2024-01-01T00:00:00Z")
    make_article(title="Imported")
    Byline.objects.create(article=a, author=mine)
    Byline.objects.create(article=b, author=other)
    client.force_login(editor)

    response = client.get(LIST_URL, {"mine": "yes"})

    assert [row.title for row in response.context["cl"].result_list] == ["Mine"]
    assert "My articles" in response.content.decode()
    everything = client.get(LIST_URL).content.decode()
    assert "Other" in everything  # the byline column
    house = client.get(LIST_URL, {"origin": "house"}).context["cl"].result_list
    assert sorted(row.title for row in house) == ["Mine", "Not mine"]


def author_data(**changes):
    data = {"name": "Jane Doe", "slug": "jane-doe", "bio": "Harbour.", "links": "https://example.org/jane",
            "user": ""}
    data.update(changes)
    return data


def test_author_links_must_be_http_urls(admin_client):
    url = reverse("admin:authors_author_add")

    refused = admin_client.post(url, author_data(links="https://ok.example/\njavascript:alert(1)"))

    assert refused.status_code == 200
    assert "javascript:alert(1)" in str(refused.context["adminform"].form.errors["links"])
    assert not Author.objects.exists()
    assert admin_client.post(url, author_data(links="https://ok.example/\n\nhttp://two.example/")).status_code == 302
    assert Author.objects.get().links == ["https://ok.example/", "http://two.example/"]


def test_an_author_photo_goes_through_the_picture_checks(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("admin:authors_author_add")
    fake = SimpleUploadedFile("photo.png", b"<svg onload=alert(1)>", content_type="image/png")

    refused = admin_client.post(url, {**author_data(), "photo": fake})

    assert refused.status_code == 200 and "photo" in refused.context["adminform"].form.errors
    photo = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    assert admin_client.post(url, {**author_data(), "photo": photo}).status_code == 302
    assert Author.objects.get().photo.name.startswith("authors/")


def test_admin_pages_cope_with_a_house_article(client, make_article):
    publisher = make_user("publisher")
    jane = Author.objects.create(name="Jane", slug="jane")
    ours = Article.objects.create(title="Ours", slug="ours", published_at="2024-01-01T00:00:00Z",
                                  status=S.PUBLISHED)
    Byline.objects.create(article=ours, author=jane)
    make_article(title="Theirs", source_authors=["Ann Writer"])
    client.force_login(publisher)

    for url in [LIST_URL, f"{LIST_URL}?provider__isnull=True", reverse("admin:index"),
                reverse("admin:articles_article_change", args=[ours.pk]),
                reverse("admin:articles_article_history", args=[ours.pk]),
                reverse("admin:authors_author_changelist"), reverse("admin:authors_author_change", args=[jane.pk])]:
        assert client.get(url).status_code == 200, url
    listing = client.get(LIST_URL).content.decode()
    assert "House" in listing and "Ann Writer" in listing and "Jane" in listing
    bulk = client.post(LIST_URL, {"action": "publish_changes", "_selected_action": [ours.pk]})
    assert bulk.status_code in (200, 302)
