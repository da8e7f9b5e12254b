"""The grant import's rows: the file's columns, a row checked on its own values, what the
import reports of each row, and what one run knows while it goes through the chunks."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    select,
)
from sqlalchemy.orm import Session

from api.contacts.cvr import normalise_cvr
from api.grants.enums import ACCEPTED, RowOutcome
from api.grants.import_stage import Stage
from api.grants.models import programme_key
from api.kit.common import AMOUNT_LIMIT
from api.kit.danish import parse_amount, parse_date
from api.kit.db import one_of
from api.kit.tabular import Table as Sheet

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
class Row:
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
class Run:
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

    def accept(self, row: "Row", outcome: RowOutcome) -> None:
        """An accepted row without message: only counted, unless every row is listed."""
        if self.keep_rows:
            self.add(row_result(row, outcome))
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


# --------------------------------------------------------------------- checking one row


def parse_row(run: Run, number: int, values: dict[str, str]) -> Row | RowResult:
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
    amount = checked_value(problems, "amount", values.get("amount", ""), parse_amount)
    if amount is not None and amount < 0:
        problems.append(("amount", f"the amount {values['amount']!r} is negative"))
    elif amount is not None and amount >= AMOUNT_LIMIT:  # beyond its Numeric(18, 2) column
        problems.append(("amount", f"beløbet {values['amount']!r} er for stort"))
    granted_on = checked_value(problems, "granted_on", values.get("granted_on", ""), parse_date)
    if granted_on is not None and granted_on > run.today:
        problems.append(("granted_on", f"the date {granted_on.isoformat()} is in the future"))
    if problems or programme_id is None or amount is None or granted_on is None:
        return RowResult(number, RowOutcome.rejected, reference, cvr or raw_cvr or None,
                         tuple(problems))  # fmt: skip
    company = " ".join(values.get("company", "").split())[:300] or None
    return Row(number, reference, cvr, company, programme_id, round(amount, 2), granted_on)


def checked_value(problems: list[Message], name: str, text: str, parse: Any) -> Any:
    if not text:
        problems.append((name, f"the {'date' if name == 'granted_on' else name} is empty"))
        return None
    try:
        return parse(text)
    except ValueError as exc:
        problems.append((name, str(exc)))
        return None


def natural_key(row: Row) -> str:
    """Company, programme and date: what a row without the hub's reference is known by.

    With a reference, only the same reference repeats a row (one company can get two grants
    under one programme on one day); without one, any earlier row of the same company,
    programme and date does.
    """
    return f"n:{row.cvr}|{row.programme_id}|{row.granted_on.isoformat()}"


def duplicate(row: Row, earlier: int | None) -> RowResult:
    where = f"row {earlier}" if earlier is not None else "an earlier row"
    message = (None, f"the same grant as {where}; this row is not imported")
    return row_result(row, RowOutcome.duplicate, message)


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


def seen_unchanged(run: Run, grant_ids: set[int]) -> dict[int, int]:
    """Of these grants, those an earlier chunk found unchanged, with the row that did."""
    if not run.any_unchanged or not grant_ids:
        return {}
    query = select(SEEN.c.grant_id, SEEN.c.row).where(
        one_of(run.session, SEEN.c.grant_id, grant_ids)
    )
    return {grant_id: number for grant_id, number in run.session.execute(query)}


def remember_unchanged(run: Run, rows: dict[int, int]) -> None:
    if not rows:
        return
    run.any_unchanged = True
    # Straight to the driver: two integers need none of SQLAlchemy's per-value work.
    connection = run.session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO {SEEN.name} (grant_id, row) VALUES ({mark}, {mark})", list(rows.items())
    )


def row_result(row: Row, outcome: RowOutcome, *messages: Message) -> RowResult:
    return RowResult(row.number, outcome, row.reference, row.cvr, messages)
