"""Request values the admin reads by hand, checked before they reach a query.

Django's forms check what they declare; a raw ``request.POST["revoke"]``, a
selected-row id or a list filter's value is only a string. ``abc`` there made
the ORM raise ``ValueError``, ``²`` passed ``str.isdigit()`` and then failed
``int()``, and 25 nines overflowed SQLite's integers: each a 500 for staff.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpResponseRedirect

from articles import dates

# Every primary key here is a 64-bit integer; 18 digits always fit.
_MAX_ID_DIGITS = 18


def parse_id(value) -> int | None:
    """``value`` as a primary key, or None when it cannot be one."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= _MAX_ID_DIGITS:
        return int(value)
    return None


class CheckedSelectionMixin:
    """``ModelAdmin`` mixin: a bulk action on ids that cannot exist changes nothing, and says so.

    Django filters ``pk__in`` with the posted values as they are, so a
    crafted ``_selected_action=abc`` was a 500 on every changelist, the
    default "delete selected" action included.
    """

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(parse_id(value) is None for value in selected):
            self.message_user(
                request, "The selected rows were not understood. Nothing was changed.", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class InstantFieldListFilter(admin.DateFieldListFilter):
    """Django's date filter ("Today", "Past 7 days"...), refusing bounds typed into the URL.

    Its own links carry aware times; a hand-written ``?published_at__lt=0001-01-01``
    was taken as naive local time and overflowed on its way to UTC. A bound that
    is not a time, or not within what can be stored and shown, is the admin's
    usual invalid-filter redirect.
    """

    def queryset(self, request, queryset):
        field = forms.DateTimeField()
        for name, value in list(self.used_parameters.items()):
            if name.endswith("__isnull"):
                continue
            try:
                moment = field.clean(value[-1] if isinstance(value, list) else value)
            except forms.ValidationError as error:
                raise IncorrectLookupParameters(error) from error
            if dates.showable(moment) != moment:
                raise IncorrectLookupParameters(f"{name} is out of range")
            self.used_parameters[name] = [moment] if isinstance(value, list) else moment
        return super().queryset(request, queryset)
