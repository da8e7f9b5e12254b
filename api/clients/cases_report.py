"""The report of `erhverv push-cases`: what each item came to, the totals and the listing of the
rejected and stale items by their line in the file, in Danish."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from api.cases.enums import ItemOutcome
from api.cases.schemas import ItemError
from api.clients.cases_file import Record
from api.clients.http import danish_number

LIST_LIMIT = 1000  # rejected and stale items listed; the rest are only counted
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


def cases_text(value: int) -> str:
    return f"{danish_number(value)} {'sag' if value == 1 else 'sager'}"


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
    totals.add_row(*(danish_number(values[name]) for name in COUNT_LABELS))
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
        console.print(Text(f"… og {danish_number(report.unlisted)} mere, som ikke er vist."))


def exit_code(report: PushReport) -> int:
    """0 when every item was accepted (stale included: the server has newer data), else 1."""
    return 1 if report.counts[ItemOutcome.rejected] else 0


SUMMARY_WORDS = {
    ItemOutcome.created: "oprettet",
    ItemOutcome.updated: "opdateret",
    ItemOutcome.unchanged: "uændret",
    ItemOutcome.stale: "forældet",
    ItemOutcome.rejected: "afvist",
}


def summary(report: PushReport) -> str:
    """The push in one sentence: every outcome, also those that are 0."""
    parts = ", ".join(
        f"{danish_number(report.counts[outcome])} {word}" for outcome, word in SUMMARY_WORDS.items()
    )
    return f"I alt {cases_text(report.items)}: {parts}."


def render_closing(report: PushReport, filename: str, out: Console, err: Console) -> None:
    """The summary on stdout; what the rejected and stale mean on stderr."""
    out.print(Text(summary(report)))
    rejected, stale = report.counts[ItemOutcome.rejected], report.counts[ItemOutcome.stale]
    if rejected:
        err.print(Text(f"{cases_text(rejected)} afvist; de er ikke gemt.", style="yellow"))
    if stale:
        err.print(
            Text(
                f"{cases_text(stale)} forældet: serveren har en nyere opdatering af sagen "
                "(fra før, eller senere i filen); de er ikke gemt, og intet er tabt."
            )
        )
    if not report.items:
        err.print(Text(f"Ingen sager i {filename}."))
