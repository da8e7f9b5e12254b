"""The integration contract: a case as the source system sends it, and the answers."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from api.cases.enums import CaseKind, Decision, ItemOutcome
from api.contacts.cvr import CVR_SCHEMA, Cvr
from api.kit.common import IsoDate, IsoDateTime, RequestBody, Schema

MAX_BATCH = 1000

SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SourceName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=50, pattern=SOURCE_PATTERN),
]
# A case system's own ids may hold any printable text (ÆØÅ, €, spaces …): it is kept as sent and
# percent-encoded wherever it goes into a URL or header. Control characters (CR, LF, NUL, tab,
# the C1 range …) are refused: no id has them, and they break headers, logs and CSV exports.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
EXTERNAL_ID_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]+$"


def _empty_is_none(value: object) -> object:
    """A case system may send an empty CVR for none."""
    return None if value == "" else value


def _printable(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("må ikke indeholde styretegn (linjeskift, tabulator, NUL o.l.)")
    return value


ExternalId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(_printable),
    Field(json_schema_extra={"pattern": EXTERNAL_ID_PATTERN}),
]


class CaseFields(RequestBody):
    """A case's state in the source system; every field is sent every time (a full put)."""

    model_config = ConfigDict(extra="forbid")

    kind: CaseKind = Field(default=CaseKind.building_permit)
    is_business: bool = Field(description="The applicant is a business.")
    received_on: IsoDate = Field(description="The day the application came in.")
    complete_on: IsoDate | None = Field(
        default=None,
        description="The day the application was complete (fyldestgørende): the clock starts.",
    )
    decided_on: IsoDate | None = Field(default=None, description="The day of the decision.")
    decision: Decision | None = None
    paused_days: int = Field(
        default=0, ge=0, le=3650, description="Days waiting on the applicant; not counted."
    )
    counts_toward_target: bool = Field(
        default=True, description="False for case types outside the service target."
    )
    company_cvr: Annotated[
        Cvr | None,
        BeforeValidator(_empty_is_none),
        WithJsonSchema({"anyOf": [CVR_SCHEMA, {"const": ""}, {"type": "null"}]}),
    ] = Field(default=None, description="The business's CVR, if known; empty or null: none.")
    source_updated_at: IsoDateTime = Field(
        description="When the source last changed the case; an older update never wins."
    )

    @field_validator("source_updated_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=UTC)  # no zone: UTC


class CaseIn(CaseFields):
    """The body of `PUT /cases/{source}/{external_id}`."""


class CaseBatchItem(CaseFields):
    source: SourceName
    external_id: ExternalId


class CaseBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(
        max_length=MAX_BATCH,
        description=(
            f"Up to {MAX_BATCH} cases, each a CaseBatchItem (the PUT body with `source` and "
            "`external_id`). Each item is checked and answered on its own."
        ),
    )


class CaseRead(Schema):
    id: int
    source: str
    external_id: str
    kind: CaseKind
    is_business: bool
    received_on: date
    complete_on: date | None
    decided_on: date | None
    decision: Decision | None
    paused_days: int
    counts_toward_target: bool
    company_cvr: str | None
    source_updated_at: datetime
    created_at: datetime
    updated_at: datetime


class ItemError(BaseModel):
    field: str | None
    message: str


class ItemResult(BaseModel):
    index: int = Field(description="The item's place in the batch, from 0.")
    source: str | None
    external_id: str | None
    outcome: ItemOutcome
    id: int | None = Field(default=None, description="The stored case, where there is one.")
    errors: list[ItemError] = Field(default_factory=list)


class BatchCounts(BaseModel):
    items: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    rejected: int = 0


class BatchResult(BaseModel):
    counts: BatchCounts
    items: list[ItemResult]


class CasePutResult(BaseModel):
    outcome: ItemOutcome = Field(description="created, updated, unchanged or stale.")
    case: CaseRead = Field(description="The case as stored now.")


class TargetRead(BaseModel):
    kind: CaseKind
    target_days: int | None = Field(
        description="Days; null where neither staff nor the plan set a target for the kind."
    )
    is_default: bool = Field(description="Not set by staff: the plan's target, or none.")
    basis: Literal["set", "plan", "none"] = Field(
        description="set: by staff; plan: the plan's (50 days for building permits); none."
    )


class TargetIn(RequestBody):
    # A whole number of days: true, "7" and 7.5 are none (7.0 is 7, as JSON Schema counts).
    target_days: int = Field(ge=1, le=3650)


# ------------------------------------------------------------------------------- metrics


class MetricsRow(BaseModel):
    period: str = Field(description="'2026', '2026-Q1' or '2026-03'.")
    decided: int = Field(description="Cases decided in the period (of the kind and filter).")
    counted: int = Field(description="Of those, the ones the service target applies to.")
    within_target: int = Field(description="Of the counted, decided within the target.")
    share_within_target: float | None = Field(description="within_target / counted, in %.")
    median_days: int | None = Field(description="Days from complete to decided, less pauses.")
    p90_days: int | None = Field(description="90th percentile (nearest rank) of those days.")


class CaseMetrics(BaseModel):
    kind: CaseKind | None
    business_only: bool
    period: str
    target_days: dict[str, int | None] = Field(description="Each kind's target; null: none.")
    rows: list[MetricsRow]
    total: MetricsRow
    open_past_target: int = Field(description="Open complete cases already past their target.")
    as_of: date
