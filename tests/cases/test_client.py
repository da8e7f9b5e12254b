"""`erhverv push-cases` against a live server: batches, retries through faults, the exit codes."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api.clients.cases_file import csv_item
from api.clients.http import backoff, retry_after
from tests.cases.push_helpers import (
    CVRS,
    case,
    counts,
    listed,
    no_traceback,
    one,
    push_direct,
    run,
    run_against,
    stored,
    totals,
    write_csv,
    write_jsonl,
)
from tests.live_server import LiveServer, free_socket

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
    assert "1 sag forældet: serveren har en nyere opdatering af sagen" in result.stderr
    assert "I alt 1 sag: 0 oprettet, 0 opdateret, 0 uændret, 1 forældet, 0 afvist." in result.stdout
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
    assert re.search(r"Serveren: .*cases:write", result.stderr)  # the server's detail
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
    assert "Ukendte kolonner: sagsnr (oversæt dem til felterne med --map" in result.stderr
    assert "Manglende kolonner: source_updated_at, source, external_id (eller brug" in (
        result.stderr
    )
    no_traceback(result)
