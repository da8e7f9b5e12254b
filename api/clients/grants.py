"""The client side of `erhverv import-grants`: upload a file to a running service, show the report.

It talks HTTP only (POST /api/v1/grants/imports with a `grants:write` token), so it runs from any
machine. Progress goes to stderr, the report to stdout.

An import is sent with an Idempotency-Key derived from the file, so sending the same file again
never applies it twice; when the connection drops before the answer, the client asks the service
whether the import was applied (GET …/imports/by-key/{key}) and says so.
"""

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, cast

import httpx
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.status import Status
from rich.table import Table
from rich.text import Text

from api.clients.http import (
    ImportFailed,
    danish_number,
    error_line,
    json_body,
    normalise_url,
    open_file,
)
from api.grants.enums import RowOutcome
from api.grants.schemas import GrantImportReport, ImportRow
from api.kit.tabular import XLSX_CONTENT_TYPE

IMPORTS_PATH = "/grants/imports"
TIMEOUT = httpx.Timeout(connect=10, read=600, write=600, pool=10)

OUTCOME_LABELS = {
    RowOutcome.created: "oprettet",
    RowOutcome.updated: "opdateret",
    RowOutcome.unchanged: "uændret",
    RowOutcome.duplicate: "dublet",
    RowOutcome.rejected: "afvist",
}
COUNT_LABELS = {
    "rows": "Rækker",
    "created": "Oprettet",
    "updated": "Opdateret",
    "unchanged": "Uændret",
    "duplicate": "Dubletter",
    "rejected": "Afvist",
}


# ------------------------------------------------------------------------------ request


def content_type(path: Path) -> str:
    """By the extension: an XLSX workbook or CSV (the server checks the content itself)."""
    return XLSX_CONTENT_TYPE if path.suffix.lower() in (".xlsx", ".xlsm") else "text/csv"


class ProgressReader:
    """A binary file whose reads advance a progress bar; httpx's multipart reads it in chunks.

    `fileno`, `seek` and `tell` are passed through so httpx learns the size (Content-Length).
    """

    def __init__(self, file: IO[bytes], on_read: Callable[[int], None], on_eof: Callable[[], None]):
        self._file = file
        self._on_read = on_read
        self._on_eof = on_eof
        self.name = getattr(file, "name", "upload")

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        if chunk:
            self._on_read(len(chunk))
        else:
            self._on_eof()
        return chunk

    def fileno(self) -> int:
        return self._file.fileno()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()


def upload(
    path: Path,
    *,
    url: str,
    token: str,
    dry_run: bool,
    mapping: str | None = None,
    all_rows: bool = False,
    console: Console | None = None,
    transport: httpx.BaseTransport | None = None,
) -> GrantImportReport:
    """Send the file to the service's import and return its report; ImportFailed otherwise.

    `console` (stderr) shows the upload's progress, then a spinner while the server works.
    """
    endpoint = normalise_url(url) + IMPORTS_PATH
    console = console or Console(stderr=True)
    file = open_file(path)
    size = os.fstat(file.fileno()).st_size
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
    )
    status = Status("Behandler filen på serveren…", console=console)
    task: TaskID = progress.add_task(f"Sender {path.name}", total=size)

    def uploaded() -> None:
        progress.update(task, completed=size)
        progress.stop()
        status.start()

    def sent(n: int) -> None:
        progress.start()  # at the first chunk, after connecting; later calls do nothing
        progress.advance(task, n)

    reader = ProgressReader(file, sent, uploaded)
    files = {"file": (path.name, cast(IO[bytes], reader), content_type(path))}
    data = {"mapping": mapping} if mapping is not None else None
    params = {"dry_run": "true" if dry_run else "false", "rows": "all" if all_rows else "problems"}
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    key = None if dry_run else idempotency_key(path, mapping)
    lost: httpx.TransportError | None = None
    try:
        with httpx.Client(timeout=TIMEOUT, transport=transport) as client:
            response = client.post(
                endpoint,
                params=params,
                files=files,
                data=data,
                headers=headers | ({"Idempotency-Key": key} if key else {}),
            )
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise ImportFailed(
            f"Kunne ikke forbinde til {endpoint}: {exc or type(exc).__name__}.",
            ["Intet blev sendt; det er sikkert at prøve igen."],
        ) from None
    except httpx.TransportError as exc:  # sent, perhaps applied, but the answer was lost
        lost = exc
    finally:
        progress.stop()
        status.stop()
        file.close()
    if lost is not None:
        return ask_whether_applied(endpoint, key, headers, lost, console, transport)
    return read_response(response)


def idempotency_key(path: Path, mapping: str | None) -> str:
    """The same file with the same header mapping gives the same key, so the service applies
    it once however often it is sent (within a day)."""
    digest = hashlib.sha256()
    with open_file(path) as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    digest.update(b"\0" + (mapping or "").encode())
    return f"grants-{digest.hexdigest()}"


def ask_whether_applied(
    endpoint: str,
    key: str | None,
    headers: dict[str, str],
    lost: httpx.TransportError,
    console: Console,
    transport: httpx.BaseTransport | None,
) -> GrantImportReport:
    """After a dropped connection: the report if the import was applied; ImportFailed saying
    whether it was, and that sending it again is safe, otherwise."""
    what = (
        "svarede ikke i tide" if isinstance(lost, httpx.TimeoutException) else "afbrød forbindelsen"
    )
    again = "Det er sikkert at køre kommandoen igen med samme fil: den bliver aldrig gemt to gange."
    if key is None:
        raise ImportFailed(f"{endpoint} {what} før svaret kom.", ["En prøvekørsel gemmer intet."])
    try:
        with httpx.Client(timeout=TIMEOUT, transport=transport) as client:
            answer = client.get(f"{endpoint}/by-key/{key}", headers=headers)
    except httpx.HTTPError:
        raise ImportFailed(
            f"{endpoint} {what}, og det kunne ikke afgøres, om importen blev gemt.", [again]
        ) from None
    if answer.status_code == 404:
        raise ImportFailed(f"{endpoint} {what}, og importen blev ikke gemt.", [again])
    report = read_response(answer)
    console.print(
        Text(
            f"{endpoint} {what}, men importen blev gemt (import nr. {report.import_id}); "
            "rapporten herunder er serverens. Den skal ikke køres igen.",
            style="yellow",
        )
    )
    return report


