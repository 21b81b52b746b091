"""Newsroom settings, read from the environment (12-factor) through django-environ.

Every setting a deployment may change is an environment variable listed in
``.env.example``; the defaults are for a developer's machine: SQLite in the
project folder, local-memory cache. DEBUG is off and SECRET_KEY required
unless set: `make run` writes both into the git-ignored .env on first run.
"""

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# A .env file is optional (ENV_FILE names another); real environment variables win over it.
from newsroom.environment import BASE_DIR, env

# Off unless asked for: a forgotten variable must give a production site, not
# tracebacks and a development key. `make run` writes DEBUG=1 into .env.
DEBUG = env.bool("DEBUG", default=False)

# No key ships with the code: one from the repository would let anyone forge
# sessions and share links offline. `make run` writes a random one into the
# git-ignored .env on first run; production passes its own.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set: in production, pass it in the environment; "
        "on a development machine, `make run` writes one (and DEBUG=1) into .env."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "providers",
    "articles",
    "search",
    "stories",
    # The desk's front page: pinned lead and top stories, breaking-news banners (curation/).
    "curation",
    # Every content state of an article, compared and restored (revisions/).
    "revisions",
    # The newsroom's own writers: bylines and author pages (authors/).
    "authors",
    # The admin's Markdown editor: toolbar, live preview, word count (writing/).
    "writing",
    # The media library: pictures uploaded once, reused by any article (media/).
    "medialibrary",
    # Project-wide management commands (migrate with a clear missing-database message).
    "newsroom",
    # Staff accounts: two factors, lockout in the database, sessions, audit (staff/).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "staff",
    # Background work: Django's Tasks API and its database queue; workers, recurring jobs (tasks/).
    "django_tasks",
    "django_tasks_db",
    "tasks",
    # Prometheus metrics at /metrics, for a token or an allowed address (metrics/).
    "metrics",
    # API tokens and pushing article files over HTTP (ingest/).
    "ingest",
    # The public read API (api/): Django REST framework, its OpenAPI schema, CORS for GET.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "api",
    # A CDN or caching proxy in front: surrogate keys on public pages, purges on change (cdn/).
    "cdn",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above the page cache's early answer, so cached copies are framed the same.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Requests by view and status, and their latency, for /metrics (metrics/).
    "metrics.middleware.MetricsMiddleware",
    # CORS headers for the read API (/api/ only, GET only): see "Read API" below.
    "corsheaders.middleware.CorsMiddleware",
    # One JSON line per request, the Content-Security- and Permissions-Policy headers.
    "newsroom.middleware.RequestLogMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    # A NUL or control character in the URL is a 404 (or 400) here, never a database error.
    "newsroom.middleware.ControlCharacterMiddleware",
    "newsroom.middleware.PermissionsPolicyMiddleware",
    # Static files straight from the app, compressed, before any other work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A fresh cached public page for a cookie-less reader, before sessions and the rest.
    "articles.middleware.CachedPageMiddleware",
    # Anonymous public GETs read from the replica, when there is one.
    "newsroom.routers.ReplicaReadMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    # Ended, idle or too old sessions sign out; then no admin page without the second factor.
    "staff.middleware.StaffSessionMiddleware",
    "staff.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns a refused sign-in (too many failures) into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Innermost, so it sees the views' exceptions: a friendly 503 when the
    # database or the cache cannot be reached.
    "newsroom.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# Database: SQLite file in the project by default; PostgreSQL in production
# (DATABASE_URL=postgres://user:pass@host:5432/name).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Optional read replica (DATABASE_REPLICA_URL, a streaming replica of the
# primary): anonymous public GETs read from it, everything else (writes, the
# admin, signed-in users, the workflow's version checks) uses the primary.
# See newsroom/routers.py. Unset: one database, no router, nothing changes.
_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if _REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(_REPLICA_URL)
    # Tests run the replica as a mirror of the test database, not a database of its own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}


