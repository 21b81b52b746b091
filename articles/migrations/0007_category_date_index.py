"""Category pages walk this index: without it, an unknown or rare category
scanned every article (half a second for a 404 at a million articles)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0006_published_live_index'),
        ('providers', '0002_provider_alias'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['category', 'status', '-published_at', '-id'], name='article_category_date'),
        ),
    ]
