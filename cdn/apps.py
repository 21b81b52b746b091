from django.apps import AppConfig


class CdnConfig(AppConfig):
    name = "cdn"
    verbose_name = "CDN"

    def ready(self):
        from articles.signals import content_changed

        from . import purging

        content_changed.connect(purging.content_changed, dispatch_uid="cdn-purge")
