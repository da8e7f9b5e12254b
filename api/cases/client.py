"""The client side of `erhverv push-cases`: send a file of cases to a running service in batches.

A reference for the case system's developers. It reads CSV or JSON lines as a stream, sends
each batch to POST /api/v1/cases/batch with a `cases:write` token, and retries a batch after a
network error, a 5xx or a 429 — safe, because the contract is idempotent: a batch the server
applied before the answer was lost comes back as `unchanged`. Progress goes to stderr, the
summary to stdout.
"""

import csv
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any, Literal

import httpx
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from api.cases.enums import ItemOutcome
from api.cases.schemas import (
    MAX_BATCH,
    BatchResult,
    CaseBatchItem,
    ItemError,
    ItemResult,
    SourceName,
)
from api.grants.client import ImportFailed, normalise_url, open_file

BATCH_PATH = "/cases/batch"
TIMEOUT = httpx.Timeout(connect=10, read=120, write=60, pool=10)
FIRST_DELAY = 0.5  # seconds before the first new attempt; doubled each time
MAX_DELAY = 30.0
MAX_RETRY_AFTER = 300.0  # a server asking for longer than this is waited on for this long
# 409: two writers raced on the same new cases and nothing was applied; the server says to resend.
RETRY_STATUSES = frozenset({408, 409, 429})
LIST_LIMIT = 1000  # rejected and stale items listed; the rest are only counted

FIELDS = tuple(CaseBatchItem.model_fields)
REQUIRED = tuple(name for name, info in CaseBatchItem.model_fields.items() if info.is_required())
BOOLEAN_FIELDS = frozenset({"is_business", "counts_toward_target"})
INTEGER_FIELDS = frozenset({"paused_days"})
TRUE = frozenset({"true", "1", "ja", "yes"})
FALSE = frozenset({"false", "0", "nej", "no"})
BOM = b"\xef\xbb\xbf"

COUNT_LABELS = {
    "items": "Sager",
    "created": "Oprettet",
    "updated": "Opdateret",
    "unchanged": "Uændret",
    "stale": "Forældet",
    "rejected": "Afvist",
    "batches": "Batches",
    "retries": "Nye forsøg",
}
OUTCOME_LABELS = {ItemOutcome.rejected: "afvist", ItemOutcome.stale: "forældet"}

Sleep = Callable[[float], None]
Format = Literal["csv", "jsonl"]


# --------------------------------------------------------------------------------- file


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


def jsonl_records(lines: LineReader, source: str | None) -> Iterator[Record]:
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
        yield Record(number, fill_source(value, source))


def csv_records(lines: LineReader, source: str | None, name: str) -> Iterator[Record]:
    """One record per row: cells by the header's field names, empty cells left out."""
    rows = iter(lines)
    header_line = next((text for text in rows if text.strip()), None)
    if header_line is None:
        return
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    header = [cell.strip().lower() for cell in next(csv.reader([header_line], delimiter=delimiter))]
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
        details.append(f"Ukendte kolonner: {', '.join(unknown)}.")
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


def batches(path: Path, file: IO[bytes], source: str | None, size: int) -> Iterator[Batch]:
    """The file's records, `size` at a time, read as they are needed."""
    lines = LineReader(file)
    if file_format(path, file) == "jsonl":
        records = jsonl_records(lines, source)
    else:
        records = csv_records(lines, source, path.name)
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


# ------------------------------------------------------------------------------- report


@dataclass
class Listed:
    line: int
    outcome: ItemOutcome
    source: str | None
    external_id: str | None
    message: str


@dataclass
class PushReport:
    """What the push has done so far; complete when it ran to the end."""

    filename: str
    endpoint: str = ""
    items: int = 0
    counts: Counter[ItemOutcome] = field(default_factory=Counter)
    batches: int = 0
    retries: int = 0
    listed: list[Listed] = field(default_factory=list)
    unlisted: int = 0

    def note(self, record: Record, outcome: ItemOutcome, message: str, **key: Any) -> None:
        """Count an item and list it if it was rejected or stale."""
        self.counts[outcome] += 1
        if outcome not in OUTCOME_LABELS:
            return
        if len(self.listed) >= LIST_LIMIT:
            self.unlisted += 1
            return
        item = record.item if isinstance(record.item, dict) else {}
        source = key.get("source", _text(item.get("source")))
        external_id = key.get("external_id", _text(item.get("external_id")))
        self.listed.append(Listed(record.line, outcome, source, external_id, message))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def error_text(errors: list[ItemError]) -> str:
    return "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in errors)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _cases(value: int) -> str:
    return f"{_number(value)} {'sag' if value == 1 else 'sager'}"


