"""The library's forms: an upload checked with Pillow before anything is stored."""

from django import forms
from django.core.exceptions import ValidationError

from articles.images.errors import ImageRejected

from . import library
from .models import Picture


class PictureForm(forms.ModelForm):
    """Add: a file plus its descriptions. Change: the descriptions and the focal point."""

    upload = forms.FileField(
        label="File", required=False,
        help_text="JPEG, PNG, WebP or GIF, up to 40 megapixels. Metadata (EXIF, location) is removed.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = Picture
        fields = ["upload", "title", "alt_text", "caption", "credit", "licence", "focal_x", "focal_y"]
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "caption": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.picture_bytes = None
        if self.instance.pk is None:
            self.fields["upload"].required = True
        else:
            # Replacing the file would change every article using it: upload a new picture instead.
            del self.fields["upload"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return upload
        try:
            self.picture_bytes = library.check_upload(upload)
        except ImageRejected as error:
            raise ValidationError(library.message_for(error), code=error.code) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and {"focal_x", "focal_y"} & set(self.changed_data) and not self.errors:
            # A new focal point recrops the stored original: it must still be there and sound.
            try:
                library.stored_original(self.instance)
            except (OSError, ImageRejected):
                raise ValidationError(
                    "This picture's stored file cannot be read, so it cannot be cropped again. "
                    "Upload it again as a new picture.", code="unreadable",
                ) from None
        return cleaned

    def save(self, commit=True):
        picture = super().save(commit=False)
        if self.picture_bytes is not None:
            stored = library.store_new(self.picture_bytes, focal_x=picture.focal_x, focal_y=picture.focal_y)
            picture.file, picture.width, picture.height = stored.file, stored.width, stored.height
            picture.renditions = stored.renditions
        elif picture.pk and {"focal_x", "focal_y"} & set(self.changed_data):
            library.recrop(picture)
        if commit:
            picture.save()
        return picture


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class UploadManyForm(forms.Form):
    """Several files at once, sharing their description; each can be refined on its own page."""

    MAX_FILES = 20

    files = MultipleFileField(
        help_text=f"Up to {MAX_FILES} JPEG, PNG, WebP or GIF files. If one is refused, none is stored.",
    )
    alt_text = forms.CharField(
        label="Alt text", max_length=500,
        help_text="Describes every picture of this upload; give each its own afterwards where they differ.",
    )
    credit = forms.CharField(max_length=300, required=False)
    licence = forms.CharField(max_length=300, required=False)

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.MAX_FILES:
            raise ValidationError(f"At most {self.MAX_FILES} files at once.", code="too_many")
        self.checked, errors = [], []
        for upload in files:
            try:
                self.checked.append((upload.name, library.check_upload(upload)))
            except ImageRejected as error:
                errors.append(ValidationError(
                    "%(name)s: %(reason)s", code=error.code,
                    params={"name": upload.name, "reason": library.message_for(error)},
                ))
        if errors:
            raise ValidationError(errors)
        return files

    def save(self, user):
        pictures = []
        for name, data in self.checked:
            stored = library.store_new(data)
            pictures.append(Picture.objects.create(
                title=name.rsplit(".", 1)[0][:200] or "Untitled", alt_text=self.cleaned_data["alt_text"],
                credit=self.cleaned_data["credit"], licence=self.cleaned_data["licence"],
                file=stored.file, width=stored.width, height=stored.height, renditions=stored.renditions,
                uploaded_by=user,
            ))
        return pictures
