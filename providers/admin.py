"""Admin for providers: how many articles each has, and merging two records of one outlet."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles import workflow
from articles.models import Article
from articles.signals import announce
from newsroom.admin import TrailHistoryMixin
from newsroom.staff_input import CheckedSelectionMixin

from . import health
from .models import Provider, ProviderAlias


def merge_providers(target, others, *, by):
    """Move every article of ``others`` to ``target``, then delete ``others``.

    Returns how many articles moved. The moved articles get a new version (so
    a form opened before the merge cannot silently put the old provider back)
    and an audit row each. The others' domains (and their own aliases) become
    aliases of ``target``, so their next files import into it.
    """
    others = [provider for provider in others if provider.pk != target.pk]
    with transaction.atomic():
        moved = list(Article.objects.filter(provider__in=others).only("pk", "status"))
        Article.objects.filter(pk__in=[a.pk for a in moved]).update(
            provider=target, version=F("version") + 1, updated_at=timezone.now()
        )
        names = ", ".join(sorted(p.name for p in others))
        workflow.record_bulk_edit(moved, by=by, note=f"Provider merged: {names} into {target.name}.")
        ProviderAlias.objects.filter(provider__in=others).update(provider=target)
        ProviderAlias.objects.bulk_create(
            ProviderAlias(domain=provider.domain, provider=target) for provider in others
        )
        Provider.objects.filter(pk__in=[p.pk for p in others]).delete()
        # The update above skipped the save signals that announce changes.
        announce(Provider, articles=[a.pk for a in moved], providers=[target.pk, *(p.pk for p in others)],
                 lists=True)
    return len(moved)


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Provider.objects.none(), widget=forms.RadioSelect, empty_label=None,
        label="Keep", help_text="The others' articles move to it; the others are deleted.",
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = providers
        # Two records of one outlet often share a name: the domain tells them apart.
        self.fields["keep"].label_from_instance = lambda p: f"{p.name} ({p.domain})"


class AliasInline(admin.TabularInline):
    """Domains merged into this provider. Merges add them; deleting one lets that
    domain become a provider of its own again at its next import."""

    model = ProviderAlias
    fields = ["domain", "created_at"]
    readonly_fields = ["domain", "created_at"]
    extra = 0
    verbose_name = "merged domain"
    verbose_name_plural = "merged domains (their files import into this provider)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(CheckedSelectionMixin, TrailHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "domain", "article_count", "last_import", "articles_24h", "articles_7d", "quiet"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["domain"]}
    readonly_fields = ["health_panel"]
    inlines = [AliasInline]
    actions = ["merge_selected"]
    list_per_page = 100

    def get_queryset(self, request):
        # A correlated count runs only for the rows on the page; COUNT(*) lets it
        # read the provider index alone, without visiting the table.
        counts = (
            Article.objects.filter(provider=OuterRef("pk")).order_by().values("provider")
            .annotate(n=Count("*")).values("n")
        )
        providers = super().get_queryset(request).annotate(article_count=Coalesce(Subquery(counts), 0))
        return health.with_admin_health(providers)

    def history_trail(self, provider):
        """When the record was made, and each outlet merged into it since."""
        return [
            (provider.created_at, "Provider record created (by an import, or in the admin)."),
            *((alias.created_at, f"Merged in: {alias.domain} (its files now import into this provider).")
              for alias in provider.aliases.all()),
        ]

    @admin.display(description="last import", ordering="last_import")
    def last_import(self, provider):
        return provider.last_import

    @admin.display(description="24 h", ordering="articles_24h")
    def articles_24h(self, provider):
        return provider.articles_24h

    @admin.display(description="7 days", ordering="articles_7d")
    def articles_7d(self, provider):
        return provider.articles_7d

    @admin.display(description="gone quiet")
    def quiet(self, provider):
        # Not a boolean column: its red cross on every healthy provider read as an alarm.
        if not health.is_quiet(provider):
            return "—"
        return format_html(
            '<span class="nr-quiet" title="{}">⚠ Gone quiet</span>',
            "Usually sends daily; nothing for over two days.",
        )

    @admin.display(description="health")
    def health_panel(self, provider):
        if not provider.pk:
            return "-"
        numbers = health.admin_health(provider)
        trends = format_html_join(
            "", "<li>{}: {} this week, {} the week before</li>",
            ((t.label, _or_dash(t.this_week), _or_dash(t.last_week)) for t in numbers["trends"]),
        )
        rejected = numbers["rejections"]
        rejections = format_html(
            "<li>Rejected files in the latest imports: {}<ul>{}</ul></li>",
            len(rejected),
            format_html_join(
                "", "<li>{}: {} at {}: {}</li>",
                ((r["path"], r["kind"], r["location"], r["message"]) for r in rejected[:10]),
            ),
        )
        return format_html(
            "<ul><li>Last import: {}</li><li>Articles in the last 24 hours: {}; 7 days: {}</li>{}"
            "{}<li>{}</li></ul>",
            _or_dash(numbers["last_import"]), numbers["day"], numbers["week"], trends, rejections,
            "Gone quiet: usually sends daily, nothing for over two days." if numbers["quiet"] else "Sending as usual.",
        )

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, provider):
        url = reverse("admin:articles_article_changelist") + f"?provider__id__exact={provider.pk}"
        return format_html('<a href="{}">{}</a>', url, provider.article_count)

    @admin.action(description="Merge selected providers…", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        """Ask which provider to keep, then move every article to it."""
        providers = queryset.order_by("name")
        if len(providers) < 2:
            self.message_user(request, "Select at least two providers to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "confirm" in request.POST else None, providers=providers)
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            others = [p for p in providers if p.pk != keep.pk]
            with transaction.atomic():
                self.log_deletions(request, others)  # must precede the deletion
                moved = merge_providers(keep, others, by=request.user)
            self.message_user(
                request, f"Merged {len(others)} provider(s) into “{keep}”: {moved} article(s) moved.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(request, "admin/providers/provider/merge.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Merge providers",
            "form": form,
            "providers": providers,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })


def _or_dash(value):
    return "-" if value is None else value
