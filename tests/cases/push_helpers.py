"""Helpers of the push-cases tests: cases to write as CSV or JSON lines, the command run in
process or directly, and reading back the report and what the live server stored."""

import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from typer.testing import CliRunner, Result

from api.cli import app
from api.clients.cases import run_push
from api.clients.cases_file import FIELDS
from tests.events.helpers import valid_cvr
from tests.live_server import LiveServer

COUNT_LABELS = ["Sager", "Oprettet", "Opdateret", "Uændret", "Forældet", "Afvist", "Batches",
                "Nye forsøg"]  # fmt: skip
CVRS = [valid_cvr(7000 + n) for n in range(20)]  # numbers no other test here uses
UPDATED = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
KINDS = ["building_permit", "change_of_use", "demolition", "other"]
DECISIONS = ["granted", "conditional", "refused", "withdrawn"]


# ------------------------------------------------------------------------------- helpers


def case(external_id: str, n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A valid case, varied by n; every date in 2026 before November."""
    received = date(2026, 1, 2) + timedelta(days=n % 200)
    complete = received + timedelta(days=n % 5)
    decided = complete + timedelta(days=10 + n % 30) if n % 3 else None
    body: dict[str, Any] = {
        "external_id": external_id,
        "kind": KINDS[n % 4],
        "is_business": n % 2 == 0,
        "received_on": received.isoformat(),
        "complete_on": complete.isoformat(),
        "decided_on": decided.isoformat() if decided else None,
        "decision": DECISIONS[n % 4] if decided else None,
        "paused_days": n % 5,
        "counts_toward_target": n % 7 != 0,
        "company_cvr": CVRS[n % 20] if n % 2 == 0 else None,
        "source_updated_at": (UPDATED + timedelta(minutes=n)).isoformat(),
    }
    return body | overrides


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


def write_csv(path: Path, items: list[dict[str, Any]], sep: str = ";", bom: bool = True) -> Path:
    columns = [name for name in FIELDS if any(name in item for item in items)]
    lines = [sep.join(columns)]
    lines += [sep.join(cell(item.get(name)) for name in columns) for item in items]
    path.write_text(("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """The command in-process; a wide terminal so table cells are not wrapped."""
    return CliRunner().invoke(app, ["push-cases", *args], env={"COLUMNS": "250", **(env or {})})


def run_against(server: LiveServer, file: Path, *args: str, token: str | None = None) -> Result:
    return run(str(file), "--url", server.url, "--token", token or server.token, *args)


@dataclass
class Direct:
    code: int
    stdout: str
    stderr: str
    sleeps: list[float]


def push_direct(
    file: Path, url: str, token: str, transport: httpx.BaseTransport | None = None, **options: Any
) -> Direct:
    """run_push with a transport and a sleep that only records, the consoles captured."""
    out, err, sleeps = io.StringIO(), io.StringIO(), []
    code = run_push(
        file,
        url=url,
        token=token,
        out=Console(file=out, width=250, highlight=False),
        err=Console(file=err, width=250, highlight=False),
        transport=transport,
        sleep=sleeps.append,
        **options,
    )
    return Direct(code, out.getvalue(), err.getvalue(), sleeps)


def counts(output: str) -> dict[str, int]:
    """The totals table: the row of numbers below the header naming the labels."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if "Oprettet" in line and "Afvist" in line)
    data = next(line for line in lines[start + 1 :] if re.search(r"\d", line))
    cells = [cell.strip() for cell in re.split(r"[│┃]", data) if cell.strip()]
    return {
        label: int(cell.replace(".", "")) for label, cell in zip(COUNT_LABELS, cells, strict=True)
    }


def totals(**given: int) -> dict[str, int]:
    names = dict(zip(["items", "created", "updated", "unchanged", "stale", "rejected", "batches",
                      "retries"], COUNT_LABELS, strict=True))  # fmt: skip
    return {label: given.get(name, 0) for name, label in names.items()}


def listed(output: str, line: int) -> str:
    """The row of the rejected/stale table for the file's line."""
    listing = output[output.index("Afviste og forældede sager") :]
    found = [row for row in listing.splitlines() if re.match(rf"│\s+{line} │", row)]
    assert len(found) == 1, output
    return found[0]


def stored(server: LiveServer, source: str) -> list[dict[str, Any]]:
    """Every case of the source as the API shows it, without ids, source and timestamps."""
    rows: list[dict[str, Any]] = []
    while True:
        response = httpx.get(
            f"{server.url}/api/v1/cases",
            params={"source": source, "limit": 500, "offset": len(rows)},
            headers={"Authorization": f"Bearer {server.read_token}"},
        )
        assert response.status_code == 200, response.text
        page = response.json()
        rows += page["items"]
        if len(rows) >= page["total"]:
            break
    drop = {"id", "source", "created_at", "updated_at"}
    return sorted(
        ({k: v for k, v in row.items() if k not in drop} for row in rows),
        key=lambda row: row["external_id"],
    )


def one(server: LiveServer, source: str, external_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"{server.url}/api/v1/cases/{source}/{external_id}",
        headers={"Authorization": f"Bearer {server.read_token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
