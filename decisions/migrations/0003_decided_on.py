from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_sitting_dates(apps, schema_editor):
    # The history's rows too: they keep the sitting they named then.
    sitting = apps.get_model("decisions", "Sitting")
    for name in ("Decision", "HistoricalDecision"):
        apps.get_model("decisions", name).objects.update(decided_on=Subquery(
            sitting.objects.filter(pk=OuterRef("sitting_id")).values("starts_on")[:1]))


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_governing_bodies")]

    operations = [
        migrations.AddField(model_name="decision", name="decided_on",
                            field=models.DateField(editable=False, null=True, verbose_name="date")),
        migrations.AddField(model_name="historicaldecision", name="decided_on",
                            field=models.DateField(editable=False, null=True, verbose_name="date")),
        migrations.RunPython(copy_sitting_dates, migrations.RunPython.noop),
    ]
