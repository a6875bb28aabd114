"""Write Talanoa's initial migrations from the current models (how the history was reset, issue 23).

    python tools/squash_migrations.py          # rewrites <app>/migrations/0*_initial*.py
    python tools/squash_migrations.py plan tasks   # only these apps' (new apps, issue 24)

Each model becomes one `CreateModel` with every field, index and constraint inline. Models are
placed in an order where every model comes after what it refers to (there are no cycles between
Talanoa's models), and consecutive models of one app share a migration: no `AddField` is needed
to close a cycle, so each migration only creates tables and `talanoa.lib.migrations.
InitialMigration` can create them from one rendering of the state (seconds instead of a minute).

The data migrations (papers' vocabulary, portal's full-text index) are written by hand after the
schema ones and are left alone; the script says which migration each must depend on.
"""

import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talanoa.settings")

# The order apps are taken in when several could go next: the layers, core first.
APP_ORDER = ["talanoa", "members", "papers", "tasks", "meetings", "decisions", "plan", "advisory",
             "engagement", "directory", "indicators", "reports", "portal", "api"]


def adopted(model) -> bool:
    """A table named for another app: made when the model was that app's (the work programme's
    models were `work`'s until issue 24), so a database made before may have it already."""
    return not model._meta.db_table.startswith(f"{model._meta.app_label}_")


def main() -> None:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.db import migrations
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ModelState
    from django.db.migrations.writer import MigrationWriter

    base = Path(settings.BASE_DIR)
    project = [label for label in APP_ORDER if Path(apps.get_app_config(label).path).parent
               == base]
    # Only these apps' migrations are written; the others' stay as they are (applied already).
    chosen = sys.argv[1:] or project
    models = [m for label in chosen for m in apps.get_app_config(label).get_models()
              if m._meta.managed and not m._meta.proxy and not m._meta.swapped]
    user_label = settings.AUTH_USER_MODEL.lower()

    def targets(model) -> set:
        """The models this one's table refers to (foreign keys, many-to-many, parents)."""
        out = set()
        for field in model._meta.local_fields + model._meta.local_many_to_many:
            if field.is_relation and field.related_model not in (None, model):
                out.add(field.related_model)
                through = getattr(field.remote_field, "through", None)
                if field.many_to_many and through and not through._meta.auto_created:
                    out.add(through)
        out.update(p for p in model._meta.parents if p is not model)
        return out

    external_leaf = {}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for app_label in {m._meta.app_label for model in models for m in targets(model)} - set(chosen):
        leaves = loader.graph.leaf_nodes(app_label)
        external_leaf[app_label] = leaves[0] if leaves else (app_label, "__first__")

    placed: dict = {}  # model -> (app_label, migration name)
    counters: dict = defaultdict(int)
    plan = []  # (app_label, name, [models], dependencies)
    remaining = list(models)
    while remaining:
        progress = False
        for label in chosen:
            batch = []
            while True:  # take every model of this app whose targets are in place
                ready = [m for m in remaining if m._meta.app_label == label and m not in batch
                         and all(t in placed or t in batch or t._meta.app_label not in chosen
                                 for t in targets(m))]
                if not ready:
                    break
                batch.extend(ready)
            if not batch:
                continue
            counters[label] += 1
            name = f"{counters[label]:04d}_initial"
            dependencies = set()
            if counters[label] > 1:
                dependencies.add((label, f"{counters[label] - 1:04d}_initial"))
            for model in batch:
                for target in targets(model):
                    target_label = target._meta.app_label
                    if target._meta.label_lower == user_label and target_label != label:
                        dependencies.add("__user__")
                    elif target_label not in chosen:
                        dependencies.add(external_leaf[target_label])
                    elif target not in batch:
                        dependencies.add(placed[target])
            dependencies.discard((label, name))
            for model in batch:
                placed[model] = (label, name)
                remaining.remove(model)
            plan.append((label, name, batch, dependencies))
            progress = True
        if not progress:
            sys.exit("A cycle between models: " + ", ".join(m._meta.label for m in remaining))

    for label in chosen:
        (base / label / "migrations").mkdir(exist_ok=True)
        (base / label / "migrations" / "__init__.py").touch()
        for path in (base / label / "migrations").glob("0*_initial.py"):
            path.unlink()
    for label, name, batch, dependencies in plan:
        migration = type("Migration", (migrations.Migration,), {
            "initial": True, "operations": [], "dependencies": []})(name, label)
        for model in batch:
            state = ModelState.from_model(model)
            migration.operations.append(migrations.CreateModel(
                name=state.name, fields=list(state.fields.items()), options=state.options,
                bases=state.bases, managers=state.managers))
        deps = sorted(d for d in dependencies if d != "__user__")
        migration.dependencies = deps
        writer = MigrationWriter(migration, include_header=False)
        text = writer.as_string()
        if "__user__" in dependencies:
            text = text.replace("    dependencies = [\n",
                                "    dependencies = [\n        migrations.swappable_dependency("
                                "settings.AUTH_USER_MODEL),\n", 1)
            if "from django.conf import settings" not in text:
                text = text.replace("from django.db import", "from django.conf import settings\n"
                                    "from django.db import", 1)
        text = text.replace("from django.db import migrations, models\n",
                            "from django.db import migrations, models\n\n"
                            "from talanoa.lib.migrations import InitialMigration\n", 1)
        text = text.replace("class Migration(migrations.Migration):",
                            "class Migration(InitialMigration):", 1)
        kept = sorted(model._meta.db_table for model in batch if adopted(model))
        if kept:
            text = text.replace("    initial = True\n", "    initial = True\n    # Made when these "
                                "models were another app's: kept, not made again, where they exist."
                                "\n    adopted_tables = frozenset(" + repr(kept) + ")\n", 1)
        header = (f"# The tables of {label}'s models ({len(batch)}), written by "
                  "tools/squash_migrations.py.\n")
        (base / label / "migrations" / f"{name}.py").write_text(header + text)
        after = ", ".join("the user model" if d == "__user__" else ".".join(d)
                          for d in sorted(dependencies, key=str))
        print(f"{label}.{name}: {len(batch)} models; after {after or 'nothing'}")


if __name__ == "__main__":
    main()