def _database_options(database):
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(
            {
                # WAL lets readers (the site) carry on while an import writes;
                # the busy timeout makes a writer wait for the lock instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 30,
                # Take the write lock at BEGIN, so two writers queue rather than
                # deadlock when both try to upgrade a read lock.
                "transaction_mode": "IMMEDIATE",
            }
        )
        # Opening the file (schema read, cold page cache) costs more than a public
        # page's queries, so each worker keeps its connection, as on PostgreSQL.
        database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    else:
        database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        database.setdefault("CONN_HEALTH_CHECKS", True)
        # An unreachable database answers a friendly 503 quickly rather than hanging.
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
        # PostgreSQL's JIT compiles queries whose estimated cost is high: tens to
        # hundreds of milliseconds spent on a page's short queries (a provider
        # page's 404 took 500 ms with it, 50 ms without). Parallel workers
        # likewise: starting them cost an author page's 0.06 ms lookup 17 ms at a
        # million articles, and a busy site has no idle cores for them anyway.
        # Both off for this site's connections; a URL's own ?options=... wins.
        if database["ENGINE"] == "django.db.backends.postgresql":
            database["OPTIONS"].setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0")


for _database in DATABASES.values():
    _database_options(_database)
REPLICA_DATABASE = "replica" if _REPLICA_URL else None
# Pages rebuilt within this many seconds of a write may come from a replica
# that has not caught up yet: they are cached only that long (articles/caching.py).
REPLICA_LAG_SECONDS = env.int("REPLICA_LAG_SECONDS", default=5)
# The search index's models are never dumped or loaded (search/routers.py).
DATABASE_ROUTERS = ["search.routers.SearchIndexRouter"]
if _REPLICA_URL:
    DATABASE_ROUTERS.append("newsroom.routers.ReplicaRouter")
# Full-text search's ORM helpers (SearchQuery, SearchRank) on PostgreSQL only.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")

# Background tasks: a queue in the site's own database (no extra server); workers are
# `manage.py run_worker` (make run starts one, make worker starts one more). TASKS_BACKEND
# may name another Tasks API backend ("django_tasks.backends.immediate.ImmediateBackend" runs
# each task inside the request that enqueues it).
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# Workers (tasks/worker.py, docs/tasks.md). Each running worker writes a heartbeat every
# TASKS_HEARTBEAT_SECONDS; a task left running by a worker silent for TASKS_WORKER_TIMEOUT_SECONDS
# (killed, machine lost) is queued again, or failed once it has been tried TASKS_MAX_ATTEMPTS times.
TASKS_HEARTBEAT_SECONDS = env.float("TASKS_HEARTBEAT_SECONDS", default=10)
TASKS_WORKER_TIMEOUT_SECONDS = env.float("TASKS_WORKER_TIMEOUT_SECONDS", default=60)
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", default=3)
# On SIGTERM a worker finishes its task, or after this long puts it back in the queue and exits.
TASKS_SHUTDOWN_SECONDS = env.float("TASKS_SHUTDOWN_SECONDS", default=30)
# Database unreachable: the worker waits 1 s, 2 s, 4 s... at most this long between tries.
TASKS_DATABASE_RETRY_MAX_SECONDS = env.float("TASKS_DATABASE_RETRY_MAX_SECONDS", default=30)
# Recurring jobs, run by the workers once per interval across every machine (0 turns one off):
# caching new article pictures, regrouping stories, deleting unused picture copies, dropping old
# revisions (keeping REVISIONS_KEEP per article besides live and pending ones), and checking the
# search index (rebuilt only when it no longer matches the articles).
JOB_CACHE_IMAGES_SECONDS = env.int("JOB_CACHE_IMAGES_SECONDS", default=5 * 60)
JOB_BUILD_STORIES_SECONDS = env.int("JOB_BUILD_STORIES_SECONDS", default=60 * 60)
JOB_PRUNE_IMAGES_SECONDS = env.int("JOB_PRUNE_IMAGES_SECONDS", default=24 * 60 * 60)
JOB_PRUNE_REVISIONS_SECONDS = env.int("JOB_PRUNE_REVISIONS_SECONDS", default=24 * 60 * 60)
REVISIONS_KEEP = env.int("REVISIONS_KEEP", default=50)
JOB_SEARCH_INDEX_CHECK_SECONDS = env.int("JOB_SEARCH_INDEX_CHECK_SECONDS", default=60 * 60)
# Queued imports whose task was cancelled or failed without them (admin Cancel, too many
# worker deaths) are marked failed and their spool folders deleted, this often.
JOB_SETTLE_IMPORT_RUNS_SECONDS = env.int("JOB_SETTLE_IMPORT_RUNS_SECONDS", default=60)

