"""Shared for the CDN tests: what ``content_changed`` announced, and admin forms filled as staff would."""

import pytest

from articles.signals import Changes, content_changed
from tests.images.conftest import media  # noqa: F401 - the media library rows need it
from tests.medialibrary.conftest import make_picture  # noqa: F401


class Heard(list):
    """Every ``Changes`` the signal carried, in order; ``.all`` merges them."""

    @property
    def all(self):
        merged = Changes()
        for changes in self:
            merged.merge(changes)
        return merged


@pytest.fixture
def heard(django_capture_on_commit_callbacks):
    """Listen to ``content_changed``; the commits of the test's writes run their callbacks."""
    received = Heard()

    def listener(sender, changes, **kwargs):
        received.append(changes)

    content_changed.connect(listener, dispatch_uid="tests-cdn-heard")
    try:
        yield received
    finally:
        content_changed.disconnect(dispatch_uid="tests-cdn-heard")


def change_form_data(client, url, **changes):
    """What a change form posts when saved as it stands, with ``changes`` typed in; inlines untouched."""
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif value is not None and value is not False:
            data[name] = "on" if value is True else str(value)
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    data.update(changes)
    return data
