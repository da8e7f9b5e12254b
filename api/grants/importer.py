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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from operator import attrgetter
from typing import IO

from sqlalchemy import (
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.audit import record
from api.auth.permissions import SYSTEM, Actor
from api.grants.enums import RowOutcome
from api.grants.import_apply import apply_rows, resolve_companies
from api.grants.import_rows import (
    ALIASES,
    REQUIRED,
    SEEN,
    Row,
    RowResult,
    Run,
    duplicate,
    natural_key,
    parse_row,
)
from api.grants.import_stage import STAGING, Stage
from api.grants.models import GrantImport, GrantProgramme
from api.grants.schemas import GrantImportReport, ImportCounts, RowsListed
from api.kit.columns import TabularError
from api.kit.db import plan_for_actual_values, utcnow
from api.kit.errors import ConflictError
from api.kit.imports import file_error, no_rows_error, upload_size
from api.kit.tabular import Table as Sheet
from api.kit.tabular import read_table

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CHUNK_ROWS = 1000


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
    run: "Run"
    spool: IO[bytes]
    rows: int  # the file's rows, refused ones included

    def chunks(self) -> Iterator[list["Row"]]:
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
    run = Run(reading, upload.table, programmes, today, None, keep_rows)
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
    run: Run


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
) -> tuple[Run, int]:
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


def _match(run: Run, checked: CheckedRows) -> None:
    """Match the checked rows chunk by chunk and write (or stage) each chunk's outcome."""
    connection = run.session.connection()
    SEEN.create(connection, checkfirst=True)
    try:
        for rows in checked.chunks():
            resolve_companies(run, rows)
            apply_rows(run, [row for row in rows if row.company_id is not None])
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


def _finish(session: Session, record_: GrantImport, run: Run) -> None:
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


def _check_chunk(run: Run, chunk: list[tuple[int, dict[str, str]]]) -> list[Row]:
    """The chunk's rows that pass their own checks, the first of each repeat within it."""
    fresh: list[Row] = []
    first: dict[str, int] = {}  # this chunk's keys → the row that gave them first
    for number, values in chunk:
        row = parse_row(run, number, values)
        if isinstance(row, RowResult):
            run.add(row)
            continue
        natural = natural_key(row)
        own = f"r:{row.reference}" if row.reference is not None else natural
        if own in first:
            run.add(duplicate(row, first[own]))
            continue
        first.setdefault(own, row.number)
        first.setdefault(natural, row.number)
        fresh.append(row)
    return fresh
