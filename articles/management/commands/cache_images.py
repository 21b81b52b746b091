"""Keep our own copies of article images: ``manage.py cache_images [options]``.

Thin by design: arguments, progress, the summary and the exit code. The work
is done by ``articles.images.caching``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.images import caching
from newsroom.terminal import Progress, non_negative_int, positive_int, printable


class Command(BaseCommand):
    help = (
        "Download, clean and resize the images we do not have a copy of yet. Failed images "
        "are retried with back-off on later runs. Exit status: 0 all cached, 1 some failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=non_negative_int, metavar="N", help="Cache at most N images."
        )
        parser.add_argument(
            "--article", type=positive_int, metavar="ID", help="Only this article's images."
        )
        parser.add_argument("--provider", metavar="DOMAIN", help="Only this provider's images.")
        parser.add_argument(
            "--retry-failed", action="store_true",
            help="Retry failed images now, without waiting for their back-off, even past the last attempt.",
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be fetched.")
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar, even on a terminal."
        )

    def handle(self, *, limit, article, provider, retry_failed, dry_run, no_progress, verbosity, **options):
        images = caching.pending(
            timezone.now(), retry_failed=retry_failed, article_id=article, provider=provider
        )
        if limit is not None:
            images = images[:limit]

        if dry_run:
            urls = list(images.values_list("url", flat=True))
            if verbosity >= 2:
                for url in urls:
                    self.stdout.write(printable(url))
            self.stdout.write(self.style.SUCCESS(f"Dry run: {len(urls)} images would be fetched"))
            return

        total = images.count()
        progress = Progress.for_command(self, total, verbosity=verbosity, no_progress=no_progress)

        def on_image(image, failure):
            line = None
            if failure and verbosity >= 1:
                # Plain text: on a terminal, self.stderr colours it as an error itself.
                line = (self.stderr, printable(f"image {image.pk} {image.url}: {failure}"))
            elif verbosity >= 2:
                line = (self.stdout, f"image {image.pk}: cached")
            if line and progress:
                with progress.message():
                    line[0].write(line[1])
            elif line:
                line[0].write(line[1])
            if progress:
                progress.step()

        try:
            run = caching.cache_images(images, on_image=on_image)
        finally:
            if progress:
                progress.close()
        # Printed even under -v 0: it is the one line a cron mail needs.
        style = self.style.ERROR if run.failed else self.style.SUCCESS
        self.stdout.write(style(run.summary()))
        if run.failed:
            # An exit status, not sys.exit(): call_command() callers get a CommandError.
            raise CommandError(f"{run.failed} image(s) failed", returncode=1)
