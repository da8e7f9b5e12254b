"""Import of a sign-up list (CSV or XLSX from a form tool) into an event's registrations.

Every row gets an outcome. A dry run computes exactly what an import would do by running it
inside a SAVEPOINT that is rolled back (audit rows included, as they are written in the same
flush); a real import applies exactly the rows it reports as accepted, in the request's
transaction.
"""

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from typing import IO, TypeVar

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import api.kit.imports as imports
from api.contacts.models import Person
from api.events import registrations
from api.events.enums import (
    PARTICIPANT_TYPE_LABELS,
    EventStatus,
    ParticipantType,
    RegistrationStatus,
)
from api.events.models import Event, Registration
from api.events.schemas import RegistrationCreate
from api.kit.columns import TabularError
from api.kit.errors import ConflictError, DomainError, InvalidInputError
from api.kit.tabular import Table, read_table

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Far above any event's sign-up list; a bigger file is the wrong file, and each row is a
# SAVEPOINT and a few queries, so a request must not take minutes.
MAX_ROWS = 5000

# The headers form tools and people use for each field (case and spacing are ignored).
ALIASES: dict[str, list[str]] = {
    "name": ["navn", "name", "fulde navn", "fuldt navn", "full name", "deltagernavn"],
    "first_name": ["fornavn", "first name"],
    "last_name": ["efternavn", "last name", "surname"],
    "email": ["e-mail", "email", "mail", "e-mailadresse", "e-mail-adresse", "email address"],
    "phone": ["telefon", "tlf", "tlf.", "telefonnummer", "mobil", "mobilnummer", "phone"],
    "cvr": ["cvr", "cvr-nr.", "cvr-nr", "cvr nr.", "cvr nr", "cvr-nummer", "cvr nummer"],
    "company": ["virksomhed", "firma", "company", "virksomhedsnavn", "firmanavn", "company name"],
    "participant_type": ["deltagertype", "type", "deltager type", "participant type"],
}
# The participant types as a sign-up list writes them (case and spacing are ignored); an
# empty cell is a company representative, as a registration is by default.
TYPE_WORDS: dict[str, ParticipantType] = {
    **{label.lower(): kind for kind, label in PARTICIPANT_TYPE_LABELS.items()},
    **{kind.value: kind for kind in ParticipantType},
    "virksomhedsrepræsentanter": ParticipantType.company_representative,
    "virksomhed": ParticipantType.company_representative,
    "borgere": ParticipantType.citizen,
    "elever": ParticipantType.pupil,
    "skoleelev": ParticipantType.pupil,
    "anden": ParticipantType.other,
}
# Where the registration schema and the service name a field, in the file's terms.
_FIELD_OF = {
    "person.name": "name",
    "person.email": "email",
    "person.phone": "phone",
    "company_cvr": "cvr",
    "company_name": "company",
}

_STATUS_NOTES = {
    RegistrationStatus.registered: "already registered",
    RegistrationStatus.waitlisted: "already on the waiting list",
}
Key = tuple[str, ...]  # how a person is recognised: ("email", …) or ("name", …, company)
T = TypeVar("T")


# ------------------------------------------------------------------------------ schemas


class SignupOutcome(StrEnum):
    register = "register"  # a new registration
    waitlist = "waitlist"  # the event is full: a new place on the waiting list
    already_registered = "already_registered"  # registered (or waiting) before this import
    duplicate = "duplicate"  # the same person as an earlier row of the file
    rejected = "rejected"  # invalid; see the messages


ACCEPTED = (SignupOutcome.register, SignupOutcome.waitlist, SignupOutcome.already_registered)


class SignupMessage(BaseModel):
    field: str | None = Field(
        description="Our field: name, email, phone, cvr, company, participant_type."
    )
    column: str | None = Field(description="The file's header for that field.")
    message: str


class SignupRow(BaseModel):
    row: int = Field(description="The row number as a spreadsheet shows it (header is row 1).")
    outcome: SignupOutcome
    person_name: str | None
    messages: list[SignupMessage] = Field(default_factory=list)


class SignupCounts(BaseModel):
    # "register" is taken on BaseModel (ABCMeta.register), so the field carries it as alias.
    register_: int = Field(default=0, alias="register")
    waitlist: int = 0
    already_registered: int = 0
    duplicate: int = 0
    rejected: int = 0


class SignupImportReport(BaseModel):
    event_id: int
    dry_run: bool = Field(description="True: nothing was written; this is what would happen.")
    columns: dict[str, str] = Field(description="Our field → the file's header it was read from.")
    ignored_columns: list[str] = Field(description="Headers of the file that were not used.")
    counts: SignupCounts
    rows: list[SignupRow]


# ---------------------------------------------------------------------------- the input


