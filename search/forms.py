"""The public search form: the query and the filters, labelled for every reader."""

import datetime

from django import forms
from django.utils import timezone

from articles.dates import shifted, showable
from articles.models import Topic
from providers.models import Provider

from . import menus


class SearchForm(forms.Form):
    # No max_length: the parser cuts long input itself, and an error for a
    # pasted paragraph would help no one.
    q = forms.CharField(label="Search for", required=False, strip=True)
    # Any live topic or source is accepted; the menus offer the most used ones
    # (search/menus.py), plus the one chosen.
    topic = forms.ModelChoiceField(
        Topic.objects.live(), to_field_name="slug", required=False, empty_label="Any topic"
    )
    provider = forms.ModelChoiceField(
        Provider.objects.live(), to_field_name="slug", required=False, label="Source",
        empty_label="Any source",
    )
    # "Our reporting": only the newsroom's own (house) articles.
    house = forms.BooleanField(label="Only our reporting", required=False)
    published_after = forms.DateField(
        label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    published_before = forms.DateField(
        label="Published until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, menu in (("topic", menus.topic_choices()), ("provider", menus.provider_choices())):
            self.fields[name].choices = [("", self.fields[name].empty_label), *menu]

    def full_clean(self):
        super().full_clean()
        for name in ("topic", "provider"):
            chosen = getattr(self, "cleaned_data", {}).get(name)
            field = self.fields[name]
            if chosen is not None and chosen.slug not in dict(field.choices):
                # A live one beyond the menu, chosen through the URL: show it chosen.
                field.choices = [field.choices[0], (chosen.slug, chosen.name), *field.choices[1:]]

    def clean(self):
        data = super().clean()
        after, before = data.get("published_after"), data.get("published_before")
        if after and before and after > before:
            raise forms.ValidationError(
                "The end date is before the start date.", code="inverted_date_range"
            )
        return data

    def filters(self):
        """The chosen filters as ``Article`` lookups."""
        data = self.cleaned_data
        after, before = data.get("published_after"), data.get("published_before")
        lookups = {
            "topics": data.get("topic"),
            "provider": data.get("provider"),
            "provider__isnull": True if data.get("house") else None,
            # Instants rather than ``__date``: the index on the date serves them, and
            # the database never converts a stored date (whatever it is) to local time.
            "published_at__gte": after and _midnight(after),
            "published_at__lt": before and _midnight(before, days=1),
        }
        return {key: value for key, value in lookups.items() if value is not None}


def _midnight(day, days=0):
    """The start of ``day`` (plus ``days``) in the site's time zone, kept within what can be stored."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return showable(shifted(start, datetime.timedelta(days=days)))
