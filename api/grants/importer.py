"""The grant import: the hub's spreadsheet (CSV or XLSX) into grants, row by row.

In steps, so that the write lock is held only for writing. `check_rows` reads the file and
checks every row's own values (CVR, programme, amount, date, a repeat within its chunk) on a
session that only reads, outside any write: on SQLite the other writers are not kept waiting
while the file is parsed. The rows that pass are spooled to a temporary file, chunk by chunk.
They are then matched chunk by chunk with the stored companies and grants, with one query per
kind of lookup (companies by CVR, grants by reference, grants by company, programme and date)
and one bulk INSERT and UPDATE. Neither the file nor the grants are held in memory whole. The
keys of the rows seen so far (to report a repeat inside the file, with its row) go to a
temporary table, not memory; what grows with the file is only the report, and with
`rows=problems` that is the rows that need attention.

On SQLite the matching too runs on the reading session (`stage_rows`): its writes go to
temporary tables (`import_stage`), and `import_grants` only copies them into the real tables
under the write lock, in a moment, if the grants and companies are still as they were matched
with; else it matches again there. On PostgreSQL `import_grants` matches and writes in the
writing transaction.

The writing step runs inside one SAVEPOINT: a dry run rolls it back (having computed exactly
what an import would do, later rows seeing earlier ones), a real import keeps exactly the rows
it reports as accepted and commits with the request. A staged dry run writes nothing at all.
"""

import hashlib
import pickle
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import islice
from operator import attrgetter
from typing import IO, Any, cast

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    exists,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.audit import record
from api.auth.permissions import SYSTEM, Actor
from api.contacts.cvr import normalise_cvr
from api.contacts.models import Company
from api.grants.enums import ACCEPTED, RowOutcome
from api.grants.import_stage import STAGING, Stage
from api.grants.models import Grant, GrantImport, GrantProgramme, programme_key
from api.grants.schemas import GrantImportReport, ImportCounts, RowsListed
from api.kit.common import AMOUNT_LIMIT
from api.kit.danish import parse_amount, parse_date
from api.kit.db import one_of, plan_for_actual_values, utcnow
from api.kit.errors import ConflictError
from api.kit.imports import file_error, no_rows_error, upload_size
from api.kit.tabular import Table as Sheet
from api.kit.tabular import TabularError, read_table

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CHUNK_ROWS = 1000
ERRORS_KEPT = 1000  # row errors stored with the import record; the counts say how many in all

# The headers the hub's and people's spreadsheets use (case and spacing are ignored).
ALIASES: dict[str, list[str]] = {
    "reference": [
        "reference", "ref", "ref.", "ref.nr.", "reference nr.", "referencenummer", "sagsnr.",
        "sagsnr", "sagsnummer", "journalnr.", "journalnummer", "bevillingsnr.", "bevillings-id",
        "id", "case id", "grant id",
    ],
    "cvr": [
        "cvr", "cvr-nr.", "cvr-nr", "cvr nr.", "cvr nr", "cvr-nummer", "cvr nummer",
        "cvr number", "company cvr",
    ],
    "company": [
        "virksomhed", "virksomhedsnavn", "firma", "firmanavn", "navn", "company",
        "company name", "name",
    ],
    "programme": [
        "program", "programme", "ordning", "tilskudsordning", "program navn", "programnavn",
        "program name", "scheme",
    ],
    "amount": [
        "beløb", "beløb (kr.)", "beløb kr.", "beløb i kr.", "beløb dkk", "bevilget beløb",
        "bevilling", "tilskud", "tilskudsbeløb", "amount", "amount (dkk)", "amount dkk",
        "granted amount",
    ],
    "granted_on": [
        "bevillingsdato", "bevilget", "bevilget dato", "dato", "tilsagnsdato", "date",
        "granted", "granted on", "grant date", "date granted",
    ],
}  # fmt: skip
REQUIRED = ("cvr", "programme", "amount", "granted_on")

Message = tuple[str | None, str]  # (our field or None, text)


# ------------------------------------------------------------------------------- the rows


@dataclass(slots=True)
class _Row:
    """A row that passed the checks of its own values."""

    number: int
    reference: str | None
    cvr: str
    company_name: str | None
    programme_id: int
    amount: float
    granted_on: date
    company_id: int | None = None


@dataclass(slots=True)
class RowResult:
    row: int
    outcome: RowOutcome
    reference: str | None
    cvr: str | None
    messages: tuple[Message, ...] = ()

    def as_dict(self, columns: dict[str, str]) -> dict[str, Any]:
        """The row as an `ImportRow`, in plain JSON types."""
        return {
            "row": self.row,
            "outcome": self.outcome.value,
            "reference": self.reference,
            "cvr": self.cvr,
            "messages": [
                {"field": name, "column": columns.get(name or ""), "message": text}
                for name, text in self.messages
            ],
        }


