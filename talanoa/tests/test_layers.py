"""The shape of the code stays readable (docs/architecture.md): apps in layers, imports one way
down, no import hidden in a function to dodge a circle, no module over 600 lines.

Read from the source itself (every `import`, including those inside functions), so a new import
that goes up a layer, or a module that grows past the limit, fails here first. Tests, migrations
and management commands may reach across the layers (they wire or exercise the whole), and so
may the root `talanoa/urls.py` and `talanoa/settings.py`, which name every app.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
MAX_LINES = 600
ROOT_WIRING = {BASE / "talanoa" / "urls.py", BASE / "talanoa" / "settings.py"}
NOT_LAYERED = ("tests", "migrations", "management")
# Where nobody's source lives: environments, caches, what the suite and the tools write.
NOT_SOURCE = {".venv", ".tools", ".cache", ".git", "var", "node_modules", "__pycache__",
              "migrations"}


def project_apps() -> list[str]:
    """Talanoa's own apps, in INSTALLED_APPS order, which is the order of the layers: the core,
    members, the capabilities (each after what it builds on), the pages over them, the API."""
    return [config.label for config in apps.get_app_configs()
            if Path(config.path).parent == BASE]


def layered_modules(app: str) -> Iterator[Path]:
    for path in sorted((BASE / app).rglob("*.py")):
        parts = path.relative_to(BASE).parts
        if path in ROOT_WIRING or any(part in NOT_LAYERED for part in parts):
            continue
        yield path


def imported_apps(path: Path, project: set[str]) -> Iterator[tuple[str, int, bool]]:
    """(app, line, inside a function) for each import of a project app in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function.update(id(inner) for inner in ast.walk(node) if inner is not node)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in project:
                yield top, node.lineno, id(node) in in_function


def import_edges() -> list[tuple[str, str, str]]:
    """(importing app, imported app, where) for every import of another app."""
    project = project_apps()
    edges = []
    for app in project:
        for path in layered_modules(app):
            for imported, line, _inside in imported_apps(path, set(project)):
                if imported != app:
                    edges.append((app, imported, f"{path.relative_to(BASE)}:{line}"))
    return edges


def test_the_apps_are_the_layers_and_the_core_comes_first():
    layers = project_apps()
    assert layers[:2] == ["talanoa", "members"]
    assert {"plan", "tasks", "advisory", "engagement", "directory"} <= set(layers)
    assert "work" not in layers


def test_every_import_goes_down_the_layers():
    """An app imports only apps before it in the layers, so the import graph has no circle: the
    core (talanoa) imports no app, members only the core, and the pages and the API sit on top.
    A reaction across apps goes through talanoa.events or a registration instead."""
    layers = project_apps()
    upward = [f"{where}: {app} imports {imported}" for app, imported, where in import_edges()
              if layers.index(imported) > layers.index(app)]
    assert not upward, "\n".join(upward)


def test_the_import_graph_has_no_circle():
    """The same rule seen as a graph, so a message names the circle if the layers' order is ever
    changed to let one through."""
    graph: dict[str, set[str]] = {}
    for app, imported, _where in import_edges():
        graph.setdefault(app, set()).add(imported)

    def circle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            app, path = stack.pop()
            for nxt in graph.get(app, ()):
                if nxt == start:
                    return [*path, start]
                if nxt not in path:
                    stack.append((nxt, [*path, nxt]))
        return None

    circles = [circle for app in graph if (circle := circle_from(app))]
    assert not circles, circles[0]


def test_no_import_of_another_app_hides_in_a_function():
    """Outside AppConfig.ready() (where Django wants the models loaded first), another app's
    module is imported at the top of the module, where the layers can be read."""
    project = set(project_apps())
    hidden = []
    for app in project:
        for path in layered_modules(app):
            if path.name == "apps.py":
                continue
            hidden += [f"{path.relative_to(BASE)}:{line} imports {imported}"
                       for imported, line, inside in imported_apps(path, project)
                       if inside and imported != app]
    assert not hidden, "\n".join(hidden)


def source_modules() -> Iterator[Path]:
    for path in BASE.rglob("*.py"):
        if not NOT_SOURCE.intersection(path.relative_to(BASE).parts):
            yield path


def test_no_module_is_over_600_lines():
    """A module that grows past this becomes a package with one module per family of pages or
    steps (views/, operations/), as meetings.views and decisions.views did."""
    long = sorted(f"{path.relative_to(BASE)}: {count} lines" for path in source_modules()
                  if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES)
    assert not long, "\n".join(long)


def test_the_checks_read_the_whole_tree():
    """The rules above cannot pass by reading nothing."""
    modules = list(source_modules())
    assert len(modules) > 300
    assert any(path.name == "access.py" for path in modules)
    assert len(import_edges()) > 100
