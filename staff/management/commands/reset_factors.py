"""Remove a staff member's second factors (a lost phone), so they enrol again at their next sign-in.

    manage.py reset_factors USERNAME --by "who asked, ticket" [--dry-run]

The reset is written to the security audit log with ``--by``, and it ends the
person's sessions: whoever held the lost phone is signed out too.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp import devices_for_user

from staff import factors, sessions


class Command(BaseCommand):
    help = "Remove every second factor of a user (audited); they set up a new one at their next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="Who asked for and who made the reset (kept in the audit log).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be removed; change nothing.")

    def handle(self, *args, username, by, dry_run, verbosity, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        devices = list(devices_for_user(user, confirmed=None))
        if verbosity >= 2:
            for device in devices:
                self.stdout.write(f"  {type(device).__name__}: {device.name}")
        if dry_run:
            self.stdout.write(f"Would remove {len(devices)} factor(s) of {username}.")
            return
        removed = factors.reset_factors(user, by=by)
        sessions.end_others(user, "second factors reset", keep_current=False)
        self.stdout.write(self.style.SUCCESS(
            f"Removed {removed} factor(s) of {username}; their sessions are ended and they enrol again at next sign-in."
        ))
