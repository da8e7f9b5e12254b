"""Today where the municipality is: the default date of every "as of" read."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from api.config import get_settings


def today() -> date:
    """Today where the municipality is, not where the server's clock is."""
    return datetime.now(ZoneInfo(get_settings().timezone)).date()
