"""The file side of `erhverv push-cases`: read CSV or JSON lines as a stream, rename the case
system's own field names to the contract's (`--map`, `--map-file`), and cut the records into
batches in the file's order.

The batches are sent one after another, each after the last was answered, so a case's later
update never reaches the server before its earlier ones; the server applies the updates of one
case inside a batch in their `source_updated_at` order, and an older one than stored is stale.
So the result is the same at any batch size.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from api.cases.schemas import CaseBatchItem
from api.clients.cases_map import FieldMap
from api.clients.http import ImportFailed

FIELDS = tuple(CaseBatchItem.model_fields)
REQUIRED = tuple(name for name, info in CaseBatchItem.model_fields.items() if info.is_required())
BOOLEAN_FIELDS = frozenset({"is_business", "counts_toward_target"})
INTEGER_FIELDS = frozenset({"paused_days"})
TRUE = frozenset({"true", "1", "ja", "yes"})
FALSE = frozenset({"false", "0", "nej", "no"})
BOM = b"\xef\xbb\xbf"

Format = Literal["csv", "jsonl"]


@dataclass
class Record:
    """One case read from the file; `item` is None when the client could not read the line."""

    line: int
    item: Any
    problem: str | None = None


@dataclass
class Batch:
    number: int
    records: list[Record]
    end: int  # bytes of the file read when the batch was complete


class LineReader:
    """The file's lines decoded as UTF-8, counting lines and bytes; a BOM is dropped.

    A line that is not UTF-8 is decoded with replacement characters and its number kept in
    `bad`, so the record it belongs to can be refused instead of sending mangled text.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.line = 0
        self.offset = 0
        self.bad: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        for raw in self._file:
            self.line += 1
            self.offset += len(raw)
            data = raw.removeprefix(BOM) if self.line == 1 else raw
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError:
                self.bad.add(self.line)
                yield data.decode("utf-8", errors="replace")

    def not_utf8(self, first: int, last: int) -> bool:
        """Whether a line from first to last was not UTF-8 (and forget the lines before last)."""
        found = any(first <= line <= last for line in self.bad)
        self.bad = {line for line in self.bad if line > last}
        return found


NOT_UTF8 = "linjen er ikke gyldig UTF-8; gem filen som UTF-8"


def file_format(path: Path, file: IO[bytes]) -> Format:
    """JSON lines by the extension (.jsonl, .ndjson), else by the first character: `{`."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".txt"):
        return "csv"
    peek = getattr(file, "peek", None)
    head = peek(4096)[:4096] if peek else b""
    first = head.removeprefix(BOM).lstrip()[:1]
    if first == b"[":
        raise ImportFailed(
            f"{path.name} er et JSON-array; skriv én sag pr. linje (JSON lines, .jsonl)."
        )
    return "jsonl" if first == b"{" else "csv"


def fill_source(item: Any, source: str | None) -> Any:
    """The item with `source` set where it has none and --source was given."""
    if source and isinstance(item, dict) and item.get("source") in (None, ""):
        item["source"] = source
    return item


def jsonl_records(lines: LineReader, source: str | None, mapping: FieldMap) -> Iterator[Record]:
    """One record per non-blank line; a line that is not JSON is a record with its problem."""
    for text in lines:
        if not text.strip():
            continue
        number = lines.line
        if lines.not_utf8(number, number):
            yield Record(number, None, NOT_UTF8)
            continue
        try:
            value = json.loads(text.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            yield Record(number, None, f"ikke gyldig JSON: {exc.msg} (tegn {exc.colno})")
            continue
        value, problem = mapping.item(value)
        yield Record(number, fill_source(value, source), problem)


def csv_records(
    lines: LineReader, source: str | None, name: str, mapping: FieldMap
) -> Iterator[Record]:
    """One record per row: cells by the header's field names, empty cells left out."""
    rows = iter(lines)
    header_line = next((text for text in rows if text.strip()), None)
    if header_line is None:
        return
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    cells = next(csv.reader([header_line], delimiter=delimiter))
    header = mapping.header([cell.strip().lower() for cell in cells])
    check_header(header, source, name)
    reader = csv.reader(rows, delimiter=delimiter)
    end = lines.line
    try:
        for cells in reader:
            first, end = end + 1, lines.line
            if not any(cell.strip() for cell in cells):
                continue
            if lines.not_utf8(first, end):
                yield Record(first, None, NOT_UTF8)
            elif len(cells) > len(header):
                problem = f"rækken har {len(cells)} felter, overskriften kun {len(header)}"
                yield Record(first, None, problem)
            else:
                yield Record(first, fill_source(csv_item(header, cells), source))
    except csv.Error as exc:
        raise ImportFailed(f"{name} kan ikke læses som CSV på linje {lines.line}: {exc}.") from None


def check_header(header: list[str], source: str | None, name: str) -> None:
    """Unknown, repeated or missing columns stop the push before anything is sent."""
    named = [column for column in header if column]
    unknown = [column for column in named if column not in FIELDS]
    repeated = sorted({column for column in named if named.count(column) > 1})
    needed = [f for f in REQUIRED if f not in named and not (f == "source" and source)]
    details = []
    if unknown:
        hint = " (oversæt dem til felterne med --map deres_navn=vores_navn)"
        details.append(f"Ukendte kolonner: {', '.join(unknown)}{hint}.")
    if repeated:
        details.append(f"Kolonner der står flere gange: {', '.join(repeated)}.")
    if needed:
        hint = " (eller brug --source)" if "source" in needed else ""
        details.append(f"Manglende kolonner: {', '.join(needed)}{hint}.")
    if details:
        details.append(f"Kolonnerne hedder som felterne i JSON: {', '.join(FIELDS)}.")
        raise ImportFailed(f"Overskriften i {name} passer ikke til sagerne.", details)


def csv_item(header: list[str], cells: list[str]) -> dict[str, Any]:
    """A row as the JSON item: empty cells left out, booleans and integers typed.

    A value that is neither is sent as written, so the server names the field.
    """
    item: dict[str, Any] = {}
    for column, cell in zip(header, cells, strict=False):
        value = cell.strip()
        if not column or not value:
            continue
        if column in BOOLEAN_FIELDS and value.lower() in TRUE | FALSE:
            item[column] = value.lower() in TRUE
        elif column in INTEGER_FIELDS and value.lstrip("-").isdigit():
            item[column] = int(value)
        else:
            item[column] = value
    return item


def batches(
    path: Path, file: IO[bytes], source: str | None, size: int, mapping: FieldMap | None = None
) -> Iterator[Batch]:
    """The file's records, `size` at a time in the file's order, read as they are needed."""
    lines = LineReader(file)
    mapping = mapping or FieldMap()
    if file_format(path, file) == "jsonl":
        records = jsonl_records(lines, source, mapping)
    else:
        records = csv_records(lines, source, path.name, mapping)
    number = 0
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            number += 1
            yield Batch(number, batch, lines.offset)
            batch = []
    if batch:
        yield Batch(number + 1, batch, lines.offset)
