"""The migration that makes event series records: text becomes series, and back again."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from api.kit.db import make_engine
from api.kit.migrate import downgrade, upgrade
from tests.conftest import BACKENDS, fresh_postgres_database

BEFORE = "8e5f2b3c0d41"  # the revision before event series
SERIES = "9a6c3d4e5f12"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'series.db'}")
        yield engine
        engine.dispose()
        return
    for url in fresh_postgres_database():
        engine = make_engine(url)
        yield engine
        engine.dispose()


def _event(connection: object, title: str, series: str | None) -> None:
    connection.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO events (kind, title, description, starts_at, ends_at, status, series, "
            "mayor_present, tentative, is_demo, version, created_at, updated_at) VALUES "
            "('workshop', :title, '', :now, :now, 'held', :series, false, false, false, 1, "
            ":now, :now)"
        ),
        {"title": title, "series": series, "now": NOW},
    )


def _old_data(engine: Engine) -> None:
    with engine.begin() as connection:
        _event(connection, "Workshop om CO2", "Klimaugen 2026")
        _event(connection, "Grønne værdikæder", "klimaugen  2026")  # the same, typed again
        _event(connection, "Iværksættercafé", "Iværksætteruge 46")
        _event(connection, "Åbent hus", None)
        connection.execute(
            text(
                "INSERT INTO registrations (event_id, person_id, status, registered_at, "
                "created_at, updated_at) SELECT e.id, p.id, 'attended', :now, :now, :now "
                "FROM events AS e, people AS p WHERE e.title = 'Workshop om CO2'"
            ),
            {"now": NOW},
        )


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


class TestSeriesMigration:
    def test_series_texts_become_records_and_come_back(self, fresh_engine: Engine) -> None:
        upgrade(fresh_engine, BEFORE)
        with fresh_engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO people (name, version, is_demo, created_at, updated_at) "
                    "VALUES ('Anne', 1, false, :now, :now)"
                ),
                {"now": NOW},
            )
        _old_data(fresh_engine)
        upgrade(fresh_engine, SERIES)

        series = _rows(fresh_engine, "SELECT key, name FROM event_series ORDER BY key")
        assert series == [
            ("ivaerksaetteruge-46", "Iværksætteruge 46"),
            ("klimaugen-2026", "Klimaugen 2026"),
        ]
        bound = _rows(
            fresh_engine,
            "SELECT e.title, s.key FROM events AS e LEFT JOIN event_series AS s "
            "ON s.id = e.series_id ORDER BY e.title",
        )
        assert bound == [
            ("Grønne værdikæder", "klimaugen-2026"),
            ("Iværksættercafé", "ivaerksaetteruge-46"),
            ("Workshop om CO2", "klimaugen-2026"),
            ("Åbent hus", None),
        ]
        types = _rows(fresh_engine, "SELECT participant_type FROM registrations")
        assert types == [("company_representative",)]

        downgrade(fresh_engine, BEFORE)
        back = _rows(fresh_engine, "SELECT title, series FROM events ORDER BY title")
        assert back == [
            ("Grønne værdikæder", "Klimaugen 2026"),
            ("Iværksættercafé", "Iværksætteruge 46"),
            ("Workshop om CO2", "Klimaugen 2026"),
            ("Åbent hus", None),
        ]
        # SQLite rebuilds the events table; the rows pointing at it must survive that.
        assert _rows(fresh_engine, "SELECT COUNT(*) FROM registrations") == [(1,)]
        upgrade(fresh_engine)  # and up again to the head
        assert _rows(fresh_engine, "SELECT COUNT(*) FROM registrations") == [(1,)]

    def test_a_participant_type_outside_the_list_is_refused(self, fresh_engine: Engine) -> None:
        upgrade(fresh_engine)
        with fresh_engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO people (name, version, is_demo, created_at, updated_at) "
                    "VALUES ('Anne', 1, false, :now, :now)"
                ),
                {"now": NOW},
            )
            _new_event(connection)
        with pytest.raises(IntegrityError), fresh_engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO registrations (event_id, person_id, status, participant_type, "
                    "registered_at, created_at, updated_at) SELECT e.id, p.id, 'attended', "
                    "'teacher', :now, :now, :now FROM events AS e, people AS p"
                ),
                {"now": NOW},
            )


def _new_event(connection: object) -> None:
    connection.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO events (kind, title, description, starts_at, ends_at, status, "
            "mayor_present, tentative, is_demo, version, created_at, updated_at) VALUES "
            "('workshop', 'Workshop', '', :now, :now, 'held', false, false, false, 1, :now, :now)"
        ),
        {"now": NOW},
    )