@dataclass
class _Run:
    """What one import knows while it goes through the chunks."""

    session: Session
    table: Sheet
    programmes: dict[str, int]  # programme_key → id
    today: date
    import_id: int | None
    keep_rows: bool
    companies: dict[str, int] = field(default_factory=dict)  # CVR → id, bounded by companies
    spellings: dict[str, int | None] = field(default_factory=dict)  # a file's name → programme
    any_unchanged: bool = False  # whether SEEN holds anything yet
    stage: Stage | None = None  # staging: matched on a reading session, written to temp tables
    counts: Counter[RowOutcome] = field(default_factory=Counter)
    results: list[RowResult] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def programme_id(self, name: str) -> int | None:
        """The programme a file names, by its spelling-insensitive key (cached per spelling)."""
        if name in self.spellings:
            return self.spellings[name]
        found = self.programmes.get(programme_key(name))
        if len(self.spellings) < 1000:  # a file has a few spellings; never grow with a bad one
            self.spellings[name] = found
        return found

    def accept(self, row: "_Row", outcome: RowOutcome) -> None:
        """An accepted row without message: only counted, unless every row is listed."""
        if self.keep_rows:
            self.add(_result(row, outcome))
        else:
            self.counts[outcome] += 1

    def add(self, result: RowResult) -> None:
        self.counts[result.outcome] += 1
        if self.keep_rows or result.outcome not in ACCEPTED or result.messages:
            self.results.append(result)
        if result.outcome not in ACCEPTED and len(self.errors) < ERRORS_KEPT:
            for field_name, text in result.messages or ((None, result.outcome.value),):
                self.errors.append(
                    {
                        "row": result.row,
                        "field": field_name,
                        "column": self.table.fields.get(field_name or ""),
                        "message": text,
                    }
                )


@dataclass(frozen=True)
class Upload:
    """The uploaded file, recognisable by its digest, and its table (read lazily)."""

    filename: str
    sha256: str
    size: int
    table: Sheet


def read_grants_table(
    file: IO[bytes],
    *,
    filename: str | None,
    content_type: str | None,
    mapping: dict[str, str] | None,
) -> Upload:
    """The upload and its table, its columns checked; 413 or 422 naming what is wrong."""
    upload_size(file, MAX_UPLOAD_BYTES)
    sha256, size = _fingerprint(file)  # first: the table reads the file as it goes
    try:
        table = read_table(
            file,
            filename=filename,
            content_type=content_type,
            aliases=ALIASES,
            mapping=mapping,
            required=REQUIRED,
        )
    except TabularError as exc:
        raise file_error(exc) from None
    return Upload((filename or "upload")[:255], sha256, size, table)


@dataclass
class CheckedRows:
    """A file's rows checked on their own values: the refusals in `run`, the rows that
    passed spooled (pickled chunk by chunk) to `spool`."""

    upload: Upload
    run: "_Run"
    spool: IO[bytes]
    rows: int  # the file's rows, refused ones included

    def chunks(self) -> Iterator[list["_Row"]]:
        self.spool.seek(0)
        while True:
            try:
                yield pickle.load(self.spool)  # our own file, written just now
            except EOFError:
                return


def check_rows(reading: Session, upload: Upload, *, keep_rows: bool, today: date) -> CheckedRows:
    """Every row of the upload checked on its own values, on a session that only reads (the
    programmes). 422 when the file has no rows. The caller closes `spool` (`import_grants`
    does)."""
    stored = reading.execute(select(GrantProgramme.match_key, GrantProgramme.id))
    programmes = {key: id_ for key, id_ in stored}
    run = _Run(reading, upload.table, programmes, today, None, keep_rows)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by import_grants)
    total = 0
    try:
        for chunk in _chunks(upload.table.rows):
            total += len(chunk)
            pickle.dump(_check_chunk(run, chunk), spool, protocol=pickle.HIGHEST_PROTOCOL)
    except TabularError as exc:
        spool.close()
        raise file_error(exc) from None
    except BaseException:
        spool.close()
        raise
    if total == 0:
        spool.close()
        raise no_rows_error(upload.table.header_row)
    return CheckedRows(upload, run, spool, total)


@dataclass
class Staged:
    """An import matched on a reading session: its staged writes and what it reports."""

    stage: Stage
    run: _Run


