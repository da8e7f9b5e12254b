"""Danish (da-DK) formatting of goal values for explanations and reports."""

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from api.enums import Unit

LOCALE = "da_DK"


def format_value(value: float, unit: Unit | None) -> str:
    """2242000 → '2.242.000 kr.'; 80 → '80 %'; 6 → '6'."""
    number = format_decimal(value, format="#,##0.##", locale=LOCALE)
    if unit is Unit.dkk:
        return f"{number} kr."
    if unit is Unit.percent:
        return f"{number} %"
    return number


def format_day(day: date) -> str:
    """2026-11-26 → '26. nov. 2026'."""
    return format_date(day, format="d. MMM y", locale=LOCALE)