# Cache: local memory by default; Redis in production (CACHE_URL=redis://host:6379/0).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://newsroom")}
if "RedisCache" in CACHES["default"]["BACKEND"]:
    # A stopped or hung Redis must cost a request a second, not a worker forever.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
# What every process must agree on at once (the public pages' content version,
# articles/caching.py): a gunicorn worker, the importer and `manage.py shell`
# each have their own local-memory cache, so a kill made in one would stay
# invisible to the others' cached pages. A cache that is already shared serves;
# otherwise small files in the project folder do (one stat and read per
# request), namespaced by the database so two sites never share a version.
# Several app servers need a shared CACHE_URL (Redis).
if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    CACHES["shared"] = env.cache_url(
        "SHARED_CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}"
    )
    if CACHES["shared"]["BACKEND"].endswith("FileBasedCache"):
        # One file per changed page key (articles/caching.py): room for them, and a cull that
        # drops expired files first (a lost stamp would revive a page from before a kill).
        CACHES["shared"]["BACKEND"] = "newsroom.filecache.SharedFileCache"
        CACHES["shared"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20000)
    _database = DATABASES["default"]
    CACHES["shared"].setdefault(
        "KEY_PREFIX",
        hashlib.sha256(
            f"{_database['ENGINE']}|{_database.get('HOST', '')}|{_database.get('PORT', '')}|"
            f"{_database['NAME']}".encode()
        ).hexdigest()[:12],
    )
else:
    CACHES["shared"] = dict(CACHES["default"])

# Every account here is staff: a stolen password publishes under the site's name.
# CommonPasswordValidator checks Django's list of 20,000 common passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-us")
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed file names need `manage.py collectstatic` first, which
# production runs; development and tests serve the files as they are.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Browsers apply the sitemaps' XSL stylesheet only when it comes as XML; with
# nosniff, whitenoise's default for .xsl (octet-stream) would be refused.
WHITENOISE_MIMETYPES = {".xsl": "text/xsl"}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Where cached images and the media library's pictures are written (Django's
# default storage): the local MEDIA_ROOT unless MEDIA_STORAGE=s3, which selects
# an S3-compatible bucket through django-storages (credentials from boto3's own
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the machine's role).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    _bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not _bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            # Any S3-compatible service (MinIO, R2, Scaleway...); unset: AWS itself.
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # A CDN or public bucket host that serves the files (pages link to it).
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            # Pictures are public: plain URLs, no expiring signatures in cached pages.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "location": env.str("AWS_LOCATION", default=""),
            # Our file names are derived from their content: an upload never replaces another.
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}.")
# cache_images refuses image URLs that resolve to loopback, private or
# link-local addresses (server-side request forgery); only tests and closed
# networks turn this on.
IMAGE_FETCH_ALLOW_PRIVATE = env.bool("IMAGE_FETCH_ALLOW_PRIVATE", default=False)

# Imports in the background (articles/importing/queue.py, docs/tasks.md). Uploads wait
# for a worker in IMPORT_SPOOL_DIR: private (never served); with workers on several
# machines, a folder they all mount.
IMPORT_SPOOL_DIR = env.path("IMPORT_SPOOL_DIR", default=BASE_DIR / "var" / "import-spool")
# Optional watched folder: article files and zips dropped there are imported by the
# workers every IMPORT_WATCH_SECONDS, once unchanged for IMPORT_WATCH_SETTLE_SECONDS.
IMPORT_WATCH_DIR = env.str("IMPORT_WATCH_DIR", default="")
IMPORT_WATCH_SECONDS = env.int("IMPORT_WATCH_SECONDS", default=30)
IMPORT_WATCH_SETTLE_SECONDS = env.int("IMPORT_WATCH_SETTLE_SECONDS", default=10)
# A file left in processing/ this long (its worker died mid-import) is put back to be imported again.
IMPORT_WATCH_STALE_SECONDS = env.float("IMPORT_WATCH_STALE_SECONDS", default=2 * TASKS_WORKER_TIMEOUT_SECONDS)
# After an import, queue the caching of its articles' pictures (off: the recurring
# image caching, or manage.py cache_images, catches up).
IMPORT_CACHE_IMAGES = env.bool("IMPORT_CACHE_IMAGES", default=True)

