"""`erhverv import-grants` against a live server: real HTTP uploads, the report, the exit codes."""

import re
from collections.abc import Iterator
from datetime import datetime
from itertools import count
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from api.auth.permissions import Scope
from api.cli import app
from api.clients.grants import ProgressReader
from api.clients.http import ImportFailed, normalise_url
from tests.events.helpers import valid_cvr
from tests.helpers import xlsx
from tests.live_server import LiveServer, free_socket, live_server

HEADER = ["Reference", "CVR-nr.", "Virksomhed", "Program", "Beløb", "Bevillingsdato"]
COUNT_LABELS = ["Rækker", "Oprettet", "Opdateret", "Uændret", "Dubletter", "Afvist"]
_companies = count(5000)  # valid_cvr(n) numbers no other test here uses


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving create_app() on a fresh SQLite file, once for the module."""
    with live_server(
        tmp_path_factory.mktemp("live"), "Erhvervshus-import", Scope.grants_write
    ) as running:
        yield running


# ------------------------------------------------------------------------------- helpers


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """The command in-process; a wide terminal so table cells are not wrapped."""
    return CliRunner().invoke(app, ["import-grants", *args], env={"COLUMNS": "250", **(env or {})})


def run_against(server: LiveServer, file: Path, *args: str, token: str | None = None) -> Result:
    return run(str(file), "--url", server.url, "--token", token or server.token, *args)


def good_rows(prefix: str, n: int) -> list[list[str]]:
    return [
        [f"{prefix}-{i}", valid_cvr(next(_companies)), f"Firma {prefix} {i} ApS", "SMV:Grøn",
         "125.000,50", "15-03-2026"]
        for i in range(n)
    ]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    lines = [";".join(HEADER), *(";".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(output: str) -> dict[str, int]:
    """The counts table: the row of numbers below the header naming the labels."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if "Rækker" in line and "Afvist" in line)
    data = next(line for line in lines[start + 1 :] if re.search(r"\d", line))
    cells = [cell.strip() for cell in re.split(r"[│┃]", data) if cell.strip()]
    return {
        label: int(cell.replace(".", "")) for label, cell in zip(COUNT_LABELS, cells, strict=True)
    }


def import_id(output: str) -> int:
    found = re.search(r"import nr\. (\d+) gemt", output)
    assert found, output
    return int(found.group(1))


