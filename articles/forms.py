"""Forms of the editorial admin: the article form with its version check, share links, uploads.

They only collect and check input; ``articles.workflow`` decides and writes
(the workflow steps' own forms live there, beside their steps).
"""

import stat
import zipfile
from datetime import timedelta
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import dates, workflow
from .importing.frontmatter import MAX_FILE_SIZE
from .importing.loader import ARTICLE_SUFFIXES, Source
from .importing.validation import url_problem
from .models import Article
from .topic_names import topic_name_problem
from .widgets import SplitDateTimeWidget

# An upload is read in memory: keep it to what a desk uploads by hand.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
SHARE_LINK_LIFETIME = timedelta(days=3)
SHARE_LINK_MAX_LIFETIME = timedelta(days=30)


class ArticleAdminForm(forms.ModelForm):
    """The change form, carrying the version it was loaded at.

    A save on an older version is refused with the name of whoever changed the
    article, and the form keeps everything the user typed. The refused form
    then carries the current version, so saving again is a deliberate choice
    to replace the other person's change.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        # The content; workflow fields are read-only here and change through the workflow.
        fields = [
            "title", "excerpt", "body", "provider", "published_at", "category", "type", "topics",
            "quality", "heat", "web_url", "original_url", "amp_url", "cdn_amp_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        if "topics" in self.fields:
            self.fields["topics"].label = "Topics"  # the tag manager's own label is "Tags"

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


def _checked_url(value):
    if value:
        value = value.strip()
        problem = url_problem(value)
        if problem:
            raise ValidationError(f"This URL {problem}.", code="invalid_url")
    return value


class ShareLinkForm(forms.Form):
    expires_at = forms.SplitDateTimeField(label="Expires at", widget=SplitDateTimeWidget)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


# --- upload -----------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern Django's documentation gives)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join((*ARTICLE_SUFFIXES, ".zip"))}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    """Article files or zips of them, turned into the importer's ``Source`` objects."""

    files = MultipleFileField(
        label="Article files",
        help_text="YAML front-matter files (.md, .markdown, .yml, .yaml) or .zip archives of them.",
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if sum(upload.size for upload in uploads) > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"Upload at most {MAX_UPLOAD_BYTES // 2**20} MB at a time.", code="too_large"
            )
        sources, ignored = [], []
        for upload in uploads:
            name = upload.name.lower()
            if name.endswith(".zip"):
                sources.extend(_zip_sources(upload, ignored))
            elif name.endswith(ARTICLE_SUFFIXES):
                sources.append(Source.from_bytes(upload.name, _read(upload)))
            else:
                ignored.append(upload.name)
        if not sources:
            raise ValidationError("None of these is an article file.", code="no_articles")
        self.ignored = ignored
        return sources


def _read(upload):
    # One byte over the limit is enough for the importer to reject it as too large.
    return upload.read(MAX_FILE_SIZE + 1)


def _zip_sources(upload, ignored):
    """Sources for the article members of a zip, read in memory within limits.

    Nothing is extracted to disk, but names that climb out of the archive are
    refused anyway: they betray a crafted archive.
    """
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValidationError(f"{upload.name} is not a readable zip file.", code="bad_zip") from error
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValidationError(
                f"{upload.name} holds {len(members):,} files; at most {MAX_ZIP_MEMBERS:,} per upload.",
                code="zip_too_many",
            )
        unsafe = [info.filename for info in members if _unsafe_member(info.filename)]
        if unsafe:
            raise ValidationError(
                format_html(
                    "{} contains unsafe paths: {}", upload.name,
                    format_html_join(", ", "{}", ((name,) for name in unsafe[:5])),
                ),
                code="zip_unsafe_path",
            )
        # A link member's data is its target's path: never an article, and its
        # name could make a list of imported files lie about what was read.
        links = [info for info in members if _is_symlink(info)]
        ignored.extend(f"{info.filename} (a symbolic link, not read)" for info in links)
        members = [info for info in members if not _is_symlink(info)]
        wanted = [info for info in members if _is_article(info.filename)]
        if sum(min(info.file_size, MAX_FILE_SIZE + 1) for info in wanted) > MAX_ZIP_UNCOMPRESSED:
            raise ValidationError(
                f"{upload.name} unpacks to more than {MAX_ZIP_UNCOMPRESSED // 2**20} MB.",
                code="zip_too_large",
            )
        ignored.extend(info.filename for info in members if not _is_article(info.filename))
        sources = []
        for info in wanted:
            path = f"{upload.name}/{info.filename}"
            if info.file_size > MAX_FILE_SIZE:
                sources.append(Source(path, None))  # rejected as too large, never inflated
                continue
            try:
                with archive.open(info) as member:
                    # The declared size caps what is inflated, whatever the data claims.
                    data = member.read(MAX_FILE_SIZE + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError) as error:
                raise ValidationError(
                    f"{path} cannot be read from the archive ({error}).", code="bad_zip"
                ) from error
            sources.append(Source.from_bytes(path, data))
        return sources


def _unsafe_member(name):
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


def _is_symlink(info):
    # Unix mode bits live in the top half of external_attr (as zip -y stores links).
    return stat.S_ISLNK(info.external_attr >> 16)


def _is_article(name):
    path = PurePosixPath(name)
    hidden = any(part.startswith(".") or part == "__MACOSX" for part in path.parts)
    return not hidden and path.name.lower().endswith(ARTICLE_SUFFIXES)
