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
"""

from django.db import migrations


class InitialMigration(migrations.Migration):
    initial = True

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
        alias = schema_editor.connection.alias
        for operation in self.operations:
            model = rendered.get_model(self.app_label, operation.name)
            if operation.allow_migrate_model(alias, model):
                schema_editor.create_model(model)
        return project_state