def read_upload(file: IO[bytes], limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The uploaded bytes; 413 over the limit."""
    return imports.read_upload(file, limit)


def parse_mapping(text: str | None) -> dict[str, str] | None:
    """The optional form field `mapping`: JSON {"our_field": "Their Header"}."""
    return imports.parse_mapping(text, ALIASES)


def read_signups(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    mapping: dict[str, str] | None = None,
) -> tuple[Table, list[tuple[int, dict[str, str]]]]:
    """The sign-up table and its data rows; 422 (or 413) naming what is wrong with the file."""
    try:
        table = read_table(
            data, filename=filename, content_type=content_type, aliases=ALIASES, mapping=mapping
        )
        _check_name_columns(table)
        rows = list(islice(table.rows, MAX_ROWS + 1))
    except TabularError as exc:
        raise imports.file_error(exc) from None
    if len(rows) > MAX_ROWS:
        message = f"The file has more than {MAX_ROWS} rows; split it into several files."
        raise InvalidInputError(
            message, errors=[{"field": "file", "row": rows[-1][0], "message": message}]
        )
    if not rows:
        raise imports.no_rows_error(table.header_row)
    return table, rows


def _check_name_columns(table: Table) -> None:
    """A name column, or first and last name columns that together make one."""
    if "name" in table.fields or {"first_name", "last_name"} <= table.fields.keys():
        return
    accepted = ", ".join(repr(h) for h in ALIASES["name"])
    raise TabularError(
        f"The required column 'name' is missing (accepted headers: {accepted}, or "
        f"'Fornavn' and 'Efternavn'; or map yours with the mapping field).",
        column="name",
    )


# --------------------------------------------------------------------------- the import


def ensure_open(event: Event) -> None:
    """A cancelled event takes no sign-ups: 409 for the whole import."""
    if event.status is EventStatus.cancelled:
        raise ConflictError(f"The event {event.title!r} is cancelled; nothing was imported.")


@dataclass
class _Run:
    """What one import knows while it goes through the rows."""

    event: Event
    columns: dict[str, str]
    existing: dict[Key, Registration]  # registrations before the import, by key
    seen: dict[Key, int] = field(default_factory=dict)  # accepted key → row


def import_signups(
    session: Session,
    event: Event,
    table: Table,
    rows: list[tuple[int, dict[str, str]]],
    *,
    dry_run: bool,
) -> SignupImportReport:
    """Register the rows' people for the event; a dry run reports and writes nothing."""
    ensure_open(event)
    run = _Run(event, table.fields, _existing_registrations(session, event))
    savepoint = session.begin_nested()
    try:
        results = [_import_row(session, run, number, row) for number, row in rows]
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    counts = Counter(result.outcome.value for result in results)
    return SignupImportReport(
        event_id=event.id,
        dry_run=dry_run,
        columns=table.fields,
        ignored_columns=table.unknown_headers,
        counts=SignupCounts.model_validate(counts),
        rows=results,
    )


def _existing_registrations(session: Session, event: Event) -> dict[Key, Registration]:
    """The event's registrations by e-mail and by name + CVR, to spot a re-import."""
    existing = session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.person).selectinload(Person.company))
    )
    index: dict[Key, Registration] = {}
    for registration in existing:
        person = registration.person
        if person.anonymised_at is not None:
            continue  # an erased person is never matched again
        if person.email:
            index.setdefault(_email_key(person.email), registration)
        company = person.company.cvr if person.company else ""
        index.setdefault(_name_key(person.name or "", company), registration)
    return index


def _email_key(email: str) -> Key:
    return ("email", email.strip().lower())


def _name_key(name: str, company: str) -> Key:
    return ("name", " ".join(name.split()).casefold(), company.casefold())


def _import_row(session: Session, run: _Run, number: int, row: dict[str, str]) -> SignupRow:
    """One row's outcome; the registration is written (in the import's savepoint) if new."""
    name = _person_name(row)
    if not name:
        return _rejected(number, None, [_message(run, "name", "the name is empty")])
    participant_type = _participant_type(row.get("participant_type") or "")
    if participant_type is None:
        return _rejected(number, name, [_message(run, "participant_type", _type_problem(row))])
    try:
        data = _registration_data(row, name, participant_type)
    except ValidationError as exc:
        return _rejected(number, name, _validation_messages(run, exc))
    notes = _notes(run, data)
    earlier = _lookup(run.seen, data, file_keys=True)
    if earlier is not None:
        notes.insert(0, _message(run, None, f"the same person as row {earlier}"))
        return SignupRow(
            row=number, outcome=SignupOutcome.duplicate, person_name=name, messages=notes
        )
    result = _register(session, run, number, data, notes)
    if result.outcome in ACCEPTED:
        for key in _keys(data, file_keys=True):
            run.seen.setdefault(key, number)
    return result


