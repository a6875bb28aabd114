"""Initial migrations that create their tables from one rendering of the migration state.

Django applies a migration one operation at a time and, after each operation that creates a
model, re-renders every model related to the new one, recursively. Talanoa's models are one
connected graph (almost every table refers to a person, an organisation or a group, and each
tracked model has a history twin), so each `CreateModel` re-rendered nearly all of them: about a
minute to create a new database, for tests and for every first `make run`.

A migration that only creates models needs none of those intermediate states: each table is
created from its model as it stands at the end of the migration, which for a `CreateModel` is the
model the operation describes (nothing later in the migration changes it). `InitialMigration`
applies every state change first (cheap while nothing is rendered), renders the state once, then
creates the tables. Anything else (SQL collected for `sqlmigrate`, an operation other than
`CreateModel`, unapplying) goes through Django's own path unchanged.

A model that moved to another app keeps its table (`db_table`): its new app's initial migration
lists the table in `adopted_tables`, and a database that has it already (made before the move)
keeps it, rows and all, instead of making it again. Its content type follows with
`adopt_content_types` (a data migration of the new app).
"""

from django.db import migrations


class InitialMigration(migrations.Migration):
    initial = True
    adopted_tables: frozenset[str] = frozenset()

    def apply(self, project_state, schema_editor, collect_sql=False):
        if collect_sql or not all(type(op) is migrations.CreateModel for op in self.operations):
            return super().apply(project_state, schema_editor, collect_sql)
        # Drop the rendered models before changing the state: with them, each change would
        # re-render its related models (the cost this class avoids); the executor renders them
        # again on the next migration's first use, as it does after a RunPython.
        project_state.__dict__.pop("apps", None)
        for operation in self.operations:
            operation.state_forwards(self.app_label, project_state)
        rendered = project_state.apps
        connection = schema_editor.connection
        existing = set(connection.introspection.table_names()) if self.adopted_tables else set()
        for operation in self.operations:
            model = rendered.get_model(self.app_label, operation.name)
            table = model._meta.db_table
            if table in self.adopted_tables and table in existing:
                continue  # made under the app that held the model before: kept as it is
            if operation.allow_migrate_model(connection.alias, model):
                schema_editor.create_model(model)
        return project_state


def adopt_content_types(from_app: str, to_app: str, models: list[str]) -> migrations.RunPython:
    """Move the content types of `models` (lower-case names) from `from_app` to `to_app`, so what
    refers to them (search entries, grants of one item, permissions, history) keeps pointing at
    the same rows. Nothing to do on a new database."""

    def forwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        alias = schema_editor.connection.alias
        taken = set(content_type.objects.using(alias).filter(
            app_label=to_app, model__in=models).values_list("model", flat=True))
        content_type.objects.using(alias).filter(app_label=from_app, model__in=models).exclude(
            model__in=taken).update(app_label=to_app)

    def backwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.using(schema_editor.connection.alias).filter(
            app_label=to_app, model__in=models).update(app_label=from_app)

    return migrations.RunPython(forwards, backwards)
