"""Each topic link carries its article's date, so a topic lists its own links newest first.

A big topic's page used to walk every live article newest first and keep the
topic's: about 3,000 steps for a topic on 0.7 % of a million articles, 13 to 19
ms whatever the page. With the date on the link (``TaggedArticle.published_at``)
and an index on ``(tag, published_at, article)``, the page walks the topic's own
links from the cursor on: a few dozen steps for any topic of any size.

The copy is derived data, kept by the database itself, as the search index is
(``search/engines``): a trigger fills a new link's date from its article, and
another copies an article's new date onto its links. So every writer keeps it
right without knowing about it: model saves, ``QuerySet.update()``, the
importer's bulk inserts and PostgreSQL's ``COPY``, ``taggit``'s ``add()``.

On SQLite, Django alters a table by rebuilding it, which drops its triggers and
refuses to finish while a trigger elsewhere names the table. So, as for the
search index (``search.signals``), the triggers come off before migrations run
and go back after, with every link's date copied again in case a migration
wrote articles meanwhile. PostgreSQL alters tables in place: there the triggers
are only (re)installed after every ``migrate``.
"""

from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate

LINKS = "articles_taggedarticle"

POSTGRESQL = [
    # A new link (or one moved to another article) takes its article's date.
    """CREATE OR REPLACE FUNCTION articles_link_date() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT published_at INTO NEW.published_at FROM articles_article WHERE id = NEW.content_object_id;
        RETURN NEW;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER articles_link_date
    BEFORE INSERT OR UPDATE OF content_object_id ON {LINKS}
    FOR EACH ROW EXECUTE FUNCTION articles_link_date()""",
    # An article's new date goes to its links.
    f"""CREATE OR REPLACE FUNCTION articles_links_follow_date() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {LINKS} SET published_at = NEW.published_at WHERE content_object_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE TRIGGER articles_links_follow_date
    AFTER UPDATE OF published_at ON articles_article
    FOR EACH ROW WHEN (OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION articles_links_follow_date()""",
]

_SQLITE_FILL = (
    f"UPDATE {LINKS} SET published_at = "
    "(SELECT published_at FROM articles_article WHERE id = NEW.content_object_id) WHERE id = NEW.id;"
)
SQLITE = {
    "articles_link_date": f"AFTER INSERT ON {LINKS} BEGIN {_SQLITE_FILL} END",
    "articles_link_moved": f"AFTER UPDATE OF content_object_id ON {LINKS} BEGIN {_SQLITE_FILL} END",
    "articles_links_follow_date": (
        "AFTER UPDATE OF published_at ON articles_article "
        "WHEN OLD.published_at IS NOT NEW.published_at BEGIN "
        f"UPDATE {LINKS} SET published_at = NEW.published_at WHERE content_object_id = NEW.id; END"
    ),
}

# Every link's date copied again from its article (where it differs).
COPY_ALL = {
    "postgresql": (
        f"UPDATE {LINKS} t SET published_at = a.published_at FROM articles_article a "
        "WHERE a.id = t.content_object_id AND t.published_at IS DISTINCT FROM a.published_at"
    ),
    "sqlite": (
        f"UPDATE {LINKS} SET published_at = (SELECT a.published_at FROM articles_article a "
        f"WHERE a.id = {LINKS}.content_object_id) WHERE published_at IS NOT "
        f"(SELECT a.published_at FROM articles_article a WHERE a.id = {LINKS}.content_object_id)"
    ),
}


def has_column(connection):
    """Whether the links table has its date yet (migration articles 0018)."""
    with connection.cursor() as cursor:
        if LINKS not in connection.introspection.table_names(cursor):
            return False
        columns = connection.introspection.get_table_description(cursor, LINKS)
    return any(column.name == "published_at" for column in columns)


def install(connection):
    """Create (or replace) the triggers: idempotent."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in POSTGRESQL:
                cursor.execute(sql)
        elif connection.vendor == "sqlite":
            for name, body in SQLITE.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS articles_link_date ON {LINKS}")
            cursor.execute("DROP TRIGGER IF EXISTS articles_links_follow_date ON articles_article")
        elif connection.vendor == "sqlite":
            for name in SQLITE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def copy_all(connection):
    """Copy every article's date onto its links (what the triggers would have done)."""
    sql = COPY_ALL.get(connection.vendor)
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def before_migrate(sender, using, plan=None, **kwargs):
    """SQLite: take the triggers off while migrations may rebuild the tables they name."""
    connection = connections[using]
    if plan and connection.vendor == "sqlite":
        uninstall(connection)


def after_migrate(sender, using, plan=None, **kwargs):
    """Put the triggers back (PostgreSQL: replace them), and on SQLite catch up on any write since."""
    connection = connections[using]
    if not has_column(connection):
        return
    install(connection)
    if plan and connection.vendor == "sqlite":
        copy_all(connection)


def connect():
    """Called once from ``ArticlesConfig.ready()``."""
    from django.apps import apps

    config = apps.get_app_config("articles")
    pre_migrate.connect(before_migrate, sender=config, dispatch_uid="articles-link-dates-before")
    post_migrate.connect(after_migrate, sender=config, dispatch_uid="articles-link-dates-after")
