"""Frontend cache (CDN or caching proxy) support: surrogate keys on public pages, purges on change.

``keys``     what each public page shows, as safe header tokens (``Surrogate-Key``/``Cache-Tag``)
``headers``  the shared-cache ``Cache-Control`` and key headers a public response carries
``backends`` Varnish (BAN), Cloudflare and Fastly purge-by-key clients, chosen by settings
``tasks``    the queued, retried purge; ``apps`` connects it to ``content_changed``
"""
