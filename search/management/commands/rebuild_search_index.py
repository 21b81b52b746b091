"""Re-index every article, and reinstall the triggers that keep the index current.

Never needed in normal operation: triggers see every write. It is for when
something bypassed them (a restore with triggers disabled, a hand-edited
database).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from newsroom.terminal import printable
from search.engines import engine_for


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the articles table."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        if database not in connections.settings:
            raise CommandError(
                f"no database '{printable(database)}' in settings.DATABASES "
                f"(configured: {', '.join(connections.settings)})",
                returncode=2,
            )
        connection = connections[database]
        engine = engine_for(database)
        started = time.monotonic()
        with transaction.atomic(using=database):
            engine.install(connection)
            engine.rebuild(connection)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"Search index rebuilt in {time.monotonic() - started:.1f}s."
            ))
