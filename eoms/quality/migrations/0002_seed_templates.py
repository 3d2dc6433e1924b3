"""The standard inspection templates and default checkpoints (eoms/quality/seed.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from eoms.quality.seed import seed

    seed(apps.get_model("quality", "InspectionTemplate"),
         apps.get_model("quality", "TemplateItem"),
         apps.get_model("quality", "Checkpoint"))


class Migration(migrations.Migration):

    dependencies = [
        ("quality", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
