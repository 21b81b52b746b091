from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from articles.caching import invalidate_public_pages

        from .models import Author, Byline

        def changed(sender, **kwargs):
            invalidate_public_pages()

        # Bylines and author pages are public: any change makes cached pages stale.
        for model in (Author, Byline):
            uid = f"public-pages-{model._meta.label_lower}"
            post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")
