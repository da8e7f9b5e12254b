"""Danish numbers and dates as spreadsheets write them."""

from datetime import date

import pytest

from api.kit.danish import parse_amount, parse_date


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2.242.000", 2242000),
        ("2.242.000,50", 2242000.5),
        ("1.500 kr.", 1500),
        ("kr. 1.500", 1500),
        ("DKK 1.500,-", 1500),
        ("1 500", 1500),
        ("1\u00a0500,25", 1500.25),
        ("1500", 1500),
        ("1500,5", 1500.5),
        ("1.500", 1500),  # Danish first: fifteen hundred
        ("1500.50", 1500.5),  # impossible in Danish, so English
        ("2,242,000.50", 2242000.5),
        ("-5", -5),
    ],
)
def test_amounts(text: str, value: float) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "kr.", "mange", "2.24.000", "1,2,3,4.5.6"])
def test_what_is_no_amount(text: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        parse_amount(text)


@pytest.mark.parametrize(
    "text", ["15-03-2026", "15.03.2026", "15/03/2026", "2026-03-15", "2026-03-15T00:00:00"]
)
def test_dates(text: str) -> None:
    assert parse_date(text) == date(2026, 3, 15)


@pytest.mark.parametrize("text", ["31-02-2026", "03/15/2026", "15 marts 2026", "2026"])
def test_what_is_no_date(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)
