"""Forms of the editorial admin: the article form with its version check, share links, uploads.

They only collect and check input; ``articles.workflow`` decides and writes
(the workflow steps' own forms live there, beside their steps).
"""

from datetime import timedelta
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from revisions import content as contents

from . import dates, editorial, workflow
from .importing import uploads
from .importing.loader import ARTICLE_SUFFIXES
from .importing.validation import url_problem
from .models import Article
from .topic_names import topic_name_problem
from .widgets import SplitDateTimeWidget

SHARE_LINK_LIFETIME = timedelta(days=3)
SHARE_LINK_MAX_LIFETIME = timedelta(days=30)


# The columns of the content readers see (the rest of ``revisions.content.FIELDS``
# are topics and pictures).
CONTENT_COLUMNS = ["title", "excerpt", "editor_note", "body", "category"]
# A source value longer than this is shown clipped beside its field, whole on request.
SOURCE_SHOWN = 300


class ArticleAdminForm(forms.ModelForm):
    """The change form, carrying the version it was loaded at.

    A save on an older version is refused with the name of whoever changed the
    article, and the form keeps everything the user typed. The refused form
    then carries the current version, so saving again is a deliberate choice
    to replace the other person's change.

    The content fields start from what an editor works on
    (``editorial.editable_content``: the pending version if there is one) and
    are saved as content (``content()``) through ``workflow.save_content``,
    never written to the columns by the form. On an imported article each
    picture's place and caption and credit are fields here too
    (``picture_<n>_position``/``_title``/``_attribution``), and beside each
    field the editor changed stands the source's value.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by the admin: a house article has no provider and no URL (the site publishes it).
    is_house = False

    class Meta:
        model = Article
        # The content; workflow fields are read-only here and change through the workflow.
        fields = [
            "title", "excerpt", "editor_note", "body", "provider", "published_at", "category", "type",
            "topics", "quality", "heat", "web_url", "original_url", "amp_url", "cdn_amp_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        if "topics" in self.fields:
            self.fields["topics"].label = "Topics"  # the tag manager's own label is "Tags"
        self.start = None
        self.pictures = []
        self.source = self.pictures_source = None
        if self.instance.pk is not None:
            self.start = editorial.editable_content(self.instance)
            self._start_from(self.start)
            if editorial.is_imported(self.instance):
                self._add_picture_fields(self.start["images"])
                self._show_source(editorial.source_content(self.instance))

    def _start_from(self, content):
        for name in CONTENT_COLUMNS:
            if name in self.fields:
                self.initial[name] = content[name]
        if "topics" in self.fields:
            self.initial["topics"] = [SimpleNamespace(name=name) for name in content["topics"]]

    def _add_picture_fields(self, images):
        """Place (1 = the lead picture), caption and credit of each picture; not its address."""
        places = [(str(n), str(n)) for n in range(1, len(images) + 1)]
        for n, image in enumerate(images):
            prefix = f"picture_{n}_"
            self.fields[prefix + "position"] = forms.TypedChoiceField(
                label=f"Place of picture {n + 1}", choices=places, coerce=int, initial=str(n + 1),
            )
            self.fields[prefix + "title"] = forms.CharField(
                label=f"Caption of picture {n + 1}", required=False, initial=image["title"],
                widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
            )
            self.fields[prefix + "attribution"] = forms.CharField(
                label=f"Credit of picture {n + 1}", required=False, initial=image["attribution"],
            )
            self.pictures.append({
                "image": image, "fields": [self[prefix + part] for part in ("position", "title", "attribution")],
            })

    def _show_source(self, source):
        """Beside each field where the source's value differs: that value, a flag, a button."""
        self.source = source
        flagged = set(self.instance.source_changed)
        url = reverse("admin:articles_article_use_source", args=[self.instance.pk])
        for name in contents.SOURCE_FIELDS:
            if name == "images" or name not in self.fields:
                continue
            if not contents.changed_fields({name: self.start[name]}, {name: source[name]}):
                continue
            self.fields[name].help_text = source_note(name, source[name], name in flagged, url)
        if "images" in flagged or contents.changed_fields(
            {"images": self.start["images"]}, {"images": source["images"]}
        ):
            self.pictures_source = {
                "flagged": "images" in flagged,
                "images": source["images"],
                "button": use_source_button("images", url),
            }

    def content(self, images=None):
        """The content the form holds, in ``revisions.content``'s shape.

        ``images`` replaces the pictures (a hand-made article's inline rows);
        otherwise they are the starting ones, rearranged and captioned by the
        picture fields.
        """
        data = self.cleaned_data
        content = dict(self.start or contents.normalise({}))
        for name in CONTENT_COLUMNS:
            if name in self.fields:
                content[name] = data.get(name) or ""
        if "topics" in self.fields:
            content["topics"] = list(data.get("topics") or [])
        if images is not None:
            content["images"] = images
        elif self.pictures:
            content["images"] = self._arranged_pictures()
        return contents.normalise(content)

    def _arranged_pictures(self):
        """The pictures in their chosen places (a tie keeps the earlier first), with their captions."""
        data = self.cleaned_data
        placed = []
        for n, picture in enumerate(self.pictures):
            prefix = f"picture_{n}_"
            image = dict(picture["image"])
            image["title"] = (data.get(prefix + "title") or "").strip()
            image["attribution"] = (data.get(prefix + "attribution") or "").strip()
            placed.append((data.get(prefix + "position") or n + 1, n, image))
        return [image for _, _, image in sorted(placed, key=lambda item: item[:2])]

    def changed_labels(self, content):
        """The labels of the content fields ``content`` changes, for the audit note."""
        return [contents.LABELS[name].lower() for name in contents.changed_fields(self.start, content)]

    def clean_topics(self):
        names = self.cleaned_data.get("topics") or []
        for name in names:
            problem = topic_name_problem(name)
            if problem:
                raise ValidationError(f"{problem[0].upper()}{problem[1:]}.", code="invalid_topic")
        return names

    def clean_published_at(self):
        # The importer's rule (articles.dates): typed by hand, a far date is as
        # wrong as in a file, and would pin the article on top of every list.
        value = self.cleaned_data["published_at"]
        if value is not None:
            problem = dates.publication_problem(value, timezone.now())
            if problem:
                raise ValidationError(
                    f"The publication date {problem}.", code="date_out_of_range"
                )
        return value

    # Links are only ever http(s), whoever typed them (the format's own rule).
    def clean_web_url(self):
        return _checked_url(self.cleaned_data["web_url"])

    def clean_original_url(self):
        return _checked_url(self.cleaned_data["original_url"])

    def clean_amp_url(self):
        return _checked_url(self.cleaned_data["amp_url"])

    def clean_cdn_amp_url(self):
        return _checked_url(self.cleaned_data["cdn_amp_url"])

    def clean(self):
        cleaned = super().clean()
        if not self.is_house:
            # An imported article is identified by its outlet and URL: both are needed.
            for name in ("provider", "web_url"):
                if name in self.fields and not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, ValidationError("This field is required.", code="required"))
        if self.instance.pk is None:
            return cleaned
        try:
            workflow.check_version(self.instance, cleaned.get("version"))
        except workflow.StaleArticle as stale:
            self._rebase(stale)
        return cleaned

    def _rebase(self, stale):
        current = Article.objects.get(pk=self.instance.pk)
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current.version
        differing = [
            str(self.fields[name].label or name) for name in self.changed_data if name != "version"
        ]
        raise ValidationError(
            format_html(
                "{} Your changes have not been saved; they are still in the form below.{} "
                "Saving again replaces the other version with yours.",
                stale.message,
                format_html(" Fields where yours differs from the saved version: {}.", ", ".join(differing))
                if differing else "",
            ),
            code="stale",
        )


