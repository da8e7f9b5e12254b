"""The report as an XLSX workbook: "Mål" (one row per goal), "Planens tal" and "Overblik".

Numbers are number cells with a number format showing the unit; every text goes through
`api.kit.spreadsheet.set_text`, so nothing a user typed can run as a formula.
"""

import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.goals.enums import Unit
from api.kit.spreadsheet import set_text
from api.reports.service import Report, ReportGoal

GOALS_SHEET = "Mål"
FIGURES_SHEET = "Planens tal"
OVERVIEW_SHEET = "Overblik"
BASIS_SHEET = "Grundlag"
BASIS_HEADERS = [("Mål", 40), ("Dato", 12), ("Post", 40), ("Værdi", 14), ("Begrundelse", 70)]
GOAL_HEADERS = [
    ("Spor", 24),
    ("Indsats", 30),
    ("Mål", 60),
    ("Basislinje", 14),
    ("Basisår", 9),
    ("Mål for året", 15),
    ("Faktisk", 15),
    ("Status", 13),
    ("Forklaring", 60),
    ("Nøgle", 28),
]
TONE_FILLS = {  # the HTML page's colours, behind the label (never instead of it)
    "good": "DFF2E4",
    "watch": "FFEFC2",
    "bad": "FBE0E0",
    "open": "E1EBF8",
    "none": "ECECEC",
}
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
_WRAP = Alignment(wrap_text=True, vertical="top")

CellValue = str | float | int | date | None


def number_format(value: float, unit: Unit | None) -> str:
    """'#,##0 "kr."' for 3000000 kr.; two decimals only where the value has them."""
    digits = "#,##0" if float(value).is_integer() else "#,##0.00"
    if unit is Unit.dkk:
        return f'{digits} "kr."'
    if unit is Unit.percent:
        return f'{digits} "%"'  # the values are percentages already: 80 is 80 %
    return digits


def _set(cell: Cell, value: CellValue, unit: Unit | None = None) -> None:
    if value is None:
        return
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "dd-mm-yyyy"
    elif isinstance(value, float):  # a goal's value: formatted with its unit
        cell.value = value
        cell.number_format = number_format(value, unit)
    else:  # an int: a year, a count of goals
        cell.value = value


def _header(sheet: Worksheet, headers: Sequence[tuple[str, float]]) -> None:
    for column, (title, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        set_text(cell, title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"


def _measure(value: float | None) -> float | None:
    """A goal's value as a float, so `_set` formats it as one (never as a plain year)."""
    return None if value is None else float(value)


def _goal_row(goal: ReportGoal) -> list[tuple[CellValue, Unit | None]]:
    unit = goal.unit
    return [
        (goal.track, None),
        (goal.initiative or None, None),
        (f"{goal.label}\n{goal.text}" if goal.label else goal.text, None),
        (_measure(goal.baseline), unit),
        (goal.baseline_year, None),
        (_measure(goal.target), unit),
        (_measure(goal.actual), unit),
        (goal.status_label, None),
        (goal.explanation, None),
        (goal.key, None),
    ]


def _goals_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.title = GOALS_SHEET
    _header(sheet, GOAL_HEADERS)
    status_column = [title for title, _ in GOAL_HEADERS].index("Status") + 1
    for row, goal in enumerate(report.goals, start=2):
        for column, (value, unit) in enumerate(_goal_row(goal), start=1):
            cell = sheet.cell(row=row, column=column)
            _set(cell, value, unit)
            cell.alignment = _WRAP
        sheet.cell(row=row, column=status_column).fill = PatternFill(
            "solid", fgColor=TONE_FILLS[goal.tone]
        )
    last = get_column_letter(len(GOAL_HEADERS))
    sheet.auto_filter.ref = f"A1:{last}{max(len(report.goals) + 1, 2)}"
    _print_setup(sheet, report, landscape=True)


def _figures_sheet(sheet: Worksheet, report: Report) -> None:
    headers: list[tuple[str, float]] = [("Tal", 22), ("Enhed", 8)]
    for year in report.figure_years:
        headers += [(f"Mål {year}", 15), (f"Faktisk {year}", 15)]
    headers += [("Beskrivelse", 60)]
    _header(sheet, headers)
    for row, figure in enumerate(report.figures, start=2):
        values: list[tuple[CellValue, Unit | None]] = [
            (figure.name, None),
            (figure.unit_name or None, None),
        ]
        for year in report.figure_years:
            point = figure.years.get(year)
            values += [
                (_measure(point.target) if point else None, figure.unit),
                (_measure(point.actual) if point else None, figure.unit),
            ]
        values.append((figure.text, None))
        for column, (value, unit) in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            _set(cell, value, unit)
            cell.alignment = _WRAP
    _print_setup(sheet, report, landscape=True)


def _overview_sheet(sheet: Worksheet, report: Report) -> None:
    rows: list[tuple[CellValue, CellValue]] = [
        (report.title, None),
        (report.subtitle or None, None),
        ("Opgjort pr.", report.evaluated_on),
        (None, None),
        ("Status", "Antal mål"),
        *[(item.status_label, item.count) for item in report.summary],
        ("I alt", report.total),
    ]
    for row, (label, value) in enumerate(rows, start=1):
        _set(sheet.cell(row=row, column=1), label)
        _set(sheet.cell(row=row, column=2), value)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    header_row = 5
    for column in (1, 2):
        sheet.cell(row=header_row, column=column).font = _BOLD
        sheet.cell(row=len(rows), column=column).font = _BOLD
    for offset, item in enumerate(report.summary, start=header_row + 1):
        sheet.cell(row=offset, column=1).fill = PatternFill("solid", fgColor=TONE_FILLS[item.tone])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 14
    _print_setup(sheet, report, landscape=False, title_row=False)


def _basis_sheet(sheet: Worksheet, report: Report) -> None:
    """The appendix: one row per record behind a goal's figure."""
    _header(sheet, BASIS_HEADERS)
    row = 2
    for goal in report.basis:
        for item in goal.items:
            values: list[tuple[CellValue, Unit | None]] = [
                (goal.name, None),
                (item.day, None),
                (item.label, None),
                (item.value, item.unit) if item.value is not None else (item.value_text, None),
                (item.reason, None),
            ]
            for column, (value, unit) in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column)
                _set(cell, value, unit)
                cell.alignment = _WRAP
            row += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(BASIS_HEADERS))}{max(row - 1, 2)}"
    _print_setup(sheet, report, landscape=True)


def _print_setup(
    sheet: Worksheet, report: Report, *, landscape: bool, title_row: bool = True
) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_row:
        sheet.print_title_rows = "1:1"  # the header row on every printed page
    # Header/footer codes start with "&": double any "&" in the text so it prints as one.
    sheet.oddHeader.left.text = report.title.replace("&", "&&")
    sheet.oddHeader.right.text = f"Opgjort pr. {report.evaluated_on_text}"
    sheet.oddFooter.right.text = "Side &P af &N"


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    goals = workbook.active
    assert goals is not None  # a new workbook always has its one sheet
    _goals_sheet(goals, report)
    _figures_sheet(workbook.create_sheet(FIGURES_SHEET), report)
    _overview_sheet(workbook.create_sheet(OVERVIEW_SHEET), report)
    _basis_sheet(workbook.create_sheet(BASIS_SHEET), report)
    workbook.properties.title = report.title
    workbook.properties.subject = f"Opgjort pr. {report.evaluated_on.isoformat()}"
    workbook.properties.creator = "Erhverv Lejre"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
