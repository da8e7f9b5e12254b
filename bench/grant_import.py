"""Benchmark of the grant import: `POST /api/v1/grants/imports` against a plain bulk insert.

Generates a Danish hub spreadsheet as CSV (UTF-8 with BOM, semicolons, the headers
`Reference;CVR-nr.;Virksomhed;Program;Beløb;Bevillingsdato`): 100,000 rows by default over
5,000 companies with valid CVR numbers, the five seeded programmes (SMV:Grøn ...), amounts as
"12.500" or "2.242.000,50" and dates as "15-03-2026" from 2023 up to yesterday. It reports,
from one run:

- the import through the API: the real app (`api.main.create_app`) served by uvicorn in a
  thread of this process, on a free port of 127.0.0.1, the file POSTed as multipart by httpx
  with an API token of scope `grants:write`, as a client does. Timed from the request's first
  byte to the response's last (the upload, the multipart parsing, the import, the commit and
  the JSON report; the client's JSON parsing is outside). Timed are: the import with
  `rows=problems` (what the CLI asks for) into a fresh database, a re-import of the same file
  there (every row unchanged), a dry run into a fresh database (every row would be created,
  nothing is written) and the import with the default `rows=all` (the full row report) into a
  fresh database. The counts of each answer are checked;
- the plain baseline: the same file read with the csv module, amounts and dates parsed
  minimally, nothing else checked, and the companies then the grants bulk-inserted with
  SQLAlchemy Core `insert()` (executemany) into the same tables of a fresh database, in chunks
  of 1,000 rows, in one transaction;
- rows per second of each, and the ratio of each API run to the plain rate;
- peak memory: tracemalloc's peak of traced memory during the import, less what was traced
  when it started, for the API import (`rows=problems` and `rows=all`) and the baseline, each
  at `--rows`/4 and `--rows` rows, and the growth per row between the two. The server runs in
  this process, so tracemalloc sees its allocations; the client's are bounded (the upload is
  streamed from disk, the answer read in chunks and dropped but for its head). tracemalloc
  slows Python down several times, so the timing runs go without it and the memory runs are
  separate runs, each on a fresh database.

Each server is warmed up with a dry run of a small file (nothing is written) before it is
measured; the plain baseline needs no warm-up beyond compiling two INSERTs.

Targets: the API import (both row reports) runs at least at half the plain rate, and with
`rows=problems` its memory does not grow with the file: the peak at `--rows` rows is at most
10 % above the peak at a quarter of them. The `rows=all` report holds every row, so its memory
grows by design; its bytes per row are reported. The verdict is printed; the exit code is 0
either way, since this is a report (`--check`: 1 on FAIL).

Run it from the project root:

    .venv/bin/python -m bench.grant_import
    .venv/bin/python -m bench.grant_import \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Without `--database-url` each fresh database is a new SQLite file in a temporary directory.
With a PostgreSQL URL each is a database `erhverv_bench_<random>` created through that server's
`postgres` database and dropped after its run. A SQLite URL names a file that must not exist;
the runs use files beside it with the run's number added to the name (`bench-1.db` ...), which
are left in place.
"""

import csv
import json
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count, islice
from pathlib import Path

import httpx
from sqlalchemy import Engine, insert, select
from stdnum.dk import cvr

import api.metrics
import api.models  # noqa: F401  (every mapper, so relationships resolve)
from api.auth.permissions import Scope
from api.contacts.models import Company
from api.grants.enums import RowOutcome
from api.grants.importer import CHUNK_ROWS
from api.grants.models import Grant, GrantProgramme
from api.kit.db import Base, utcnow
from bench import harness
from bench.harness import Fresh

IMPORTS = "/api/v1/grants/imports"
HEADER = ["Reference", "CVR-nr.", "Virksomhed", "Program", "Beløb", "Bevillingsdato"]
PROGRAMMES = ("SMV:Grøn", "SMV:Grønne Kompetencer", "SMV:Pro", "SMV:Digital", "SMV:Vækstpilot")
TRADES = ("Tømrer", "Bager", "Smedje", "Rådgivning", "Økologisk Gård", "Maskinstation",
          "Elinstallatør", "Vognmand", "Café", "Revision", "Blomster", "Software")  # fmt: skip
