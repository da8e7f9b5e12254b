"""The grant import: the hub's spreadsheet (CSV or XLSX) into grants, row by row.

The file is streamed: rows are read, checked and written in chunks of CHUNK_ROWS, each chunk
with one query per kind of lookup (companies by CVR, grants by reference, grants by company,
programme and date) and one bulk INSERT and UPDATE, so neither the file nor the grants are held
in memory whole. What grows with the file is the per-row report and the keys of the rows seen
(to report a duplicate inside the file).

The whole import runs inside one SAVEPOINT: a dry run rolls it back (having computed exactly
what an import would do, later rows seeing earlier ones), a real import keeps exactly the rows
it reports as accepted and commits with the request.
"""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import attrgetter
from typing import IO, Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.audit import record
from api.auth.permissions import SYSTEM, Actor
from api.danish import parse_amount, parse_date
from api.db import utcnow
from api.errors import ConflictError
from api.events.cvr import normalise_cvr
from api.events.models import Company
from api.grants.enums import ACCEPTED, RowOutcome
from api.grants.models import Grant, GrantImport, GrantProgramme, programme_key
from api.grants.schemas import GrantImportReport, ImportCounts, RowsListed
from api.imports import file_error, no_rows_error, upload_size
from api.tabular import Table, TabularError, read_table

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
    table: Table
    programmes: dict[str, int]  # programme_key → id
    today: date
    import_id: int | None
    keep_rows: bool
    seen_references: dict[str, int] = field(default_factory=dict)  # → row
    seen_natural: dict[tuple[str, int, date], int] = field(default_factory=dict)  # → row
    counts: Counter[RowOutcome] = field(default_factory=Counter)
    results: list[RowResult] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

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
    table: Table


