"""Push ingest: API tokens and ``POST /api/v1/ingest/``, the importer over HTTP.

* ``models``: ``ApiToken``, stored hashed, with scopes and an optional provider;
* ``authentication``, ``permissions``, ``throttling``: the DRF pieces any API
  view can use (the read API adds ``TokenAuthentication`` for read-scope tokens);
* ``uploads``: a request's body turned into the importer's sources, through
  the admin upload's own form (zips included);
* ``views``: the ingest endpoint and the poll endpoint for queued runs;
  ``schema`` describes both in OpenAPI; ``queueing`` hands large pushes to
  the background import queue.
"""