def grants_total(server: LiveServer, **params: str | int) -> int:
    response = httpx.get(
        f"{server.url}/api/v1/grants",
        params=params,
        headers={"Authorization": f"Bearer {server.read_token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()["total"]


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------------ the units


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://localhost:8000", "http://localhost:8000/api/v1"),
        ("http://localhost:8000/", "http://localhost:8000/api/v1"),
        ("http://localhost:8000/api/v1", "http://localhost:8000/api/v1"),
        ("https://erhverv.lejre.dk/api/v1/", "https://erhverv.lejre.dk/api/v1"),
        (" https://lejre.dk/erhverv// ", "https://lejre.dk/erhverv/api/v1"),
    ],
)
def test_normalise_url(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


@pytest.mark.parametrize("given", ["localhost:8000", "erhverv.lejre.dk", "ftp://x", "http://"])
def test_normalise_url_refuses_what_is_not_an_http_address(given: str) -> None:
    with pytest.raises(ImportFailed, match="Ugyldig adresse"):
        normalise_url(given)


def test_the_progress_reader_lets_httpx_send_a_content_length(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 300_000)
    sent: list[int] = []
    ends: list[bool] = []
    with path.open("rb") as file:
        reader = ProgressReader(file, sent.append, lambda: ends.append(True))
        request = httpx.Request(
            "POST", "http://server/api/v1/grants/imports", files={"file": ("big.csv", reader)}
        )
        body = request.read()
    assert int(request.headers["Content-Length"]) == len(body) > 300_000
    assert "Transfer-Encoding" not in request.headers
    assert sum(sent) == 300_000 and len(sent) > 1  # in chunks
    assert ends == [True]


# --------------------------------------------------------------------- against the server


def test_a_dry_run_stores_nothing_then_the_import_creates_and_a_resend_changes_nothing(
    server: LiveServer, tmp_path: Path
) -> None:
    rows = good_rows("DRY", 3)
    file = write_csv(tmp_path / "tilskud.csv", rows)

    dry = run_against(server, file, "--dry-run", "--all-rows")
    assert dry.exit_code == 0, dry.output
    assert "tilskud.csv: prøvekørsel (intet gemt)" in dry.stdout
    assert counts(dry.stdout) == dict(zip(COUNT_LABELS, [3, 3, 0, 0, 0, 0], strict=True))
    for label in ("Række", "Resultat", "Reference", "CVR", "Besked"):
        assert label in dry.stdout
    assert re.search(rf"│\s+2 │ oprettet\s+│ DRY-0\s+│ {rows[0][1]}", dry.stdout), dry.stdout
    assert grants_total(server, cvr=rows[0][1]) == 0

    real = run_against(server, file)
    assert real.exit_code == 0, real.output
    number = import_id(real.stdout)
    assert counts(real.stdout)["Oprettet"] == 3
    assert grants_total(server, import_id=number) == 3
    assert grants_total(server, cvr=rows[0][1]) == 1

    # The same file again (its Idempotency-Key): the first answer, not a second import.
    again = run_against(server, file)
    assert again.exit_code == 0, again.output
    assert import_id(again.stdout) == number
    assert counts(again.stdout) == counts(real.stdout)
    assert "afvist" not in again.stderr and "dublet" not in again.stderr  # no summary
    assert grants_total(server, cvr=rows[0][1]) == 1


def test_rejected_and_duplicate_rows_exit_1_and_are_listed(
    server: LiveServer, tmp_path: Path
) -> None:
    rows = good_rows("BAD", 2)
    bad = ["BAD-X", "12345678", "Fejl ApS", "SMV:Grøn", "1000", "01-02-2026"]
    file = write_csv(tmp_path / "med fejl.csv", [*rows, bad, rows[0]])

    result = run_against(server, file)

    assert result.exit_code == 1, result.output
    number = import_id(result.stdout)
    assert counts(result.stdout) == dict(zip(COUNT_LABELS, [4, 2, 0, 0, 1, 1], strict=True))
    line = next(line for line in result.stdout.splitlines() if "BAD-X" in line)
    assert re.search(r"│\s+4 │ afvist", line), line
    assert "CVR-nr.: '12345678' er ikke et gyldigt CVR-nummer" in line
    assert re.search(r"│\s+5 │ dublet\s+│ BAD-0 .*the same grant as row 2", result.stdout)
    assert "1 række afvist og 1 dublet; de er ikke importeret." in result.stderr
    assert grants_total(server, import_id=number) == 2
    no_traceback(result)


def test_an_xlsx_file_with_url_and_token_from_the_environment(
    server: LiveServer, tmp_path: Path
) -> None:
    cvrs = [valid_cvr(next(_companies)) for _ in range(2)]
    rows = [
        [f"XLSX-{i}", cvr, f"Ark {i} A/S", "SMV:Digital", 50_000 + i, datetime(2026, 5, 1)]
        for i, cvr in enumerate(cvrs)
    ]
    path = tmp_path / "tilskud.xlsx"
    path.write_bytes(xlsx(HEADER, *rows))

    result = run(
        str(path), env={"ERHVERV_URL": f"{server.url}/api/v1/", "ERHVERV_TOKEN": server.token}
    )

    assert result.exit_code == 0, result.output
    assert "tilskud.xlsx: import nr." in result.stdout
    assert counts(result.stdout)["Oprettet"] == 2
    assert grants_total(server, cvr=cvrs[1]) == 1


def test_a_multi_megabyte_file_is_uploaded_with_progress(
    server: LiveServer, tmp_path: Path
) -> None:
    cvrs = [valid_cvr(next(_companies)) for _ in range(500)]
    lines = [";".join(HEADER)]
    lines += [
        f"BIG-{i:06d};{cvrs[i % 500]};Stor Virksomhed {i % 500} ApS;SMV:Pro;{1000 + i},00;"
        f"{1 + i % 28:02d}-0{1 + i % 9}-2025"
        for i in range(60_000)
    ]
    path = tmp_path / "stor.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    size_mb = path.stat().st_size / 1_000_000
    assert size_mb > 3

    result = run_against(server, path)

    assert result.exit_code == 0, result.output
    assert counts(result.stdout) == dict(
        zip(COUNT_LABELS, [60_000, 60_000, 0, 0, 0, 0], strict=True)
    )
    assert "60.000" in result.stdout
    progress = next(line for line in result.stderr.splitlines() if "Sender stor.csv" in line)
    assert "100%" in progress
    assert f"{size_mb:.1f}/{size_mb:.1f} MB" in progress
    assert grants_total(server, import_id=import_id(result.stdout)) == 60_000


def test_a_token_without_grants_write_exits_2(server: LiveServer, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "tilskud.csv", good_rows("READ", 1))

    result = run_against(server, file, token=server.read_token)

    assert result.exit_code == 2, result.output
    assert "Tokenet har ikke rettigheden grants:write" in result.stderr
    assert "tilladelsen »indlæse tilskud« (grants:write)" in result.stderr  # the server's detail
    assert result.stdout == ""
    no_traceback(result)


def test_an_unknown_token_exits_2(server: LiveServer, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "tilskud.csv", good_rows("UNKNOWN", 1))

    result = run_against(server, file, token="erh_nope_nope")

    assert result.exit_code == 2, result.output
    assert "Tokenet mangler eller er ugyldigt" in result.stderr
    no_traceback(result)


def test_a_refused_file_prints_the_problem_and_its_errors(
    server: LiveServer, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "tilskud.csv", good_rows("MAP", 1))

    result = run_against(server, file, "--mapping", '{"amount": "Tilsagn i kr."}')

    assert result.exit_code == 2, result.output
    assert "Importen blev afvist (HTTP 422)." in result.stderr
    assert "Serveren: " in result.stderr
    assert re.search(r"felt mapping: .*Tilsagn i kr\.", result.stderr), result.stderr
    no_traceback(result)


def test_a_closed_port_exits_2_naming_the_address(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "tilskud.csv", good_rows("CLOSED", 1))
    with free_socket() as sock:
        port = sock.getsockname()[1]  # bound, never listening: the connection is refused

        result = run(str(file), "--url", f"http://127.0.0.1:{port}", "--token", "erh_x_y")

    assert result.exit_code == 2, result.output
    assert f"Kunne ikke forbinde til http://127.0.0.1:{port}/api/v1/grants/imports" in (
        result.stderr
    )
    no_traceback(result)


def test_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "findes-ikke.csv"

    result = run(str(missing), "--url", "http://127.0.0.1:9", "--token", "erh_x_y")

    assert result.exit_code == 2, result.output
    assert f"Kan ikke læse filen {missing}: filen findes ikke." in result.stderr
    no_traceback(result)
