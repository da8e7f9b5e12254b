"""`erhverv push-cases` against a live server: batches, retries through faults, the exit codes."""

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from api.auth.permissions import Scope
from api.cases.client import FIELDS, backoff, csv_item, retry_after, run_push
from api.cli import app
from tests.events.helpers import valid_cvr
from tests.live_server import LiveServer, free_socket, live_server

COUNT_LABELS = ["Sager", "Oprettet", "Opdateret", "Uændret", "Forældet", "Afvist", "Batches",
                "Nye forsøg"]  # fmt: skip
CVRS = [valid_cvr(7000 + n) for n in range(20)]  # numbers no other test here uses
UPDATED = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
KINDS = ["building_permit", "change_of_use", "demolition", "other"]
DECISIONS = ["granted", "conditional", "refused", "withdrawn"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving create_app() on a fresh SQLite file, once for the module."""
    with live_server(
        tmp_path_factory.mktemp("live-cases"), "Sagssystem", Scope.cases_write
    ) as running:
        yield running


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


# ------------------------------------------------------------------------------ the units


def test_the_backoff_doubles_from_half_a_second_and_is_capped() -> None:
    assert [backoff(n) for n in range(1, 9)] == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_retry_after_in_seconds_or_as_a_date() -> None:
    def answer(value: str) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": value})

    assert retry_after(answer("7")) == 7
    assert retry_after(httpx.Response(503)) is None
    assert retry_after(answer("soon")) is None
    assert retry_after(answer("99999")) == 300  # capped
    later = datetime.now(UTC) + timedelta(seconds=60)
    assert 55 < (retry_after(answer(later.strftime("%a, %d %b %Y %H:%M:%S GMT"))) or 0) <= 60


def test_a_csv_row_becomes_the_json_item() -> None:
    header = ["external_id", "is_business", "counts_toward_target", "paused_days", "decision", ""]
    assert csv_item(header, [" A-1 ", "Ja", "0", "3", "", "ignored"]) == {
        "external_id": "A-1",
        "is_business": True,
        "counts_toward_target": False,
        "paused_days": 3,
    }
    # what is neither is sent as written, for the server to name the field
    assert csv_item(header, ["A-2", "måske", "nej", "tre"]) == {
        "external_id": "A-2",
        "is_business": "måske",
        "counts_toward_target": False,
        "paused_days": "tre",
    }


# --------------------------------------------------------------------- against the server


def test_a_csv_file_is_pushed_and_pushing_it_again_changes_nothing(
    server: LiveServer, tmp_path: Path
) -> None:
    items = [case(f"CSV-{n}", n) for n in range(7)]
    file = write_csv(tmp_path / "sager.csv", items)  # ; and a BOM; source from --source

    first = run_against(server, file, "--source", "csv-sys", "--batch-size", "3")

    assert first.exit_code == 0, first.output
    assert counts(first.stdout) == totals(items=7, created=7, batches=3)
    assert "Afviste og forældede" not in first.stdout
    progress = next(line for line in first.stderr.splitlines() if "Sender sager.csv" in line)
    assert "100%" in progress and "7 sager" in progress
    rows = stored(server, "csv-sys")
    assert [row["external_id"] for row in rows] == [f"CSV-{n}" for n in range(7)]
    assert rows[0]["is_business"] is True and rows[1]["is_business"] is False  # ja / nej
    assert rows[0]["company_cvr"] == CVRS[0] and rows[1]["company_cvr"] is None  # empty cell
    assert rows[0]["decided_on"] is None and rows[1]["decided_on"] == items[1]["decided_on"]
    assert rows[3]["paused_days"] == 3 and rows[3]["kind"] == "other"

    again = run_against(server, file, "--source", "csv-sys", "--batch-size", "3")

    assert again.exit_code == 0, again.output
    assert counts(again.stdout) == totals(items=7, unchanged=7, batches=3)
    assert stored(server, "csv-sys") == rows


def test_a_comma_csv_without_bom_where_empty_cells_take_the_defaults(
    server: LiveServer, tmp_path: Path
) -> None:
    items = [
        {"source": "komma", "external_id": "K-1", "is_business": "1",
         "received_on": "2026-03-02", "source_updated_at": "2026-03-02T08:00:00",
         "kind": None, "paused_days": None, "counts_toward_target": None},
    ]  # fmt: skip
    file = write_csv(tmp_path / "komma.csv", items, sep=",", bom=False)

    result = run_against(server, file)

    assert result.exit_code == 0, result.output
    assert counts(result.stdout)["Oprettet"] == 1
    stored_case = one(server, "komma", "K-1")
    assert stored_case["kind"] == "building_permit"
    assert stored_case["paused_days"] == 0
    assert stored_case["counts_toward_target"] is True
    assert stored_case["source_updated_at"] == "2026-03-02T08:00:00Z"  # no zone: UTC


def test_a_json_lines_file_found_by_its_content_with_url_and_token_from_the_environment(
    server: LiveServer, tmp_path: Path
) -> None:
    items = [case(f"J-{n}", n, source="jsonl-sys") for n in range(4)]
    items[2]["source"] = None  # --source fills it
    file = write_jsonl(tmp_path / "eksport.dat", items)

    result = run(
        str(file),
        "--source",
        "jsonl-sys",
        env={"ERHVERV_URL": f"{server.url}/api/v1/", "ERHVERV_TOKEN": server.token},
    )

    assert result.exit_code == 0, result.output
    assert counts(result.stdout) == totals(items=4, created=4, batches=1)
    assert [row["external_id"] for row in stored(server, "jsonl-sys")] == [
        "J-0",
        "J-1",
        "J-2",
        "J-3",
    ]


def test_an_older_update_is_stale_exits_0_and_leaves_the_stored_case(
    server: LiveServer, tmp_path: Path
) -> None:
    newer = case("S-1", 4, source="stale-sys", source_updated_at="2026-10-05T10:00:00+00:00")
    assert run_against(server, write_jsonl(tmp_path / "ny.jsonl", [newer])).exit_code == 0
    before = one(server, "stale-sys", "S-1")
    older = newer | {"decision": "refused", "source_updated_at": "2026-10-04T10:00:00+00:00"}

    result = run_against(server, write_jsonl(tmp_path / "gammel.jsonl", [older]))

    assert result.exit_code == 0, result.output
    assert counts(result.stdout) == totals(items=1, stale=1, batches=1)
    row = listed(result.stdout, 1)
    assert re.search(r"│ forældet\s+│ stale-sys\s+│ S-1\s+│ source_updated_at: the stored", row)
    assert "1 sag forældet: serveren har nyere data." in result.stderr
    assert one(server, "stale-sys", "S-1") == before


def test_bad_items_exit_1_and_are_listed_by_line_with_the_field(
    server: LiveServer, tmp_path: Path
) -> None:
    backwards = case("B-2", 1, decided_on="2026-01-01", received_on="2026-02-01")
    backwards.pop("complete_on")
    missing = case("B-3", 2)
    missing.pop("is_business")
    file = tmp_path / "fejl.jsonl"
    file.write_text(
        "\n".join(
            [
                json.dumps(case("B-1", 0)),
                json.dumps(backwards),
                "",  # blank lines are skipped but counted
                json.dumps(missing),
                '{"external_id": "B-4", ',
                "[1, 2]",
                json.dumps(case("B-5", 5)),
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    result = run_against(server, file, "--source", "bad-sys")

    assert result.exit_code == 1, result.output
    assert counts(result.stdout) == totals(items=6, created=2, rejected=4, batches=1)
    assert re.search(
        r"│ afvist\s+│ bad-sys\s+│ B-2\s+│ decided_on: the case cannot be decided before it was",
        listed(result.stdout, 2),
    )
    assert re.search(r"│ B-3\s+│ is_business: Field required", listed(result.stdout, 4))
    assert re.search(
        r"│ afvist\s+│\s+│\s+│ ikke gyldig JSON: .* \(tegn 24\)", listed(result.stdout, 5)
    )
    lines = [int(row.split("│")[1]) for row in result.stdout.splitlines() if "afvist " in row]
    assert "an item must be a JSON object" in listed(result.stdout, 6)  # answered on its own
    assert lines == [2, 4, 5, 6]  # in the file's order
    assert "4 sager afvist; de er ikke gemt." in result.stderr
    assert [row["external_id"] for row in stored(server, "bad-sys")] == ["B-1", "B-5"]
    no_traceback(result)


# ------------------------------------------------------------------- a fault in the middle


class Faulty(httpx.BaseTransport):
    """The real transport, but the n-th batch goes wrong once: its answer is lost after the
    server applied it ("lost"), or the server is 'unavailable' before it sees it ("503")."""

    def __init__(self, fault: str, on: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.fault = fault
        self.on = on
        self.posts = 0
        self.faults = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/cases/batch"):
            self.posts += 1
        if self.posts != self.on or self.faults:
            return self.inner.handle_request(request)
        self.faults += 1
        if self.fault == "503":
            return httpx.Response(503, headers={"Retry-After": "3"}, request=request)
        response = self.inner.handle_request(request)
        response.read()
        response.close()
        raise httpx.ReadError("connection reset by peer", request=request)

    def close(self) -> None:
        self.inner.close()


def big_file(folder: Path, fmt: str) -> Path:
    """2,500 lines: 2,300 cases, then newer versions of 100 and older versions of 100."""
    items = [case(f"F-{n:05d}", n) for n in range(2300)]
    items += [
        case(f"F-{n:05d}", n + 1, source_updated_at="2026-10-20T00:00:00Z") for n in range(100)
    ]
    items += [
        case(f"F-{n:05d}", n + 1, source_updated_at="2026-09-01T00:00:00Z")
        for n in range(1000, 1100)
    ]  # fmt: skip
    if fmt == "jsonl":
        return write_jsonl(folder / "mange.jsonl", items)
    return write_csv(folder / "mange.csv", items)


@pytest.mark.parametrize(
    ("fault", "fmt", "expected_sleeps", "created", "unchanged"),
    [
        ("lost", "jsonl", [0.5], 1800, 500),  # the retried batch had been applied: unchanged
        ("503", "csv", [3.0], 2300, 0),  # Retry-After honoured
    ],
)
def test_a_fault_in_the_middle_is_retried_and_ends_as_a_clean_run(
    server: LiveServer,
    tmp_path: Path,
    fault: str,
    fmt: str,
    expected_sleeps: list[float],
    created: int,
    unchanged: int,
) -> None:
    file = big_file(tmp_path, fmt)
    transport = Faulty(fault, on=3)

    faulty = push_direct(
        file, server.url, server.token, transport, source=f"fault-{fault}", batch_size=500
    )

    assert transport.faults == 1 and transport.posts == 6
    assert faulty.code == 0, faulty.stdout + faulty.stderr
    assert faulty.sleeps == expected_sleeps
    assert re.search(r"Batch 3 \(linje \d+–\d+\): .*prøver igen .*\(forsøg 2 af 6\)", faulty.stderr)
    assert counts(faulty.stdout) == totals(
        items=2500, created=created, unchanged=unchanged, updated=100, stale=100,
        batches=5, retries=1,
    )  # fmt: skip

    clean = run_against(server, file, "--source", f"clean-{fault}", "--batch-size", "500")

    assert clean.exit_code == 0, clean.output
    assert counts(clean.stdout) == totals(
        items=2500, created=2300, updated=100, stale=100, batches=5
    )
    after_fault, after_clean = stored(server, f"fault-{fault}"), stored(server, f"clean-{fault}")
    assert len(after_fault) == 2300
    assert after_fault == after_clean
    assert after_fault[0]["source_updated_at"] == "2026-10-20T00:00:00Z"  # the newer version won
    assert after_fault[1000]["source_updated_at"] == "2026-10-02T04:40:00Z"  # the older did not
    stale_row = listed(faulty.stdout, 2402 if fmt == "csv" else 2401)  # the CSV has a header
    assert "forældet" in stale_row and "F-01000" in stale_row


# ---------------------------------------------------------------------- the push stops: 2


def test_a_token_without_cases_write_exits_2(server: LiveServer, tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "sager.jsonl", [case("R-1", source="read-sys")])

    result = run_against(server, file, token=server.read_token)

    assert result.exit_code == 2, result.output
    assert "Tokenet har ikke rettigheden cases:write" in result.stderr
    assert "This needs the 'cases:write' permission" in result.stderr  # the server's detail
    assert result.stdout == ""
    assert stored(server, "read-sys") == []
    no_traceback(result)


def test_an_unknown_token_exits_2_naming_cases_write(server: LiveServer, tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "sager.jsonl", [case("U-1", source="unknown-sys")])

    result = run_against(server, file, token="erh_nope_nope")

    assert result.exit_code == 2, result.output
    assert "Tokenet mangler eller er ugyldigt" in result.stderr
    assert "cases:write" in result.stderr
    no_traceback(result)


def test_a_closed_port_exits_2_after_the_retries(tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "sager.jsonl", [case("C-1", source="closed")])
    with free_socket() as sock:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, never listening: refused

        direct = push_direct(file, url, "erh_x_y")
        result = run(str(file), "--url", url, "--token", "erh_x_y", "--retries", "0")

    assert direct.code == 2
    assert direct.sleeps == [0.5, 1, 2, 4, 8]
    assert direct.stderr.count("prøver igen") == 5
    assert f"Batch 1 (linje 1–1) kom ikke igennem til {url}/api/v1/cases/batch" in direct.stderr
    assert "Opgivet efter 5 nye forsøg." in direct.stderr
    assert direct.stdout == ""
    assert "Traceback" not in direct.stderr
    assert result.exit_code == 2, result.output
    assert "ingen forbindelse" in result.stderr
    no_traceback(result)


def test_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "findes-ikke.csv"

    result = run(str(missing), "--url", "http://127.0.0.1:9", "--token", "erh_x_y")

    assert result.exit_code == 2, result.output
    assert f"Kan ikke læse filen {missing}: filen findes ikke." in result.stderr
    no_traceback(result)


def test_a_batch_size_over_the_servers_maximum_exits_2(tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "sager.jsonl", [case("M-1", source="max")])

    result = run(str(file), "--url", "http://127.0.0.1:9", "--token", "x", "--batch-size", "1001")

    assert result.exit_code == 2, result.output
    assert "--batch-size skal være mellem 1 og 1000, ikke 1001." in result.stderr
    no_traceback(result)


def test_a_csv_header_with_unknown_or_missing_columns_exits_2_before_sending(
    tmp_path: Path,
) -> None:
    file = tmp_path / "sager.csv"
    file.write_text("sagsnr;is_business;received_on\nA;ja;2026-01-05\n", encoding="utf-8")

    result = run(str(file), "--url", "http://127.0.0.1:9", "--token", "x")

    assert result.exit_code == 2, result.output
    assert "Overskriften i sager.csv passer ikke til sagerne." in result.stderr
    assert "Ukendte kolonner: sagsnr." in result.stderr
    assert "Manglende kolonner: source_updated_at, source, external_id (eller brug" in (
        result.stderr
    )
    no_traceback(result)
