"""Issue 15 through `erhverv push-cases` against a live server: a case system's export holds
several updates of one case, repeated, out of order and stale, in its own field names; nothing
may be lost at any batch size, and the user is told what became of every line."""

import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cases.push_helpers import UPDATED, case, counts, listed, one, run_against, stored
from tests.live_server import LiveServer

SIZES = [1, 7, 100, 1000]
COMPARED = ("paused_days", "decided_on", "decision", "kind", "is_business")


def versions(k: int) -> list[dict[str, Any]]:
    """Case k's updates in the source's order: open at first, decided (if ever) at the last."""
    base = case(f"ST-{k:03d}", k)
    count = 1 + k % 6
    updates = []
    for v in range(count):
        at = UPDATED + timedelta(minutes=k, hours=v)
        update = base | {"paused_days": (k + v) % 5, "source_updated_at": at.isoformat()}
        if v < count - 1:
            update |= {"decided_on": None, "decision": None}
        updates.append(update)
    if k % 9 == 0:  # the same change time twice, different content: the file's later one wins
        last = updates[-1]
        updates.append(last | {"paused_days": (last["paused_days"] + 1) % 5})
    return updates


def stream(seed: int = 15) -> tuple[list[str], dict[str, dict[str, Any]], int]:
    """The shuffled lines, each case's final state by the rule, and the lines to be rejected."""
    rng = random.Random(seed)
    items = [update for k in range(100) for update in versions(k)]
    items += rng.sample(items, len(items) // 3)  # retries: the same update sent again
    # Bad updates, newest of all: they must neither be stored nor hide an earlier one.
    newest = (UPDATED + timedelta(days=1)).isoformat()
    bad = [case(f"ST-{k:03d}", k, decided_on="2025-01-01", source_updated_at=newest)
           for k in range(0, 100, 20)]  # fmt: skip
    items += bad
    rng.shuffle(items)
    final: dict[str, dict[str, Any]] = {}
    for item in items:
        if item in bad:
            continue
        known = final.get(item["external_id"])
        if known is None or item["source_updated_at"] >= known["source_updated_at"]:
            final[item["external_id"]] = item
    lines = [json.dumps(item) for item in items]
    lines.insert(len(lines) // 2, "ikke json")
    return lines, final, len(bad) + 1


def state(server: LiveServer, source: str) -> dict[str, tuple[Any, ...]]:
    return {
        row["external_id"]: (
            *(row[name] for name in COMPARED),
            datetime.fromisoformat(row["source_updated_at"]),
        )
        for row in stored(server, source)
    }


def test_the_same_shuffled_stream_ends_the_same_at_every_batch_size(
    server: LiveServer, tmp_path: Path
) -> None:
    lines, final, bad = stream()
    assert len(lines) > 400 and len(final) == 100
    file = tmp_path / "eksport.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = {
        external_id: (
            *(item[name] for name in COMPARED),
            datetime.fromisoformat(item["source_updated_at"]),
        )
        for external_id, item in final.items()
    }
    states = {}
    for size in SIZES:
        source = f"stream-{size}"
        result = run_against(server, file, "--source", source, "--batch-size", str(size))
        assert result.exit_code == 1, result.output  # the bad lines
        totals = counts(result.stdout)
        assert totals["Sager"] == len(lines)
        assert (totals["Oprettet"], totals["Afvist"]) == (100, bad), totals
        # Batches sent; a batch of the unreadable line alone is not sent.
        assert -(-len(lines) // size) - 1 <= totals["Batches"] <= -(-len(lines) // size)
        parts = [totals[label] for label in ("Oprettet", "Opdateret", "Uændret", "Forældet")]
        assert sum(parts) + bad == len(lines)
        assert all(parts[:3]), totals  # created, updated, unchanged (retries) at any size
        # One at a time an older update comes after a newer one; in one batch of new cases
        # they are applied in time order, so none is stale.
        if size == 1:
            assert totals["Forældet"] > 200, totals
        words = ("oprettet", "opdateret", "uændret", "forældet")
        said = ", ".join(f"{n} {word}" for n, word in zip(parts, words, strict=True))
        assert f"I alt {len(lines)} sager: {said}, {bad} afvist." in result.stdout
        states[size] = state(server, source)
        assert states[size] == expected, size
    # Again: nothing new, the state as it was.
    result = run_against(server, file, "--source", "stream-7", "--batch-size", "7")
    assert counts(result.stdout)["Oprettet"] == 0
    assert state(server, "stream-7") == expected


def test_two_updates_of_one_case_in_one_file_are_both_applied(
    server: LiveServer, tmp_path: Path
) -> None:
    # The reproducer: answered "created 1, rejected 1", and the decision was lost.
    first = case("TWO-1", 1, decided_on=None, decision=None, source="two")
    second = case(
        "TWO-1", 1, source="two", source_updated_at=(UPDATED + timedelta(hours=1)).isoformat()
    )
    file = tmp_path / "two.jsonl"
    file.write_text(f"{json.dumps(first)}\n{json.dumps(second)}\n", encoding="utf-8")

    result = run_against(server, file)

    assert result.exit_code == 0, result.output
    assert "I alt 2 sager: 1 oprettet, 1 opdateret, 0 uændret, 0 forældet, 0 afvist." in (
        result.stdout
    )
    stored_case = one(server, "two", "TWO-1")
    assert (stored_case["decided_on"], stored_case["decision"]) == (
        second["decided_on"],
        second["decision"],
    )
    assert stored_case["decided_on"] is not None


# --------------------------------------------------------------------------- field mapping


def theirs(item: dict[str, Any]) -> dict[str, Any]:
    """The case as a case system with its own names sends it."""
    item = dict(item)
    item["business"] = item.pop("is_business")
    item["sagsnr"] = item.pop("external_id")
    return item


def test_map_renames_the_case_systems_fields(server: LiveServer, tmp_path: Path) -> None:
    items = [theirs(case(f"MAP-{n}", n, source="map-sys")) for n in range(3)]
    file = tmp_path / "egne-navne.jsonl"
    file.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")

    unmapped = run_against(server, file)
    assert unmapped.exit_code == 1, unmapped.output
    assert re.search(r"business: Extra inputs", listed(unmapped.stdout, 1))

    result = run_against(
        server, file, "--map", "business=is_business", "--map", "sagsnr=external_id"
    )
    assert result.exit_code == 0, result.output
    assert counts(result.stdout)["Oprettet"] == 3
    assert [row["is_business"] for row in stored(server, "map-sys")] == [True, False, True]


def test_a_map_file_renames_csv_columns(server: LiveServer, tmp_path: Path) -> None:
    mapping = tmp_path / "felter.txt"
    mapping.write_text(
        "# sagssystemets navn = vores\n\nSagsnr = external_id\nErhverv=is_business\n",
        encoding="utf-8",
    )
    file = tmp_path / "sager.csv"
    file.write_text(
        "Sagsnr;Erhverv;received_on;source_updated_at\n"
        "CSVMAP-1;ja;2026-03-02;2026-03-02T10:00:00Z\n"
        "CSVMAP-1;nej;2026-03-02;2026-03-03T10:00:00Z\n",
        encoding="utf-8",
    )

    result = run_against(server, file, "--source", "csvmap", "--map-file", str(mapping))

    assert result.exit_code == 0, result.output
    assert "1 oprettet, 1 opdateret" in result.stdout
    assert one(server, "csvmap", "CSVMAP-1")["is_business"] is False


def test_a_field_named_twice_after_the_map_is_rejected_naming_both(
    server: LiveServer, tmp_path: Path
) -> None:
    item = case("TWICE-1", 2, source="twice") | {"business": False}
    file = tmp_path / "begge.jsonl"
    file.write_text(json.dumps(item) + "\n", encoding="utf-8")

    result = run_against(server, file, "--map", "business=is_business")

    assert result.exit_code == 1, result.output
    assert "felterne is_business og business bliver begge til is_business" in listed(
        result.stdout, 1
    )
    assert stored(server, "twice") == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["--map", "business=is_biz", "--map", "x=y"],
            "Ukendte felter at oversætte til: is_biz, y.",
        ),
        (["--map", "business"], "--map business: skriv deres_navn=vores_navn"),
        (
            ["--map", "a=is_business", "--map", "a=kind"],
            "a oversættes både til is_business og kind.",
        ),
        (["--map", "a=kind", "--map", "b=kind"], "a, b oversættes alle til kind."),
        (["--map-file", "findes-ikke.txt"], "Kan ikke læse --map-file findes-ikke.txt"),
    ],
)
def test_a_bad_map_stops_before_anything_is_sent(
    server: LiveServer, tmp_path: Path, args: list[str], says: str
) -> None:
    file = tmp_path / "sager.jsonl"
    file.write_text(json.dumps(case("BADMAP-1", source="badmap")) + "\n", encoding="utf-8")

    result = run_against(server, file, *args)

    assert result.exit_code == 2, result.output
    assert "Feltoversættelsen" in result.stderr or "--map-file" in result.stderr
    assert says in result.stderr, result.stderr
    assert result.stdout == ""
    assert stored(server, "badmap") == []
