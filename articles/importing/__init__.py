"""Reading article front-matter files into the database.

The package is layered so each part can be used (and tested) on its own:

* ``frontmatter`` turns bytes into a checked YAML node tree (size, encoding,
  delimiters, safe YAML with limits);
* ``validation`` turns that tree into plain, normalised ``ArticleData``;
* ``loader`` writes validated articles to the database, each all-or-nothing;
* ``generating`` writes corpora of valid files for tests, benchmarks and demos
  (here because the rules it must follow are this package's).

Only ``loader`` touches Django models; the rest is pure Python.
"""
