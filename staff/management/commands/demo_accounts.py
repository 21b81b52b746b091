"""Demo sign-ins for a development machine: an editor (with an author profile) and a publisher.

    manage.py demo_accounts            # create them (once); says so if they exist
    manage.py demo_accounts --reset    # give both new passwords and print them

``make run`` calls it, so a new developer can sign in at once as each role of
the desk. It refuses to run unless ``DEBUG`` is on: a production site never
gets accounts whose passwords went to a terminal.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from authors.models import Author

# username -> (group, full name); the editor also writes under a byline of their own.
BYLINED = "editor"
ACCOUNTS = {
    "editor": ("Editors", "Demo Editor"),
    "publisher": ("Publishers", "Demo Publisher"),
}


class Command(BaseCommand):
    help = "Create the demo editor and publisher (development only, DEBUG=1) and print their passwords."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Give existing demo accounts new passwords and print them."
        )

    def handle(self, *args, reset, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts are for a development machine: this site runs with DEBUG off. "
                "Create real accounts with manage.py createsuperuser and the admin's Users page."
            )
        users = get_user_model().objects
        existing = set(users.filter(username__in=ACCOUNTS).values_list("username", flat=True))
        if existing and not reset:
            self.stdout.write(
                f"Demo accounts exist ({', '.join(sorted(existing))}); "
                "new passwords: manage.py demo_accounts --reset"
            )
            if existing == set(ACCOUNTS):
                return
        lines = []
        with transaction.atomic():
            for username, (group_name, full_name) in ACCOUNTS.items():
                if username in existing and not reset:
                    continue
                group = Group.objects.filter(name=group_name).first()
                if group is None:
                    raise CommandError(f"The {group_name} group is missing: run manage.py migrate first.")
                first, last = full_name.split(" ", 1)
                user, _ = users.get_or_create(
                    username=username, defaults={"first_name": first, "last_name": last}
                )
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.is_staff = True
                user.is_active = True
                user.save()
                user.groups.add(group)
                if username == BYLINED:
                    Author.objects.get_or_create(
                        user=user,
                        defaults={"name": full_name, "slug": "demo-editor", "bio": "Writes the demo's house articles."},
                    )
                lines.append(f"  {username:<10} {password}   ({group_name})")
        self.stdout.write(self.style.SUCCESS("Demo accounts (development only):"))
        if any(line.split()[0] == BYLINED for line in lines):
            lines.append(f"  ({BYLINED} writes as the author profile \"Demo Editor\", byline of house articles)")
        for line in lines:
            self.stdout.write(line)
        if "publisher" in {line.split()[0] for line in lines}:
            self.stdout.write(
                "The publisher sets up an authenticator app at first sign-in (publishers need a second factor)."
            )
