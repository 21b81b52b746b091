"""ArticleFileError: the one way a rejected file is reported."""

import pytest

from articles.importing.errors import KINDS, ArticleFileError


def test_an_error_of_a_known_kind_reads_as_path_kind_location_and_message():
    error = ArticleFileError(
        "invalid_value",
        "quality must be from 0 to 100, got 101",
        field="quality",
        line=6,
        path="feed/a.md",
    )

    assert str(error) == (
        "feed/a.md: invalid_value at quality (line 6): quality must be from 0 to 100, got 101"
    )


def test_a_kind_outside_the_documented_list_is_refused():
    """An undocumented kind can never reach a report, even under ``python -O``."""
    assert "mystery" not in KINDS

    with pytest.raises(ValueError, match="mystery"):
        ArticleFileError("mystery", "something odd")
