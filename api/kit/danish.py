"""Numbers and dates as Danish spreadsheets write them, read strictly.

Used by every import: a value that could be read two ways is read the Danish way ("1.500" is
fifteen hundred), and one that fits no reading is refused with a message saying why.
"""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel.numbers import NumberFormatError, parse_decimal

from api.config import get_settings

# Currency marks around an amount: "1.500 kr.", "kr. 1.500", "DKK 1.500", "1.500,-".
_CURRENCY = re.compile(r"^(?:kr\.?|dkk)\s*|\s*(?:kr\.?|dkk|,-)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]")  # thousands may be spaced, also by (narrow) no-break
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")
# The forms nearly every row has, read without babel or strptime (an import reads 100,000s).
_PLAIN_DANISH_AMOUNT = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?$")
_DANISH_DATE = re.compile(r"^(\d{1,2})([-./])(\d{1,2})\2(\d{4})$")


def parse_amount(text: str) -> float:
    """'2.242.000', '2.242.000,50', '1.500 kr.', '1 500', or an English '2,242,000.50'."""
    cleaned = text.strip()
    if not _PLAIN_DANISH_AMOUNT.match(cleaned):
        cleaned = _SPACES.sub("", _CURRENCY.sub("", cleaned))
    if _PLAIN_DANISH_AMOUNT.match(cleaned):
        return float(cleaned.replace(".", "").replace(",", "."))
    if not cleaned:
        raise ValueError("the amount is empty")
    # Danish first; English only where the Danish reading is impossible ("1500.50").
    for locale in ("da_DK", "en_US"):
        try:
            return float(parse_decimal(cleaned, locale=locale, strict=True))
        except NumberFormatError:
            continue
    raise ValueError(f"{text!r} is not an amount (write e.g. 2.242.000 or 2.242.000,50)")


def parse_date(text: str) -> date:
    """'15-03-2026', '15.03.2026', '15/03/2026' or ISO '2026-03-15' (a timestamp's day too)."""
    value = text.strip()
    danish = _DANISH_DATE.match(value)
    if danish:
        day, _, month, year = danish.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{text!r} is not a date (no such day)") from None
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value).date()  # an XLSX date-time cell
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date (write e.g. 15-03-2026 or 2026-03-15)")


def local_day_start(day: date) -> datetime:
    """Midnight at the start of a day where the municipality is, in UTC: staff's and the plan's
    dates are local days, the database keeps UTC times."""
    zone = ZoneInfo(get_settings().timezone)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The day a UTC time falls on where the municipality is."""
    return moment.astimezone(ZoneInfo(get_settings().timezone)).date()
