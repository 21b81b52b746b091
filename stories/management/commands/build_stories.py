"""Group articles into stories: ``manage.py build_stories [--dry-run]``.

Thin by design: the grouping is ``stories.grouping``, the writing ``stories.building``.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from newsroom.terminal import positive_int
from stories.building import build_stories


class Command(BaseCommand):
    help = (
        "Group every article into stories from related links and similar headlines within "
        "72 hours. Story IDs stay stable and editors' merges and move-outs are respected."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--window-hours", type=positive_int, default=72, metavar="N",
            help="Join articles only when published within N hours of each other (default 72).",
        )

    def handle(self, *, dry_run, window_hours, verbosity, **options):
        result = build_stories(dry_run=dry_run, window=timedelta(hours=window_hours))
        if verbosity:
            prefix = "Dry run: " if dry_run else ""
            self.stdout.write(self.style.SUCCESS(prefix + result.summary() + "."))
