"""Stories are named after their earliest *live* article, or ``story-<id>`` without one.

They were named after their earliest member, draft or embargoed included, so
an unpublished headline could be public in a story's URL. This renames the
existing stories once; ``stories.building.name_stories`` keeps them so.
Old URLs still work: the story page redirects by the id at the end.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Now
from django.utils.text import slugify


def name_after_live_articles(apps, schema_editor):
    # Historical models have no custom querysets: this is Article.objects.live(), spelled out.
    Article = apps.get_model("articles", "Article")
    Story = apps.get_model("stories", "Story")
    now = Now()
    live = Article.objects.filter(
        Q(go_live_at__isnull=True) | Q(go_live_at__lte=now),
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
        Q(expire_at__isnull=True) | Q(expire_at__gt=now),
        status="published",
    )
    earliest = (
        live.filter(story_membership__story=OuterRef("pk"))
        .order_by("published_at", "pk").values("title")[:1]
    )
    for story in Story.objects.annotate(live_title=Subquery(earliest)).iterator():
        title = (story.live_title or "")[:1000]
        base = slugify(title, allow_unicode=True)[:200].strip("-") or "story"
        slug = f"{base}-{story.pk}"
        if (story.title, story.slug) != (title, slug):
            Story.objects.filter(pk=story.pk).update(title=title, slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_editorial_permissions"),
        ("articles", "0007_category_date_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="story",
            name="title",
            field=models.CharField(blank=True, max_length=1000),
        ),
        migrations.RunPython(name_after_live_articles, migrations.RunPython.noop),
    ]
