"""Print a database's schema in a canonical form, to compare two databases made differently.

    DATABASE_URL=... python tools/schema_fingerprint.py > schema.txt

Used to prove that a squashed migration history builds the same schema as the long one (issue
23): tables with their columns, types, nullability, defaults and table constraints; indexes
(partial ones with their condition); triggers, virtual tables, extensions and text search
configurations. Column order inside a table is printed separately (`--order`), since a table
grown by ALTER TABLE lists its columns in the order they were added.

SQLite: from `sqlite_master`, the items of each CREATE TABLE sorted. PostgreSQL: `pg_dump
--schema-only`, each statement's lines sorted inside CREATE TABLE, the statements sorted.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talanoa.settings")


def _split_top_level(body: str) -> list[str]:
    """The comma-separated items of a CREATE TABLE's parentheses, ignoring nested commas."""
    items, depth, current, quote = [], 0, [], None
    for char in body:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
            continue
        if char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    if "".join(current).strip():
        items.append("".join(current).strip())
    return items


def sqlite_schema(connection, order: bool) -> list[str]:
    rows = connection.cursor().execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
    out = []
    for kind, name, table, sql in rows:
        if sql is None:  # automatic indexes of UNIQUE columns: named by position, not content
            continue
        match = re.match(r'CREATE TABLE "?(\w+)"? \((.*)\)$', sql, re.S)
        if kind == "table" and match:
            items = _split_top_level(match.group(2))
            if order:
                out.append(f"order {name}: " + ", ".join(i.split()[0] for i in items))
            else:
                out.append(f"table {name}")
                out.extend(f"  {item}" for item in sorted(items))
        elif not order:
            out.append(f"{kind} {name} on {table}: {' '.join(sql.split())}")
    return out


def postgresql_schema(settings_db: dict, order: bool) -> list[str]:
    env = dict(os.environ, PGPASSWORD=settings_db.get("PASSWORD") or "")
    dump = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--no-privileges",
         "-h", settings_db.get("HOST") or "127.0.0.1", "-p", str(settings_db.get("PORT") or 5432),
         "-U", settings_db.get("USER") or "postgres", settings_db["NAME"]],
        check=True, capture_output=True, text=True, env=env).stdout
    lines = [line for line in dump.splitlines()
             if line.strip() and not line.startswith("--") and not line.startswith("\\")
             and not line.startswith("SET ") and "pg_catalog.set_config" not in line]
    statements, current = [], []
    for line in lines:
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append(current)
            current = []
    out = []
    for statement in statements:
        head = statement[0]
        if head.startswith("CREATE TABLE") and len(statement) > 2:
            columns = [line.strip().rstrip(",") for line in statement[1:-1]]
            if order:
                out.append(f"order {head.split()[2]}: " + ", ".join(c.split()[0] for c in columns))
            else:
                out.append(" | ".join([head, *sorted(columns), statement[-1].strip()]))
        elif not order:
            out.append(" ".join(" ".join(statement).split()))
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", action="store_true",
                        help="print each table's column order instead of the schema")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        lines = sqlite_schema(connection, args.order)
    elif connection.vendor == "postgresql":
        lines = postgresql_schema(connection.settings_dict, args.order)
    else:
        sys.exit(f"No fingerprint for {connection.vendor}.")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