def read_response(response: httpx.Response) -> GrantImportReport:
    """The report of a 200 response; ImportFailed explaining any other."""
    if response.status_code == 200:
        try:
            return GrantImportReport.model_validate(response.json())
        except (ValueError, ValidationError):
            raise ImportFailed(
                f"Uventet svar fra {response.url}: det er ikke en importrapport."
            ) from None
    raise ImportFailed(*problem_lines(response))


def problem_lines(response: httpx.Response) -> tuple[str, list[str]]:
    """A refused request's message and the lines of its problem's `errors`."""
    code = response.status_code
    body = json_body(response)
    detail = str(body.get("detail") or "").strip()
    if code == 401:
        message = "Tokenet mangler eller er ugyldigt (ukendt, udløbet eller tilbagekaldt)."
    elif code == 403:
        message = "Tokenet har ikke rettigheden grants:write, som importen kræver."
    elif 300 <= code < 400:
        where = response.headers.get("location", "?")
        message = f"Serveren henviser til {where} (HTTP {code}); brug den adresse som --url."
    elif code == 409:
        message = "En anden import af samme data blev gemt samtidig; prøv igen om lidt."
    elif code == 404 and not body:
        message = f"{response.url} findes ikke (HTTP 404); er --url serverens adresse?"
    else:
        message = f"Importen blev afvist (HTTP {code})."
    details = [f"Serveren: {detail}"] if detail else []
    if not body and not detail and response.text.strip() and code >= 500:
        details.append(response.text.strip()[:300])
    errors = body.get("errors")
    if isinstance(errors, list):
        details.extend(error_line(error) for error in errors if isinstance(error, dict))
    return message, details


# ------------------------------------------------------------------------------- report


def header_line(report: GrantImportReport) -> str:
    if report.dry_run:
        return f"{report.filename}: prøvekørsel (intet gemt)"
    return f"{report.filename}: import nr. {report.import_id} gemt"


def row_message(row: ImportRow) -> str:
    """The row's messages joined, each as 'Column: message' where the file's column is known."""
    return "; ".join(f"{m.column}: {m.message}" if m.column else m.message for m in row.messages)


def render_report(report: GrantImportReport, console: Console) -> None:
    """The header, the counts and the listed rows, as tables."""
    console.print(Text(header_line(report), style="bold"))
    if report.ignored_columns:
        console.print(Text(f"Ignorerede kolonner: {', '.join(report.ignored_columns)}"))
    counts = Table(show_header=True)
    for label in COUNT_LABELS.values():
        counts.add_column(label, justify="right")
    values = report.counts.model_dump()
    counts.add_row(*(danish_number(values[name]) for name in COUNT_LABELS))
    console.print(counts)
    if not report.rows:
        console.print(Text("Ingen rækker med problemer eller ændringer."))
        return
    rows = Table(show_header=True)
    rows.add_column("Række", justify="right")
    rows.add_column("Resultat")
    rows.add_column("Reference")
    rows.add_column("CVR")
    rows.add_column("Besked")
    for row in report.rows:
        rows.add_row(
            Text(str(row.row)),
            Text(OUTCOME_LABELS[row.outcome]),
            Text(row.reference or ""),
            Text(row.cvr or ""),
            Text(row_message(row)),
        )
    console.print(rows)


def exit_code(report: GrantImportReport) -> int:
    """0 when every row was accepted, 1 when some were rejected or duplicates."""
    return 1 if report.counts.rejected or report.counts.duplicate else 0


def problem_summary(report: GrantImportReport) -> str | None:
    """One line on the rows not imported, or None when there are none."""
    rejected, duplicate = report.counts.rejected, report.counts.duplicate
    parts = []
    if rejected:
        parts.append(f"{danish_number(rejected)} {'række' if rejected == 1 else 'rækker'} afvist")
    if duplicate:
        parts.append(f"{danish_number(duplicate)} {'dublet' if duplicate == 1 else 'dubletter'}")
    if not parts:
        return None
    outcome = "ville ikke blive importeret" if report.dry_run else "er ikke importeret"
    return f"{' og '.join(parts)}; de {outcome}."


def run_import(
    path: Path,
    *,
    url: str,
    token: str,
    dry_run: bool,
    mapping: str | None = None,
    all_rows: bool = False,
    out: Console | None = None,
    err: Console | None = None,
) -> int:
    """Upload, print the report, and return the exit code (2: the import did not run)."""
    out = out or Console(highlight=False)
    err = err or Console(stderr=True, highlight=False)
    try:
        report = upload(
            path,
            url=url,
            token=token,
            dry_run=dry_run,
            mapping=mapping,
            all_rows=all_rows,
            console=err,
        )
    except ImportFailed as exc:
        err.print(Text(f"Fejl: {exc.message}", style="bold red"))
        for line in exc.details:
            err.print(Text(f"  {line}"))
        return 2
    render_report(report, out)
    summary = problem_summary(report)
    if summary:
        err.print(Text(summary, style="yellow"))
    return exit_code(report)