def render_report(report: PushReport, console: Console, *, stopped: bool = False) -> None:
    """The totals, then the rejected and stale items with their line in the file."""
    state = "stoppet undervejs" if stopped else "færdig"
    console.print(Text(f"{report.filename} → {report.endpoint}: {state}", style="bold"))
    values = {
        "items": report.items,
        **{outcome.value: report.counts[outcome] for outcome in ItemOutcome},
        "batches": report.batches,
        "retries": report.retries,
    }
    totals = Table(show_header=True)
    for label in COUNT_LABELS.values():
        totals.add_column(label, justify="right")
    totals.add_row(*(_number(values[name]) for name in COUNT_LABELS))
    console.print(totals)
    if report.retries:
        console.print(
            Text("Efter nye forsøg kan sager, som serveren allerede havde gemt, stå som uændrede.")
        )
    if not report.listed:
        return
    listing = Table(show_header=True, title="Afviste og forældede sager")
    listing.add_column("Linje", justify="right")
    listing.add_column("Resultat")
    listing.add_column("Kilde")
    listing.add_column("Sags-id")
    listing.add_column("Fejl")
    for entry in report.listed:
        listing.add_row(
            Text(str(entry.line)),
            Text(OUTCOME_LABELS[entry.outcome]),
            Text(entry.source or ""),
            Text(entry.external_id or ""),
            Text(entry.message),
        )
    console.print(listing)
    if report.unlisted:
        console.print(Text(f"… og {_number(report.unlisted)} mere, som ikke er vist."))


def exit_code(report: PushReport) -> int:
    """0 when every item was accepted (stale included: the server has newer data), else 1."""
    return 1 if report.counts[ItemOutcome.rejected] else 0


# ------------------------------------------------------------------------------ sending


def refusal(response: httpx.Response, batch: Batch) -> ImportFailed:
    """Why the server refused a batch as a whole (a 4xx not worth retrying)."""
    code = response.status_code
    body = _json(response)
    detail = str(body.get("detail") or "").strip()
    if code == 401:
        message = (
            "Tokenet mangler eller er ugyldigt (ukendt, udløbet eller tilbagekaldt); "
            "der skal et token med rettigheden cases:write til."
        )
    elif code == 403:
        message = "Tokenet har ikke rettigheden cases:write, som overførsel af sager kræver."
    elif 300 <= code < 400:
        where = response.headers.get("location", "?")
        message = f"Serveren henviser til {where} (HTTP {code}); brug den adresse som --url."
    elif code == 404 and not body:
        message = f"{response.url} findes ikke (HTTP 404); er --url serverens adresse?"
    else:
        message = f"Serveren afviste batch {batch.number} (HTTP {code})."
    details = [f"Serveren: {detail}"] if detail else []
    errors = body.get("errors")
    if isinstance(errors, list):
        details.extend(
            f"felt {e['field']}: {e.get('message', '')}"
            if e.get("field")
            else str(e.get("message"))
            for e in errors
            if isinstance(e, dict)
        )
    return ImportFailed(message, details)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def retry_after(response: httpx.Response) -> float | None:
    """The server's Retry-After in seconds (a number or an HTTP date), if it sent one."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def backoff(attempt: int) -> float:
    """The wait before new attempt number `attempt` (1, 2, …): 0.5 s, 1, 2, 4, … at most 30."""
    return min(FIRST_DELAY * 2 ** (attempt - 1), MAX_DELAY)


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def send(
    client: httpx.Client,
    endpoint: str,
    batch: Batch,
    items: list[Any],
    *,
    retries: int,
    report: PushReport,
    err: Console,
    sleep: Sleep,
) -> BatchResult:
    """Post one batch, trying again after a network error, a 5xx, 408, 409 or 429."""
    lines = f"linje {batch.records[0].line}–{batch.records[-1].line}"
    for attempt in range(retries + 1):
        wait: float | None = None
        try:
            response = client.post(endpoint, json={"items": items})
        except httpx.TimeoutException:
            problem = "serveren svarede ikke i tide"
        except httpx.TransportError as exc:
            problem = f"ingen forbindelse ({str(exc) or type(exc).__name__})"
        else:
            if response.status_code == 200:
                return read_result(response, batch, len(items))
            if response.status_code < 500 and response.status_code not in RETRY_STATUSES:
                raise refusal(response, batch)
            problem = f"serveren svarede HTTP {response.status_code}"
            wait = retry_after(response)
        if attempt == retries:
            raise ImportFailed(
                f"Batch {batch.number} ({lines}) kom ikke igennem til {endpoint}: {problem}.",
                [
                    f"Opgivet efter {retries} {'nyt forsøg' if retries == 1 else 'nye forsøg'}.",
                    "Det er sikkert at sende hele filen igen: sager, som serveren allerede har, "
                    "bliver uændrede.",
                ],
            )
        delay = backoff(attempt + 1) if wait is None else wait
        report.retries += 1
        err.print(
            Text(
                f"Batch {batch.number} ({lines}): {problem}; prøver igen om "
                f"{_seconds(delay)} s (forsøg {attempt + 2} af {retries + 1}).",
                style="yellow",
            )
        )
        sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def read_result(response: httpx.Response, batch: Batch, sent: int) -> BatchResult:
    """The batch's answer, one item per item sent; ImportFailed when it is something else."""
    try:
        result = BatchResult.model_validate(response.json())
    except (ValueError, ValidationError):
        result = None
    if result is None or sorted(item.index for item in result.items) != list(range(sent)):
        raise ImportFailed(
            f"Uventet svar fra {response.url} på batch {batch.number}: det er ikke et "
            "svar på batchen."
        )
    return result


