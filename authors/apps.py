from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self):
        from django.db.models.signals import post_delete

        from articles.signals import announce, connect_models

        from .models import Author, Byline

        def changed(sender, instance, signal=None, **kwargs):
            # Bylines and author pages are public: announce what a change shows on.
            deleted = signal is post_delete
            if isinstance(instance, Author):
                announce(sender, authors=[instance.pk], lists=True, withdrawn=deleted)
            else:
                announce(sender, articles=[instance.article_id], authors=[instance.author_id],
                         lists=deleted, withdrawn=deleted)

        connect_models(changed, (Author, Byline), "public-pages")
