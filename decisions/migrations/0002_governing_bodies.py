from django.db import migrations


def add_bodies(apps, schema_editor):
    # The governing councils of member agencies joined the shipped bodies with the register.
    from papers.vocabulary import ensure_vocabulary

    ensure_vocabulary(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_decisions_and_proposals"),
        ("papers", "0003_unpublished_index"),
        ("members", "0003_body"),
    ]

    operations = [migrations.RunPython(add_bodies, migrations.RunPython.noop)]
