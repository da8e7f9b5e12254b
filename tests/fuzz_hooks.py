"""Schemathesis hooks for tests/test_api_fuzz.py (loaded by SCHEMATHESIS_HOOKS=tests.fuzz_hooks).

The OpenAPI document states every rule of a request that JSON Schema can state. What it cannot
state is here, and only that:

- the "cvr" format: a CVR number whose check digit is right (modulus 11);
- rules between fields and against today (an event ends after it starts, a case is decided
  after it was received and not in the future, …): schema-valid requests that break them are
  not generated as valid ones;
- answers that depend on the data rather than the request: a 422 typed `unknown_reference` (a
  row the request names does not exist) or `required_by_data` (a field the stored data needs),
  a rule between a change and the stored row it is merged with, an Idempotency-Key used
  before for another request, and a file that is no file of the kind an import reads. Only
  those are forgiven, and only as a valid request's refusal.
"""

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import schemathesis
from email_validator import EmailNotValidError, validate_email
from hypothesis import strategies as st
from stdnum.dk import cvr as cvr_rules

# ------------------------------------------------------------------------------ formats

_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def _with_check_digit(first: str) -> str | None:
    """The 8-digit CVR number beginning with the 7 digits, or None when no digit fits."""
    digit = -sum(w * int(d) for w, d in zip(_WEIGHTS, first, strict=False)) % 11
    return None if digit == 10 else first + str(digit)


def _written(number: str, prefix: str, spaced: bool) -> str:
    digits = " ".join(number[i : i + 2] for i in range(0, 8, 2)) if spaced else number
    return prefix + digits


_CVRS = (
    st.from_regex(r"[1-9][0-9]{6}", fullmatch=True)
    .map(_with_check_digit)
    .filter(lambda number: number is not None)
)
schemathesis.openapi.format(
    "cvr",
    st.builds(_written, _CVRS, st.sampled_from(["", "DK", "DK ", "dk"]), st.booleans()),
)

# ------------------------------------------------------------ rules the schema cannot state


def _positive(case: Any) -> bool:
    meta = case.meta
    return meta is None or meta.generation.mode.is_positive


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    """A JSON number (7 or 7.0, as JSON Schema's integer allows), else None."""
    return None if isinstance(value, bool) or not isinstance(value, int | float) else value


def _in_order(*moments: Any) -> bool:
    """Each given moment at or after the one before it (those not given are skipped)."""
    given = [moment for moment in moments if moment is not None]
    return all(a <= b for a, b in pairwise(given))


def _event(body: dict[str, Any]) -> bool:
    if not _in_order(_moment(body.get("starts_at")), _moment(body.get("ends_at"))):
        return False
    for session in body.get("sessions") or []:
        if isinstance(session, dict) and not _in_order(
            _moment(session.get("starts_at")), _moment(session.get("ends_at"))
        ):
            return False
    pupils, headcount = _number(body.get("headcount_pupils")), _number(body.get("headcount"))
    if pupils is not None:
        return headcount is not None and pupils <= headcount
    return True


def _event_change(body: dict[str, Any]) -> bool:
    """A change keeps the rules among the fields it gives (the stored event's are the
    server's to judge: see _MERGED_RULES)."""
    pupils, headcount = _number(body.get("headcount_pupils")), _number(body.get("headcount"))
    if pupils is not None and headcount is not None and pupils > headcount:
        return False
    return _event({k: v for k, v in body.items() if k not in ("headcount", "headcount_pupils")})


def _survey(body: dict[str, Any]) -> bool:
    keys = [q.get("key") for q in body.get("questions") or [] if isinstance(q, dict)]
    return len(keys) == len(set(keys))


def _case(body: dict[str, Any]) -> bool:
    today = date.today()
    received = _day(body.get("received_on"))
    complete = _day(body.get("complete_on"))
    decided = _day(body.get("decided_on"))
    if any(day is not None and day > today for day in (received, complete, decided)):
        return False
    if not _in_order(received, complete, decided) or not _in_order(received, decided):
        return False
    if body.get("decision") is not None and decided is None:
        return False
    paused = _number(body.get("paused_days"))
    days = ((decided or today) - complete).days if complete is not None else None
    if paused is not None and days is not None and paused > max(0, days):
        return False
    updated = _moment(body.get("source_updated_at"))
    return updated is None or updated <= datetime.now(UTC) + timedelta(minutes=5)


