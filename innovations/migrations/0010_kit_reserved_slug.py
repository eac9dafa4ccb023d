# "kit" becomes a URL word under /innovations/ (the kit downloads): never a slug.

from django.db import migrations, models


def rename_kit_slug(apps, schema_editor):
    """An innovation already called "kit" keeps its page under a free slug."""
    Innovation = apps.get_model("innovations", "Innovation")
    for innovation in Innovation.objects.filter(slug="kit"):
        n = 2
        while Innovation.objects.filter(slug=f"kit-{n}").exists():
            n += 1
        innovation.slug = f"kit-{n}"
        innovation.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0009_second_round"),
    ]

    operations = [
        migrations.RunPython(rename_kit_slug, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="innovation",
            name="innovation_slug_not_reserved",
        ),
        migrations.AddConstraint(
            model_name="innovation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "slug__in",
                        ["export", "import", "innovators", "kit", "mine", "new", "review"],
                    ),
                    _negated=True,
                ),
                name="innovation_slug_not_reserved",
            ),
        ),
    ]
