"""The public site's article pages, one module per page family."""