def _decided_range(query: dict[str, Any]) -> bool:
    """GET /cases/metrics: the period from decided_from (or the year's start) to decided_to
    (or the year's end, or as_of) is not empty."""
    year = query.get("year")
    year = int(year) if isinstance(year, int | str) and str(year).isdigit() else None
    start = _day(query.get("decided_from")) or (date(year, 1, 1) if year else date(1900, 1, 1))
    end = _day(query.get("decided_to")) or (
        date(year, 12, 31) if year else _day(query.get("as_of")) or date.today()
    )
    return start <= end


def _values(value: Any, names: set[str]) -> Iterator[Any]:
    """Every value under a key in `names`, however deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in names:
                yield item
            yield from _values(item, names)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item, names)


def _deliverable_form(email: Any) -> bool:
    """An address email-validator (the server's) takes: no special-use domain (.test, .local)."""
    if not isinstance(email, str):
        return True
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _valid_cvr(value: Any) -> bool:
    return not isinstance(value, str) or value == "" or cvr_rules.is_valid(value)


_BODY_RULES: dict[tuple[str, str], Callable[[dict[str, Any]], bool]] = {
    ("POST", "/api/v1/events"): _event,
    ("PATCH", "/api/v1/events/{event_id}"): _event_change,
    ("POST", "/api/v1/surveys"): _survey,
    ("PUT", "/api/v1/cases/{source}/{external_id}"): _case,
}
_QUERY_RULES: dict[tuple[str, str], Callable[[dict[str, Any]], bool]] = {
    ("GET", "/api/v1/cases/metrics"): _decided_range,
}


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    """A valid request keeps the rules between its fields; a negative one is left as it is."""
    if not _positive(case):
        return True
    key = (case.method.upper(), case.operation.path)
    body = case.body if isinstance(case.body, dict) else None
    if body is not None:
        rule = _BODY_RULES.get(key)
        if rule is not None and not rule(body):
            return False
        if not all(_deliverable_form(email) for email in _values(body, {"email"})):
            return False
        if not all(_valid_cvr(value) for value in _values(body, {"cvr", "company_cvr"})):
            return False
    query_rule = _QUERY_RULES.get(key)
    return query_rule is None or query_rule(case.query or {})


# ------------------------------------------------------------- answers the data decides

# Refusals typed by the server as the data's, not the request's.
_DATA_TYPES = {"unknown_reference", "required_by_data"}

# A change merged with the stored row breaks a rule between fields: the request alone could
# not know. The server names the body for it, in its own words (api/events/schemas.py
# check_event).
_MERGED_RULES = {
    ("PATCH", "/api/v1/events/{event_id}"): re.compile(
        r"ends_at er før starts_at|gælder kun virksomhedsbesøg|headcount_pupils"
    ),
}

# An import's file is generated as bytes, never a CSV or XLSX with the headers it needs.
_IMPORTS = {
    ("POST", "/api/v1/grants/imports"),
    ("POST", "/api/v1/surveys/{survey_id}/imports"),
    ("POST", "/api/v1/events/{event_id}/registrations/import"),
}
_IMPORT_FIELDS = {"file", "mapping"}


def _problem(response: Any) -> dict[str, Any] | None:
    if response is None or response.status_code != 422:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


# An Idempotency-Key the run sent before with another body: the key's earlier use decides,
# and the answer is 422 as the IETF draft on the header says it must be.
_DATA_PROBLEMS = ("/idempotency-key-reused",)


def _forgiven(key: tuple[str, str], problem: dict[str, Any]) -> bool:
    if str(problem.get("type", "")).endswith(_DATA_PROBLEMS):
        return True
    errors = [e for e in problem.get("errors") or [] if isinstance(e, dict)]
    if errors and all(e.get("type") in _DATA_TYPES for e in errors):
        return True
    merged = _MERGED_RULES.get(key)
    if (
        merged is not None
        and errors
        and all(e.get("field") == "body" and merged.search(str(e.get("message"))) for e in errors)
    ):
        return True
    fields = {str(e.get("field", "")).split(".")[0] for e in errors}
    return key in _IMPORTS and bool(fields) and fields <= _IMPORT_FIELDS


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but a valid request's refusal that the data, not the request, caused."""
    if "positive_data_acceptance" not in type(failure).checks:
        return True
    problem = _problem(response)
    if problem is None:
        return True
    return not _forgiven((case.method.upper(), case.operation.path), problem)