def source_note(name, value, flagged, url):
    """The help text beside an edited field: the source's value (escaped), and what to do about it."""
    if name == "topics":
        shown = ", ".join(value) or "none"
    else:
        shown = value or "empty"
    clipped = Truncator(shown).chars(SOURCE_SHOWN)
    whole = format_html(
        "<details><summary>Show all of it</summary><div class=\"nr-source-value\">{}</div></details>", shown
    ) if clipped != shown else ""
    return format_html(
        '<div class="nr-source{}">{}<span class="nr-source-label">The source’s value:</span> '
        '<span class="nr-source-value">{}</span>{} {}</div>',
        " nr-source-changed" if flagged else "",
        mark_safe('<strong class="nr-flag">Source changed since your edit.</strong> ') if flagged else "",
        clipped, whole, use_source_button(name, url),
    )


def use_source_button(name, url):
    """A button posting the change form to the "use the source's value" view for field ``name``."""
    return format_html(
        '<button type="submit" class="button nr-use-source" formaction="{}" name="use_source" value="{}">'
        "Use the source’s</button>",
        url, name,
    )


def _checked_url(value):
    if value:
        value = value.strip()
        problem = url_problem(value)
        if problem:
            raise ValidationError(f"This URL {problem}.", code="invalid_url")
    return value


class ShareLinkForm(forms.Form):
    expires_at = forms.SplitDateTimeField(label="Expires at", widget=SplitDateTimeWidget)
    shows = forms.ChoiceField(
        label="The link shows", widget=forms.RadioSelect, initial="live",
        choices=[("live", "The version readers see now"), ("pending", "The changes awaiting review")],
    )

    def __init__(self, *args, pending=False, **kwargs):
        """``pending``: the article has a pending version, so the link may show it instead."""
        super().__init__(*args, **kwargs)
        if not pending:
            del self.fields["shows"]
        self.fields["expires_at"].initial = timezone.localtime() + SHARE_LINK_LIFETIME
        self.fields["expires_at"].help_text = (
            f"At most {SHARE_LINK_MAX_LIFETIME.days} days from now. You can revoke the link sooner."
        )

    def clean_expires_at(self):
        value = self.cleaned_data["expires_at"]
        now = timezone.now()
        if value <= now:
            raise ValidationError("Choose a time in the future.", code="in_past")
        if value > now + SHARE_LINK_MAX_LIFETIME:
            raise ValidationError(
                f"A share link may live at most {SHARE_LINK_MAX_LIFETIME.days} days.", code="too_long"
            )
        return value

    def shows_pending(self):
        return self.cleaned_data.get("shows") == "pending"


# --- upload -----------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern Django's documentation gives)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join((*ARTICLE_SUFFIXES, ".zip"))}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        # A submission with no file at all is the field's "required" error, not
        # an empty list that the form would then judge as files of the wrong kind.
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        single = super().clean
        return [single(item, initial) for item in items]


class ImportUploadForm(forms.Form):
    """Article files or zips of them, checked as the importer needs (``importing.uploads``).

    The cleaned value is the uploads themselves; ``enqueue_import`` spools them.
    """

    files = MultipleFileField(
        # An empty file is the importer's own empty_file rejection, as from the command.
        allow_empty_file=True,
        label="Article files",
        help_text="YAML front-matter files (.md, .markdown, .yml, .yaml) or .zip archives of them.",
        error_messages={"required": "Choose at least one file."},
    )

    def clean_files(self):
        uploads_ = self.cleaned_data["files"]
        self.checked = uploads.check_uploads(uploads_)
        self.ignored = self.checked.ignored
        return uploads_
