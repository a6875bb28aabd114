from django.db import migrations


def add_vocabulary(apps, schema_editor):
    from papers.vocabulary import ensure_vocabulary

    ensure_vocabulary(apps)


class Migration(migrations.Migration):
    dependencies = [("papers", "0001_initial")]

    operations = [migrations.RunPython(add_vocabulary, migrations.RunPython.noop)]
