"""An event's participant list as CSV and XLSX, safe to open in a spreadsheet program."""

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.auth.audit import record
from api.contacts.models import Person
from api.events.enums import PARTICIPANT_TYPE_LABELS, RegistrationStatus
from api.events.models import Event, Registration
from api.kit.spreadsheet import neutralise

HEADERS = [
    "Navn",
    "E-mail",
    "Telefon",
    "Virksomhed",
    "CVR",
    "Status",
    "Tjekket ind",
    "Deltagertype",  # the sign-up import reads it back
]
STATUS_DA = {
    RegistrationStatus.registered: "tilmeldt",
    RegistrationStatus.waitlisted: "venteliste",
    RegistrationStatus.attended: "deltog",
    RegistrationStatus.no_show: "udeblev",
    RegistrationStatus.cancelled: "afmeldt",
}
SHEET_TITLE = "Deltagere"
LOCAL_TIME = ZoneInfo("Europe/Copenhagen")  # the office's time, as people read the list
ERASED = "(slettet)"
COLUMN_WIDTHS = [28, 32, 16, 30, 10, 12, 18, 24]
# Danish alphabetical order puts æ, ø, å after z, in that order; code points say å, æ, ø.
_DANISH_ORDER = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}"})

Value = str | datetime | None
FileFormat = Literal["csv", "xlsx"]


def export_participants(
    session: Session, event: Event, file_format: FileFormat, *, include_cancelled: bool = False
) -> bytes:
    """The participant list as a CSV or XLSX file; the export of personal data is audited."""
    rows = participant_rows(session, event, include_cancelled=include_cancelled)
    details = {
        "list": "participants",
        "format": file_format,
        "rows": len(rows),
        "include_cancelled": include_cancelled,
    }
    record(session, "events", str(event.id), "export", details)  # action: at most 10 chars
    session.flush()
    return participants_csv(rows) if file_format == "csv" else participants_xlsx(rows)


def participant_rows(
    session: Session, event: Event, *, include_cancelled: bool = False
) -> list[list[Value]]:
    """The list's rows in Danish alphabetical order of name; check-in in local time."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.person).selectinload(Person.company))
    )
    if not include_cancelled:
        query = query.where(Registration.status != RegistrationStatus.cancelled)
    registrations = sorted(session.scalars(query), key=_sort_key)
    return [_row(registration) for registration in registrations]


def _sort_key(registration: Registration) -> tuple[str, int]:
    name = (registration.person.name or "").casefold().translate(_DANISH_ORDER)
    return name, registration.id


def _row(registration: Registration) -> list[Value]:
    person = registration.person
    company = person.company
    checked_in = registration.checked_in_at
    return [
        person.name if person.anonymised_at is None else ERASED,
        person.email,
        person.phone,
        company.name if company else None,
        company.cvr if company else None,
        STATUS_DA[registration.status],
        checked_in.astimezone(LOCAL_TIME).replace(tzinfo=None) if checked_in else None,
        PARTICIPANT_TYPE_LABELS[registration.participant_type],
    ]


def participants_csv(rows: Sequence[Sequence[Value]]) -> bytes:
    """UTF-8 with BOM and semicolons: what Danish Excel opens without an import dialogue."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return neutralise(value)


def participants_xlsx(rows: Sequence[Sequence[Value]]) -> bytes:
    """One sheet, bold frozen header; every text written as a text cell, never a formula."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its one sheet
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _set_cell(sheet.cell(row=row_number, column=column), value)
    for column, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_cell(cell: Cell, value: Value) -> None:
    if isinstance(value, datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif value is not None:
        cell.value = neutralise(value)
        # openpyxl infers a formula from a leading "="; a name is text whatever it holds.
        cell.data_type = "s"


def slug(text: str, max_length: int = 60) -> str:
    """'Temamøde: Grøn omstilling' → 'temamoede-groen-omstilling'."""
    folds: dict[str, str | int | None] = {"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"}
    text = text.casefold().translate(str.maketrans(folds))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:max_length].rstrip("-") or "arrangement"


def export_filename(event: Event, extension: str) -> str:
    """deltagere-<id>-<slug of title>.<extension>"""
    return f"deltagere-{event.id}-{slug(event.title)}.{extension}"