TOWNS = ("Lejre", "Hvalsø", "Kirke Hyllinge", "Osted", "Gevninge", "Kirke Såby", "Allerslev")
FORMS = ("ApS", "A/S", "I/S", "IVS")
FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2026, 12, 31)
WARMUP_ROWS = 1_500  # two chunks: every statement of the import compiled once
HEAD_BYTES = 4096  # of an answer read in chunks: enough for the counts
MIN_RATE_RATIO = 0.5
MAX_GROWTH = 0.10  # the peak at --rows rows at most 10 % above the one at --rows/4
MB = 1024 * 1024
TOKENS = {"bench": Scope.grants_write}  # each fresh database's token for the import


@dataclass(frozen=True)
class RunSettings:
    database_url: str | None
    rows: int
    companies: int
    seed: int


@dataclass(frozen=True)
class Answer:
    seconds: float
    size: int  # bytes of the answer's body
    counts: dict[str, int]
    rows_listed: int | None  # None where the body was not kept


@dataclass(frozen=True)
class Timed:
    name: str
    rows: int
    seconds: float
    response_bytes: int | None
    counts_ok: bool
    counts: str

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


@dataclass(frozen=True)
class Memory:
    name: str
    peaks: dict[int, int]  # rows → peak bytes

    def per_row(self) -> float:
        (small, low), (large, high) = sorted(self.peaks.items())
        return (high - low) / (large - small)

    def growth(self) -> float:
        low, high = (peak for _, peak in sorted(self.peaks.items()))
        return high / low - 1


# ---------------------------------------------------------------------------------- the file


def valid_cvr(n: int) -> str:
    """The n-th CVR number passing the modulus-11 check (as tests.events.helpers makes them)."""
    base = 10_000_000 + n * 97
    while not cvr.is_valid(str(base)):
        base += 1
    return str(base)


def danish_amount(kroner: int, ore: int) -> str:
    """12500, 0 → '12.500'; 2242000, 50 → '2.242.000,50'."""
    whole = f"{kroner:,}".replace(",", ".")
    return f"{whole},{ore:02d}" if ore else whole


def write_csv(path: Path, rows: int, companies: int, seed: int, last_day: date) -> int:
    """The hub's spreadsheet as Excel saves a Danish CSV; returns its size in bytes.

    Deterministic by seed: a smaller file is the start of a larger one.
    """
    rng = random.Random(seed)
    firms = [
        (valid_cvr(n), f"{rng.choice(TRADES)} {rng.choice(TOWNS)} {n + 1} {rng.choice(FORMS)}")
        for n in range(companies)
    ]
    days = (last_day - FIRST_DAY).days + 1
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for index in range(rows):
            number, name = firms[rng.randrange(companies)]
            granted = FIRST_DAY + timedelta(days=rng.randrange(days))
            ore = rng.choice((0, 0, 0, 50, 25, 75))
            writer.writerow(
                [
                    f"EHS-{granted.year}-{index + 1:06d}",
                    number,
                    name,
                    rng.choice(PROGRAMMES),
                    danish_amount(rng.randrange(20, 5_000) * 500, ore),
                    granted.strftime("%d-%m-%Y"),
                ]
            )
    return path.stat().st_size


# ------------------------------------------------------------------------------ the database


def run_urls(url: str | None) -> Iterator[str | None]:
    """What to hand `fresh_database` for each run: a new SQLite file per run beside a given one."""
    for n in count(1):
        yield harness.sibling_url(url, f"-{n}")


# ------------------------------------------------------------------------------- the request


def post_file(
    client: httpx.Client, path: Path, *, rows: str, dry_run: bool = False, keep: bool = True
) -> Answer:
    """POST the file as multipart, streamed from disk; the answer read in chunks.

    With `keep` the body is kept and parsed after the clock stops; without, only its head is
    (where the counts are), so the client holds no more than a chunk of a long row report.
    """
    params = {"rows": rows, "dry_run": str(dry_run).lower()}
    chunks: list[bytes] = []
    head = b""
    size = 0
    with path.open("rb") as file:
        files = {"file": (path.name, file, "text/csv")}
        start = time.perf_counter()
        with client.stream("POST", IMPORTS, params=params, files=files) as response:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if keep:
                    chunks.append(chunk)
                elif len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
        seconds = time.perf_counter() - start
    if response.status_code != 200:
        body = b"".join(chunks) or head
        raise RuntimeError(f"import answered {response.status_code}: {body[:2000]!r}")
    if keep:
        report = json.loads(b"".join(chunks))
        return Answer(seconds, size, report["counts"], len(report["rows"]))
    return Answer(seconds, size, harness.counts_in_head(head), None)


