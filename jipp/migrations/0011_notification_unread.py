"""The inbox's unread messages, counted by the menu on every signed-in page, from an index
of its own (built without locking the notifications: the table grows by thousands a day)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("jipp", "0010_notification_health"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("read_at__isnull", True), ~models.Q(kind="digest")),
                fields=["user", "kind"],
                name="notification_unread",
            ),
        ),
    ]
