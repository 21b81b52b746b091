"""``manage.py migrate``, with one clear line when the database cannot be reached.

Django's own command connects deep inside its checks and prints a long
psycopg traceback for the commonest first-run mistake, a database not yet
created. This checks the connection first and says which database is missing
and how to create it; everything else is Django's ``migrate`` unchanged.
"""

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DatabaseError, connections

from newsroom.terminal import printable


class Command(MigrateCommand):
    def handle(self, *args, **options):
        database = options["database"]
        if database not in connections.settings:
            raise CommandError(
                f"no database '{printable(database)}' in settings.DATABASES", returncode=2
            )
        check_connection(database)
        return super().handle(*args, **options)


def check_connection(alias):
    """Connect to ``alias`` or raise a one-line ``CommandError`` saying what to do."""
    connection = connections[alias]
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        settings = connection.settings_dict
        name, host, port = settings["NAME"], settings.get("HOST") or "localhost", settings.get("PORT") or ""
        where = f"{host}:{port}" if port else host
        first_line = printable(str(error).strip().splitlines()[0] if str(error).strip() else error)
        if connection.vendor == "postgresql" and "does not exist" in str(error):
            user = settings.get("USER")
            create = " ".join(
                part for part in ("createdb", f"-h {host}", f"-p {port}" if port else "",
                                  f"-U {user}" if user else "", name) if part
            )
            raise CommandError(
                f"database '{printable(name)}' does not exist on {printable(where)} "
                f"(DATABASE_URL); create it with: {printable(create)}"
            ) from None
        raise CommandError(
            f"cannot connect to database '{printable(name)}' ({alias}): {first_line}"
        ) from None
