"""Text in spreadsheets we write: shown as text, never run as a formula (CSV and XLSX alike).

Every text cell we write passes `neutralise`, so this is the one place that decides what a cell
may hold: no control characters (an XLSX cannot hold them; openpyxl refuses the whole workbook),
and nothing a spreadsheet program could read as a formula (OWASP, "CSV Injection").
"""

import unicodedata

from openpyxl.cell.cell import Cell

from api.kit.common import strip_controls

# A spreadsheet program runs a cell that starts with one of these as a formula (OWASP's list,
# and "|" for DDE); their fullwidth forms (＝ ＋ － ＠ ｜) fold to them under NFKC.
FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r")


def neutralise(value: str) -> str:
    """A text that a spreadsheet shows as text, never runs as a formula."""
    value = strip_controls(value)
    # Programs skip leading blanks (spaces, NBSP, line breaks) before they look for "=".
    first = value.lstrip()[:1] or value[:1]
    if value.startswith(FORMULA_STARTS) or unicodedata.normalize("NFKC", first) in FORMULA_STARTS:
        return "'" + value
    return value


def set_text(cell: Cell, value: str) -> None:
    """Write `value` as a text cell, neutralised."""
    cell.value = neutralise(value)
    # openpyxl infers a formula from a leading "="; what we write is text whatever it holds.
    cell.data_type = "s"
