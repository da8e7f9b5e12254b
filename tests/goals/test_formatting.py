from datetime import date

import pytest
from babel.numbers import format_decimal

from api.goals.enums import Unit
from api.goals.formatting import format_day, format_number, format_value


@pytest.mark.parametrize(
    "value",
    [0, 1, 12.5, 80, 999.999, 1000, 2_242_000, 2_242_000.5, 3_500_000.25, -1234.5, 0.004, 1e9],
)
def test_numbers_are_formatted_as_babel_formats_da_dk(value: float) -> None:
    expected = format_decimal(value, format="#,##0.##", locale="da_DK").replace("\u2212", "-")
    assert format_number(value) == expected


def test_units_and_dates() -> None:
    assert format_value(2_242_000, Unit.dkk) == "2.242.000 kr."
    assert format_value(80, Unit.percent) == "80 %"
    assert format_day(date(2026, 11, 26)) == "26. nov. 2026"
