"""The author form: links typed one per line, kept as a list of http(s) URLs."""

from django import forms

from .models import Author
from .validators import MAX_LINKS


class LinksField(forms.CharField):
    """One web address per line in, a list out; the model's validator checks each."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(link) for link in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class AuthorForm(forms.ModelForm):
    links = LinksField(
        required=False, help_text=f"Web addresses (http or https), one per line; at most {MAX_LINKS}.",
    )

    class Meta:
        model = Author
        fields = ["name", "slug", "bio", "photo", "links", "user"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "cols": 60})}