def read_grants_table(
    file: IO[bytes], *, filename: str | None, content_type: str | None, mapping: dict | None
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


def import_grants(
    session: Session,
    upload: Upload,
    *,
    dry_run: bool,
    keep_rows: bool = True,
    today: date,
) -> tuple[GrantImportReport, list[dict[str, Any]]]:
    """Import the table's rows: the report, and its rows as plain dicts (`report.render`).

    A dry run reports and writes nothing.
    """
    actor: Actor = session.info.get("actor", SYSTEM)
    table = upload.table
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
        programmes = {
            key: id_
            for key, id_ in session.execute(select(GrantProgramme.match_key, GrantProgramme.id))
        }
        run = _Run(session, table, programmes, today, record_.id, keep_rows)
        if _import_rows(run) == 0:
            raise no_rows_error(table.header_row)
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
    report = GrantImportReport(
        import_id=None if dry_run else record_.id,
        dry_run=dry_run,
        filename=upload.filename,
        columns=table.fields,
        ignored_columns=table.unknown_headers,
        counts=counts_of(run.counts),
        rows_listed=RowsListed.all if keep_rows else RowsListed.problems,
        rows=[],
    )
    run.results.sort(key=attrgetter("row"))  # a chunk reports its rejections first
    return report, [result.as_dict(table.fields) for result in run.results]


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


def _chunks(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[list[tuple[int, dict]]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def _import_rows(run: _Run) -> int:
    total = 0
    try:
        for chunk in _chunks(run.table.rows):
            total += len(chunk)
            _import_chunk(run, chunk)
    except TabularError as exc:
        raise file_error(exc) from None
    return total


def _import_chunk(run: _Run, chunk: list[tuple[int, dict[str, str]]]) -> None:
    parsed: list[_Row] = []
    for number, values in chunk:
        row = _parse(run, number, values)
        if isinstance(row, RowResult):
            run.add(row)
        elif (earlier := _earlier(run, row)) is not None:
            message = (None, f"the same grant as row {earlier}; this row is not imported")
            run.add(_result(row, RowOutcome.duplicate, message))
        else:
            parsed.append(row)
    _resolve_companies(run, parsed)
    ready = [row for row in parsed if row.company_id is not None]
    _apply(run, ready)


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
    programme_id = run.programmes.get(programme_key(programme_name))
    if not programme_name:
        problems.append(("programme", "the programme is empty"))
    elif programme_id is None:
        problems.append(
            ("programme", f"unknown programme {programme_name!r}; add it as a grant programme")
        )
    amount = _checked(problems, "amount", values.get("amount", ""), parse_amount)
    if amount is not None and amount < 0:
        problems.append(("amount", f"the amount {values['amount']!r} is negative"))
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


def _natural(row: _Row) -> tuple[str, int, date]:
    return (row.cvr, row.programme_id, row.granted_on)


def _earlier(run: _Run, row: _Row) -> int | None:
    """The earlier row of the file this one repeats, else None (and the row is remembered).

    With a reference, only the same reference repeats a row (one company can get two grants
    under one programme on one day); without one, any earlier row of the same company,
    programme and date does.
    """
    if row.reference is not None:
        earlier = run.seen_references.setdefault(row.reference, row.number)
        run.seen_natural.setdefault(_natural(row), row.number)
    else:
        earlier = run.seen_natural.setdefault(_natural(row), row.number)
    return None if earlier == row.number else earlier


def _result(row: _Row, outcome: RowOutcome, *messages: Message) -> RowResult:
    return RowResult(row.number, outcome, row.reference, row.cvr, messages)


# ----------------------------------------------------------------------- the database


def _resolve_companies(run: _Run, rows: list[_Row]) -> None:
    """Each row's company by CVR; a new CVR with a name becomes a company, one without is
    rejected (a company is never created nameless)."""
    if not rows:
        return
    cvrs = {row.cvr for row in rows}
    found = run.session.execute(select(Company.cvr, Company.id).where(Company.cvr.in_(cvrs)))
    known: dict[str, int] = {cvr: id_ for cvr, id_ in found}
    new: dict[str, str] = {}
    for row in rows:
        if row.cvr not in known and row.company_name and row.cvr not in new:
            new[row.cvr] = row.company_name
    if new:
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
           Grant.granted_on)  # fmt: skip


def _apply(run: _Run, rows: list[_Row]) -> None:
    """Match the rows with stored grants and write the chunk's inserts and updates."""
    by_reference = _stored_by_reference(run.session, rows)
    unmatched = [r for r in rows if r.reference is None or r.reference not in by_reference]
    # A row without reference may be any stored grant of its company, programme and date; one
    # with a reference the hub did not give before only one stored without reference.
    any_grant = _stored_by_natural(run.session, [r for r in unmatched if r.reference is None])
    unreferenced = _stored_by_natural(
        run.session, [r for r in unmatched if r.reference is not None], unreferenced=True
    )
    claimed: set[int] = set()  # stored grants a row of this chunk already matched
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
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
            run.add(_result(row, RowOutcome.created))
            continue
        claimed.add(stored.id)
        changes = _changes(stored, row)
        if not changes:
            run.add(_result(row, RowOutcome.unchanged))
            continue
        changes.update(id=stored.id, import_id=run.import_id, updated_at=now)
        updates[frozenset(changes)].append(changes)
        run.add(_result(row, RowOutcome.updated, (None, _describe(changes))))
    if inserts:
        run.session.execute(insert(Grant), inserts)
    for batch in updates.values():
        run.session.execute(update(Grant), batch)


def _stored_by_reference(session: Session, rows: list[_Row]) -> dict[str, Any]:
    references = {row.reference for row in rows if row.reference}
    if not references:
        return {}
    found = session.execute(select(*_STORED).where(Grant.reference.in_(references)))
    return {stored.reference: stored for stored in found}


def _stored_by_natural(
    session: Session, rows: list[_Row], *, unreferenced: bool = False
) -> dict[tuple, list[Any]]:
    keys = {(row.company_id, row.programme_id, row.granted_on) for row in rows}
    if not keys:
        return {}
    natural = tuple_(Grant.company_id, Grant.programme_id, Grant.granted_on)
    query = select(*_STORED).where(natural.in_(keys)).order_by(Grant.id)
    if unreferenced:
        query = query.where(Grant.reference.is_(None))
    found: dict[tuple, list[Any]] = defaultdict(list)
    for stored in session.execute(query):
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
        "created_at": now,
        "updated_at": now,
    }


def _changes(stored: Any, row: _Row) -> dict[str, Any]:
    wanted = {
        "reference": row.reference if row.reference is not None else stored.reference,
        "company_id": row.company_id,
        "programme_id": row.programme_id,
        "amount": row.amount,
        "granted_on": row.granted_on,
    }
    current = stored._asdict()
    return {
        name: value
        for name, value in wanted.items()
        if (round(current[name], 2) if name == "amount" else current[name]) != value
    }


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
