"""The shape of a ``tabletop/1`` file, as pydantic models.

These models check keys and types (and give the JSON Schema for editors), with the
value types of ``fields.py``; ``checks.py`` checks meaning, and ``resolve.py`` turns
the checked file into the immutable :class:`~sim.scenario.model.Scenario` the engine runs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.scenario.fields import (
    AfterEntry,
    Amount,
    Clock,
    Date,
    DurationDist,
    GroupUses,
    Hours,
    Id,
    InjectTime,
    InstanceId,
    Text,
    Time,
    TimeZone,
)

FORMAT = "tabletop/1"


class Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, populate_by_name=True,
        arbitrary_types_allowed=True,
    )


class CalendarSpec(Spec):
    day_start: Clock = Field(6.0, description='start of the working day, "HH:MM"')
    day_end: Clock = Field(20.0, description='end of the working day, "HH:MM"')
    rest_days: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, description="day numbers with no working time"
    )


class GroupSpec(Spec):
    id: Id
    name: Text | None = None
    headcount: Annotated[int, Field(ge=0)]
    teams: Annotated[int, Field(ge=1)] = 1


class ResourceSpec(Spec):
    id: Id
    name: Text | None = None
    capacity: Annotated[int, Field(ge=1)]
    hours: Literal["working", "always"] = "working"
    tags: list[Id] = Field(default_factory=list)


class EveryDaySpec(Spec):
    from_: Annotated[int, Field(ge=1)] = Field(alias="from")
    to: Annotated[int, Field(ge=1)]


class ActivitySpec(Spec):
    id: Id
    name: Text | None = None
    duration: DurationDist
    groups: GroupUses = ()
    needs: dict[Id, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    after: list[AfterEntry] = Field(default_factory=list)
    not_before: Time | None = None
    priority: Annotated[float, Field(allow_inf_nan=False)] = 0
    splittable: bool = False
    routine: bool = False
    every_day: EveryDaySpec | None = None


class PhaseSpec(Spec):
    id: Id
    name: Text | None = None
    start: Time | None = None
    due: Time | None = None
    after: list[Id] = Field(default_factory=list)
    around_the_clock: bool = False
    limit: Hours | None = None
    activities: list[ActivitySpec]


class InjectBase(Spec):
    id: Id
    at: InjectTime
    probability: Annotated[float, Field(ge=0, le=1)] = 1.0
    description: Text | None = None
    from_: Text | None = Field(None, alias="from")
    to: Text | None = None
    expected_action: Text | None = None
    objective: Text | None = None
    mode: Text | None = Field(None, description="MSEL column: how the inject is delivered "
                              "(email, phone call, face to face...)")
    notes: Text | None = Field(None, description="MSEL column: notes for exercise control")


class ResourceDownSpec(InjectBase):
    kind: Literal["resource_down"]
    target: Id
    amount: Amount = None
    for_: Hours = Field(alias="for")
    on_hit: Literal["pause", "finish"] = "pause"


class DelaySpec(InjectBase):
    kind: Literal["delay"]
    target: InstanceId = Field(description="an activity or phase id; `<id>@D<day>` names one "
                               "day's instance of an every_day activity")
    by: DurationDist


class GroupUnavailableSpec(InjectBase):
    kind: Literal["group_unavailable"]
    target: Id
    for_: Hours = Field(alias="for")


class AddActivitySpec(InjectBase):
    kind: Literal["add_activity"]
    activity: ActivitySpec
    phase: Id


class NoteSpec(InjectBase):
    kind: Literal["note"]


InjectSpec = Annotated[
    ResourceDownSpec | DelaySpec | GroupUnavailableSpec | AddActivitySpec | NoteSpec,
    Field(discriminator="kind"),
]
INJECT_KINDS: dict[str, type[InjectBase]] = {
    "resource_down": ResourceDownSpec,
    "delay": DelaySpec,
    "group_unavailable": GroupUnavailableSpec,
    "add_activity": AddActivitySpec,
    "note": NoteSpec,
}


class ScenarioSpec(Spec):
    """A whole ``tabletop/1`` file."""

    model_config = ConfigDict(title="tabletop/1 scenario")

    format: Literal["tabletop/1"]
    name: Text
    description: Text | None = None
    source: Text | None = None
    start_date: Date | None = None
    time_zone: TimeZone | None = None
    days: Annotated[int, Field(ge=1, le=3660)]
    seed: int | None = None
    calendar: CalendarSpec = CalendarSpec()
    dispatch: Literal["critical_path", "priority", "fifo"] = "critical_path"
    groups: list[GroupSpec] = Field(default_factory=list)
    resources: list[ResourceSpec] = Field(default_factory=list)
    phases: list[PhaseSpec]
    injects: list[InjectSpec] = Field(default_factory=list)


# Which model a mapping at a given key describes (for "did you mean" on unknown keys).
MODEL_AT_KEY: dict[str, type[Spec]] = {
    "": ScenarioSpec,
    "calendar": CalendarSpec,
    "groups": GroupSpec,
    "resources": ResourceSpec,
    "phases": PhaseSpec,
    "activities": ActivitySpec,
    "activity": ActivitySpec,
    "every_day": EveryDaySpec,
}


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a file may write for ``model``."""
    return [f.alias or name for name, f in model.model_fields.items()]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the format, for editors with a YAML language server."""
    schema = ScenarioSpec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://tabletop-sim.invalid/schema/tabletop-1.json"
    return schema