def stage_rows(reading: Session, checked: CheckedRows) -> Staged | None:
    """On SQLite, the checked rows matched with the stored companies and grants on the session
    that only reads, their writes staged (`import_stage`), so that the write lock is held only
    to apply them. On the reading session's transaction of `check_rows`, still open; the
    staged tables live as long as it. None on PostgreSQL: there the writing transaction
    matches (its writers wait on rows, not on one lock for the database)."""
    if reading.get_bind().dialect.name != "sqlite":
        return None
    try:
        stage = Stage.begin(reading)
    except BaseException:
        checked.spool.close()
        raise
    # A run of its own: should the staged rows be stale by the time they are applied, the
    # import is matched again from what the checks left (`checked.run`).
    run = replace(
        checked.run,
        session=reading,
        import_id=STAGING,
        stage=stage,
        companies={},
        any_unchanged=False,
        counts=Counter(checked.run.counts),
        results=list(checked.run.results),
        errors=list(checked.run.errors),
    )
    try:
        _match(run, checked)
    except BaseException:
        stage.drop()
        checked.spool.close()
        raise
    return Staged(stage, run)


def import_grants(
    session: Session, checked: CheckedRows, *, dry_run: bool, staged: Staged | None = None
) -> tuple[GrantImportReport, list[RowResult]]:
    """Import the checked rows: the report, and its rows in row order (`report.render`).

    With `staged` rows (`stage_rows`) a dry run reports them and touches nothing; an import
    writes them if the grants and companies are still as they were matched with, else
    matches again. Without, the rows are matched and written here. A dry run writes nothing.
    """
    upload = checked.upload
    try:
        if staged is not None and dry_run:
            run, import_id = staged.run, None
        else:
            run, import_id = _write(session, checked, staged, dry_run=dry_run)
    finally:
        checked.spool.close()
        if staged is not None:
            staged.stage.drop()
    report = GrantImportReport(
        import_id=None if dry_run else import_id,
        dry_run=dry_run,
        filename=upload.filename,
        columns=upload.table.fields,
        ignored_columns=upload.table.unknown_headers,
        counts=counts_of(run.counts),
        rows_listed=RowsListed.all if run.keep_rows else RowsListed.problems,
        rows=[],
    )
    run.results.sort(key=attrgetter("row"))  # a chunk reports its rejections first
    return report, run.results


def _write(
    session: Session, checked: CheckedRows, staged: Staged | None, *, dry_run: bool
) -> tuple[_Run, int]:
    """Write the import in a SAVEPOINT (rolled back for a dry run): the staged rows if still
    right, else matched here. The run that wrote, and the import's id."""
    actor: Actor = session.info.get("actor", SYSTEM)
    upload = checked.upload
    savepoint = session.begin_nested()
    try:
        record_ = GrantImport(
            filename=upload.filename,
            sha256=upload.sha256,
            size_bytes=upload.size,
            actor_kind=actor.kind.value,
            actor_id=actor.id,
            actor_name=actor.name,
        )
        session.add(record_)
        session.flush()
        if staged is not None and staged.stage.unchanged_since(session):
            run = staged.run
            staged.stage.apply(session, record_.id)
        else:  # no staging, or another import or company changed the grants meanwhile
            run = checked.run
            run.session, run.import_id = session, record_.id
            plan_for_actual_values(session)  # chunk after chunk of = ANY(:array)
            _match(run, checked)
        _finish(session, record_, run)
    except IntegrityError:
        savepoint.rollback()
        raise ConflictError(
            "Another change to the same grants or companies happened at the same time; "
            "nothing was imported. Send the file again."
        ) from None
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return run, record_.id


def _match(run: _Run, checked: CheckedRows) -> None:
    """Match the checked rows chunk by chunk and write (or stage) each chunk's outcome."""
    connection = run.session.connection()
    SEEN.create(connection, checkfirst=True)
    try:
        for rows in checked.chunks():
            _resolve_companies(run, rows)
            _apply(run, [row for row in rows if row.company_id is not None])
    finally:
        SEEN.drop(connection, checkfirst=True)


def counts_of(counts: Counter[RowOutcome]) -> ImportCounts:
    return ImportCounts(rows=counts.total(), **{o.value: counts[o] for o in RowOutcome})


def _fingerprint(file: IO[bytes]) -> tuple[str, int]:
    """The upload's SHA-256 (to recognise a file sent again) and size, read in chunks."""
    file.seek(0)
    digest = hashlib.file_digest(file, "sha256")  # type: ignore[arg-type]
    size = file.tell()
    file.seek(0)
    return digest.hexdigest(), size


