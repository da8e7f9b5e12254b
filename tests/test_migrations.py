"""Migrations: one head, a clean round trip, and no drift from the models."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from api.kit.db import make_engine
from api.kit.migrate import alembic_config, downgrade, upgrade
from api.models import Base
from tests.conftest import BACKENDS, fresh_postgres_database


@pytest.fixture(params=BACKENDS)
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each backend, apart from the shared test database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        engine.dispose()
        return
    for url in fresh_postgres_database():
        engine = make_engine(url)
        yield engine
        engine.dispose()


class TestMigrations:
    def test_there_is_a_single_head(self) -> None:
        assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1

    def test_models_and_migrations_agree(self, engine: Engine) -> None:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            assert compare_metadata(context, Base.metadata) == []

    def test_upgrade_downgrade_upgrade(self, fresh_engine: Engine) -> None:
        engine = fresh_engine
        upgrade(engine)
        assert "goals" in inspect(engine).get_table_names()
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert "goals" in inspect(engine).get_table_names()
