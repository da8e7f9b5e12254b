"""Conventions shared by every request: ids and years, text without control characters, amounts,
dates as ISO text, and request bodies that say what they accept (paging: kit.paging; ETags:
kit.etags)."""

import math
import re
import types
from datetime import UTC, date, datetime
from typing import (
    Annotated,
    Any,
    ClassVar,
    TypeVar,
    Union,
    get_args,
    get_origin,
)

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

T = TypeVar("T")

# Every table's id is an INTEGER column (32 bits on PostgreSQL): a number beyond it names no row
# and would overflow the driver (a 500), so it is refused as a 422 naming the parameter.
INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)
Id = Annotated[int, Ge(1), Le(INT32_MAX)]
"""A row id, in a path, a query or a body: 1 up to the id column's largest value."""
PlanYear = Annotated[int, Ge(1900), Le(2200)]
"""A plan's year, wherever it is given."""


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# C0 and C1 control characters, DEL and NUL; a tab and a line break are text.
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROL_CHARACTERS = re.compile(f"[{_CONTROLS}]")
TEXT_PATTERN = f"^[^{_CONTROLS}]*$"
"""Text as the schema states it: any characters but control characters."""
FILLED_TEXT_PATTERN = rf"^[^{_CONTROLS}]*[^\s{_CONTROLS}][^{_CONTROLS}]*$"
"""Text that is required: as TEXT_PATTERN, and not blank."""


def strip_controls(text: str) -> str:
    """Text a file brought, without the control characters no person typed (nor XLSX holds)."""
    return CONTROL_CHARACTERS.sub("", text)


