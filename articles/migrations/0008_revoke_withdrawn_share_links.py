"""Revoke share links that outlived a withdrawal of their article.

Until now only a kill revoked an article's links; unpublish and archive left
them working, so a link went on showing the withdrawn article (and whatever a
later re-import wrote). The workflow now revokes them in the step itself; this
does it for links made before a withdrawal that already happened.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

WITHDRAWALS = ["unpublish", "archive", "kill"]


def revoke_withdrawn(apps, schema_editor):
    ShareLink = apps.get_model("articles", "ShareLink")
    Transition = apps.get_model("articles", "Transition")
    withdrawal = Transition.objects.filter(
        article=OuterRef("article"), action__in=WITHDRAWALS, at__gt=OuterRef("created_at")
    ).order_by("at", "id")
    stale = ShareLink.objects.filter(revoked_at__isnull=True).annotate(
        withdrawn_at=Subquery(withdrawal.values("at")[:1]),
        withdrawn_by=Subquery(withdrawal.values("user")[:1]),
    ).filter(withdrawn_at__isnull=False)
    for link in stale:
        link.revoked_at, link.revoked_by_id = link.withdrawn_at, link.withdrawn_by
        link.save(update_fields=["revoked_at", "revoked_by"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_category_date_index")]

    operations = [migrations.RunPython(revoke_withdrawn, migrations.RunPython.noop)]
