"""The status rules at their edges."""

from datetime import date

import pytest

from api.goals.enums import Direction, Pace, Unit
from api.goals.rules import AT_RISK_PACE, Rule, Status, YearTarget, assess, year_elapsed

MID_YEAR = date(2026, 7, 2)  # day 183 of 365


def _assess(
    actual,
    target=100.0,
    *,
    direction=Direction.at_least,
    pace=Pace.cumulative,  # type: ignore[no-untyped-def]
    on=MID_YEAR,
    unit=Unit.count,
):
    return assess(
        actual=actual,
        target=None if target is None else YearTarget(target),
        rule=Rule(unit, direction, pace),
        year=2026,
        evaluated_on=on,
    )


class TestYearElapsed:
    def test_before_during_and_after(self) -> None:
        assert year_elapsed(2026, date(2025, 12, 31)) == 0
        assert year_elapsed(2026, date(2026, 1, 1)) == pytest.approx(1 / 365)
        assert year_elapsed(2026, date(2026, 12, 31)) == 1
        assert year_elapsed(2026, date(2027, 3, 1)) == 1


class TestCumulativeAtLeast:
    expected = 100 * 183 / 365

    def test_just_achieved(self) -> None:
        assert _assess(100).status is Status.achieved
        assert _assess(99.99).status is Status.on_track

    def test_exactly_at_pro_rata_pace_is_on_track(self) -> None:
        result = _assess(self.expected)
        assert result.status is Status.on_track
        assert result.expected == pytest.approx(self.expected)

    def test_just_below_pace_is_at_risk(self) -> None:
        assert _assess(self.expected - 0.01).status is Status.at_risk

    def test_at_risk_band_edge(self) -> None:
        edge = self.expected * AT_RISK_PACE
        assert _assess(edge).status is Status.at_risk
        assert _assess(edge - 0.01).status is Status.off_track

    def test_year_over_and_short_is_off_track(self) -> None:
        assert _assess(99, on=date(2026, 12, 31)).status is Status.off_track

    def test_explanation_names_the_comparison(self) -> None:
        text = _assess(40, target=3_000_000, unit=Unit.dkk).explanation
        assert "40 kr." in text and "3.000.000 kr." in text and "50 % af året" in text


class TestLevel:
    def test_meeting_a_share_mid_year_is_on_track_and_at_year_end_achieved(self) -> None:
        assert _assess(80, 80, pace=Pace.level, unit=Unit.percent).status is Status.on_track
        at_end = _assess(80, 80, pace=Pace.level, unit=Unit.percent, on=date(2027, 1, 15))
        assert at_end.status is Status.achieved

    def test_within_tolerance_is_at_risk(self) -> None:
        assert _assess(72, 80, pace=Pace.level).status is Status.at_risk
        assert _assess(71.99, 80, pace=Pace.level).status is Status.off_track

    def test_level_compares_with_the_target_not_the_pace(self) -> None:
        result = _assess(65, 80, pace=Pace.level, unit=Unit.percent)
        assert result.expected == 80
        assert result.status is Status.off_track


class TestAtMost:
    def test_cumulative_ceiling(self) -> None:
        expected = 100 * 183 / 365
        assert _assess(expected, direction=Direction.at_most).status is Status.on_track
        assert _assess(expected + 1, direction=Direction.at_most).status is Status.at_risk
        assert _assess(100.5, direction=Direction.at_most).status is Status.off_track
        year_end = _assess(100, direction=Direction.at_most, on=date(2026, 12, 31))
        assert year_end.status is Status.achieved

    def test_level_ceiling(self) -> None:
        assert _assess(50, 50, direction=Direction.at_most, pace=Pace.level).status is (
            Status.on_track
        )
        assert _assess(55, 50, direction=Direction.at_most, pace=Pace.level).status is (
            Status.at_risk
        )
        assert _assess(56, 50, direction=Direction.at_most, pace=Pace.level).status is (
            Status.off_track
        )


class TestMissing:
    def test_no_actual_is_no_data(self) -> None:
        result = _assess(None)
        assert result.status is Status.no_data
        assert "ingen data" in result.explanation

    def test_no_target_for_the_year(self) -> None:
        assert _assess(5, None).status is Status.no_target

    def test_zero_is_data_not_missing(self) -> None:
        assert _assess(0).status is Status.off_track
