"""Drop old revisions, keeping what readers saw: ``manage.py prune_revisions --keep N [--dry-run]``.

Thin by design: the work is done by ``revisions.pruning.prune``.
"""

from django.core.management.base import BaseCommand

from newsroom.terminal import non_negative_int
from revisions import pruning


class Command(BaseCommand):
    help = (
        "Delete old revisions of articles. Every revision that was ever live and every pending "
        "version are kept, and of the others the newest N per article."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep", type=non_negative_int, required=True, metavar="N",
            help="Keep the newest N revisions of each article besides those that were live or are pending.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be deleted; delete nothing.")

    def handle(self, *, keep, dry_run, verbosity, **options):
        run = pruning.prune(keep, dry_run=dry_run)
        # Printed even under -v 0: it is the one line a cron mail needs.
        self.stdout.write(self.style.SUCCESS(run.summary()))
