"""Durations, ``"D6 10:00"`` times and their formatting (``sim.core.timefmt``)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.timefmt import (
    DayTime,
    TimeFormatError,
    format_clock,
    format_duration,
    format_time,
    parse_clock,
    parse_duration,
    parse_time,
)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        (2, 2.0),
        (0, 0.0),
        (0.5, 0.5),
        ("90min", 1.5),
        ("90m", 1.5),
        ("2h", 2.0),
        ("1.5d", 36.0),
        (" 3h ", 3.0),
        ("3 h", 3.0),
        (".5h", 0.5),
        ("2.h", 2.0),
        ("0min", 0.0),
    ],
)
def test_parse_duration(text: object, hours: float) -> None:
    assert parse_duration(text) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2 hours", "such as"),
        ("2", "such as"),  # text needs a unit
        ("-1h", "such as"),
        ("h", "such as"),
        ("1.5.2h", "such as"),
        ("", "such as"),
        (-1, "never negative"),
        (-0.5, "never negative"),
        (True, "expected a duration"),
        (None, "expected a duration"),
        ([2], "expected a duration"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        (10**400, "too large"),
    ],
)
def test_parse_duration_rejects(value: object, words: str) -> None:
    with pytest.raises(TimeFormatError, match=words):
        parse_duration(value)


def test_parse_duration_huge_text_is_not_finite() -> None:
    with pytest.raises(TimeFormatError, match="finite"):
        parse_duration("9" * 400 + "h")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D1", DayTime(1)),
        ("D6", DayTime(6)),
        ("D6 10:00", DayTime(6, 10.0)),
        ("D2 7:30", DayTime(2, 7.5)),
        ("D3 00:00", DayTime(3, 0.0)),
        ("D3 24:00", DayTime(3, 24.0)),
        (" D4 12:15 ", DayTime(4, 12.25)),
        ("D12   08:45", DayTime(12, 8.75)),
    ],
)
def test_parse_time(text: str, expected: DayTime) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("Day 6", "such as"),
        ("d6", "such as"),
        ("6", "such as"),
        ("D6 10", "such as"),
        ("D6 10:0", "such as"),
        ("D6T10:00", "such as"),
        ("D0", "count from D1"),
        ("D6 25:00", "no such clock time"),
        ("D6 10:60", "no such clock time"),
        ("D6 24:01", "no such clock time"),
        ("D123456", "such as"),
        (6, "such as"),
        (None, "such as"),
    ],
)
def test_parse_time_rejects(value: object, words: str) -> None:
    with pytest.raises(TimeFormatError, match=words):
        parse_time(value)


def test_daytime_hours_and_text() -> None:
    assert DayTime(1).hours(6.0) == 6.0  # "D1" is the start of the working day
    assert DayTime(3).hours(8.0) == 56.0
    assert DayTime(2, 10.5).hours(6.0) == 34.5  # the clock, whatever the day start
    assert str(DayTime(6)) == "D6"
    assert str(DayTime(6, 10.5)) == "D6 10:30"


@pytest.mark.parametrize(("text", "hours"), [("06:00", 6.0), ("7:15", 7.25), ("24:00", 24.0)])
def test_parse_clock(text: str, hours: float) -> None:
    assert parse_clock(text) == hours


@pytest.mark.parametrize("text", ["25:00", "12:60", "noon", "1200", 12, None, "24:30"])
def test_parse_clock_rejects(text: object) -> None:
    with pytest.raises(TimeFormatError):
        parse_clock(text)


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.0, "D1 00:00"),
        (6.0, "D1 06:00"),
        (10.5, "D1 10:30"),
        (24.0, "D2 00:00"),
        (41.5, "D2 17:30"),
        (11 * 24 + 17.5, "D12 17:30"),
        (23.9999, "D2 00:00"),  # rounded to the minute
    ],
)
def test_format_time(hours: float, text: str) -> None:
    assert format_time(hours) == text


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.0, "0min"),
        (0.75, "45min"),
        (1.0, "1h"),
        (1.5, "1h30"),
        (14.0, "14h"),
        (24.0, "24h"),
        (26.5, "26h30"),
        (48.0, "48h"),
        (71.5, "71h30"),
        (72.0, "3d"),
        (98.0, "4d 2h"),
        (24000.0, "1000d"),
    ],
)
def test_format_duration(hours: float, text: str) -> None:
    assert format_duration(hours) == text


def test_format_clock() -> None:
    assert format_clock(6.0) == "06:00"
    assert format_clock(17.5) == "17:30"


@settings(max_examples=200, deadline=None)
@given(day=st.integers(1, 99_999), minutes=st.integers(0, 24 * 60 - 1))
def test_time_round_trip(day: int, minutes: int) -> None:
    text = f"D{day} {minutes // 60:02d}:{minutes % 60:02d}"
    parsed = parse_time(text)
    assert str(parsed) == text
    assert format_time(parsed.hours(0.0)) == text


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(0, 10 * 24 * 60))
def test_duration_round_trip(minutes: int) -> None:
    assert parse_duration(f"{minutes}min") == pytest.approx(minutes / 60)
    text = format_duration(minutes / 60)
    # "1d 2h30" -> read back by summing its parts
    total = 0.0
    for part in text.split():
        if part.endswith("min"):
            total += int(part[:-3]) / 60
        elif part.endswith("d"):
            total += int(part[:-1]) * 24
        else:
            hours, _, mins = part.partition("h")
            total += int(hours) + (int(mins) / 60 if mins else 0)
    assert total == pytest.approx(minutes / 60)
