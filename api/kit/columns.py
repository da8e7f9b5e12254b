"""Which of our fields each column of an uploaded table gives (by the header, its aliases or the
caller's mapping), and the errors a table that cannot be read raises."""

from collections.abc import Iterable, Mapping


class TabularError(ValueError):
    """A file that cannot be read as a table; the message names the column or row."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row = row
        self.column = column


class TabularTooLargeError(TabularError):
    """The file unpacks to more than the allowed size."""


class TabularMappingError(TabularError):
    """The caller's explicit column mapping does not fit the file."""


def normalise_header(header: str) -> str:
    """Case, surrounding and doubled space, and a form tool's required marker ignored."""
    return " ".join(header.split()).casefold().rstrip("*: ").strip()


def resolve_columns(
    headers: list[str],
    aliases: Mapping[str, Iterable[str]],
    mapping: Mapping[str, str],
    required: Iterable[str] = (),
) -> dict[str, int]:
    """Our field → the index of the column that gives it; TabularError names what is off."""
    by_header: dict[str, int] = {}
    for index, header in enumerate(headers):
        by_header.setdefault(normalise_header(header), index)
    columns = _mapped_columns(headers, by_header, aliases, mapping)
    taken = set(columns.values())
    for field, names in aliases.items():
        if field in columns:
            continue
        matches = _alias_matches(headers, field, names, taken)
        if len(matches) > 1:
            shown = " and ".join(repr(headers[i]) for i in matches)
            raise TabularError(f"Columns {shown} both give {field}; map one explicitly.")
        if matches:
            columns[field] = matches[0]
            taken.add(matches[0])
    _check_required(columns, aliases, required)
    return columns


def _mapped_columns(
    headers: list[str],
    by_header: dict[str, int],
    aliases: Mapping[str, Iterable[str]],
    mapping: Mapping[str, str],
) -> dict[str, int]:
    columns: dict[str, int] = {}
    for field, header in mapping.items():
        if aliases and field not in aliases:
            known = ", ".join(aliases)
            raise TabularMappingError(
                f"The mapping names an unknown field {field!r} (fields: {known})."
            )
        index = by_header.get(normalise_header(header))
        if index is None:
            shown = ", ".join(repr(h) for h in headers if h)
            raise TabularMappingError(
                f"The mapping reads {field} from column {header!r}, which the file does not "
                f"have (its columns: {shown}).",
                column=header,
            )
        columns[field] = index
    return columns


def _alias_matches(
    headers: list[str], field: str, names: Iterable[str], taken: set[int]
) -> list[int]:
    wanted = {normalise_header(name) for name in [field, *names]}
    return [
        i
        for i, header in enumerate(headers)
        if i not in taken and normalise_header(header) in wanted
    ]


def _check_required(
    columns: dict[str, int], aliases: Mapping[str, Iterable[str]], required: Iterable[str]
) -> None:
    for field in required:
        if field not in columns:
            accepted = ", ".join(repr(name) for name in [field, *aliases.get(field, ())])
            raise TabularError(
                f"The required column {field!r} is missing (accepted headers: {accepted}).",
                column=field,
            )
