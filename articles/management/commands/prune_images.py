"""Delete our copies of images no article uses any more: ``manage.py prune_images [options]``.

Thin by design: the work is done by ``articles.images.caching.prune_copies``.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.images import caching
from newsroom.terminal import non_negative_float, printable


class Command(BaseCommand):
    help = (
        "Delete the cached copies (original and renditions) of images that no article names any "
        "more: pictures dropped or replaced by a re-import, or of deleted articles."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-hours", type=non_negative_float, default=24, metavar="N",
            help="Keep folders written in the last N hours, whatever the database says (default 24): "
            "a running cache_images writes files before it saves their image.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be deleted; delete nothing.")

    def handle(self, *, keep_hours, dry_run, verbosity, **options):
        written_before = timezone.now() - timedelta(hours=keep_hours)
        run = caching.prune_copies(written_before=written_before, dry_run=dry_run)
        if verbosity >= 2:
            for folder in run.folders:
                self.stdout.write(printable(folder))
        # Printed even under -v 0: it is the one line a cron mail needs.
        self.stdout.write(self.style.SUCCESS(run.summary(dry_run=dry_run)))
