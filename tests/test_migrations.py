"""Migrations: one head, a clean round trip, and no drift from the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from api.db import make_engine
from api.migrate import alembic_config, downgrade, upgrade
from api.models import Base


def _fresh_engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    return make_engine(f"sqlite:///{tmp_path / 'migrations.db'}")


class TestMigrations:
    def test_there_is_a_single_head(self) -> None:
        assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1

    def test_models_and_migrations_agree(self, engine: Engine) -> None:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            assert compare_metadata(context, Base.metadata) == []

    def test_upgrade_downgrade_upgrade(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        engine = _fresh_engine(tmp_path)
        upgrade(engine)
        assert "goals" in inspect(engine).get_table_names()
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert "goals" in inspect(engine).get_table_names()
        engine.dispose()