# How much `import_articles` and `run_worker` lower their own CPU priority (os.nice, inherited
# by their parser processes), so readers keep the cores during an import; 0: unchanged.
IMPORT_NICE = env.int("IMPORT_NICE", default=10)
WORKER_NICE = env.int("WORKER_NICE", default=10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Topics are matched case-insensitively (the format says "AI" and "ai" are one topic).
TAGGIT_CASE_INSENSITIVE = True

# Public pages are cached for this long at most (0: never); any content change
# or scheduled go-live/expiry makes them stale sooner (articles/caching.py).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=300)
# A cached page whose content was updated (not withdrawn) less than this many seconds
# ago is still served to other readers while one request renders it again (0: never).
PUBLIC_STALE_SECONDS = env.int("PUBLIC_STALE_SECONDS", default=10)

# A CDN or caching proxy in front (cdn/, docs/scaling.md "A CDN in front"). Off by default:
# with no purge backend nothing would tell a shared cache of a kill, so s-maxage is 0.
CDN_PURGE_BACKEND = env.str("CDN_PURGE_BACKEND", default="")  # varnish, cloudflare or fastly
CDN_PURGE_URL = env.str("CDN_PURGE_URL", default="")  # Varnish: where BAN requests go
CLOUDFLARE_ZONE_ID = env.str("CLOUDFLARE_ZONE_ID", default="")
CLOUDFLARE_API_TOKEN = env.str("CLOUDFLARE_API_TOKEN", default="")
CLOUDFLARE_API_URL = env.str("CLOUDFLARE_API_URL", default="https://api.cloudflare.com/client/v4")
FASTLY_SERVICE_ID = env.str("FASTLY_SERVICE_ID", default="")
FASTLY_API_TOKEN = env.str("FASTLY_API_TOKEN", default="")
FASTLY_API_URL = env.str("FASTLY_API_URL", default="https://api.fastly.com")
CDN_S_MAXAGE = env.int("CDN_S_MAXAGE", default=86400 if CDN_PURGE_BACKEND else 0)
CDN_STALE_WHILE_REVALIDATE = env.int("CDN_STALE_WHILE_REVALIDATE", default=30)
CDN_STALE_IF_ERROR = env.int("CDN_STALE_IF_ERROR", default=86400)
CDN_PURGE_RETRIES = env.int("CDN_PURGE_RETRIES", default=5)
CDN_PURGE_BACKOFF_SECONDS = env.float("CDN_PURGE_BACKOFF_SECONDS", default=1.0)
# Routes /bench/trivial, the baseline view of `make bench`; never in production.
BENCHMARK_VIEWS = env.bool("BENCHMARK_VIEWS", default=False)
# The hottest pages' queries compiled once per process (newsroom/prepared.py) and the importer's
# COPY (articles/bulk.py): auto runs them on the Django/psycopg releases they were verified on,
# else the plain ORM; on forces the fast paths, off the plain ones (1 and 0 are read as on, off).
PREPARED_QUERIES = env.str("PREPARED_QUERIES", default="auto").strip().lower() or "auto"
if PREPARED_QUERIES not in ("auto", "on", "off", "1", "0", "true", "false", "yes", "no"):
    raise ImproperlyConfigured(f"PREPARED_QUERIES must be auto, on or off, not {PREPARED_QUERIES!r}.")

# /metrics (metrics/): readable with "Authorization: Bearer <METRICS_TOKEN>" or from an address in
# METRICS_ALLOW (comma-separated addresses or CIDR networks); anyone else gets a 404. In multiprocess
# mode (gunicorn), PROMETHEUS_MULTIPROC_DIR names the folder the workers share their counters in.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOW = env.list("METRICS_ALLOW", default=["127.0.0.1/32", "::1/128"])

# Article bodies: only the first MARKDOWN_MAX_CHARS characters are rendered
# (hostile Markdown costs up to ~20 µs of CPU a character), and each worker
# keeps rendered bodies up to MARKDOWN_MEMO_BYTES (articles/rendering.py).
MARKDOWN_MAX_CHARS = env.int("MARKDOWN_MAX_CHARS", default=50_000)
MARKDOWN_MEMO_BYTES = env.int("MARKDOWN_MEMO_BYTES", default=32 * 1024 * 1024)

# Display name of the site in page titles, feeds and news sitemaps.
SITE_NAME = env.str("SITE_NAME", default="Newsroom")
# The domain the site is known by, for ids that must never change whatever host
# a request came in on (feed entries' tag: URIs). Defaults to the first host name.
SITE_DOMAIN = env.str(
    "SITE_DOMAIN",
    default=next((h.lstrip(".") for h in ALLOWED_HOSTS if h != "*" and not h.startswith("[")), "localhost"),
)

# --- Sessions --------------------------------------------------------------
# Any app server must read a session another one wrote: sessions live in the
# database, read through the cache when the cache is shared (Redis), so a
# flushed Redis logs nobody out. A per-process local-memory cache would serve
# stale sessions across workers, so it only fronts the database when shared.
_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "signed_cookies": "django.contrib.sessions.backends.signed_cookies",
}
_SHARED_CACHE = "RedisCache" in CACHES["default"]["BACKEND"]
_session_engine = env.str("SESSION_ENGINE", default="cached_db" if _SHARED_CACHE else "db")
SESSION_ENGINE = _SESSION_ENGINES.get(_session_engine, _session_engine)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True

