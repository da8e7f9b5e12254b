"""The field mapping of `erhverv push-cases`: the case system's own field names → the contract's.

Given as `--map theirs=ours` (repeatable) and/or `--map-file FILE`, a UTF-8 text file with one
`theirs=ours` a line (blank lines and lines starting with `#` are skipped). JSON keys are
matched exactly, CSV headers without regard to case (the client lower-cases them). Every key is
renamed at once, so a swap (`a=b`, `b=a`) works and no rename feeds another.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from api.cases.schemas import CaseBatchItem
from api.clients.http import ImportFailed

FIELDS = tuple(CaseBatchItem.model_fields)
SYNTAX = "skriv deres_navn=vores_navn, fx business=is_business"


@dataclass(frozen=True)
class FieldMap:
    """Their name → our field; empty when the file already uses the contract's names."""

    renames: dict[str, str] = field(default_factory=dict)

    def item(self, value: Any) -> tuple[Any, str | None]:
        """The JSON item with its keys renamed; a problem (and None) when two become one."""
        if not self.renames or not isinstance(value, dict):
            return value, None
        renamed: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for key, cell in cast(dict[str, Any], value).items():  # a JSON object
            name = self.renames.get(key, key)
            if name in renamed:  # ambiguous: sending either would silently drop the other
                return None, f"felterne {origin[name]} og {key} bliver begge til {name} (--map)"
            renamed[name], origin[name] = cell, key
        return renamed, None

    def header(self, header: list[str]) -> list[str]:
        """The CSV header (lower-cased) with the mapped columns renamed."""
        lowered = {theirs.lower(): ours for theirs, ours in self.renames.items()}
        return [lowered.get(column, column) for column in header]


def parse_map(pairs: Sequence[str] = (), file: Path | None = None) -> FieldMap:
    """The mapping from `--map-file` and `--map`; ImportFailed naming every bad entry."""
    entries = [*_file_entries(file), *((f"--map {pair}", pair) for pair in pairs)]
    renames: dict[str, str] = {}
    problems: list[str] = []
    unknown: list[str] = []
    for where, text in entries:
        theirs, equals, ours = (part.strip() for part in text.partition("="))
        if not (equals and theirs and ours):
            problems.append(f"{where}: {SYNTAX}.")
        elif ours not in FIELDS:
            unknown.append(ours)
        elif renames.setdefault(theirs, ours) != ours:
            problems.append(f"{theirs} oversættes både til {renames[theirs]} og {ours}.")
    targets: dict[str, list[str]] = {}
    for theirs, ours in renames.items():
        targets.setdefault(ours, []).append(theirs)
    problems += [
        f"{', '.join(names)} oversættes alle til {ours}."
        for ours, names in targets.items()
        if len(names) > 1
    ]
    if unknown:
        problems.insert(0, f"Ukendte felter at oversætte til: {', '.join(dict.fromkeys(unknown))}.")
    if problems:
        problems.append(f"Sagernes felter hedder: {', '.join(FIELDS)}.")
        raise ImportFailed("Feltoversættelsen (--map/--map-file) kan ikke bruges.", problems)
    return FieldMap(renames)


def _file_entries(file: Path | None) -> list[tuple[str, str]]:
    if file is None:
        return []
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFailed(f"Kan ikke læse --map-file {file}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        message = f"--map-file {file} er ikke gyldig UTF-8; gem filen som UTF-8."
        raise ImportFailed(message) from None
    return [
        (f"{file.name} linje {number}", line)
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
