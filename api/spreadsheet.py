"""Text in spreadsheets we write: shown as text, never run as a formula (CSV and XLSX alike)."""

from openpyxl.cell.cell import Cell

# A spreadsheet program runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A text that a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def set_text(cell: Cell, value: str) -> None:
    """Write `value` as a text cell, neutralised."""
    cell.value = neutralise(value)
    # openpyxl infers a formula from a leading "="; what we write is text whatever it holds.
    cell.data_type = "s"
