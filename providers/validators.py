"""What a provider domain is: one rule for the importer, the admin and the model.

A domain names files (``export_articles`` writes ``<domain>_<hash>.md``),
slugs and provider pages, so anything but a bare host name (a path, ``..``,
a scheme, a port, spaces) is refused wherever a domain comes in.

Pure Python apart from ``ValidationError``: the importer's validation uses
``is_host_name`` without touching models.
"""

import re

from django.core.exceptions import ValidationError

_DNS_LABEL = r"(?!-)[\w-]{1,63}(?<!-)"  # letters (any script), digits, hyphens inside
_DNS_NAME = re.compile(rf"(?:{_DNS_LABEL}\.)+{_DNS_LABEL}")

HOST_NAME_RULE = "a bare host name such as example.com (no scheme, path, port or spaces)"


def is_host_name(name: str) -> bool:
    """A host name with at least one dot: letters, digits and hyphens per label."""
    return (
        len(name) <= 253
        and "_" not in name
        and _DNS_NAME.fullmatch(name) is not None
        and not name.rpartition(".")[2].isdigit()  # 10.0.0.999 is not a name
    )


def validate_host_name(value):
    """Django validator for ``Provider.domain`` and ``ProviderAlias.domain``."""
    if not isinstance(value, str) or not is_host_name(value):
        raise ValidationError(
            "Enter %(rule)s.", code="invalid_domain", params={"rule": HOST_NAME_RULE}
        )
