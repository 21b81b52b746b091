"""Bylines: the newsroom's own authors and their ordered place on articles.

An ``Author`` is one of *our* writers, with a public page. The names an
imported file carries (``Article.source_authors``) are the outlet's byline and
never become ``Author`` rows.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .validators import validate_links, validate_photo

BIO_MAX_LENGTH = 1000


class AuthorQuerySet(models.QuerySet):
    def live(self):
        """Authors with a live article: the only ones whose pages readers may see."""
        from articles.models import Article

        return self.filter(
            models.Exists(
                Byline.objects.filter(author=models.OuterRef("pk"), article__in=Article.objects.live())
            )
        )


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    bio = models.TextField(
        "short bio", max_length=BIO_MAX_LENGTH, blank=True, help_text="Plain text, shown on the author page."
    )
    photo = models.ImageField(
        upload_to="authors/", blank=True, validators=[validate_photo],
        help_text="JPEG, PNG, WebP or GIF; checked like every picture the site serves.",
    )
    links = models.JSONField(
        default=list, blank=True, validators=[validate_links],
        help_text="Web addresses (http or https), one per line.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="author_profile", limit_choices_to={"is_staff": True},
        help_text="The staff account that writes as this author (its “my articles” filter).",
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})


class Byline(models.Model):
    """One author of one article, in byline order (position 0 first)."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["article_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author"),
        ]

    def __str__(self):
        return f"{self.author} on {self.article_id}"
