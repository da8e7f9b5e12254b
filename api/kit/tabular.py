"""Reading uploaded spreadsheets (CSV or XLSX) into named rows, for every import.

`read_table` is the entry point: bytes in, the file's headers, which of our fields each column
gives, and the data rows as dicts keyed by our field names. Row numbers are the ones the user
sees in a spreadsheet program: the header is row 1 (unless blank rows come before it), the first
data row below it row 2, blank rows counted but not returned.
"""

import codecs
import contextlib
import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any, Literal

from openpyxl import load_workbook

from api.kit.columns import (
    TabularError,
    TabularTooLargeError,
    normalise_header,
    resolve_columns,
)
from api.kit.common import strip_controls

DEFAULT_MAX_UNCOMPRESSED = 50 * 1024 * 1024
_HEAD_BYTES = 8192  # enough of the start to tell the format
_CHUNK_BYTES = 1024 * 1024  # what the encoding check reads at a time
CSV_DELIMITERS = ";,\t"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Formats people upload by mistake, named so the message can say what the file is.
_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file; save it as .xlsx or CSV",
}

# Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

FileFormat = Literal["csv", "xlsx"]
RawRows = Iterator[tuple[int, list[str]]]


@dataclass
class Table:
    """An uploaded table: its headers, the columns we recognised, and its data rows.

    `rows` is read once, lazily; a row the file cannot give raises TabularError there.
    """

    headers: list[str]  # as in the file, trimmed
    header_row: int  # its row number (1 unless blank rows come first)
    fields: dict[str, str]  # our field → the file's header it is read from
    rows: Iterator[tuple[int, dict[str, str]]]  # (row number, our field → stripped text)

    @property
    def unknown_headers(self) -> list[str]:
        """Headers that gave none of our fields."""
        used = set(self.fields.values())
        return [h for h in self.headers if h and h not in used]


def read_table(
    data: bytes | IO[bytes],
    *,
    filename: str | None = None,
    content_type: str | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    mapping: Mapping[str, str] | None = None,
    required: Iterable[str] = (),
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
) -> Table:
    """Read a CSV or XLSX upload; columns are matched by alias or the explicit mapping.

    `data` is the file's bytes or a seekable binary file; a file is streamed, so a large upload
    is never held in memory whole. `aliases` maps each of our field names to the headers that
    mean it (case and surrounding space ignored; the field name itself always counts);
    `mapping` names the file's header for a field explicitly and wins over the aliases.
    Columns that match no field keep their normalised header as key.
    """
    raw = read_raw_rows(
        data, filename=filename, content_type=content_type, max_uncompressed=max_uncompressed
    )
    header_row, headers = _first_row(raw)
    columns = resolve_columns(headers, aliases or {}, mapping or {}, required)
    fields = {field: headers[index] for field, index in columns.items()}
    keys = _row_keys(headers, columns)
    return Table(headers, header_row, fields, _named_rows(raw, keys))


def read_raw_rows(
    data: bytes | IO[bytes],
    *,
    filename: str | None = None,
    content_type: str | None = None,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
) -> RawRows:
    """Every row of the file (blank ones too) as (row number, stripped cell texts)."""
    file = io.BytesIO(data) if isinstance(data, bytes) else data
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    kind = detect_format(head, filename=filename, content_type=content_type)
    if kind == "xlsx":
        return xlsx_rows(file, max_uncompressed=max_uncompressed)
    return csv_rows(file)


def detect_format(
    head: bytes, *, filename: str | None = None, content_type: str | None = None
) -> FileFormat:
    """CSV or XLSX, judged by the content's first bytes; the name and type sharpen the message."""
    if not head.strip() and len(head) < _HEAD_BYTES:
        raise TabularError("The file is empty.")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"  # a zip archive; an XLSX named .csv is still an XLSX
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            raise TabularError(f"The file is neither CSV nor XLSX: it looks like {kind}.")
    claims_xlsx = (filename or "").lower().endswith((".xlsx", ".xlsm")) or (
        content_type or ""
    ).startswith(XLSX_CONTENT_TYPE)
    if claims_xlsx:
        raise TabularError("The file is called an XLSX workbook but is not one (not a zip).")
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        raise TabularError("The file is neither CSV nor XLSX: it holds binary data.")
    return "csv"


# ----------------------------------------------------------------------------------- CSV


