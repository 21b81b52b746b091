"""Builders shared by the writing tool's tests."""

from django.urls import reverse

PREVIEW_URL = reverse("admin:articles_article_markdown_preview")

HOSTILE = """# Heading

<script>alert("raw")</script>

<img src=x onerror="alert(1)">

[click me](javascript:alert(1)) and [relative](/admin/) and [fine](https://example.org/a?b=1&c=2)

![picture](javascript:alert(2)) ![ok](https://img.example.org/p.jpg "Title")

> quoted <b onclick="x()">bold</b>

- one
- two

| a | b |
|---|---|
| <style>body{display:none}</style> | ~~gone~~ |
"""


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def edit_data(article, **changes):
    """What the change form of a hand-made article posts, with ``changes`` typed in."""
    data = {
        "title": article.title, "excerpt": article.excerpt, "editor_note": article.editor_note,
        "body": article.body, "provider": article.provider_id or "",
        "published_at_0": "2024-05-01", "published_at_1": "10:00:00",
        "category": "", "type": article.type, "topics": "", "quality": "", "heat": "",
        "version": article.version or "",
    }
    for prefix in ("images", "related_items"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    data.update(changes)
    return data