def _person_name(row: dict[str, str]) -> str:
    name = row.get("name") or " ".join(filter(None, [row.get("first_name"), row.get("last_name")]))
    return " ".join(name.split())


def _participant_type(text: str) -> ParticipantType | None:
    """A cell's participant type; the default for an empty cell, None for an unknown word."""
    word = " ".join(text.split()).lower()
    return TYPE_WORDS.get(word) if word else ParticipantType.company_representative


def _type_problem(row: dict[str, str]) -> str:
    known = ", ".join(PARTICIPANT_TYPE_LABELS.values())
    return f"ukendt deltagertype »{row.get('participant_type')}« (brug {known})"


def _registration_data(
    row: dict[str, str], name: str, participant_type: ParticipantType
) -> RegistrationCreate:
    """The row as a registration request; pydantic checks e-mail, phone and CVR."""
    person = {"name": name, "email": row.get("email") or None, "phone": row.get("phone") or None}
    return RegistrationCreate.model_validate(
        {
            "person": person,
            "company_cvr": row.get("cvr") or None,
            "company_name": row.get("company") or None,
            "waitlist": True,  # an imported sign-up joins the waiting list, never bounces
            "participant_type": participant_type,
        }
    )


def _keys(data: RegistrationCreate, *, file_keys: bool) -> list[Key]:
    """The keys a row is known by: its e-mail, and its name with its company.

    Within the file a company without CVR is told apart by its name; in the database only
    the CVR links a person to a company, so only the CVR can match there.
    """
    assert data.person is not None
    company = data.company_cvr or ((data.company_name or "") if file_keys else "")
    keys = [_name_key(data.person.name, company)]
    if data.person.email:
        keys.insert(0, _email_key(str(data.person.email)))
    return keys


def _lookup(index: dict[Key, T], data: RegistrationCreate, *, file_keys: bool) -> T | None:
    """A match by e-mail when the row has one, else by name and company."""
    return index.get(_keys(data, file_keys=file_keys)[0])


def _register(
    session: Session, run: _Run, number: int, data: RegistrationCreate, notes: list[SignupMessage]
) -> SignupRow:
    """Register through the service, each row in its own SAVEPOINT so a refusal undoes it."""
    assert data.person is not None
    name = data.person.name
    before = _lookup(run.existing, data, file_keys=False)
    if before is not None and before.status is not RegistrationStatus.cancelled:
        note = _STATUS_NOTES.get(before.status, f"already registered ({before.status.value})")
        notes.insert(0, _message(run, None, note))
        outcome = SignupOutcome.already_registered
        return SignupRow(row=number, outcome=outcome, person_name=name, messages=notes)
    if before is not None:
        # Signed up again after cancelling: the same person's registration comes back.
        data = RegistrationCreate(
            person_id=before.person_id, waitlist=True, participant_type=data.participant_type
        )
    try:
        with session.begin_nested():
            registration, _ = registrations.register(session, run.event, data)
    except DomainError as exc:
        return _rejected(number, name, _domain_messages(run, exc))
    waiting = registration.status is RegistrationStatus.waitlisted
    outcome = SignupOutcome.waitlist if waiting else SignupOutcome.register
    return SignupRow(row=number, outcome=outcome, person_name=name, messages=notes)


def _notes(run: _Run, data: RegistrationCreate) -> list[SignupMessage]:
    """Warnings that do not stop the row."""
    if data.company_name and not data.company_cvr:
        text = "no CVR number: the person is registered without a company"
        return [_message(run, "company", text)]
    return []


# ----------------------------------------------------------------------------- messages


def _message(run: _Run, field_name: str | None, text: str) -> SignupMessage:
    column = run.columns.get(field_name) if field_name else None
    if field_name == "name" and column is None:
        column = run.columns.get("first_name")
    return SignupMessage(field=field_name, column=column, message=text)


def _rejected(number: int, name: str | None, messages: list[SignupMessage]) -> SignupRow:
    outcome = SignupOutcome.rejected
    return SignupRow(row=number, outcome=outcome, person_name=name, messages=messages)


def _validation_messages(run: _Run, exc: ValidationError) -> list[SignupMessage]:
    messages = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error["loc"])
        # Pydantic words a validator's ValueError as "Value error, <what we said>".
        text = error["msg"].removeprefix("Value error, ")
        messages.append(_message(run, _FIELD_OF.get(loc, loc or None), text))
    return messages


def _domain_messages(run: _Run, exc: DomainError) -> list[SignupMessage]:
    if not exc.errors:
        return [_message(run, None, exc.detail)]
    return [
        _message(run, _FIELD_OF.get(error.get("field", ""), error.get("field")), error["message"])
        for error in exc.errors
    ]
