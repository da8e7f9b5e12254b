"""The client side of `erhverv push-cases`: send a file of cases to a running service in batches.

A reference for the case system's developers. It reads CSV or JSON lines as a stream
(`client_file`), renaming the case system's own field names with `--map`/`--map-file`, sends
each batch to POST /api/v1/cases/batch with a `cases:write` token, one batch after the other in
the file's order (so a case's updates arrive in order at any batch size), and retries a batch
after a network error, a 5xx or a 429 — safe, because the contract is idempotent: a batch the
server applied before the answer was lost comes back as `unchanged`. Progress goes to stderr,
the summary (`client_report`) to stdout.
"""

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
from rich.text import Text

from api.cases.enums import ItemOutcome
from api.cases.schemas import MAX_BATCH, BatchResult, ItemResult, SourceName
from api.clients.cases_file import Batch, batches
from api.clients.cases_map import parse_map
from api.clients.cases_report import (
    PushReport,
    error_text,
    exit_code,
    render_closing,
    render_report,
)
from api.clients.http import (
    ImportFailed,
    backoff,
    danish_number,
    error_line,
    json_body,
    normalise_url,
    open_file,
    retry_after,
)

BATCH_PATH = "/cases/batch"
TIMEOUT = httpx.Timeout(connect=10, read=120, write=60, pool=10)
# 409: two writers raced on the same new cases and nothing was applied; the server says to resend.
RETRY_STATUSES = frozenset({408, 409, 429})

Sleep = Callable[[float], None]


# ------------------------------------------------------------------------------ sending


def refusal(response: httpx.Response, batch: Batch) -> ImportFailed:
    """Why the server refused a batch as a whole (a 4xx not worth retrying)."""
    code = response.status_code
    body = json_body(response)
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
        details.extend(error_line(e) for e in errors if isinstance(e, dict))
    return ImportFailed(message, details)


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
    maps: Sequence[str] = (),
    map_file: Path | None = None,
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
    mapping = parse_map(maps, map_file)
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
            for batch in batches(path, file, source, batch_size, mapping):
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
                progress.update(task, completed=batch.end, items=danish_number(report.items))
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
    maps: Sequence[str] = (),
    map_file: Path | None = None,
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
            maps=maps, map_file=map_file, err=err, transport=transport, sleep=sleep,
        )  # fmt: skip
    except ImportFailed as exc:
        if report.batches:
            render_report(report, out, stopped=True)
        err.print(Text(f"Fejl: {exc.message}", style="bold red"))
        for line in exc.details:
            err.print(Text(f"  {line}"))
        return 2
    render_report(report, out)
    render_closing(report, path.name, out, err)
    return exit_code(report)
