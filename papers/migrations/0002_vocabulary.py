from django.db import migrations


def add_vocabulary(apps, schema_editor):
    # Paper kinds, tags (SDG targets, declarations, ICT areas), governing bodies and mission
    # lists: a database is usable for papers and decisions before any starter data.
    from papers.vocabulary import ensure_vocabulary

    ensure_vocabulary(apps)


class Migration(migrations.Migration):
    dependencies = [("papers", "0001_initial"), ("members", "0001_initial")]

    operations = [migrations.RunPython(add_vocabulary, migrations.RunPython.noop)]
