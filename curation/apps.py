from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Front page curation"

    def ready(self):
        from articles import caching

        from . import schedule, signals

        signals.connect()
        # Pins and banners start and end with no write: the public pages'
        # content version must end at the next such moment too.
        caching.register_next_change(schedule.next_change)
