"""The values a ``tabletop/1`` file writes: durations and their distributions, times,
ids, group uses, ``after`` entries... each a pydantic validator with its JSON Schema.

A validator raises :class:`pydantic_core.PydanticCustomError` with a problem code of
docs/reference/errors.md (``bad-duration``, ``bad-time``...) as its type.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated, Any

from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from sim.core import timefmt
from sim.core.distributions import Choice, Distribution, Fixed, Lognormal, Pert, Triangular, Uniform

DURATION_TEXT = 'a duration: hours as a number, or "90min", "2h", "1.5d"'
_DURATION_SCHEMA: dict[str, Any] = {
    "description": DURATION_TEXT,
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*(min|m|h|d)\s*$"},
    ],
}
_DIST_KEYS = ("triangular", "pert", "uniform", "lognormal", "choice")


def _triple(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            name: {"type": "array", "items": _DURATION_SCHEMA, "minItems": 3, "maxItems": 3,
                   "description": "[low, mode, high]"}
        },
        "required": [name],
        "additionalProperties": False,
    }


_DISTRIBUTION_SCHEMA: dict[str, Any] = {
    "description": DURATION_TEXT + ", or a distribution such as {triangular: [2, 3, 4]}",
    "anyOf": [
        _DURATION_SCHEMA,
        _triple("triangular"),
        _triple("pert"),
        {
            "type": "object",
            "properties": {"uniform": {"type": "array", "items": _DURATION_SCHEMA,
                                       "minItems": 2, "maxItems": 2}},
            "required": ["uniform"], "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"lognormal": {
                "type": "object",
                "properties": {"median": _DURATION_SCHEMA, "p90": _DURATION_SCHEMA},
                "required": ["median", "p90"], "additionalProperties": False}},
            "required": ["lognormal"], "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"choice": {
                "type": "object",
                "properties": {"values": {"type": "array", "items": _DURATION_SCHEMA},
                               "weights": {"type": "array", "items": {"type": "number",
                                                                      "minimum": 0}}},
                "required": ["values"], "additionalProperties": False}},
            "required": ["choice"], "additionalProperties": False,
        },
    ],
}
_TIME_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": r"^D\d+( \d{1,2}:\d{2})?$",
    "description": 'a time "D<day> HH:MM" (day 1 is the first day), or "D<day>" for the '
    "start of that working day",
}


def _error(code: str, message: str) -> PydanticCustomError:
    # No context is passed, so pydantic leaves braces in the message as written.
    return PydanticCustomError(code, message)


def _hours(value: Any) -> float:
    try:
        return timefmt.parse_duration(value)
    except timefmt.TimeFormatError as exc:
        raise _error("bad-duration", str(exc)) from None


def _dist_values(value: Any, count: int, name: str) -> list[float]:
    if not isinstance(value, list) or len(value) != count:
        shape = "[low, mode, high]" if count == 3 else "[low, high]"
        raise _error("bad-distribution", f"{name} takes a list {shape}, found {value!r}")
    return [_hours(v) for v in value]


def parse_distribution(value: Any) -> Distribution:
    """A duration or a duration distribution, as written in a scenario."""
    if not isinstance(value, dict):
        return Fixed(_hours(value))
    if len(value) != 1 or next(iter(value)) not in _DIST_KEYS:
        keys = ", ".join(map(str, value)) or "nothing"
        raise _error(
            "bad-distribution",
            f"a distribution is one of {{{', '.join(_DIST_KEYS)}}}: ..., found keys {keys}",
        )
    kind, args = next(iter(value.items()))
    if kind in ("triangular", "pert"):
        low, mode, high = _dist_values(args, 3, kind)
        if not low <= mode <= high:
            raise _error("bad-distribution",
                         f"{kind} needs low <= mode <= high, found {low:g}, {mode:g}, {high:g}")
        return Triangular(low, mode, high) if kind == "triangular" else Pert(low, mode, high)
    if kind == "uniform":
        low, high = _dist_values(args, 2, kind)
        if low > high:
            raise _error("bad-distribution", f"uniform needs low <= high, found {low:g}, {high:g}")
        return Uniform(low, high)
    if kind == "lognormal":
        return _lognormal(args)
    return _choice(args)


def _lognormal(args: Any) -> Lognormal:
    if not isinstance(args, dict) or set(args) != {"median", "p90"}:
        raise _error("bad-distribution", f"lognormal takes {{median: m, p90: q}}, found {args!r}")
    median, p90 = _hours(args["median"]), _hours(args["p90"])
    if median <= 0 or p90 < median:
        raise _error("bad-distribution",
                     f"lognormal needs 0 < median <= p90, found median {median:g}, p90 {p90:g}")
    return Lognormal(median, p90)


def _choice(args: Any) -> Choice:
    if not isinstance(args, dict) or "values" not in args or set(args) - {"values", "weights"}:
        raise _error("bad-distribution",
                     f"choice takes {{values: [..], weights: [..]}}, found {args!r}")
    raw_values = args["values"]
    if not isinstance(raw_values, list) or not raw_values:
        raise _error("bad-distribution", "choice needs a non-empty list of values")
    values = [_hours(v) for v in raw_values]
    weights = args.get("weights", [1.0] * len(values))
    if (
        not isinstance(weights, list)
        or len(weights) != len(values)
        or not all(isinstance(w, int | float) and not isinstance(w, bool) for w in weights)
    ):
        raise _error("bad-weights",
                     f"choice needs one number weight per value ({len(values)}), found {weights!r}")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise _error("bad-weights", f"weights must be >= 0 with a positive sum, found {weights!r}")
    return Choice(tuple(values), tuple(float(w) for w in weights))


def _time(value: Any) -> timefmt.DayTime:
    try:
        return timefmt.parse_time(value)
    except timefmt.TimeFormatError as exc:
        raise _error("bad-time", str(exc)) from None


def _clock(value: Any) -> float:
    try:
        return timefmt.parse_clock(value)
    except timefmt.TimeFormatError as exc:
        raise _error("bad-time", str(exc)) from None


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200 and not any(
        c.isspace() or c == "@" for c in value
    )


def _id(value: Any, what: str = "an id") -> str:
    if not _is_id(value):
        raise _error("bad-id", f"expected {what} (text without spaces or '@'), found {value!r}")
    return str(value)


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _error("wrong-type", f"expected {what} (a whole number >= 1), found {value!r}")
    return value


def _group_uses(value: Any) -> tuple[tuple[str, int | None], ...]:
    """``[a, b]`` (whole groups) or ``{a: teams}``."""
    if isinstance(value, list):
        return tuple((_id(v, "a group id"), None) for v in value)
    if isinstance(value, dict):
        return tuple((_id(k, "a group id"), _count(v, "a number of teams"))
                     for k, v in value.items())
    raise _error("wrong-type",
                 f"expected a list of group ids or a map {{group: teams}}, found {value!r}")


def _after_entry(value: Any) -> tuple[str, float]:
    """``id`` or ``{id: x, lag: duration}``."""
    if isinstance(value, dict):
        unknown = set(value) - {"id", "lag"}
        if "id" not in value or unknown:
            raise _error("wrong-type",
                         f"expected an id or {{id: x, lag: duration}}, found {value!r}")
        return _id(value["id"]), _hours(value.get("lag", 0))
    return _id(value, "an activity or phase id, or {id: x, lag: duration}"), 0.0


def _inject_time(value: Any) -> tuple[timefmt.DayTime, timefmt.DayTime]:
    """``"D3 10:00"`` or ``{between: [time, time]}``."""
    if isinstance(value, dict):
        window = value.get("between")
        if set(value) != {"between"} or not isinstance(window, list) or len(window) != 2:
            raise _error("bad-time",
                         f"expected a time or {{between: [time, time]}}, found {value!r}")
        return _time(window[0]), _time(window[1])
    at = _time(value)
    return at, at


def _amount(value: Any) -> int | None:
    if value == "all":
        return None
    return _count(value, 'an amount or "all"')


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _error("bad-date", f"expected an ISO date such as 2021-08-30, found {value!r}")


def _time_zone(value: Any) -> str:
    """An IANA time zone name that this machine's zone database knows (``Asia/Almaty``)."""
    if isinstance(value, str) and value.strip() == value and value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return value
    raise _error("bad-time-zone", "expected an IANA time zone name such as Asia/Almaty or "
                 f"Europe/Paris, found {value!r}")


