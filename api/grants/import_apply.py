"""The grant import's writing: matching checked rows with the stored companies and grants, with
one query per kind of lookup, and one bulk INSERT and UPDATE per chunk."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import (
    Table,
    exists,
    insert,
    select,
    tuple_,
    update,
)

from api.contacts.models import Company
from api.grants.enums import RowOutcome
from api.grants.import_rows import (
    Row,
    Run,
    duplicate,
    remember_unchanged,
    row_result,
    seen_unchanged,
)
from api.grants.models import Grant
from api.kit.db import one_of, utcnow

# ----------------------------------------------------------------------- the database


def resolve_companies(run: Run, rows: list[Row]) -> None:
    """Each row's company by CVR; a new CVR with a name becomes a company, one without is
    rejected (a company is never created nameless)."""
    if not rows:
        return
    known = run.companies
    cvrs = {row.cvr for row in rows} - known.keys()
    if cvrs:
        found = run.session.execute(
            select(Company.cvr, Company.id).where(one_of(run.session, Company.cvr, cvrs))
        )
        known.update((cvr, id_) for cvr, id_ in found)
    new: dict[str, str] = {}
    for row in rows:
        if row.cvr not in known and row.company_name and row.cvr not in new:
            new[row.cvr] = row.company_name
    if new and run.stage is not None:
        known.update(run.stage.add_companies(new))
    elif new:
        now = utcnow()
        created = run.session.execute(
            insert(Company).returning(Company.cvr, Company.id),
            [
                {"cvr": cvr, "name": name, "version": 1, "created_at": now, "updated_at": now}
                for cvr, name in new.items()
            ],
        )
        known.update((cvr, id_) for cvr, id_ in created)
    column = run.table.fields.get("company")
    for row in rows:
        row.company_id = known.get(row.cvr)
        if row.company_id is None:
            where = f"a column {column!r}" if column else "a company name column (Virksomhed)"
            text = f"CVR {row.cvr} is not a known company; give its name in {where}"
            run.add(row_result(row, RowOutcome.rejected, ("company", text)))


_STORED = (Grant.id, Grant.reference, Grant.company_id, Grant.programme_id, Grant.amount,
           Grant.granted_on, Grant.import_id, Grant.import_row)  # fmt: skip


def apply_rows(run: Run, rows: list[Row]) -> None:
    """Match the rows with stored grants and write the chunk's inserts and updates."""
    by_reference = stored_by_reference(run, rows)
    unmatched = [r for r in rows if r.reference is None or r.reference not in by_reference]
    # A row without reference may be any stored grant of its company, programme and date; one
    # with a reference the hub did not give before only one stored without reference.
    any_grant = stored_by_natural(run, [r for r in unmatched if r.reference is None])
    with_reference = [r for r in unmatched if r.reference is not None]
    unreferenced = (
        stored_by_natural(run, with_reference, unreferenced=True)
        if with_reference and any_unreferenced(run)
        else {}
    )
    claimed: dict[int, int] = {}  # stored grants a row of this chunk matched → that row
    candidates_ids = {g.id for g in by_reference.values()}
    for found in (any_grant, unreferenced):
        candidates_ids |= {g.id for grants in found.values() for g in grants}
    seen = seen_unchanged(run, candidates_ids)
    unchanged: dict[int, int] = {}  # grant id → row, found unchanged in this chunk
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    changed: list[dict[str, Any]] = []  # staging: the changed grants with all their values
    for row in rows:
        stored = by_reference.get(row.reference) if row.reference else None
        if stored is None:
            natural = any_grant if row.reference is None else unreferenced
            candidates = [
                c
                for c in natural.get((row.company_id, row.programme_id, row.granted_on), [])
                if c.id not in claimed
            ]
            if len(candidates) > 1:
                text = (
                    f"matches {len(candidates)} stored grants of the same company, programme "
                    "and date; give the hub's reference to tell them apart"
                )
                run.add(row_result(row, RowOutcome.rejected, ("reference", text)))
                continue
            stored = candidates[0] if candidates else None
        if stored is None:
            inserts.append(_values(run, row, now))
            run.accept(row, RowOutcome.created)
            continue
        if stored.import_id == run.import_id and stored.import_row is not None:
            run.add(duplicate(row, stored.import_row))  # written by an earlier chunk's row
            continue
        earlier = seen.get(stored.id) or claimed.get(stored.id)
        if earlier is not None:
            run.add(duplicate(row, earlier))
            continue
        claimed[stored.id] = row.number
        changes = _changes(stored, row)
        if not changes:
            unchanged[stored.id] = row.number
            run.accept(row, RowOutcome.unchanged)
            continue
        changes.update(id=stored.id, import_id=run.import_id, import_row=row.number, updated_at=now)
        updates[frozenset(changes)].append(changes)
        if run.stage is not None:
            changed.append({**stored._mapping, **changes})
        run.add(row_result(row, RowOutcome.updated, (None, describe_changes(changes))))
    if run.stage is not None:
        run.stage.add_grants(inserts, changed)
    else:
        if inserts:
            grant_table = cast(Table, Grant.__table__)  # a declarative class's own Table
            run.session.execute(insert(grant_table), inserts)  # Core: no ORM bookkeeping
        for batch in updates.values():
            run.session.execute(update(Grant), batch)
    remember_unchanged(run, unchanged)