def push(
    path: Path,
    report: PushReport,
    *,
    url: str,
    token: str,
    source: str | None = None,
    batch_size: int = MAX_BATCH,
    retries: int = 5,
    err: Console | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Sleep = time.sleep,
) -> None:
    """Send the file batch by batch, filling in `report`; ImportFailed when the push stops."""
    err = err or Console(stderr=True)
    if not 1 <= batch_size <= MAX_BATCH:
        raise ImportFailed(f"--batch-size skal være mellem 1 og {MAX_BATCH}, ikke {batch_size}.")
    if retries < 0:
        raise ImportFailed(f"--retries kan ikke være negativ ({retries}).")
    if source is not None:
        try:
            TypeAdapter(SourceName).validate_python(source)
        except ValidationError:
            raise ImportFailed(
                f"--source {source!r} er ikke et gyldigt kildenavn: bogstaver, tal, . _ og -, "
                "højst 50 tegn."
            ) from None
    base = normalise_url(url)
    endpoint = base + BATCH_PATH
    report.endpoint = base
    file = open_file(path)
    size = os.fstat(file.fileno()).st_size or None
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[items]} sager"),
        TimeElapsedColumn(),
        console=err,
    )
    task = progress.add_task(f"Sender {path.name}", total=size, items=0)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    try:
        with (
            httpx.Client(timeout=TIMEOUT, transport=transport, headers=headers) as client,
            progress,
        ):
            for batch in batches(path, file, source, batch_size):
                sendable = [record for record in batch.records if record.item is not None]
                answers: dict[int, ItemResult] = {}  # by id() of the record
                if sendable:
                    items = [record.item for record in sendable]
                    result = send(
                        client, endpoint, batch, items,
                        retries=retries, report=report, err=err, sleep=sleep,
                    )  # fmt: skip
                    report.batches += 1
                    answers = {id(sendable[answer.index]): answer for answer in result.items}
                for record in batch.records:  # in the file's order
                    answer = answers.get(id(record))
                    if answer is None:
                        report.note(record, ItemOutcome.rejected, record.problem or "")
                        continue
                    report.note(
                        record,
                        answer.outcome,
                        error_text(answer.errors),
                        source=answer.source,
                        external_id=answer.external_id,
                    )
                report.items += len(batch.records)
                progress.update(task, completed=batch.end, items=_number(report.items))
    except OSError as exc:
        raise ImportFailed(
            f"Kan ikke læse filen {path}: {exc.strerror or exc}.",
            ["Sagerne før fejlen er sendt; det er sikkert at sende hele filen igen."],
        ) from None
    finally:
        file.close()


def run_push(
    path: Path,
    *,
    url: str,
    token: str,
    source: str | None = None,
    batch_size: int = MAX_BATCH,
    retries: int = 5,
    out: Console | None = None,
    err: Console | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Sleep = time.sleep,
) -> int:
    """Push, print the summary, and return the exit code (2: the push stopped)."""
    out = out or Console(highlight=False)
    err = err or Console(stderr=True, highlight=False)
    report = PushReport(filename=path.name)
    try:
        push(
            path, report,
            url=url, token=token, source=source, batch_size=batch_size, retries=retries,
            err=err, transport=transport, sleep=sleep,
        )  # fmt: skip
    except ImportFailed as exc:
        if report.batches:
            render_report(report, out, stopped=True)
        err.print(Text(f"Fejl: {exc.message}", style="bold red"))
        for line in exc.details:
            err.print(Text(f"  {line}"))
        return 2
    render_report(report, out)
    rejected, stale = report.counts[ItemOutcome.rejected], report.counts[ItemOutcome.stale]
    if rejected:
        err.print(Text(f"{_cases(rejected)} afvist; de er ikke gemt.", style="yellow"))
    if stale:
        err.print(Text(f"{_cases(stale)} forældet: serveren har nyere data."))
    if not report.items:
        err.print(Text(f"Ingen sager i {path.name}."))
    return exit_code(report)
