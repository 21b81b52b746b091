"""Pins and banners in the admin: plain declarative forms; the curation screen is ``curation.views``.

Every add, change and delete here is in the admin's history (``LogEntry``),
as the screen's own reorders, end times and unpins are.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse

from newsroom.staff_input import parse_id

from .models import Banner, Pin


def _screen_url(pin):
    if pin.topic_id:
        return reverse("curation:topic", kwargs={"slug": pin.topic.slug})
    return reverse("curation:front")


@admin.register(Pin)
class PinAdmin(admin.ModelAdmin):
    list_display = ["article", "topic", "position", "starts_at", "ends_at", "created_by", "created_at"]
    list_filter = [("topic", admin.EmptyFieldListFilter)]
    search_fields = ["article__title", "topic__name"]
    autocomplete_fields = ["article", "topic"]
    fields = ["article", "topic", "position", "starts_at", "ends_at"]
    readonly_fields = ["created_by", "created_at"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # From ?topic=<id>: anything that cannot be a topic's id means the front page.
        topic = parse_id(str(initial.get("topic") or ""))
        if topic is None:
            initial.pop("topic", None)
        else:
            initial["topic"] = topic
        pins = Pin.objects.filter(topic=topic) if topic else Pin.objects.filter(topic__isnull=True)
        last = pins.order_by("-position").values_list("position", flat=True).first()
        initial.setdefault("position", 0 if last is None else last + 1)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # After "Save", back to the page's curation screen.
    def response_post_save_add(self, request, obj):
        return HttpResponseRedirect(_screen_url(obj))

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(_screen_url(obj))


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    list_display = ["text", "level", "starts_at", "ends_at", "created_by"]
    list_filter = ["level"]
    search_fields = ["text"]
    fields = ["text", "link", "level", "starts_at", "ends_at"]
    # A link typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
