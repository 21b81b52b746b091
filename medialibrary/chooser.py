"""The picture chooser the writing tool opens in a popup: search, pick, or upload then pick.

Contract (for the writing tool): ``reverse("admin:media_picture_chooser")``
opened with ``?_popup=1`` in a window. Choosing a picture, where JavaScript
runs, calls ``window.opener.postMessage({type: "newsroom:picture-chosen", id,
url, alt, title, caption, markdown}, window.location.origin)`` and closes the
window (static/media/chooser.js). Without JavaScript the page shows the
Markdown snippet to copy (``?chosen=<id>``).
"""

import json

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from newsroom.staff_input import parse_id

from .forms import PictureForm
from .library import markdown_snippet
from .models import Picture

PER_PAGE = 24


def search(query):
    pictures = Picture.objects.all()
    for word in query.split()[:10]:
        pictures = pictures.filter(
            Q(title__icontains=word) | Q(alt_text__icontains=word) | Q(caption__icontains=word)
            | Q(credit__icontains=word)
        )
    return pictures


def choice(picture):
    """What the page (and the message to the opener) says about one picture."""
    message = {
        "type": "newsroom:picture-chosen", "id": picture.pk, "url": picture.url,
        "alt": picture.alt_text, "title": picture.title, "caption": picture.caption,
        "markdown": markdown_snippet(picture),
    }
    # The script reads the message from a data attribute (escaped by the template): no inline script.
    return {**message, "message": json.dumps(message), "thumbnail": picture.thumbnail_url(), "picture": picture}


def chooser(model_admin, request):
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    can_upload = model_admin.has_add_permission(request)
    popup = "_popup" in request.GET or "_popup" in request.POST
    form = None
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        form = PictureForm(request.POST, request.FILES)
        if form.is_valid():
            picture = form.save(commit=False)
            picture.uploaded_by = request.user
            picture.save()
            params = {"chosen": picture.pk, "uploaded": 1, **({"_popup": 1} if popup else {})}
            return HttpResponseRedirect(f"{reverse('admin:media_picture_chooser')}?{urlencode(params)}")
    elif can_upload:
        form = PictureForm()
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(search(query), PER_PAGE).get_page(request.GET.get("p"))
    chosen = None
    chosen_id = parse_id(request.GET.get("chosen", ""))
    if chosen_id is not None:
        picture = Picture.objects.filter(pk=chosen_id).first()
        chosen = choice(picture) if picture else None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Choose a picture",
        "is_popup": popup,
        "query": query,
        "page": page,
        "choices": [choice(p) for p in page.object_list],
        "chosen": chosen,
        "just_uploaded": bool(chosen and request.GET.get("uploaded")),
        "form": form,
        "popup_param": "_popup=1" if popup else "",
    }
    return TemplateResponse(request, "admin/media/picture/chooser.html", context)
