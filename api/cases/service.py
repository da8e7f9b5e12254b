"""Taking in cases from the source system: check each, upsert by its key, never go back in time.

One rule for a single PUT and a batch: every item is checked on its own (types, then dates that
contradict each other), items are matched with the stored cases by (source, external_id) in one
query, and the outcome follows from the source's own change time: older than stored is
`stale` and never written, the same as stored is `unchanged`. Several updates of one case in a
batch (a case system's export holds them) are applied in their change-time order (the request's
order among equal times), each answered as if it had come alone; so a batch ends as the same
items sent one at a time would. Each case's final state is written with one bulk INSERT and one
bulk UPDATE for the batch, in the request's transaction.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta
from typing import Any, cast

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Select, Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.audit import record
from api.cases.enums import CaseKind, ItemOutcome
from api.cases.metrics import kind_targets
from api.cases.models import Case, CaseTarget
from api.cases.schemas import (
    BatchCounts,
    BatchResult,
    CaseBatchItem,
    CaseFields,
    ItemError,
    ItemResult,
    TargetRead,
)
from api.kit.db import insert_rows, one_of, plan_for_actual_values, utcnow
from api.kit.errors import ConflictError, NotFoundError

# A source's clock may run a little ahead of ours; more than this is a wrong time.
CLOCK_SKEW = timedelta(minutes=5)
FIELDS = tuple(CaseFields.model_fields)


@dataclass(slots=True)
class _Item:
    index: int
    source: str | None
    external_id: str | None
    values: dict[str, Any] | None  # the checked fields; None when rejected
    errors: list[ItemError]


def date_errors(case: CaseFields, today: date, now: datetime) -> list[ItemError]:
    """Dates that contradict each other or lie in the future, each naming its field."""
    errors: list[ItemError] = []

    def fail(field: str, message: str) -> None:
        errors.append(ItemError(field=field, message=message))

    for field in ("received_on", "complete_on", "decided_on"):
        value = getattr(case, field)
        if value is not None and value > today:
            fail(field, f"{value.isoformat()} is in the future")
    if case.complete_on is not None and case.complete_on < case.received_on:
        fail("complete_on", "the application cannot be complete before it was received")
    if case.decided_on is not None:
        if case.decided_on < case.received_on:
            fail("decided_on", "the case cannot be decided before it was received")
        elif case.complete_on is not None and case.decided_on < case.complete_on:
            fail("decided_on", "the case cannot be decided before the application was complete")
    if case.decision is not None and case.decided_on is None:
        fail("decision", "a decision needs its decided_on date")
    if case.paused_days and case.complete_on is not None:
        end = case.decided_on or today
        if case.paused_days > (end - case.complete_on).days:
            fail("paused_days", "more paused days than days from complete to decided (or today)")
    if case.source_updated_at > now + CLOCK_SKEW:
        fail("source_updated_at", f"{case.source_updated_at.isoformat()} is in the future")
    return errors


def _check(index: int, raw: Any, today: date, now: datetime) -> _Item:
    source = raw.get("source") if isinstance(raw, dict) else None
    external_id = raw.get("external_id") if isinstance(raw, dict) else None
    item = _Item(index, _text(source), _text(external_id), None, [])
    if not isinstance(raw, dict):
        item.errors.append(ItemError(field=None, message="an item must be a JSON object"))
        return item
    try:
        case = CaseBatchItem.model_validate(raw)
    except ValidationError as exc:
        item.errors = [
            ItemError(
                field=".".join(str(p) for p in e["loc"]) or None,
                message=e["msg"].removeprefix("Value error, "),
            )
            for e in exc.errors()
        ]
        return item
    return _checked(index, case, today, now)


def _checked(index: int, case: CaseBatchItem, today: date, now: datetime) -> _Item:
    """A well-formed item: its dates checked, its values kept unless they contradict."""
    errors = date_errors(case, today, now)
    # vars(): the model's fields (extras are forbidden), a tenth of the time of model_dump().
    values = None if errors else dict(vars(case))
    return _Item(index, case.source, case.external_id, values, errors)


# One call for the whole batch: four times faster than an item at a time.
_ALL_ITEMS = TypeAdapter(list[CaseBatchItem])


def _check_all(raw_items: Sequence[Any], today: date, now: datetime) -> list[_Item]:
    try:
        cases = _ALL_ITEMS.validate_python(raw_items)
    except ValidationError:  # some item is malformed: check each, to name its fields
        return [_check(index, raw, today, now) for index, raw in enumerate(raw_items)]
    return [_checked(index, case, today, now) for index, case in enumerate(cases)]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(slots=True)
class _Case:
    """One case while a batch is applied: as stored, then as each accepted item leaves it."""

    id: int | None  # None until a new case is inserted
    values: dict[str, Any]
    write: str | None = None  # "insert" or "update" once an item changed it
    first: int = 0  # the first item naming it: new cases are inserted in the request's order
    # The results that name it before it has an id.
    waiting: list[dict[str, Any]] = dataclass_field(default_factory=list)


def ingest(
    session: Session, raw_items: Sequence[Any], *, today: date, now: datetime | None = None
) -> BatchResult:
    """Check and apply the items; exactly the accepted ones are written."""
    now = now or utcnow()
    items = _check_all(raw_items, today, now)
    valid = [item for item in items if item.values is not None]
    plan_for_actual_values(session)
    stored = _stored(session, [_key(item) for item in valid])
    cases = {key: _Case(row.id, row._asdict()) for key, row in stored.items()}
    # As ItemResult's fields, in the request's order: validated once, at the end.
    results: list[dict[str, Any]] = [
        _result(item, ItemOutcome.rejected) if item.values is None else {} for item in items
    ]
    # sorted() is stable: equal change times keep the request's order, the later one wins.
    for item in sorted(valid, key=lambda item: item.values["source_updated_at"]):  # type: ignore[index]
        results[item.index] = _apply(cases, item)
    inserts = sorted(
        (case for case in cases.values() if case.write == "insert"), key=lambda case: case.first
    )
    updates = [
        {"id": case.id, **{f: case.values[f] for f in FIELDS}, "updated_at": now}
        for case in cases.values()
        if case.write == "update"
    ]
    # No savepoint: a conflict fails the whole request, rolled back by its session.
    try:
        if inserts:
            # Core, and every column in every row: the ORM would split rows whose None fields
            # differ into hundreds of statements.
            rows = [{**case.values, "created_at": now, "updated_at": now} for case in inserts]
            ids = insert_rows(session, cast(Table, Case.__table__), rows)
            for case, id_ in zip(inserts, ids, strict=True):
                for result in case.waiting:
                    result["id"] = id_
        if updates:
            session.execute(update(Case), updates)
    except IntegrityError:
        raise ConflictError(
            "Another request wrote the same cases at the same time; nothing was applied. "
            "Send the batch again (it is safe: the contract is idempotent)."
        ) from None
    counts = Counter(result["outcome"] for result in results)
    summary = BatchCounts(items=len(results), **{o.value: counts[o] for o in ItemOutcome})
    # One validation of the plain results: a third of the time of a model per item.
    answer = BatchResult.model_validate({"counts": summary, "items": results})
    _audit(session, answer.items, summary)
    return answer


def _key(item: _Item) -> tuple[str, str]:
    assert item.values is not None
    return item.values["source"], item.values["external_id"]


def _apply(cases: dict[tuple[str, str], _Case], item: _Item) -> dict[str, Any]:
    """One accepted item against its case as it stands: created, stale, unchanged or updated."""
    values = item.values
    assert values is not None
    key = (values["source"], values["external_id"])
    current = cases.get(key)
    if current is None:
        current = cases[key] = _Case(None, values, "insert", item.index)
        result = _result(item, ItemOutcome.created)
    elif values["source_updated_at"] < current.values["source_updated_at"]:
        # In change-time order only a stored case can be newer than an item.
        result = _result(item, ItemOutcome.stale, current.id, _stale_error(current.values))
    elif all(values[f] == current.values[f] for f in FIELDS):
        result = _result(item, ItemOutcome.unchanged, current.id)
    else:
        current.values = values
        current.write = current.write or "update"
        result = _result(item, ItemOutcome.updated, current.id)
    if current.id is None:
        current.waiting.append(result)
    return result


def _audit(session: Session, results: list[ItemResult], summary: BatchCounts) -> None:
    """One audit entry per request that wrote something: the case for a PUT, else the batch."""
    if not (summary.created or summary.updated):
        return
    if len(results) == 1:
        only = results[0]
        record(session, "case", f"{only.source}/{only.external_id}", only.outcome.value)
    else:
        record(session, "case_batch", "-", "ingest", summary.model_dump())


def _stored(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    if not keys:
        return {}
    columns = [Case.id, *(getattr(Case, f) for f in FIELDS), Case.source, Case.external_id]
    by_source: dict[str, set[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, set()).add(external_id)
    found: dict[tuple[str, str], Any] = {}
    # Per source, so the unique (source, external_id) index serves (a row-value IN scans).
    for source, ids in by_source.items():
        query = select(*columns).where(
            Case.source == source, one_of(session, Case.external_id, ids)
        )
        found.update({(row.source, row.external_id): row for row in session.execute(query)})
    return found


def _stale_error(current: dict[str, Any]) -> ItemError:
    stored_at = current["source_updated_at"].isoformat()
    message = f"the stored case is newer (source_updated_at {stored_at}); not applied"
    return ItemError(field="source_updated_at", message=message)


def _result(
    item: _Item, outcome: ItemOutcome, case_id: int | None = None, *errors: ItemError
) -> dict[str, Any]:
    return {
        "index": item.index,
        "source": item.source,
        "external_id": item.external_id,
        "outcome": outcome,
        "id": case_id,
        "errors": [*item.errors, *errors],
    }


# ----------------------------------------------------------------------------- reading


def get_case(session: Session, source: str, external_id: str) -> Case:
    case = session.scalar(
        select(Case).where(Case.source == source, Case.external_id == external_id)
    )
    if case is None:
        raise NotFoundError(f"No case {external_id!r} from {source!r}.")
    return case


def list_cases_query(
    *,
    source: str | None = None,
    kind: CaseKind | None = None,
    business_only: bool = False,
    decided_from: date | None = None,
    decided_to: date | None = None,
    open_only: bool = False,
) -> Select[Case]:
    query = select(Case).order_by(Case.received_on.desc(), Case.id.desc())
    if source is not None:
        query = query.where(Case.source == source)
    if kind is not None:
        query = query.where(Case.kind == kind)
    if business_only:
        query = query.where(Case.is_business.is_(True))
    if decided_from is not None:
        query = query.where(Case.decided_on >= decided_from)
    if decided_to is not None:
        query = query.where(Case.decided_on <= decided_to)
    if open_only:
        query = query.where(Case.decided_on.is_(None))
    return query


# ----------------------------------------------------------------------------- targets


def targets(session: Session) -> list[TargetRead]:
    """The service target of every kind of case: set by staff, else the plan's, else none."""
    return [
        TargetRead(kind=kind, target_days=days, is_default=basis != "set", basis=basis)
        for kind, (days, basis) in kind_targets(session).items()
    ]


def target(session: Session, kind: CaseKind) -> TargetRead:
    return next(read for read in targets(session) if read.kind == kind)


def set_target(session: Session, kind: CaseKind, days: int) -> TargetRead:
    target = session.get(CaseTarget, kind)
    if target is None:
        session.add(CaseTarget(kind=kind, target_days=days))
    else:
        target.target_days = days
    session.flush()
    return TargetRead(kind=kind, target_days=days, is_default=False, basis="set")


def remove_target(session: Session, kind: CaseKind) -> None:
    """Back to the plan's target for the kind, or none (idempotent)."""
    target = session.get(CaseTarget, kind)
    if target is not None:
        session.delete(target)
        session.flush()
