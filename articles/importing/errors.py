"""The one exception every rejected article file is reported with."""

# Every kind of rejection, in the order the checks run. docs/format.md documents
# each one (tests/importing/test_format_spec.py keeps the two in step), and
# reports use exactly these names, so producers and operators can rely on them.
KINDS = (
    "too_large",
    "encoding",
    "nul_byte",
    "empty_file",
    "no_front_matter",
    "unterminated_front_matter",
    "yaml_syntax",
    "yaml_forbidden_tag",
    "yaml_duplicate_key",
    "yaml_limits",
    "not_a_mapping",
    "missing_field",
    "invalid_type",
    "invalid_value",
)


class ArticleFileError(Exception):
    """A file that cannot be imported, with where and why.

    ``kind`` is one of ``KINDS``; ``field`` is a path such as ``images[2].width``
    (empty for file-level problems); ``line`` is the 1-based line in the file
    when known.
    """

    def __init__(self, kind, message, *, field="", line=None, path=""):
        if kind not in KINDS:
            # Not an assert: those vanish under ``python -O``, and an undocumented
            # kind would then reach reports that producers match on.
            raise ValueError(f"unknown error kind {kind!r}: add it to KINDS and docs/format.md")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.field = field
        self.line = line
        self.path = str(path)
        # Set by the importer when the file names its provider (for provider health).
        self.provider_domain = None

    def __reduce__(self):
        # Errors cross process boundaries when files are parsed in parallel.
        return (
            _rebuild,
            (self.kind, self.message, self.field, self.line, self.path),
        )

    @property
    def location(self):
        """Where the problem is, for reports: ``images[2].width (line 14)``."""
        line = f"line {self.line}" if self.line is not None else ""
        if self.field:
            return f"{self.field} ({line})" if line else self.field
        return line or "file"

    def __str__(self):
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.kind} at {self.location}: {self.message}"

    def as_dict(self):
        return {
            "path": self.path,
            "provider": self.provider_domain,
            "kind": self.kind,
            "field": self.field,
            "line": self.line,
            "location": self.location,
            "message": self.message,
        }


def _rebuild(kind, message, field, line, path):
    return ArticleFileError(kind, message, field=field, line=line, path=path)
