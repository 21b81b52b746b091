"""The one exception every rejected article file is reported with."""

# The error kinds of the format specification (shared/corpus/README.md, section 5).
# Reports use exactly these names, so tests and operators can rely on them.
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
        assert kind in KINDS, kind
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.field = field
        self.line = line
        self.path = str(path)

    @property
    def location(self):
        """Where the problem is, for reports: ``images[2].width (line 14)``."""
        parts = []
        if self.field:
            parts.append(self.field)
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts) or "file"

    def __str__(self):
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.kind} at {self.location}: {self.message}"

    def as_dict(self):
        return {
            "path": self.path,
            "kind": self.kind,
            "field": self.field,
            "line": self.line,
            "location": self.location,
            "message": self.message,
        }