def warm_up(client: httpx.Client, path: Path) -> None:
    """A dry run of a small file: every statement of the import compiled, nothing written."""
    answer = post_file(client, path, rows="problems", dry_run=True)
    if answer.counts["created"] != answer.counts["rows"]:
        raise RuntimeError(f"warm-up: unexpected counts {answer.counts}")


# ---------------------------------------------------------------------------- the baseline


def _amount(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _day(text: str) -> date:
    return date(int(text[6:10]), int(text[3:5]), int(text[0:2]))


def plain_import(engine: Engine, path: Path) -> int:
    """csv + SQLAlchemy Core: companies then grants, chunks of 1,000 rows, one transaction."""
    companies = Base.metadata.tables[Company.__tablename__]
    grants = Base.metadata.tables[Grant.__tablename__]
    rows = 0
    with engine.begin() as connection, path.open(encoding="utf-8-sig", newline="") as file:
        programmes = dict(connection.execute(select(GrantProgramme.name, GrantProgramme.id)).all())
        known: dict[str, int] = {}
        now = utcnow()
        reader = csv.reader(file, delimiter=";")
        next(reader)
        while chunk := list(islice(reader, CHUNK_ROWS)):
            new: dict[str, str] = {}
            for record in chunk:
                if record[1] not in known:
                    new.setdefault(record[1], record[2])
            if new:
                connection.execute(
                    insert(companies),
                    [
                        {"cvr": number, "name": name, "version": 1, "created_at": now,
                         "updated_at": now}
                        for number, name in new.items()
                    ],
                )  # fmt: skip
                ids = select(companies.c.cvr, companies.c.id).where(companies.c.cvr.in_(new))
                known.update(connection.execute(ids).all())
            connection.execute(
                insert(grants),
                [
                    {"reference": r[0], "company_id": known[r[1]], "programme_id": programmes[r[3]],
                     "amount": _amount(r[4]), "granted_on": _day(r[5]), "import_id": None,
                     "created_at": now, "updated_at": now}
                    for r in chunk
                ],
            )  # fmt: skip
            rows += len(chunk)
    return rows


# ------------------------------------------------------------------------------- measuring


def counts_text(counts: dict[str, int]) -> str:
    shown = [f"{o.value} {counts[o.value]:,}" for o in RowOutcome if counts.get(o.value)]
    return ", ".join(shown) or "none"


def timed_answer(name: str, rows: int, answer: Answer, outcome: str, listed: int) -> Timed:
    expected = {"rows": rows, outcome: rows}
    ok = all(answer.counts.get(key) == value for key, value in expected.items())
    ok = ok and answer.rows_listed == listed
    text = counts_text(answer.counts) + f"; {answer.rows_listed:,} rows listed"
    return Timed(name, rows, answer.seconds, answer.size, ok, text)


@contextmanager
def api_client(url: str | None, warmup: Path) -> Iterator[tuple[Fresh, httpx.Client]]:
    """A fresh database, the app serving it, and a client whose server is warmed up."""
    with (
        harness.fresh_database(url, TOKENS) as db,
        harness.serve_in_process(db.url) as base,
        harness.bearer_client(base, db.tokens["bench"]) as client,
    ):
        warm_up(client, warmup)
        yield db, client


def time_api(
    settings: RunSettings, urls: Iterator[str | None], files: dict[str, Path]
) -> list[Timed]:
    """The import and the re-import, a dry run, and the import with the full row report."""
    n = settings.rows
    results: list[Timed] = []
    with api_client(next(urls), files["warmup"]) as (db, client):
        harness.settle()
        answer = post_file(client, files["full"], rows="problems")
        results.append(timed_answer("API import, rows=problems", n, answer, "created", 0))
        harness.settle()
        answer = post_file(client, files["full"], rows="problems")
        results.append(timed_answer("API re-import, rows=problems", n, answer, "unchanged", 0))
        if (stored := harness.row_count(db.engine, Grant)) != n:
            raise RuntimeError(f"{stored} grants stored after the import; expected {n}")
    with api_client(next(urls), files["warmup"]) as (db, client):
        harness.settle()
        answer = post_file(client, files["full"], rows="problems", dry_run=True)
        results.append(timed_answer("API dry run, rows=problems", n, answer, "created", 0))
        if (stored := harness.row_count(db.engine, Grant)) != 0:
            raise RuntimeError(f"the dry run left {stored} grants")
    with api_client(next(urls), files["warmup"]) as (db, client):
        harness.settle()
        answer = post_file(client, files["full"], rows="all")
        results.append(timed_answer("API import, rows=all", n, answer, "created", n))
    return results


def time_plain(settings: RunSettings, urls: Iterator[str | None], path: Path) -> Timed:
    with harness.fresh_database(next(urls), TOKENS) as db:
        harness.settle()
        start = time.perf_counter()
        rows = plain_import(db.engine, path)
        seconds = time.perf_counter() - start
        stored = harness.row_count(db.engine, Grant)
    ok = rows == settings.rows == stored
    return Timed("plain csv + Core insert", rows, seconds, None, ok, f"inserted {stored:,}")


def traced_peak(call: Callable[[], object]) -> int:
    """Peak traced memory during the call, less what was traced when it started."""
    harness.settle()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        call()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


def api_peak(url: str | None, files: dict[str, Path], key: str, rows: str, n: int) -> int:
    with api_client(url, files["warmup"]) as (_, client):
        answers: list[Answer] = []
        peak = traced_peak(
            lambda: answers.append(post_file(client, files[key], rows=rows, keep=False))
        )
    if answers[0].counts.get("created") != n:
        raise RuntimeError(f"memory run: unexpected counts {answers[0].counts}")
    return peak


def plain_peak(url: str | None, path: Path, n: int) -> int:
    with harness.fresh_database(url, TOKENS) as db:
        done: list[int] = []
        peak = traced_peak(lambda: done.append(plain_import(db.engine, path)))
    if done[0] != n:
        raise RuntimeError(f"memory run: {done[0]} rows inserted, expected {n}")
    return peak


def measure_memory(
    settings: RunSettings, urls: Iterator[str | None], files: dict[str, Path]
) -> list[Memory]:
    sizes = {"quarter": settings.rows // 4, "full": settings.rows}
    return [
        Memory(
            f"API import, rows={rows}",
            {n: api_peak(next(urls), files, key, rows, n) for key, n in sizes.items()},
        )
        for rows in ("problems", "all")
    ] + [
        Memory(
            "plain csv + Core insert",
            {n: plain_peak(next(urls), files[key], n) for key, n in sizes.items()},
        )
    ]


# ---------------------------------------------------------------------------------- report


def size_text(size: int | None) -> str:
    if size is None:
        return "-"
    return f"{size:,} B" if size < 10 * 1024 else f"{size / 1024:,.0f} KB"


def report(
    backend: str,
    settings: RunSettings,
    file_bytes: int,
    last_day: date,
    timings: list[Timed],
    memory: list[Memory],
) -> tuple[str, bool]:
    plain = timings[-1]
    header = (
        f"{'run':<30}  {'rows':>8}  {'seconds':>8}  {'rows/s':>8}  {'vs plain':>8}  "
        f"{'answer':>9}  {'counts':>6}  outcome"
    )
    lines = [
        "Grant import benchmark: POST /api/v1/grants/imports vs csv + SQLAlchemy Core insert",
        f"backend        {backend}",
        f"data           {settings.rows:,} rows, {file_bytes / MB:.1f} MB CSV (UTF-8 BOM, ';'), "
        f"{settings.companies:,} companies, {len(PROGRAMMES)} programmes, granted "
        f"{FIRST_DAY.isoformat()}..{last_day.isoformat()}",
        "server         uvicorn in a thread, HTTP over 127.0.0.1, httpx in the same process; "
        f"each server warmed by a dry run of {WARMUP_ROWS:,} rows",
        "timing         one run each, without tracemalloc, fresh database (the re-import: the "
        "import's); request's first byte to answer's last",
        "memory         separate runs under tracemalloc, fresh database each; peak traced "
        "less traced at the start",
        "",
        *harness.ruled(header),
    ]
    for t in timings:
        answer = size_text(t.response_bytes)
        lines.append(
            f"{t.name:<30}  {t.rows:>8,}  {t.seconds:>8.2f}  {t.rate:>8,.0f}  "
            f"{t.rate / plain.rate:>8.2f}  {answer:>9}  {'ok' if t.counts_ok else 'WRONG':>6}  "
            f"{t.counts}"
        )
    sizes = sorted(memory[0].peaks)
    header = (
        f"{'peak memory':<30}  "
        + "  ".join(f"{f'{n:,} rows':>12}" for n in sizes)
        + f"  {'growth':>7}  {'per row':>9}"
    )
    lines += ["", *harness.ruled(header)]
    for m in memory:
        peaks = "  ".join(f"{m.peaks[n] / MB:>9.1f} MB" for n in sizes)
        lines.append(f"{m.name:<30}  {peaks}  {m.growth():>+7.0%}  {m.per_row():>7,.0f} B")
    checked = verdict(timings, memory)
    return "\n".join([*lines, "", *checked.close()]), checked.passed


def verdict(timings: list[Timed], memory: list[Memory]) -> harness.Verdict:
    by_name = {t.name: t for t in timings}
    plain = timings[-1]
    checked = harness.Verdict()
    if not all(t.counts_ok for t in timings):
        checked.fail("counts: some answer did not have the expected counts  FAIL")
    for name in ("API import, rows=problems", "API import, rows=all"):
        ratio = by_name[name].rate / plain.rate
        checked.target(
            f"{name} >= {MIN_RATE_RATIO:g}x the plain rate: {ratio:.2f}x", ratio >= MIN_RATE_RATIO
        )
    problems, full = memory[0], memory[1]
    small, large = sorted(problems.peaks)
    checked.target(
        f"{problems.name} memory bounded (peak at {large:,} rows <= "
        f"{1 + MAX_GROWTH:.2f}x the peak at {small:,}): {problems.growth():+.0%}, "
        f"{problems.per_row():,.0f} B per row",
        problems.growth() <= MAX_GROWTH,
    )
    checked.note(f"(by design {full.name} holds the row report: {full.per_row():,.0f} B per row)")
    return checked


# -------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> tuple[RunSettings, bool]:
    parser = harness.parser(
        "grant_import",
        "Time and measure the grant import through the API against a plain csv + SQLAlchemy "
        "Core bulk insert of the same rows.",
        databases="several",
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the file (100,000)")
    parser.add_argument("--companies", type=int, default=5_000, help="companies (5,000)")
    args = harness.parse(parser, argv, seed=True)
    if args.rows < 4 * CHUNK_ROWS:
        parser.error(f"--rows must be at least {4 * CHUNK_ROWS}")
    if not 1 <= args.companies <= 100_000:
        parser.error("--companies must be between 1 and 100,000")
    return RunSettings(args.database_url, args.rows, args.companies, args.seed), args.check


def run(settings: RunSettings) -> tuple[str, bool]:
    last_day = harness.until_yesterday(LAST_DAY)
    urls = run_urls(settings.database_url)
    with tempfile.TemporaryDirectory(prefix="erhverv_grants_") as directory:
        folder = Path(directory)
        files = {
            "warmup": folder / "opvarmning.csv",
            "quarter": folder / "tilskud-kvart.csv",
            "full": folder / "tilskud.csv",
        }
        sizes = {"warmup": WARMUP_ROWS, "quarter": settings.rows // 4, "full": settings.rows}
        file_bytes = {
            key: write_csv(path, sizes[key], settings.companies, settings.seed, last_day)
            for key, path in files.items()
        }["full"]
        with harness.fresh_database(next(urls), TOKENS) as db:
            backend = harness.backend_name(db.engine)
        timings = [*time_api(settings, urls, files), time_plain(settings, urls, files["full"])]
        memory = measure_memory(settings, urls, files)
    return report(backend, settings, file_bytes, last_day, timings, memory)


def main(argv: list[str] | None = None) -> None:
    settings, check = parse_args(argv)
    harness.conclude(run(settings), check)


if __name__ == "__main__":
    main()