_ID_SCHEMA: dict[str, Any] = {"type": "string", "pattern": r"^[^\s@]+$"}
Hours = Annotated[float, PlainValidator(_hours), WithJsonSchema(_DURATION_SCHEMA)]
GroupUses = Annotated[
    tuple[tuple[str, int | None], ...],
    PlainValidator(_group_uses),
    WithJsonSchema({
        "description": "group ids (whole groups) or a map {group: teams}",
        "anyOf": [{"type": "array", "items": _ID_SCHEMA},
                  {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}],
    }),
]
AfterEntry = Annotated[
    tuple[str, float],
    PlainValidator(_after_entry),
    WithJsonSchema({
        "description": "an activity or phase id, or {id, lag}",
        "anyOf": [_ID_SCHEMA, {"type": "object", "properties": {"id": _ID_SCHEMA,
                                                                "lag": _DURATION_SCHEMA},
                               "required": ["id"], "additionalProperties": False}],
    }),
]
InjectTime = Annotated[
    tuple[timefmt.DayTime, timefmt.DayTime],
    PlainValidator(_inject_time),
    WithJsonSchema({"anyOf": [_TIME_SCHEMA, {
        "type": "object",
        "properties": {"between": {"type": "array", "items": _TIME_SCHEMA,
                                   "minItems": 2, "maxItems": 2}},
        "required": ["between"], "additionalProperties": False}]}),
]
Amount = Annotated[
    int | None,
    PlainValidator(_amount),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1}, {"const": "all"}]}),
]
Date = Annotated[dt.date, PlainValidator(_date), WithJsonSchema({"type": "string",
                                                                  "format": "date"})]
TimeZone = Annotated[str, PlainValidator(_time_zone), WithJsonSchema({
    "type": "string", "description": "an IANA time zone name, e.g. Asia/Almaty"})]
DurationDist = Annotated[
    Distribution, PlainValidator(parse_distribution), WithJsonSchema(_DISTRIBUTION_SCHEMA)
]
Time = Annotated[timefmt.DayTime, PlainValidator(_time), WithJsonSchema(_TIME_SCHEMA)]
Clock = Annotated[
    float, PlainValidator(_clock), WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$"})
]
Id = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s@]+$")]
Text = Annotated[str, Field(max_length=100_000)]
InstanceId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s@]+(@D\d+)?$")]