def _stored(run: Run, condition: Any) -> Any:
    """The stored grants meeting `condition(columns)`, by id; when staging, as the earlier
    chunks' staged rows leave them."""
    if run.stage is None:
        query = select(*_STORED).where(condition(Grant.__table__.c)).order_by(Grant.id)
        return run.session.execute(query)
    found = run.stage.stored(condition, _STORED)
    return run.session.execute(select(found).order_by(found.c.id))


def stored_by_reference(run: Run, rows: list[Row]) -> dict[str, Any]:
    references = {row.reference for row in rows if row.reference}
    if not references:
        return {}
    found = _stored(run, lambda c: one_of(run.session, c.reference, references))
    return {stored.reference: stored for stored in found}


def any_unreferenced(run: Run) -> bool:
    """Whether any stored grant lacks the hub's reference (usually none: the hub gives them)."""
    if run.stage is not None:
        return run.stage.any_unreferenced(run.session)
    return bool(run.session.scalar(select(exists().where(Grant.reference.is_(None)))))


def stored_by_natural(
    run: Run, rows: list[Row], *, unreferenced: bool = False
) -> dict[tuple[Any, ...], list[Any]]:
    keys = {(row.company_id, row.programme_id, row.granted_on) for row in rows}
    if not keys:
        return {}

    def condition(c: Any) -> Any:
        natural = tuple_(c.company_id, c.programme_id, c.granted_on).in_(keys)
        return natural & c.reference.is_(None) if unreferenced else natural

    found: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for stored in _stored(run, condition):
        found[(stored.company_id, stored.programme_id, stored.granted_on)].append(stored)
    return found


def _values(run: Run, row: Row, now: Any) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "company_id": row.company_id,
        "programme_id": row.programme_id,
        "amount": row.amount,
        "granted_on": row.granted_on,
        "import_id": run.import_id,
        "import_row": row.number,
        "created_at": now,
        "updated_at": now,
    }


def _changes(stored: Any, row: Row) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if row.reference is not None and stored.reference != row.reference:
        changes["reference"] = row.reference
    if stored.company_id != row.company_id:
        changes["company_id"] = row.company_id
    if stored.programme_id != row.programme_id:
        changes["programme_id"] = row.programme_id
    if round(stored.amount, 2) != row.amount:
        changes["amount"] = row.amount
    if stored.granted_on != row.granted_on:
        changes["granted_on"] = row.granted_on
    return changes


_LABELS = {
    "reference": "reference",
    "company_id": "company",
    "programme_id": "programme",
    "amount": "amount",
    "granted_on": "date",
}


def describe_changes(changes: Iterable[str]) -> str:
    changed = [label for name, label in _LABELS.items() if name in changes]
    return "changed: " + ", ".join(changed)
