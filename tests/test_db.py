"""The bulk helpers of api/kit/db.py, on each database the tests run on."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.cases.enums import CaseKind
from api.cases.models import Case
from api.kit.db import insert_rows


def case_row(external_id: str, **overrides: Any) -> dict[str, Any]:
    changed = datetime(2026, 3, 1, 12, tzinfo=UTC)
    return {
        "source": "sbsys",
        "external_id": external_id,
        "kind": CaseKind.building_permit,
        "is_business": True,
        "received_on": date(2026, 1, 5),
        "complete_on": None,
        "decided_on": None,
        "decision": None,
        "paused_days": 0,
        "counts_toward_target": True,
        "company_cvr": None,
        "source_updated_at": changed,
        "created_at": changed,
        "updated_at": changed,
        **overrides,
    }


class TestInsertRows:
    def test_returns_the_new_ids_in_the_rows_order(self, session: Session) -> None:
        rows = [case_row(f"R-{n}", paused_days=n) for n in range(5)]
        ids = insert_rows(session, Case.__table__, rows)
        stored = dict(session.execute(select(Case.id, Case.external_id)).all())
        assert [stored[i] for i in ids] == [f"R-{n}" for n in range(5)]
        case = session.get(Case, ids[3])
        assert case is not None
        assert (case.kind, case.paused_days, case.complete_on) == (
            CaseKind.building_permit,
            3,
            None,
        )
        assert case.source_updated_at == datetime(2026, 3, 1, 12, tzinfo=UTC)

    def test_ids_follow_the_stored_ones(self, session: Session) -> None:
        first = insert_rows(session, Case.__table__, [case_row("A"), case_row("B")])
        second = insert_rows(session, Case.__table__, [case_row("C")])
        assert first[1] == first[0] + 1
        assert second[0] > first[1]
        assert session.get(Case, second[0]).external_id == "C"  # type: ignore[union-attr]

    def test_no_rows_is_no_ids(self, session: Session) -> None:
        assert insert_rows(session, Case.__table__, []) == []

    def test_a_duplicate_key_raises_integrity_error(self, session: Session) -> None:
        insert_rows(session, Case.__table__, [case_row("DUP")])
        with pytest.raises(IntegrityError), session.begin_nested():
            insert_rows(session, Case.__table__, [case_row("OTHER"), case_row("DUP")])
        assert session.scalars(select(Case.external_id)).all() == ["DUP"]