def detect_encoding(file: IO[bytes]) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the two encodings Danish tools write.

    Decided by one pass over the file in chunks (a byte that is not UTF-8 may come late), after
    which the file is back at its start.
    """
    file.seek(0)
    head = file.read(4)
    file.seek(0)
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    encoding = "utf-8-sig"
    for candidate in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(candidate)()
        try:
            while chunk := file.read(_CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            file.seek(0)
            continue
        encoding = candidate
        break
    else:
        raise TabularError(
            "The file is neither UTF-8 nor Windows-1252 text; save it as CSV (UTF-8)."
        )
    file.seek(0)
    return encoding


def decode_text(data: bytes) -> str:
    """Bytes as text in the encoding `detect_encoding` finds."""
    return data.decode(detect_encoding(io.BytesIO(data)))


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most columns (comma on a tie).

    Judged on the header alone: data rows hold decimal commas ("1.234,50") and free text that
    would mislead a guess over the whole sample.
    """
    best, best_count = ",", 1
    for delimiter in CSV_DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def csv_rows(file: IO[bytes]) -> RawRows:
    """The rows of a CSV file, streamed; `sep=;` on the first line (as Excel writes it) is
    honoured."""
    text = io.TextIOWrapper(file, encoding=detect_encoding(file), newline="")
    try:
        lines = iter(text)
        first = next(lines, "")
        hint = first.strip()
        if hint.lower().startswith("sep=") and len(hint) == 5:
            delimiter, peeked = hint[4], []  # Excel hides this line, so it is no row either
        else:
            peeked = [first]
            while peeked[-1] and not peeked[-1].strip():  # blank lines before the header
                peeked.append(next(lines, ""))
            delimiter = sniff_delimiter(peeked[-1].strip())
        yield from _csv_records(itertools.chain(filter(None, peeked), lines), delimiter)
    finally:
        # The caller owns the file: the wrapper must not close it (unless it is gone already).
        with contextlib.suppress(ValueError):
            text.detach()


def _csv_records(lines: Iterable[str], delimiter: str) -> RawRows:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        # A record is one spreadsheet row even when a quoted cell spans several lines.
        for number, record in enumerate(reader, start=1):
            yield number, [strip_controls(cell).strip() for cell in record]
    except csv.Error as exc:
        raise TabularError(f"Row {reader.line_num}: the CSV is malformed ({exc}).") from None


# ---------------------------------------------------------------------------------- XLSX


def check_archive(file: IO[bytes], max_uncompressed: int) -> None:
    """Refuse what is no zip, or unpacks to more than the limit (a zip bomb)."""
    try:
        with zipfile.ZipFile(file) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise TabularError("The file is not a valid XLSX workbook (a damaged zip).") from None
    if size > max_uncompressed:
        raise TabularTooLargeError(
            f"The workbook unpacks to {_size(size)}; the limit is {_size(max_uncompressed)}."
        )


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


def xlsx_rows(file: IO[bytes], *, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED) -> RawRows:
    """The rows of the workbook's first sheet, as text, read row by row (openpyxl read-only)."""
    check_archive(file, max_uncompressed)
    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors) for a zip
        # that is no workbook; to the user they all mean the same.
        raise TabularError("The file is a zip archive but not a readable XLSX workbook.") from None
    return _sheet_rows(workbook)


def _sheet_rows(workbook: Any) -> RawRows:
    number = 0
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some tools write a wrong size; read what is there
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    except Exception:
        # A damaged sheet, or XML that defusedxml refuses (entity expansion): unreadable.
        raise TabularError(
            f"The workbook cannot be read after row {number}.", row=number + 1
        ) from None
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """A cell as the text a person would type: dates ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        is_date = value.time() == time(0) and value.tzinfo is None
        return value.date().isoformat() if is_date else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return strip_controls(str(value)).strip()  # no person typed a NUL or a bell


# ---------------------------------------------------------------------------------- rows


def _first_row(raw: RawRows) -> tuple[int, list[str]]:
    """The header: the first row that is not blank."""
    for number, cells in raw:
        if any(cells):
            return number, cells
    raise TabularError("The file is empty: it has no header row.")


def _row_keys(headers: list[str], columns: dict[str, int]) -> list[str | None]:
    """The key of each column in a row dict: our field, else the normalised header."""
    keys: list[str | None] = []
    for header in headers:
        key = normalise_header(header)
        # Never shadow a field, and the first of two equal headers wins.
        keys.append(None if not key or key in columns or key in keys else key)
    for field, index in columns.items():
        keys[index] = field
    return keys


def _named_rows(raw: RawRows, keys: list[str | None]) -> Iterator[tuple[int, dict[str, str]]]:
    for number, cells in raw:
        if not any(cells):
            continue
        row = {key: "" for key in keys if key is not None}
        for key, cell in zip(keys, cells, strict=False):
            if key is not None:
                row[key] = cell
        yield number, row
