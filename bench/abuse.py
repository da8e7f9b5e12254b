"""Benchmark: a valid client's service while 64 anonymous loops send a wrong API token.

Serves the app as `make run` does: `erhverv serve` in a subprocess on a free port of 127.0.0.1,
on a fresh SQLite database in a temporary directory, which it migrates and loads the shipped
2026 plan into on its first start. A token with `read` and `cases:write` is made with
`erhverv create-token`. The valid client, one httpx client (keep-alive) in this process, loops
one request after the other, turn about a read (`GET /api/v1/cases?limit=20`) and a write
(`PUT /api/v1/cases/bench/{n}`, a new case each time). The attack, in a process of its own so
that it takes no time from the valid client's loop here, is 64 concurrent loops (asyncio, a
connection each), each sending `GET /api/v1/cases` with a well-formed but wrong token
(`erh_<prefix>_<secret>`, so the server looks it up) as fast as it is answered.

From one run, three phases of `--seconds` (10) each: the valid client alone, then with the
attack going (measured from 1 s after the attack started), then alone again; the two phases
alone are the baseline, so that drift on a shared machine shows on both sides. Reported: the
valid client's requests per second, median, p95 and max latency and its answers by status in
each; the attack's rate and its answers by status.

Targets: under the attack the valid client gets no 5xx, and its p95 is at most 3x its p95
alone. The verdict is printed; the exit code is 0 either way, since this is a report
(`--check`: 1 on FAIL). The machine's load average is printed with it: the server, both
clients and anything else running share the cores.

Run it from the project root:

    .venv/bin/python -m bench.abuse [--seconds 10] [--attackers 64]
"""

import asyncio
import multiprocessing
import secrets
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx

from bench import harness

MAX_P95_RATIO = 3.0
WARM_UP_S = 1.0


@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, other: "Phase") -> "Phase":
        return Phase(
            "alone (both)",
            self.latencies_ms + other.latencies_ms,
            self.statuses + other.statuses,
            self.seconds + other.seconds,
        )

    @property
    def p95(self) -> float:
        return harness.quantiles(self.latencies_ms, 95)[0]

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def attack(url: str, attackers: int, stop: Event, results: "Queue[dict[int, int]]") -> None:
    """The attack process: `attackers` loops with a wrong token until `stop` is set."""

    async def run() -> Counter[int]:
        statuses: Counter[int] = Counter()
        wrong = f"Bearer erh_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
        limits = httpx.Limits(max_connections=attackers, max_keepalive_connections=attackers)
        async with httpx.AsyncClient(
            base_url=url, headers={"Authorization": wrong}, limits=limits, timeout=60
        ) as client:

            async def loop() -> None:
                while not stop.is_set():
                    try:
                        statuses[(await client.get("/api/v1/cases")).status_code] += 1
                    except httpx.TransportError:
                        statuses[0] += 1  # no answer at all

            await asyncio.gather(*(loop() for _ in range(attackers)))
        return statuses

    results.put(dict(asyncio.run(run())))


def valid_client(client: httpx.Client, name: str, seconds: float, first_case: int) -> Phase:
    phase = Phase(name)
    n = first_case
    start = time.perf_counter()
    while (now := time.perf_counter()) - start < seconds:
        if n % 2:
            response = client.get("/api/v1/cases", params={"limit": 20})
        else:
            response = client.put(
                f"/api/v1/cases/bench/B-{n}",
                json={
                    "is_business": True,
                    "received_on": "2026-02-01",
                    "source_updated_at": "2026-02-01T10:00:00+00:00",
                },
            )
        phase.latencies_ms.append((time.perf_counter() - now) * 1000)
        phase.statuses[response.status_code] += 1
        n += 1
    phase.seconds = time.perf_counter() - start
    return phase


def run(seconds: float, attackers: int) -> tuple[str, bool]:
    with (
        tempfile.TemporaryDirectory(prefix="erhverv_abuse_") as folder,
        harness.erhverv_serve(
            Path(folder),
            ["create-token", "--name", "Bench", "--scopes", "read,cases:write"],
            "token",
        ) as served,
        harness.bearer_client(served.url, served.secret, timeout=60) as client,
    ):
        valid_client(client, "warm-up", 1.0, 1_000_000)
        before = valid_client(client, "alone, before", seconds, 0)
        context = multiprocessing.get_context("spawn")
        stop = context.Event()
        results: Queue[dict[int, int]] = context.Queue()
        attacker = context.Process(target=attack, args=(served.url, attackers, stop, results))
        attack_start = time.perf_counter()
        attacker.start()
        time.sleep(WARM_UP_S)
        during = valid_client(client, f"with {attackers} attackers", seconds, 100_000)
        stop.set()
        attack_seconds = time.perf_counter() - attack_start
        attack_statuses: Counter[int] = Counter(results.get(timeout=120))
        attacker.join(timeout=30)
        after = valid_client(client, "alone, after", seconds, 200_000)
    return report(before, during, after, attack_statuses, attack_seconds, attackers)


def _statuses(statuses: Counter[int]) -> str:
    return ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(statuses.items()))


def report(
    before: Phase,
    during: Phase,
    after: Phase,
    attack_statuses: Counter[int],
    attack_seconds: float,
    attackers: int,
) -> tuple[str, bool]:
    alone = before.add(after)
    attack_total = sum(attack_statuses.values())
    lines = [
        f"Abuse benchmark: a valid client while {attackers} loops send a wrong API token",
        harness.machine_line(),
        "served by      erhverv serve (one uvicorn process), fresh SQLite database",
        "valid client   one connection; GET /api/v1/cases?limit=20 and PUT /api/v1/cases/… in turn",
        "",
        f"{'valid client':<26}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}  statuses",
    ]
    for phase in (before, during, after, alone):
        lines.append(
            f"{phase.name:<26}{len(phase.latencies_ms) / phase.seconds:>8.0f}"
            f"{statistics.median(phase.latencies_ms):>11.1f}{phase.p95:>9.1f}"
            f"{max(phase.latencies_ms):>9.1f}  {_statuses(phase.statuses)}"
        )
    lines += [
        "",
        f"attack         {attack_total / attack_seconds:.0f} req/s over {attack_seconds:.1f} s; "
        f"{_statuses(attack_statuses)}",
    ]
    ratio = during.p95 / alone.p95
    verdict = harness.Verdict()
    verdict.target(
        f"no 5xx for the valid client under attack: {during.server_errors}",
        during.server_errors == 0,
    )
    verdict.target(
        f"its p95 under attack <= {MAX_P95_RATIO:.0f}x alone: {during.p95:.1f} ms / "
        f"{alone.p95:.1f} ms = {ratio:.2f}x",
        ratio <= MAX_P95_RATIO,
    )
    return "\n".join([*lines, "", *verdict.close()]), verdict.passed


def main(argv: list[str] | None = None) -> None:
    parser = harness.parser(
        "abuse", "A valid client's latency while anonymous loops send a wrong token."
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (10)")
    parser.add_argument("--attackers", type=int, default=64, help="concurrent loops (64)")
    args = harness.parse(parser, argv)
    harness.conclude(run(args.seconds, args.attackers), args.check)


if __name__ == "__main__":
    main()
