"""The full-text index's own SQL, per database (used by migrations and by `portal.search`).

SQLite: an FTS5 table over `portal_searchentry` (external content: the text is stored once, in
the entries), kept in step by triggers on the entries, so any write to an entry (the ORM, a bulk
insert, `flush`) updates the index in the same transaction. Tokens are folded to lower case
without diacritics ("connectivité" finds "connectivite" and back) and stemmed with Porter
("meetings" finds "meeting").

PostgreSQL: a generated `tsvector` column with a GIN index, in a text search configuration that
does the same (unaccent, then the English Snowball stemmer without stop words, so French words
are never dropped as English ones; the same stemmer on both sides of a match is what counts).
Titles weigh A, text B. Needs the `unaccent` extension (a contrib module, trusted since
PostgreSQL 13: the database's owner may create it).
"""

FTS_TABLE = "portal_search_fts"
PG_CONFIG = "talanoa_search"

# FTS5 column order: bm25() and snippet() name columns by position.
FTS_COLUMNS = ("title_en", "title_fr", "text")
TEXT_COLUMN = 2

_SQLITE_TRIGGERS = f"""
CREATE TRIGGER portal_search_ai AFTER INSERT ON portal_searchentry BEGIN
  INSERT INTO {FTS_TABLE}(rowid, title_en, title_fr, text)
  VALUES (new.id, new.title_en, new.title_fr, new.text);
END;
CREATE TRIGGER portal_search_ad AFTER DELETE ON portal_searchentry BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_en, title_fr, text)
  VALUES ('delete', old.id, old.title_en, old.title_fr, old.text);
END;
CREATE TRIGGER portal_search_au AFTER UPDATE OF title_en, title_fr, text ON portal_searchentry
BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_en, title_fr, text)
  VALUES ('delete', old.id, old.title_en, old.title_fr, old.text);
  INSERT INTO {FTS_TABLE}(rowid, title_en, title_fr, text)
  VALUES (new.id, new.title_en, new.title_fr, new.text);
END;
"""


def _statements(script: str) -> list[str]:
    # Triggers hold semicolons inside BEGIN … END: split on the END that closes each.
    out, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        if line.strip() == "END;":
            out.append("\n".join(current))
            current = []
    return out


def create_sqlite(schema_editor) -> None:
    """The FTS5 table and its triggers; rebuilds the index from the entries already there.
    Idempotent: a later migration that remakes `portal_searchentry` calls it again."""
    execute = schema_editor.execute
    execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            f"{', '.join(FTS_COLUMNS)}, content='portal_searchentry', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')")
    for name in ("portal_search_ai", "portal_search_ad", "portal_search_au"):
        execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _statements(_SQLITE_TRIGGERS):
        execute(statement)
    execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def drop_sqlite(schema_editor) -> None:
    for name in ("portal_search_ai", "portal_search_ad", "portal_search_au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def create_postgresql(schema_editor) -> None:
    execute = schema_editor.execute
    execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    execute("CREATE TEXT SEARCH DICTIONARY talanoa_stem (TEMPLATE = snowball, "
            "Language = english)")
    execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple)")
    execute(f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR asciiword, "
            "asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, talanoa_stem")
    execute(
        "ALTER TABLE portal_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, title_en || ' ' || title_fr), 'A') || "
        f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, text), 'B')) STORED")
    execute("CREATE INDEX portal_searchentry_vector ON portal_searchentry USING gin (vector)")


def drop_postgresql(schema_editor) -> None:
    execute = schema_editor.execute
    execute("DROP INDEX IF EXISTS portal_searchentry_vector")
    execute("ALTER TABLE portal_searchentry DROP COLUMN IF EXISTS vector")
    execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")
    execute("DROP TEXT SEARCH DICTIONARY IF EXISTS talanoa_stem")


def create(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        create_sqlite(schema_editor)
    elif vendor == "postgresql":
        create_postgresql(schema_editor)
    else:  # the project runs on these two only (docs/architecture.md, "Data")
        raise NotImplementedError(f"No full-text search for {vendor}")


def drop(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        drop_sqlite(schema_editor)
    elif vendor == "postgresql":
        drop_postgresql(schema_editor)
