"""The outlets articles come from."""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from .validators import validate_host_name


class ProviderQuerySet(models.QuerySet):
    def live(self):
        """Outlets with a live article: the only ones whose names and pages readers may see."""
        from articles.models import Article

        return self.filter(
            models.Exists(Article.objects.live().filter(provider=models.OuterRef("pk")))
        )


class Provider(models.Model):
    """A news outlet, identified by its normalised domain (``ktla.com``).

    Files spell the same outlet in many ways (``KTLA``, ``ktla ``); they all map
    to one provider through the domain, and the first-seen name is kept.
    """

    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, unique=True, validators=[validate_host_name])
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    # The desk reviews this outlet's changes to live articles before readers see them.
    review_source_changes = models.BooleanField(
        "review source changes", default=False,
        help_text="A re-imported file's changes to a live article wait for a publisher "
        "as a pending version instead of going live at once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("providers:detail", kwargs={"slug": self.slug})

    def clean(self):
        # The importer stores domains lower-cased; so must the admin, or KTLA.com
        # would be a second provider beside ktla.com.
        if self.domain:
            self.domain = self.domain.lower()

    @staticmethod
    def slug_for_domain(domain):
        """``bbc.co.uk`` -> ``bbc-co-uk``: stable, readable, derived from the identity."""
        return slugify(domain.replace(".", "-"), allow_unicode=True) or "provider"


class ProviderAlias(models.Model):
    """A domain merged into another provider: files naming it import as that provider.

    Written by a merge, so the next import of the merged outlet's files does
    not bring the deleted record back. Deleting the alias undoes that: the
    domain becomes a provider of its own again at its next import.
    """

    domain = models.CharField(max_length=253, unique=True, validators=[validate_host_name])
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        verbose_name_plural = "provider aliases"

    def __str__(self):
        return f"{self.domain} → {self.provider}"