def _refuse_controls(value: Any) -> None:
    if isinstance(value, str):
        if found := CONTROL_CHARACTERS.search(value):
            code = f"U+{ord(found.group()):04X}"
            raise ValueError(f"Teksten indeholder et kontroltegn ({code}), som ikke er tilladt.")
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_controls(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_controls(key)
            _refuse_controls(item)


def iso_only(value: Any) -> Any:
    """A date or time is written as ISO 8601: a number (0, 0.5) is no date, though pydantic
    would read it as seconds since 1970."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str)
        and re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", value)
    ):
        raise ValueError("Skriv en dato som ÅÅÅÅ-MM-DD (ISO 8601), ikke et tal.")
    return value


# Every amount and goal value is a Numeric(18, 2) column: 16 digits before the point, 2 after.
AMOUNT_LIMIT = 10**16


def _fits_amount_column(value: float) -> float:
    if not math.isfinite(value) or abs(value) >= AMOUNT_LIMIT:
        raise ValueError("Tallet er for stort (højst 16 cifre før kommaet).")
    # Whole cents, as the schema's multipleOf 0.01 states it. A float's own rounding error (57
    # times 0.01 is 0.5700000000000001) is no third decimal: a few units in the last place.
    hundredfold = value * 100
    cents = round(hundredfold)
    if abs(hundredfold - cents) > 4 * math.ulp(hundredfold) or (value and not cents):
        raise ValueError("Højst to decimaler.")
    return cents / 100


class _JsonSchemaExtra:
    """Keywords added to a type's JSON schema, where they state what a validator enforces."""

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update(self.keywords)
        return schema


Amount = Annotated[
    float,
    AfterValidator(_fits_amount_column),
    _JsonSchemaExtra(
        exclusiveMinimum=-AMOUNT_LIMIT, exclusiveMaximum=AMOUNT_LIMIT, multipleOf=0.01
    ),
]
"""An amount or a goal's value, as precise as the column that keeps it."""
NonNegativeAmount = Annotated[float, Ge(0), *Amount.__metadata__]
"""An amount that is never below 0."""


def _no_controls(value: str) -> str:
    _refuse_controls(value)
    return value


QueryText = Annotated[
    str,
    AfterValidator(_no_controls),
    StringConstraints(max_length=200),
    _JsonSchemaExtra(pattern=TEXT_PATTERN),
]
"""Text in a query (a search, a filter): what a person types; PostgreSQL takes no NUL."""

IsoDate = Annotated[date, BeforeValidator(iso_only)]
IsoDateTime = Annotated[datetime, BeforeValidator(iso_only)]


def _utc_if_naive(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, BeforeValidator(iso_only), AfterValidator(_utc_if_naive)]
"""A moment: a time without a zone is UTC (as it is stored), so any two compare."""


def _plain_types(annotation: Any) -> set[Any]:
    """The types a field's annotation allows, unwrapping Optional, unions and Annotated."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _plain_types(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return set().union(*(_plain_types(arg) for arg in get_args(annotation)))
    return {annotation}


def _check_scalar(allowed: set[Any], value: Any) -> None:
    """No coercion between kinds: "7" is no number, 1 no boolean, 0 no date."""
    whole = int in allowed and float not in allowed and isinstance(value, int | float)
    if whole and not -INT32_MAX - 1 <= value <= INT32_MAX:  # every integer column has 32 bits
        raise ValueError(f"Tallet er for stort (højst {INT32_MAX}).")
    if value is None or type(value) in allowed:
        return
    if bool in allowed and not isinstance(value, bool):
        raise ValueError("Skriv true eller false.")
    numbers = allowed & {int, float}
    if numbers and not allowed & {str, date, datetime} and isinstance(value, str | bool):
        raise ValueError(
            "Skriv et tal, ikke true eller false."
            if isinstance(value, bool)
            else "Skriv et tal, ikke en tekst."
        )
    if allowed & {date, datetime} and not allowed & {int, float, str}:
        iso_only(value)


NOT_NULL = "Feltet kan udelades, men ikke sættes til null."


def _check_deep(annotation: Any, value: Any) -> None:
    """_check_scalar for the value, and for every item of a list or value of a dict it is."""
    allowed = _plain_types(annotation)
    if isinstance(value, list | dict):
        kinds = (list, set, frozenset, tuple) if isinstance(value, list) else (dict,)
        for kind in allowed:
            if get_origin(kind) in kinds:
                items = value if isinstance(value, list) else value.values()
                item_type = get_args(kind)[-1] if get_args(kind) else Any
                for item in items:
                    _check_deep(item_type, item)
                return
    _check_scalar(allowed, value)


class RequestBody(BaseModel):
    """The base of every request body: an unknown field is refused (a misspelt field is not
    silently ignored), text holds no control characters, required text is not blank, and a
    number, a boolean or a date must be sent as one. Its JSON schema states these rules (see
    `_state_rules`), so a client, and a fuzzer, can know them before sending."""

    model_config = ConfigDict(extra="forbid")

    not_null: ClassVar[frozenset[str]] = frozenset()
    """Fields that may be left out but not sent as null (a change names a value to set)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_coercion(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is not None and info.field_name in cls.model_fields:
            if value is None and info.field_name in cls.not_null:
                raise ValueError(NOT_NULL)
            _check_deep(cls.model_fields[info.field_name].annotation, value)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        _refuse_controls(value)
        field = cls.model_fields.get(info.field_name or "")
        if (
            isinstance(value, str)
            and not value.strip()
            and field is not None
            and _needs_text(field)
        ):
            raise ValueError("Feltet må ikke være tomt.")
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(core_schema)
        model = handler.resolve_ref_schema(json_schema)
        for name, prop in model.get("properties", {}).items():
            field = cls.model_fields.get(name)
            if name in cls.not_null:
                _drop_null(prop)
            _state_rules(prop, filled=field is not None and _needs_text(field))
        return json_schema


def _needs_text(field: FieldInfo) -> bool:
    """Required, or declared at least one character long: blanks are no text then."""
    return field.is_required() or _has_min_length([*field.metadata, field.annotation])


def _has_min_length(items: list[Any]) -> bool:
    for item in items:
        if getattr(item, "min_length", 0):
            return True
        origin = get_origin(item)
        if origin is Annotated and _has_min_length(list(item.__metadata__)):
            return True
        if origin in (Union, types.UnionType) and _has_min_length(list(get_args(item))):
            return True
    return False


def _drop_null(schema: dict[str, Any]) -> None:
    """The field's schema without null (and without the default null)."""
    if schema.get("default", ...) is None:
        del schema["default"]
    branches = schema.get("anyOf")
    if branches is None:
        return
    kept = [branch for branch in branches if branch != {"type": "null"}]
    if len(kept) == 1:
        del schema["anyOf"]
        schema.update(kept[0])
    else:
        schema["anyOf"] = kept


def _state_rules(schema: Any, *, filled: bool) -> None:
    """State in a field's JSON schema what every request body enforces: text without control
    characters (and not blank where `filled`), integers within their 32-bit columns, and the
    same inside lists and objects (whose keys are text too)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return  # a model of its own states its own rules
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            _state_rules(branch, filled=filled)
    kind = schema.get("type")
    if kind == "string" and not {"format", "pattern", "enum", "const"} & schema.keys():
        schema["pattern"] = FILLED_TEXT_PATTERN if filled else TEXT_PATTERN
    elif kind == "integer":
        if not {"minimum", "exclusiveMinimum"} & schema.keys():
            schema["minimum"] = INT32_MIN
        if not {"maximum", "exclusiveMaximum"} & schema.keys():
            schema["maximum"] = INT32_MAX
    elif kind == "array":
        _state_rules(schema.get("items"), filled=False)
    elif kind == "object":
        for prop in schema.get("properties", {}).values():
            _state_rules(prop, filled=False)
        extra = schema.get("additionalProperties", "properties" not in schema)
        _state_rules(extra, filled=False)
        if extra is not False:
            schema.setdefault("propertyNames", {"pattern": TEXT_PATTERN})
