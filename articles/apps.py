from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from . import collation, link_dates, signals

        signals.connect()
        collation.connect()
        link_dates.connect()
