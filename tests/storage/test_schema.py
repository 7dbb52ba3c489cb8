"""The blank-database schema is pinned, and the ORM agrees with the migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect

from dlbench.storage import ResultStore
from dlbench.storage.migrations import known_names
from dlbench.storage.models import Base

SNAPSHOT = Path(__file__).with_name("schema.sql")


def blank_schema(path) -> str:
    ResultStore(f"sqlite:///{path}").close()
    con = sqlite3.connect(path)
    rows = con.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                       "ORDER BY type DESC, name").fetchall()
    con.close()
    text = "\n".join(r[0].strip() + ";" for r in rows)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def test_blank_database_schema_is_pinned(tmp_path):
    """If this fails on purpose, add a migration and update tests/storage/schema.sql."""
    assert blank_schema(tmp_path / "blank.db") == SNAPSHOT.read_text()


def test_migrations_are_recorded_in_order(tmp_path):
    store = ResultStore(f"sqlite:///{tmp_path / 'x.db'}")
    assert store.applied_migrations() == known_names()


def test_orm_models_match_the_migrated_tables(tmp_path):
    store = ResultStore(f"sqlite:///{tmp_path / 'x.db'}")
    inspector = inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        db_cols = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(db_cols) == set(table.columns.keys()), table.name
        for col in table.columns:
            assert db_cols[col.name]["nullable"] == col.nullable or col.primary_key, (table.name, col.name)


def test_reopening_applies_nothing_new(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    ResultStore(url).close()
    before = Path(tmp_path / "x.db").stat().st_size
    ResultStore(url).close()
    assert Path(tmp_path / "x.db").stat().st_size == before
