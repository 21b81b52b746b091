"""Our own copies of article images: fetched safely, cleaned and resized with Pillow.

``fetching`` downloads a remote image under strict rules, ``processing`` checks
and resizes bytes (whether downloaded or uploaded), and ``caching`` ties them
to ``Image`` rows and Django's storage. Nothing here imports a management
command or a view.
"""