# --- Security ---------------------------------------------------------------
# Off on a developer's plain-HTTP machine; on in production (DEBUG=0), where
# `manage.py check --deploy` must report nothing. Each can be turned off by
# its environment variable, e.g. for a first rollout with a short HSTS.
_PRODUCTION = not DEBUG
# How many proxies (load balancer, CDN) stand in front of the app servers, each
# appending to X-Forwarded-For. 0: gunicorn faces clients, and no forwarded
# header is believed (newsroom/clients.py decides the client's address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# TLS ends at the declared proxy, which must set (and overwrite) this header.
# Without a proxy anyone could send it and pass for HTTPS, so it is not trusted.
_proxy_header = env.str(
    "SECURE_PROXY_SSL_HEADER", default="X-Forwarded-Proto" if TRUSTED_PROXY_COUNT > 0 else ""
)
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_PRODUCTION)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The site's own pages load scripts, styles and fonts from itself only;
# article pictures are hotlinked from the outlets over HTTPS.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; img-src 'self' https: data:; script-src 'self'; style-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
)
# The editorial admin's workflow badges come in an inline <style> block
# (templates/admin/articles/_styles.html); scripts stay 'self' only there too.
CONTENT_SECURITY_POLICY_ADMIN = env.str(
    "CONTENT_SECURITY_POLICY_ADMIN",
    default=CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
)

# Browser features no page of the site uses, refused to every page and to
# anything a page embeds.
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default=(
        "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), "
        "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
        "publickey-credentials-get=(self), screen-wake-lock=(), serial=(), usb=(), "
        "xr-spatial-tracking=()"
    ),
)

# Searches one client address may run per minute (staff are not counted; 0:
# no limit), counted in the shared cache (newsroom/ratelimit.py).
SEARCH_REQUESTS_PER_MINUTE = env.int("SEARCH_REQUESTS_PER_MINUTE", default=30)

# Push ingest (POST /api/v1/ingest/, ingest/): the largest request body in bytes
# (checked from Content-Length before reading; at most the admin upload's 50 MiB),
# article files per request (zip members counted), requests per minute per token
# (in the cache: shared by every app server when CACHE_URL is Redis; 0: no limit),
# and the most files imported while the client waits (more are queued, 202).
INGEST_MAX_REQUEST_BYTES = env.int("INGEST_MAX_REQUEST_BYTES", default=20 * 1024 * 1024)
INGEST_MAX_FILES = env.int("INGEST_MAX_FILES", default=1000)
INGEST_REQUESTS_PER_MINUTE = env.int("INGEST_REQUESTS_PER_MINUTE", default=60)
INGEST_SYNC_MAX_FILES = env.int("INGEST_SYNC_MAX_FILES", default=200)
# The read API's limit for a token with the read scope (ingest.throttling.ReadTokenRateThrottle).
API_READ_TOKEN_REQUESTS_PER_MINUTE = env.int("API_READ_TOKEN_REQUESTS_PER_MINUTE", default=600)