def _finish(session: Session, record_: GrantImport, run: _Run) -> None:
    counts = counts_of(run.counts)
    for name, value in counts.model_dump().items():
        setattr(record_, name, value)
    record_.errors = run.errors
    record_.imported_at = utcnow()
    session.flush()
    record(
        session,
        "grant_import",
        str(record_.id),
        "import",
        {"filename": record_.filename, "sha256": record_.sha256, **counts.model_dump()},
    )


def _chunks(
    rows: Iterator[tuple[int, dict[str, str]]],
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def _check_chunk(run: _Run, chunk: list[tuple[int, dict[str, str]]]) -> list[_Row]:
    """The chunk's rows that pass their own checks, the first of each repeat within it."""
    fresh: list[_Row] = []
    first: dict[str, int] = {}  # this chunk's keys → the row that gave them first
    for number, values in chunk:
        row = _parse(run, number, values)
        if isinstance(row, RowResult):
            run.add(row)
            continue
        natural = _natural_key(row)
        own = f"r:{row.reference}" if row.reference is not None else natural
        if own in first:
            run.add(_duplicate(row, first[own]))
            continue
        first.setdefault(own, row.number)
        first.setdefault(natural, row.number)
        fresh.append(row)
    return fresh


# --------------------------------------------------------------------- checking one row


def _parse(run: _Run, number: int, values: dict[str, str]) -> _Row | RowResult:
    """The row's values, or its rejection naming every field that is wrong."""
    problems: list[Message] = []
    reference = values.get("reference") or None
    if reference is not None and len(reference) > 100:
        problems.append(("reference", "the reference is longer than 100 characters"))
    raw_cvr = values.get("cvr", "")
    cvr = ""
    if not raw_cvr:
        problems.append(("cvr", "the CVR number is empty"))
    else:
        try:
            cvr = normalise_cvr(raw_cvr)
        except ValueError as exc:
            problems.append(("cvr", str(exc)))
    programme_name = values.get("programme", "")
    programme_id = run.programme_id(programme_name)
    if not programme_name:
        problems.append(("programme", "the programme is empty"))
    elif programme_id is None:
        problems.append(
            ("programme", f"unknown programme {programme_name!r}; add it as a grant programme")
        )
    amount = _checked(problems, "amount", values.get("amount", ""), parse_amount)
    if amount is not None and amount < 0:
        problems.append(("amount", f"the amount {values['amount']!r} is negative"))
    elif amount is not None and amount >= AMOUNT_LIMIT:  # beyond its Numeric(18, 2) column
        problems.append(("amount", f"beløbet {values['amount']!r} er for stort"))
    granted_on = _checked(problems, "granted_on", values.get("granted_on", ""), parse_date)
    if granted_on is not None and granted_on > run.today:
        problems.append(("granted_on", f"the date {granted_on.isoformat()} is in the future"))
    if problems or programme_id is None or amount is None or granted_on is None:
        return RowResult(number, RowOutcome.rejected, reference, cvr or raw_cvr or None,
                         tuple(problems))  # fmt: skip
    company = " ".join(values.get("company", "").split())[:300] or None
    return _Row(number, reference, cvr, company, programme_id, round(amount, 2), granted_on)


def _checked(problems: list[Message], name: str, text: str, parse: Any) -> Any:
    if not text:
        problems.append((name, f"the {'date' if name == 'granted_on' else name} is empty"))
        return None
    try:
        return parse(text)
    except ValueError as exc:
        problems.append((name, str(exc)))
        return None


def _natural_key(row: _Row) -> str:
    """Company, programme and date: what a row without the hub's reference is known by.

    With a reference, only the same reference repeats a row (one company can get two grants
    under one programme on one day); without one, any earlier row of the same company,
    programme and date does.
    """
    return f"n:{row.cvr}|{row.programme_id}|{row.granted_on.isoformat()}"


def _duplicate(row: _Row, earlier: int | None) -> RowResult:
    where = f"row {earlier}" if earlier is not None else "an earlier row"
    message = (None, f"the same grant as {where}; this row is not imported")
    return _result(row, RowOutcome.duplicate, message)


# A repeat in a later chunk is found through the database: a grant this import created or
# changed carries its import and row. A grant it found unchanged is written nowhere, so those
# go to a temporary table (one per connection), not to memory that grows with the file.
SEEN = Table(
    "grant_import_seen",
    MetaData(),
    Column("grant_id", Integer, primary_key=True),
    Column("row", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)


def _seen_unchanged(run: _Run, grant_ids: set[int]) -> dict[int, int]:
    """Of these grants, those an earlier chunk found unchanged, with the row that did."""
    if not run.any_unchanged or not grant_ids:
        return {}
    query = select(SEEN.c.grant_id, SEEN.c.row).where(
        one_of(run.session, SEEN.c.grant_id, grant_ids)
    )
    return {grant_id: number for grant_id, number in run.session.execute(query)}


def _remember_unchanged(run: _Run, rows: dict[int, int]) -> None:
    if not rows:
        return
    run.any_unchanged = True
    # Straight to the driver: two integers need none of SQLAlchemy's per-value work.
    connection = run.session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO {SEEN.name} (grant_id, row) VALUES ({mark}, {mark})", list(rows.items())
    )


def _result(row: _Row, outcome: RowOutcome, *messages: Message) -> RowResult:
    return RowResult(row.number, outcome, row.reference, row.cvr, messages)


# ----------------------------------------------------------------------- the database


def _resolve_companies(run: _Run, rows: list[_Row]) -> None:
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
            run.add(_result(row, RowOutcome.rejected, ("company", text)))


_STORED = (Grant.id, Grant.reference, Grant.company_id, Grant.programme_id, Grant.amount,
           Grant.granted_on, Grant.import_id, Grant.import_row)  # fmt: skip


def _apply(run: _Run, rows: list[_Row]) -> None:
    """Match the rows with stored grants and write the chunk's inserts and updates."""
    by_reference = _stored_by_reference(run, rows)
    unmatched = [r for r in rows if r.reference is None or r.reference not in by_reference]
    # A row without reference may be any stored grant of its company, programme and date; one
    # with a reference the hub did not give before only one stored without reference.
    any_grant = _stored_by_natural(run, [r for r in unmatched if r.reference is None])
    with_reference = [r for r in unmatched if r.reference is not None]
    unreferenced = (
        _stored_by_natural(run, with_reference, unreferenced=True)
        if with_reference and _any_unreferenced(run)
        else {}
    )
    claimed: dict[int, int] = {}  # stored grants a row of this chunk matched → that row
    candidates_ids = {g.id for g in by_reference.values()}
    for found in (any_grant, unreferenced):
        candidates_ids |= {g.id for grants in found.values() for g in grants}
    seen = _seen_unchanged(run, candidates_ids)
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
                run.add(_result(row, RowOutcome.rejected, ("reference", text)))
                continue
            stored = candidates[0] if candidates else None
        if stored is None:
            inserts.append(_values(run, row, now))
            run.accept(row, RowOutcome.created)
            continue
        if stored.import_id == run.import_id and stored.import_row is not None:
            run.add(_duplicate(row, stored.import_row))  # written by an earlier chunk's row
            continue
        earlier = seen.get(stored.id) or claimed.get(stored.id)
        if earlier is not None:
            run.add(_duplicate(row, earlier))
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
        run.add(_result(row, RowOutcome.updated, (None, _describe(changes))))
    if run.stage is not None:
        run.stage.add_grants(inserts, changed)
    else:
        if inserts:
            grant_table = cast(Table, Grant.__table__)  # a declarative class's own Table
            run.session.execute(insert(grant_table), inserts)  # Core: no ORM bookkeeping
        for batch in updates.values():
            run.session.execute(update(Grant), batch)
    _remember_unchanged(run, unchanged)


def _stored(run: _Run, condition: Any) -> Any:
    """The stored grants meeting `condition(columns)`, by id; when staging, as the earlier
    chunks' staged rows leave them."""
    if run.stage is None:
        query = select(*_STORED).where(condition(Grant.__table__.c)).order_by(Grant.id)
        return run.session.execute(query)
    found = run.stage.stored(condition, _STORED)
    return run.session.execute(select(found).order_by(found.c.id))


def _stored_by_reference(run: _Run, rows: list[_Row]) -> dict[str, Any]:
    references = {row.reference for row in rows if row.reference}
    if not references:
        return {}
    found = _stored(run, lambda c: one_of(run.session, c.reference, references))
    return {stored.reference: stored for stored in found}


def _any_unreferenced(run: _Run) -> bool:
    """Whether any stored grant lacks the hub's reference (usually none: the hub gives them)."""
    if run.stage is not None:
        return run.stage.any_unreferenced(run.session)
    return bool(run.session.scalar(select(exists().where(Grant.reference.is_(None)))))


def _stored_by_natural(
    run: _Run, rows: list[_Row], *, unreferenced: bool = False
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


def _values(run: _Run, row: _Row, now: Any) -> dict[str, Any]:
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


def _changes(stored: Any, row: _Row) -> dict[str, Any]:
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


def _describe(changes: Iterable[str]) -> str:
    changed = [label for name, label in _LABELS.items() if name in changes]
    return "changed: " + ", ".join(changed)
