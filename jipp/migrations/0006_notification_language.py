import re

from django.db import migrations, models

NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def subjects_on_one_line(apps, schema_editor):
    """Rows written before subjects were made single-line (jipp.services.one_line):
    a line break there made the mail header refuse them, and the row stuck `sending`."""
    Notification = apps.get_model("jipp", "Notification")
    rows = Notification.objects.filter(subject__regex=r"[\x01-\x1f\x7f-\x9f\u2028\u2029]")
    for row in rows.only("pk", "subject").iterator():
        subject = " ".join(NOT_ONE_LINE.sub(" ", row.subject).split())[:255].rstrip()
        Notification.objects.filter(pk=row.pk).update(subject=subject)


class Migration(migrations.Migration):
    dependencies = [
        ("jipp", "0005_account_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="language",
            field=models.CharField(blank=True, max_length=5, verbose_name="language"),
        ),
        migrations.AlterField(
            model_name="user",
            name="reminder_channel",
            field=models.CharField(
                choices=[
                    ("email", "An e-mail each time"),
                    ("digest", "One daily digest e-mail"),
                    ("inbox", "Inbox only"),
                ],
                default="email",
                max_length=10,
                verbose_name="reminders and messages by",
            ),
        ),
        migrations.RunPython(subjects_on_one_line, migrations.RunPython.noop, elidable=True),
    ]
