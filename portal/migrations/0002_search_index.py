from django.db import migrations

from portal import search_sql


def create_full_text_index(apps, schema_editor):
    search_sql.create(schema_editor)


def drop_full_text_index(apps, schema_editor):
    search_sql.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    # SQLite: the FTS5 table and its triggers; PostgreSQL: the unaccent extension, the text
    # search configuration, the tsvector column and its index (portal/search_sql.py).
    operations = [migrations.RunPython(create_full_text_index, drop_full_text_index)]