# Admin sign-in: after this many failures for one user name, or this many
# from one address, sign-in is refused for LOGIN_LOCKOUT_SECONDS.
LOGIN_FAILURES_PER_USER = env.int("LOGIN_FAILURES_PER_USER", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
# --- Staff sign-in (staff/) -----------------------------------------------------

# Lockout (django-axes, counted in the database so no cache eviction can erase it):
# LOGIN_FAILURES_PER_USER_ADDRESS failures for one user name from one address lock
# that pair; LOGIN_FAILURES_PER_USER failures for one name from anywhere lock it
# from every address except those it fully signed in from in the last
# LOGIN_KNOWN_ADDRESS_DAYS. Both last LOGIN_LOCKOUT_SECONDS after the last failure.
LOGIN_FAILURES_PER_USER_ADDRESS = env.int("LOGIN_FAILURES_PER_USER_ADDRESS", default=5)
LOGIN_FAILURES_PER_USER = env.int("LOGIN_FAILURES_PER_USER", default=50)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=900)
LOGIN_KNOWN_ADDRESS_DAYS = env.int("LOGIN_KNOWN_ADDRESS_DAYS", default=90)
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out user name and address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_USER_ADDRESS
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_CLIENT_IP_CALLABLE = "newsroom.clients.client_address"
AXES_USERNAME_CALLABLE = "staff.lockout.username_of"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Our audit log (staff/audit.py) records sign-ins; axes' own chatter stays out of the logs.
AXES_VERBOSE = False

# Two factors: superusers and these groups must sign in with one; others may.
STAFF_SECOND_FACTOR_GROUPS = env.list("STAFF_SECOND_FACTOR_GROUPS", default=["Publishers"])
OTP_TOTP_ISSUER = SITE_NAME
# A wrong code doubles the wait before the next try (1 s, 2 s, 4 s...).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys and security keys (WebAuthn): the site's domain, and the https origins
# staff use; only as a second factor, never instead of the password.
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "WEBAUTHN_ORIGINS", default=CSRF_TRUSTED_ORIGINS or ["http://localhost:8000"]
)
OTP_WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default=urlsplit(OTP_WEBAUTHN_ALLOWED_ORIGINS[0]).hostname)
OTP_WEBAUTHN_RP_NAME = SITE_NAME
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Staff sessions end after this long without a request, and this long after sign-in.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=3600)
STAFF_SESSION_MAX_AGE_SECONDS = env.int("STAFF_SESSION_MAX_AGE_SECONDS", default=12 * 3600)

# --- Logging ----------------------------------------------------------------
# One JSON object per line on stdout (LOG_FORMAT=json, the default in
# production) for the log collector; plain text for a developer's console.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsroom.logging.JSONFormatter"},
        "text": {"()": "newsroom.logging.RedactingFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Our request log replaces runserver's and django.request's per-request lines.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# How many pinned top stories the front page and each topic page show below
# their lead (curation/).
CURATION_TOP_STORIES = env.int("CURATION_TOP_STORIES", default=5)

# --- Read API (api/) -----------------------------------------------------------
# /api/v1/: live content as JSON, read-only, no sign-in (docs/api.md). Errors are
# {"error": {"code", "message"}} for every 4xx; only JSON is rendered (no browsable
# HTML API: its inline scripts would need a looser CSP).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Public data: no session (no cookie, no CSRF, no session table per request).
    # An app that needs tokens (the ingest API) names its own authentication classes.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # The read API counts requests before the page cache (api/http.py), so not here.
    "DEFAULT_THROTTLE_CLASSES": [],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Dates as ISO 8601 with their offset, in UTC whatever TIME_ZONE is.
    "DATETIME_FORMAT": "iso-8601",
}
# Requests one client address may make to /api/ per period ("120/min", "5000/hour";
# empty: no limit), counted in the default cache: Redis in production (CACHE_URL),
# so every app server shares one count. Staff signed in to the admin are not counted.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/min")
if API_RATE_LIMIT:
    _count, _, _period = API_RATE_LIMIT.partition("/")
    if not (_count.isdigit() and _period[:1] in ("s", "m", "h", "d")):
        raise ImproperlyConfigured(
            f"API_RATE_LIMIT must look like 120/min or 5000/hour, not {API_RATE_LIMIT!r}."
        )
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": "Live articles, topics, sources, authors and stories, as the public site shows them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's static files: no script from elsewhere.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
# CORS, for the API's GETs only: other sites' pages may read the public API from a
# browser. Any origin by default: the data is what anyone sees on the site, no
# cookie or credential is ever accepted (CORS_ALLOW_CREDENTIALS off), so a reader's
# browser cannot be made to leak anything of theirs. API_CORS_ORIGINS (comma
# separated, e.g. https://app.example.com) narrows it to those origins.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOWED_ORIGINS = env.list("API_CORS_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400
